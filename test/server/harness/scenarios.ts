// The client-visible scenarios of issue 5, each returning a plain observation (no timings, no
// token strings) so the observation of a server on its stock engine can be compared whole with the
// same server on sc-auth-bridge.
import { createClient, type TestClient } from './client';
import { WAIT_MS, type ErrInfo, type ServerHandle } from './server-handle';
import { decodeHeader } from './tokens';

export interface HandshakeObservation {
  isAuthenticated: boolean;
  authError: ErrInfo | null;
  clientAuthState: string;
  /** client events after 'connect'-time, in order, 'error:<name>' for errors */
  clientEvents: string[];
  /** what the client's token storage holds afterwards */
  storedToken: 'kept' | 'removed' | 'none' | 'other';
  server: {
    isAuthenticated: boolean;
    authError: ErrInfo | null;
    username: unknown;
    badSocketAuthToken: ErrInfo[];
    socketErrors: ErrInfo[];
  };
}

function eventNames(c: TestClient, from = 0): string[] {
  return c.events
    .slice(from)
    .filter((e) => e.name !== 'connect' && e.name !== 'close')
    .map((e) => (e.name === 'error' ? `error:${(e.detail as ErrInfo).name}` : e.name));
}

function serverSide(server: ServerHandle, socketId: string, from: number) {
  const mine = server.events.slice(from).filter((e) => e.socketId === socketId);
  return {
    badSocketAuthToken: mine.filter((e) => e.name === 'badSocketAuthToken').map((e) => e.authError as ErrInfo),
    socketErrors: mine.filter((e) => e.name === 'socketError').map((e) => e.error as ErrInfo),
  };
}

/** Connect a fresh client that already holds `token` (or none) and observe the handshake. */
export async function handshakeWith(server: ServerHandle, token: string | null): Promise<HandshakeObservation> {
  const client = createClient(server.version, server.port);
  const from = server.events.length;
  try {
    if (token != null) await client.saveToken(token);
    const status = await client.connect();
    const conn = await server.waitFor((e) => e.name === 'connection' && e.socketId === status.id, WAIT_MS, 'connection');
    // The server sends #removeAuthToken before its handshake reply; one more round trip on the
    // same socket guarantees the client has handled it before we read its storage.
    await client.invoke('whoami');
    await server.sync();
    const stored = await client.loadToken();
    return {
      isAuthenticated: status.isAuthenticated,
      authError: status.authError,
      clientAuthState: client.authState,
      clientEvents: eventNames(client),
      storedToken: stored == null ? (token == null ? 'none' : 'removed') : stored === token ? 'kept' : 'other',
      server: {
        isAuthenticated: conn.isAuthenticated as boolean,
        authError: (conn.authError as ErrInfo | null) ?? null,
        username: (conn.authToken as any)?.username ?? null,
        ...serverSide(server, status.id, from),
      },
    };
  } finally {
    client.destroy();
  }
}

export interface LoginObservation {
  procedureReturned: string;
  setAuthTokenError: ErrInfo | null;
  clientAuthState: string;
  clientEvents: string[];
  alg: string;
  payloadKeys: string[];
  username: unknown;
  lifetime: number;
  storedIsSigned: boolean;
  serverAuthState: string;
  serverUsername: unknown;
  reconnect: HandshakeObservation;
  /** the signed token the server issued, for cross-server checks (not compared) */
  signedAuthToken?: string;
}

/** Log in through a procedure that calls setAuthToken, then reconnect with the stored token. */
export async function loginAndReconnect(server: ServerHandle, payload: Record<string, unknown> = { username: 'alice', role: 'admin' }): Promise<LoginObservation> {
  const client = createClient(server.version, server.port);
  try {
    const status = await client.connect();
    const before = client.events.length;
    await client.invoke('login', { payload });
    const auth = await client.waitEvent('authenticate', WAIT_MS, before);
    const done = await server.waitFor((e) => e.name === 'setAuthTokenDone' && e.socketId === status.id, WAIT_MS, 'setAuthTokenDone');
    const returned = await server.waitFor((e) => e.name === 'setAuthTokenReturned' && e.socketId === status.id, WAIT_MS, 'setAuthTokenReturned');
    const signed = auth.detail as string;
    const who = await client.invoke('whoami');
    const token = client.authToken as Record<string, any>;
    const stored = await client.loadToken();
    const loginEvents = eventNames(client, before);

    await client.disconnect();
    const reFrom = server.events.length;
    const reBefore = client.events.length;
    const re = await client.connect();
    const conn = await server.waitFor((e) => e.name === 'connection' && e.socketId === re.id, WAIT_MS, 'connection');
    await client.invoke('whoami');
    await server.sync();
    const reStored = await client.loadToken();
    return {
      procedureReturned: returned.returned as string,
      setAuthTokenError: (done.error as ErrInfo | null) ?? null,
      clientAuthState: client.authState,
      clientEvents: loginEvents,
      alg: decodeHeader(signed).alg,
      payloadKeys: Object.keys(token).sort(),
      username: token.username,
      lifetime: token.exp - token.iat,
      storedIsSigned: stored === signed,
      serverAuthState: who.authState,
      serverUsername: who.authToken?.username,
      signedAuthToken: signed,
      reconnect: {
        isAuthenticated: re.isAuthenticated,
        authError: re.authError,
        clientAuthState: client.authState,
        clientEvents: eventNames(client, reBefore),
        storedToken: reStored === signed ? 'kept' : reStored == null ? 'removed' : 'other',
        server: {
          isAuthenticated: conn.isAuthenticated as boolean,
          authError: (conn.authError as ErrInfo | null) ?? null,
          username: (conn.authToken as any)?.username ?? null,
          ...serverSide(server, re.id, reFrom),
        },
      },
    };
  } finally {
    client.destroy();
  }
}

/** The observation without the per-run token string, for whole-object comparison. */
export function comparable(o: LoginObservation): Omit<LoginObservation, 'signedAuthToken'> {
  const { signedAuthToken: _omit, ...rest } = o;
  return rest;
}

export interface AuthenticateObservation {
  error: ErrInfo | null;
  status: { isAuthenticated: boolean; authError: ErrInfo | null } | null;
  clientAuthState: string;
  clientEvents: string[];
  storedToken: 'kept' | 'removed' | 'none' | 'other';
  serverAuthState: string;
  serverUsername: unknown;
  badSocketAuthToken: ErrInfo[];
}

/** Connect without a token, then present `token` with socket.authenticate() (the #authenticate path). */
export async function authenticateWith(server: ServerHandle, token: string): Promise<AuthenticateObservation> {
  const client = createClient(server.version, server.port);
  const from = server.events.length;
  try {
    const status = await client.connect();
    const before = client.events.length;
    const result = await client.authenticate(token);
    // One more round trip: a #removeAuthToken sent with the reply has been handled after it.
    const who = await client.invoke('whoami');
    await server.sync();
    const stored = await client.loadToken();
    return {
      ...result,
      clientAuthState: client.authState,
      clientEvents: eventNames(client, before),
      storedToken: stored == null ? 'removed' : stored === token ? 'kept' : 'other',
      serverAuthState: who.authState,
      serverUsername: who.authToken?.username ?? null,
      badSocketAuthToken: serverSide(server, status.id, from).badSocketAuthToken,
    };
  } finally {
    client.destroy();
  }
}
