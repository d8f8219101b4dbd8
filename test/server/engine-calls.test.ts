// How each real server calls its engine (FACTS.md "How socketcluster-server calls its engine"),
// recorded by a pass-through recorder around the stock engine and around sc-auth-bridge. The
// bridge must get the same calls and answer each in the shape that server expects: undefined +
// callback on 14, a Promise on 15+.
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from './harness/client';
import { loginAndReconnect } from './harness/scenarios';
import { startServer, type EngineCall, type ServerHandle, type ServerVersion } from './harness/server-handle';
import { hsConfig } from './harness/tokens';
import { SERVER_MODES } from './harness/modes';

const RECORDERS = SERVER_MODES.includes('bridge') ? (['record-stock', 'record-bridge'] as const) : (['record-stock'] as const);
const servers: ServerHandle[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function recordLogin(version: ServerVersion, mode: (typeof RECORDERS)[number], extra: Record<string, unknown>) {
  const server = await startServer(version, mode, { ...hsConfig().serverOptions, ...extra });
  servers.push(server);
  const obs = await loginAndReconnect(server);
  expect(obs.reconnect.isAuthenticated).toBe(true);
  const calls = await server.engineCalls();
  await server.close();
  return calls;
}

const OLD_OPTIONS = { authSignAsync: true, authVerifyAsync: false, authAlgorithm: 'HS512' };

describe.each(RECORDERS)('engine calls, %s', (mode) => {
  it('14 passes a callback and async flags (defaults: verify async, sign sync) and ignores the return value', async () => {
    const calls = await recordLogin(14, mode, {});
    const expected: EngineCall[] = [
      // first handshake: no token yet
      { method: 'verifyToken', argc: 4, tokenType: 'null', keyType: 'string', options: { async: true, socket: 'object' }, callbackType: 'function', returned: 'undefined' },
      { method: 'signToken', argc: 4, tokenType: 'object', keyType: 'string', options: { async: false, expiresIn: 86400, mutatePayload: true }, callbackType: 'function', returned: 'undefined' },
      // reconnect with the stored token
      { method: 'verifyToken', argc: 4, tokenType: 'string', keyType: 'string', options: { async: true, socket: 'object' }, callbackType: 'function', returned: 'undefined' },
    ];
    expect(calls).toEqual(expected);
  });

  it('14 forwards authSignAsync / authVerifyAsync / authAlgorithm as async / algorithm(s)', async () => {
    const calls = await recordLogin(14, mode, OLD_OPTIONS);
    expect(calls.map((c) => [c.method, c.options])).toEqual([
      ['verifyToken', { algorithms: ['HS512'], async: false, socket: 'object' }],
      ['signToken', { algorithm: 'HS512', async: true, expiresIn: 86400, mutatePayload: true }],
      ['verifyToken', { algorithms: ['HS512'], async: false, socket: 'object' }],
    ]);
  });

  it.each([16, 20] as const)('%i awaits 3-argument calls, no callback, and drops authSignAsync / authVerifyAsync', async (version) => {
    const calls = await recordLogin(version, mode, OLD_OPTIONS);
    const expected: EngineCall[] = [
      { method: 'verifyToken', argc: 3, tokenType: 'null', keyType: 'string', options: { algorithms: ['HS512'], socket: 'object' }, callbackType: 'undefined', returned: 'promise' },
      { method: 'signToken', argc: 3, tokenType: 'object', keyType: 'string', options: { algorithm: 'HS512', expiresIn: 86400, mutatePayload: true }, callbackType: 'undefined', returned: 'promise' },
      { method: 'verifyToken', argc: 3, tokenType: 'string', keyType: 'string', options: { algorithms: ['HS512'], socket: 'object' }, callbackType: 'undefined', returned: 'promise' },
    ];
    expect(calls).toEqual(expected);
  });
});

describe('every handshake calls verifyToken, even without a token', () => {
  it.each([14, 20] as const)('server %i: one verifyToken(null) per token-less connection', async (version) => {
    const server = await startServer(version, 'record-stock', hsConfig().serverOptions);
    servers.push(server);
    for (let i = 0; i < 3; i++) {
      const c = createClient(version, server.port);
      try {
        const st = await c.connect();
        await server.waitFor((e) => e.name === 'connection' && e.socketId === st.id);
      } finally {
        c.destroy();
      }
    }
    const calls = await server.engineCalls();
    expect(calls.map((c) => `${c.method}(${c.tokenType})`)).toEqual(['verifyToken(null)', 'verifyToken(null)', 'verifyToken(null)']);
    await server.close();
  });
});
