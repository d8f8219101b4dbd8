// Server-side differences between 14 and 15+ that MIGRATION.md states, checked on the real
// packages, with the stock engine and with sc-auth-bridge (which must not change them).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './harness/client';
import { handshakeWith, loginAndReconnect } from './harness/scenarios';
import { startServer, type EngineMode, type ServerHandle, type ServerVersion } from './harness/server-handle';
import { accepted, refused } from './harness/suite';
import { SERVER_MODES } from './harness/modes';
import * as T from './harness/tokens';

// jsonwebtoken 8 (what sc-auth 5 signs with), for a token issued before the upgrade.
const jwt8 = createRequire(__filename)('jsonwebtoken-8') as typeof import('jsonwebtoken');
const ENGINES: EngineMode[] = SERVER_MODES.filter((m) => m !== 'bridge-set');
/** Servers whose engine signs with jsonwebtoken 9: 14 on the bridge, 20 on either. */
const JWT9_SERVERS = ([[14, 'bridge'], [20, 'stock'], [20, 'bridge']] as Array<[ServerVersion, EngineMode]>).filter(([, m]) => ENGINES.includes(m));
const open: ServerHandle[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

async function serve(version: ServerVersion, mode: EngineMode) {
  const cfg = T.hsConfig();
  const server = await startServer(version, mode, cfg.serverOptions);
  open.push(server);
  return { server, cfg };
}

// `expiresInMinutes` (jsonwebtoken < 6) is still found in old apps: jsonwebtoken 8 and 9 refuse it.
const OLD_OPTION = { expiresInMinutes: 60 };
const SIGN_ERROR = { name: 'Error', message: '"expiresInMinutes" is not allowed in "options"' };

/** Log in with options the signer refuses; returns what the client and the server saw. */
async function failingLogin(server: ServerHandle, noCatch: boolean) {
  const client = createClient(server.version, server.port);
  try {
    const status = await client.connect();
    const invoked = await client.invoke('login', { payload: { username: 'alice' }, options: OLD_OPTION, noCatch }).then(
      () => null,
      (err) => err.name as string,
    );
    const close = await client.waitEvent('close');
    const clientError = await client.waitEvent('error');
    const closed = await server.waitFor((e) => e.name === 'socketClose' && e.socketId === status.id);
    const returned = await server.waitFor((e) => e.name === 'setAuthTokenReturned' && e.socketId === status.id);
    return { status, invoked, closeCode: close.detail, clientError: clientError.detail, serverCloseCode: closed.code, returned: returned.returned };
  } finally {
    client.destroy();
  }
}

describe.each(ENGINES)('a failing setAuthToken, engine: %s', (mode) => {
  it('14: the callback gets the signing error, setAuthToken returns undefined, the socket closes with 4002', async () => {
    const { server } = await serve(14, mode);
    const r = await failingLogin(server, false);
    expect(r).toMatchObject({
      invoked: 'BadConnectionError',
      closeCode: 4002,
      clientError: { name: 'SocketProtocolError', message: 'Server failed to sign auth token' },
      serverCloseCode: 4002,
      returned: 'undefined',
    });
    const done = await server.waitFor((e) => e.name === 'setAuthTokenDone' && e.socketId === r.status.id);
    expect(done.error).toEqual(SIGN_ERROR);
  });

  it('20: setAuthToken returns a Promise that rejects with the signing error; the client sees the same as on 14', async () => {
    const { server } = await serve(20, mode);
    const r = await failingLogin(server, false);
    expect(r).toMatchObject({
      invoked: 'BadConnectionError',
      closeCode: 4002,
      clientError: { name: 'SocketProtocolError', message: 'Server failed to sign auth token' },
      serverCloseCode: 4002,
      returned: 'promise',
    });
    const done = await server.waitFor((e) => e.name === 'setAuthTokenDone' && e.socketId === r.status.id);
    expect(done.error).toEqual(SIGN_ERROR);
  });

  it('14: fire-and-forget setAuthToken (no callback) that fails leaves the process running', async () => {
    const { server } = await serve(14, mode);
    const r = await failingLogin(server, true);
    expect(r.closeCode).toBe(4002);
    // The server still serves new connections.
    expect(await handshakeWith(server, null)).toMatchObject({ isAuthenticated: false, authError: null });
    expect(server.fatal).toEqual([]);
  });

  it('20: fire-and-forget setAuthToken that fails is an unhandled rejection: the server process dies', async () => {
    const { server } = await serve(20, mode);
    const r = await failingLogin(server, true);
    expect(r.closeCode).toBe(4002);
    expect(await server.exited(5000)).toBe(1);
    expect(server.fatal).toEqual([{ kind: 'unhandledRejection', error: SIGN_ERROR }]);
  });
});

describe('engines in the wrong server', () => {
  it('a callback-only engine on 20 without fromLegacyEngine: valid tokens refused (AuthTokenError) and removed from the client', async () => {
    const { server, cfg } = await serve(20, 'legacy-raw');
    expect(await handshakeWith(server, T.validToken(cfg))).toEqual(refused('AuthTokenError', 'callback is not a function'));
    // ...and every login fails: the socket is closed with 4002.
    const r = await failingLogin(server, false);
    expect(r.closeCode).toBe(4002);
    const done = await server.waitFor((e) => e.name === 'setAuthTokenDone' && e.socketId === r.status.id);
    expect(done.error).toEqual({ name: 'TypeError', message: 'callback is not a function' });
  });

  it('ag-auth (Promise-only) on 14: a handshake with a valid token never completes (the Promise is ignored)', async () => {
    const { server, cfg } = await serve(14, 'ag-auth');
    // The client's own timer is the bounded wait: the WebSocket opens, the #handshake reply never
    // comes, and client 14's ping timeout (= ackTimeout) aborts the connection with 4000.
    const client = createClient(14, server.port, { connectTimeout: 1000, ackTimeout: 1000 });
    try {
      await client.saveToken(T.validToken(cfg));
      void client.connect(3000).catch(() => undefined);
      const abort = await client.waitEvent('connectAbort', 10_000);
      expect(abort.detail).toBe(4000);
      expect(client.events.some((e) => e.name === 'connect')).toBe(false);
      await server.sync();
      expect(server.events.filter((e) => e.name === 'connection')).toEqual([]);
      expect(server.fatal).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('ag-auth (Promise-only) on 14: the first token-less handshake kills the server (unhandled rejection)', async () => {
    const { server } = await serve(14, 'ag-auth');
    const client = createClient(14, server.port);
    try {
      void client.connect().catch(() => undefined);
      const abort = await client.waitEvent('connectAbort', 10_000);
      expect(abort.detail).toBe(1006);
      expect(await server.exited(5000)).toBe(1);
      expect(server.fatal).toEqual([{ kind: 'unhandledRejection', error: { name: 'JsonWebTokenError', message: 'jwt must be provided' } }]);
    } finally {
      client.destroy();
    }
  });
});

describe('RSA key pair without authAlgorithm (a config that never really worked)', () => {
  const keyPairOnly = () => {
    const cfg = T.rsConfig();
    return { authPrivateKey: cfg.serverOptions.authPrivateKey, authPublicKey: cfg.serverOptions.authPublicKey };
  };

  it('14 + sc-auth 5 (jsonwebtoken 8): login issues an HS256 token keyed with the PEM text, which the same server refuses on reconnect', async () => {
    const server = await startServer(14, 'stock', keyPairOnly());
    open.push(server);
    const obs = await loginAndReconnect(server);
    expect(obs.alg).toBe('HS256');
    expect(obs.serverAuthState).toBe('authenticated');
    // The client was authenticated before the reconnect, so it also sees 'deauthenticate'.
    expect(obs.reconnect).toEqual({ ...refused('AuthTokenInvalidError', 'invalid algorithm'), clientEvents: ['removeAuthToken', 'deauthenticate'] });
  });

  it.each(JWT9_SERVERS)('%i + %s (jsonwebtoken 9): setAuthToken fails at once and the socket closes with 4002', async (version, mode) => {
    const server = await startServer(version, mode, keyPairOnly());
    open.push(server);
    const client = createClient(version, server.port);
    try {
      const status = await client.connect();
      await expect(client.invoke('login', { payload: { username: 'alice' } })).rejects.toMatchObject({ name: 'BadConnectionError' });
      expect((await client.waitEvent('close')).detail).toBe(4002);
      const done = await server.waitFor((e) => e.name === 'setAuthTokenDone' && e.socketId === status.id);
      expect(done.error).toEqual({ name: 'Error', message: 'secretOrPrivateKey must be a symmetric key when using HS256' });
    } finally {
      client.destroy();
    }
  });
});

describe('RSA keys under 2048 bits (jsonwebtoken 9 refuses to sign with them)', () => {
  let small: { privateKey: string; publicKey: string };
  const options = () => ({ authPrivateKey: small.privateKey, authPublicKey: small.publicKey, authAlgorithm: 'RS256' });
  const oldToken = () => jwt8.sign({ username: 'carol', exp: Math.floor(Date.now() / 1000) + 3600 }, small.privateKey, { algorithm: 'RS256' });
  const SIZE_ERROR = { name: 'Error', message: 'secretOrPrivateKey has a minimum key size of 2048 bits for RS256' };

  beforeAll(() => {
    small = crypto.generateKeyPairSync('rsa', {
      modulusLength: 1024,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  });

  it('14 + sc-auth 5 signs with a 1024-bit key', async () => {
    const server = await startServer(14, 'stock', options());
    open.push(server);
    expect((await loginAndReconnect(server)).reconnect).toEqual(accepted('alice'));
  });

  it.each(JWT9_SERVERS)('%i + %s: tokens already issued still verify, but setAuthToken fails (4002)', async (version, mode) => {
    const server = await startServer(version, mode, options());
    open.push(server);
    expect(await handshakeWith(server, oldToken())).toEqual(accepted('carol'));
    const client = createClient(version, server.port);
    try {
      const status = await client.connect();
      await expect(client.invoke('login', { payload: { username: 'alice' } })).rejects.toMatchObject({ name: 'BadConnectionError' });
      expect((await client.waitEvent('close')).detail).toBe(4002);
      const done = await server.waitFor((e) => e.name === 'setAuthTokenDone' && e.socketId === status.id);
      expect(done.error).toEqual(SIZE_ERROR);
    } finally {
      client.destroy();
    }
  });

  it.runIf(ENGINES.includes('bridge')).each([14, 20] as const)(
    '%i + new AuthEngine({ allowInsecureKeySizes: true }): logins work again with the old key',
    async (version) => {
      const server = await startServer(version, 'bridge', options(), { allowInsecureKeySizes: true });
      open.push(server);
      const obs = await loginAndReconnect(server);
      expect(obs.alg).toBe('RS256');
      expect(obs.reconnect).toEqual(accepted('alice'));
    },
  );
});
