// Rolling upgrade: a 14 server and a 20 server share the key; a token issued by one must
// authenticate on the other, whichever engine each runs (stock or sc-auth-bridge).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handshakeWith, loginAndReconnect } from './harness/scenarios';
import { startServer, type EngineMode, type ServerHandle, type ServerVersion } from './harness/server-handle';
import { accepted, refused } from './harness/suite';
import { SERVER_MODES } from './harness/modes';
import * as T from './harness/tokens';

const ENGINES: EngineMode[] = SERVER_MODES.filter((m) => m !== 'bridge-set');

describe.each([
  ['HS256', () => T.hsConfig('HS256')],
  ['RS256', () => T.rsConfig()],
] as const)('rolling upgrade 14 <-> 20 with %s', (_label, make) => {
  const servers = new Map<string, ServerHandle>();
  let cfg: T.AuthConfig;
  const key = (v: ServerVersion, m: EngineMode) => `${v}/${m}`;
  beforeAll(async () => {
    cfg = make();
    const starts: Promise<void>[] = [];
    for (const v of [14, 20] as const) {
      for (const m of ENGINES) {
        starts.push(startServer(v, m, cfg.serverOptions).then((s) => void servers.set(key(v, m), s)));
      }
    }
    await Promise.all(starts);
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.close()));
  });

  const pairs: Array<[ServerVersion, EngineMode, ServerVersion, EngineMode]> = [];
  for (const from of [14, 20] as const) {
    for (const fm of ENGINES) {
      for (const tm of ENGINES) pairs.push([from, fm, from === 14 ? 20 : 14, tm]);
    }
  }

  it.each(pairs)('token issued by %i (%s) authenticates on %i (%s)', async (fromV, fromM, toV, toM) => {
    const login = await loginAndReconnect(servers.get(key(fromV, fromM))!);
    expect(login.reconnect.isAuthenticated).toBe(true);
    expect(await handshakeWith(servers.get(key(toV, toM))!, login.signedAuthToken!)).toEqual(accepted('alice'));
  });

  it.each(ENGINES)('a token from a server with another key is refused on 20 (%s)', async (mode) => {
    const otherCfg = cfg.algorithm === 'RS256' ? T.rsConfig(1) : T.hsConfig('HS256');
    const other = await startServer(14, 'stock', otherCfg.serverOptions);
    try {
      const login = await loginAndReconnect(other);
      const obs = await handshakeWith(servers.get(key(20, mode))!, login.signedAuthToken!);
      expect(obs).toEqual(refused('AuthTokenInvalidError', 'invalid signature'));
    } finally {
      await other.close();
    }
  });
});
