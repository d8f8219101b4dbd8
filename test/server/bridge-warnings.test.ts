// sc-auth-bridge inside real servers: on 14 (callbacks) it warns once per call site with code
// SC_AUTH_BRIDGE_CALLBACK and lists the server's own call sites; on 20 (Promises) it stays quiet.
import { afterAll, describe, expect, it } from 'vitest';
import { loginAndReconnect } from './harness/scenarios';
import { startServer, type ServerHandle } from './harness/server-handle';
import { hsConfig } from './harness/tokens';

const open: ServerHandle[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

async function run(version: 14 | 20, mode: 'bridge' | 'bridge-set' | 'stock') {
  const server = await startServer(version, mode, hsConfig().serverOptions);
  open.push(server);
  // Two logins + reconnects: the warning must not repeat per call.
  for (let i = 0; i < 2; i++) expect((await loginAndReconnect(server)).reconnect.isAuthenticated).toBe(true);
  await server.sync();
  const warnings = server.events.filter((e) => e.name === 'processWarning').map((e) => e.warning as { name: string; code: string; message: string });
  return { server, warnings };
}

describe.each(['bridge', 'bridge-set'] as const)('sc-auth-bridge (%s)', (mode) => {
  it('on server 14: one DeprecationWarning per callback call site, naming the server file', async () => {
    const { server, warnings } = await run(14, mode);
    const ours = warnings.filter((w) => w.code === 'SC_AUTH_BRIDGE_CALLBACK');
    expect(ours.map((w) => w.name)).toEqual(['DeprecationWarning', 'DeprecationWarning']);
    expect(ours.map((w) => w.message).join('\n')).toMatch(/verifyToken\(\) called at .*socketcluster-server-14[\\/]scserver\.js:\d+/);
    expect(ours.map((w) => w.message).join('\n')).toMatch(/signToken\(\) called at .*socketcluster-server-14[\\/]scserversocket\.js:\d+/);
    const sites = (await server.legacyCallSites())!;
    const byMethod = Object.fromEntries(sites.map((s) => [s.method, s]));
    expect(byMethod.verifyToken.file).toMatch(/socketcluster-server-14[\\/]scserver\.js$/);
    expect(byMethod.signToken.file).toMatch(/socketcluster-server-14[\\/]scserversocket\.js$/);
    // 2 x (handshake without token + reconnect with token) verifies, 2 signs
    expect(byMethod.verifyToken.count).toBe(4);
    expect(byMethod.signToken.count).toBe(2);
  });

  it('on server 20: no warning, no callback call sites', async () => {
    const { server, warnings } = await run(20, mode);
    expect(warnings.filter((w) => w.code === 'SC_AUTH_BRIDGE_CALLBACK')).toEqual([]);
    expect(await server.legacyCallSites()).toEqual([]);
  });
});

it('the stock engines emit no such warning (control)', async () => {
  for (const v of [14, 20] as const) {
    const { warnings } = await run(v, 'stock');
    expect(warnings.filter((w) => w.code === 'SC_AUTH_BRIDGE_CALLBACK')).toEqual([]);
  }
});
