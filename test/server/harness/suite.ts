// The scenario suite of issue 5 for one server version: every auth config x every engine mode
// runs the same scenarios and must produce the SAME full observation (one expected object per
// scenario, shared by all modes), which is what "the client sees the same thing" means here.
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateWith, comparable, handshakeWith, loginAndReconnect, type AuthenticateObservation, type HandshakeObservation } from './scenarios';
import { startServer, type EngineMode, type ErrInfo, type ServerHandle, type ServerVersion } from './server-handle';
import * as T from './tokens';

export interface SuiteConfig {
  label: string;
  make: () => T.AuthConfig;
  /** extra server options (e.g. authSignAsync on 14) */
  extra?: Record<string, unknown>;
}

export const NO_TOKEN: HandshakeObservation = {
  isAuthenticated: false,
  authError: null,
  clientAuthState: 'unauthenticated',
  clientEvents: [],
  storedToken: 'none',
  server: { isAuthenticated: false, authError: null, username: null, badSocketAuthToken: [], socketErrors: [] },
};

/** A bad token: refused on the handshake, reported as badSocketAuthToken, removed from the client. */
export function refused(name: string, message: string): HandshakeObservation {
  const err: ErrInfo = { name, message };
  return {
    isAuthenticated: false,
    authError: err,
    clientAuthState: 'unauthenticated',
    clientEvents: ['removeAuthToken'],
    storedToken: 'removed',
    server: { isAuthenticated: false, authError: err, username: null, badSocketAuthToken: [err], socketErrors: [] },
  };
}

/** A not-yet-valid token: refused, but not "bad": the client keeps it for later. */
export const NOT_BEFORE: HandshakeObservation = {
  isAuthenticated: false,
  authError: { name: 'AuthTokenNotBeforeError', message: 'jwt not active' },
  clientAuthState: 'unauthenticated',
  clientEvents: [],
  storedToken: 'kept',
  server: {
    isAuthenticated: false,
    authError: { name: 'AuthTokenNotBeforeError', message: 'jwt not active' },
    username: null,
    badSocketAuthToken: [],
    socketErrors: [],
  },
};

export function accepted(username: string): HandshakeObservation {
  return {
    isAuthenticated: true,
    authError: null,
    clientAuthState: 'authenticated',
    clientEvents: ['authenticate'],
    storedToken: 'kept',
    server: { isAuthenticated: true, authError: null, username, badSocketAuthToken: [], socketErrors: [] },
  };
}

/** A token signed with another algorithm than the server allows (algorithm confusion included). */
function otherAlgorithmToken(cfg: T.AuthConfig): string {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  if (cfg.algorithm === 'RS256') {
    // The classic attack: HS256 with the PUBLIC key as the HMAC secret. jsonwebtoken 9 refuses to
    // sign that, so build it by hand.
    const pub = cfg.serverOptions.authPublicKey as string;
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ username: 'mallory', exp })}`;
    return `${body}.${crypto.createHmac('sha256', pub).update(body).digest('base64url')}`;
  }
  return jwt.sign({ username: 'mallory', exp }, cfg.signKey, { algorithm: cfg.algorithm === 'HS256' ? 'HS512' : 'HS256' });
}

function unsignedToken(): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ username: 'mallory', exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}

/** socket.authenticate(token) after connecting (the #authenticate path). */
export function authenticateAccepted(): AuthenticateObservation {
  return {
    error: null,
    status: { isAuthenticated: true, authError: null },
    clientAuthState: 'authenticated',
    clientEvents: ['authenticate'],
    storedToken: 'kept',
    serverAuthState: 'authenticated',
    serverUsername: 'bob',
    badSocketAuthToken: [],
  };
}

/** A bad token through socket.authenticate(): client 14 gets (err, status) in its callback,
 * clients 15+ get a rejection and no status. Everything else is the same. */
export function authenticateRefused(version: ServerVersion, name: string, message: string): AuthenticateObservation {
  const err: ErrInfo = { name, message };
  return {
    error: err,
    status: version === 14 ? { isAuthenticated: false, authError: err } : null,
    clientAuthState: 'unauthenticated',
    clientEvents: ['removeAuthToken'],
    storedToken: 'removed',
    serverAuthState: 'unauthenticated',
    serverUsername: null,
    badSocketAuthToken: [err],
  };
}

export const AUTHENTICATE_NOT_BEFORE: AuthenticateObservation = {
  error: null,
  status: { isAuthenticated: false, authError: { name: 'AuthTokenNotBeforeError', message: 'jwt not active' } },
  clientAuthState: 'unauthenticated',
  clientEvents: [],
  storedToken: 'kept',
  serverAuthState: 'unauthenticated',
  serverUsername: null,
  badSocketAuthToken: [],
};

export function defineServerSuite(version: ServerVersion, modes: EngineMode[], configs: SuiteConfig[]): void {
  for (const sc of configs) {
    for (const mode of modes) {
      describe(`server ${version}, ${sc.label}, engine: ${mode}`, () => {
        let server: ServerHandle;
        let cfg: T.AuthConfig;
        beforeAll(async () => {
          cfg = sc.make();
          server = await startServer(version, mode, { ...cfg.serverOptions, ...sc.extra });
        });
        afterAll(async () => {
          await server?.close();
        });

        it('connect without a token: not authenticated, no error', async () => {
          expect(await handshakeWith(server, null)).toEqual(NO_TOKEN);
        });

        it('login -> setAuthToken -> client gets the token and authenticate; reconnect authenticates on the handshake', async () => {
          const obs = await loginAndReconnect(server);
          expect(comparable(obs)).toEqual({
            procedureReturned: version === 14 ? 'undefined' : 'promise',
            setAuthTokenError: null,
            clientAuthState: 'authenticated',
            clientEvents: ['authenticate'],
            alg: cfg.algorithm,
            payloadKeys: ['exp', 'iat', 'role', 'username'],
            username: 'alice',
            lifetime: 86400,
            storedIsSigned: true,
            serverAuthState: 'authenticated',
            serverUsername: 'alice',
            reconnect: accepted('alice'),
          });
          // The token the server issued really is signed for this server's key and algorithm.
          const verifyKey = (cfg.serverOptions.authPublicKey as string | undefined) ?? cfg.signKey;
          const decoded = jwt.verify(obs.signedAuthToken!, verifyKey, { algorithms: [cfg.algorithm] }) as any;
          expect(decoded.username).toBe('alice');
        });

        it('a valid token made elsewhere with the same key authenticates on the handshake', async () => {
          expect(await handshakeWith(server, T.validToken(cfg))).toEqual(accepted('bob'));
        });

        it('expired token -> AuthTokenExpiredError and badSocketAuthToken', async () => {
          expect(await handshakeWith(server, T.expiredToken(cfg))).toEqual(refused('AuthTokenExpiredError', 'jwt expired'));
        });

        it('tampered payload -> AuthTokenInvalidError', async () => {
          expect(await handshakeWith(server, T.tamperedToken(cfg))).toEqual(refused('AuthTokenInvalidError', 'invalid signature'));
        });

        it('wrong key -> AuthTokenInvalidError', async () => {
          expect(await handshakeWith(server, T.wrongKeyToken(cfg))).toEqual(refused('AuthTokenInvalidError', 'invalid signature'));
        });

        it('malformed -> AuthTokenInvalidError', async () => {
          expect(await handshakeWith(server, T.MALFORMED_TOKEN)).toEqual(refused('AuthTokenInvalidError', 'jwt malformed'));
        });

        it('not-before -> AuthTokenNotBeforeError, token kept, no badSocketAuthToken', async () => {
          expect(await handshakeWith(server, T.notBeforeToken(cfg))).toEqual(NOT_BEFORE);
        });

        it('unsigned (alg none) token is refused', async () => {
          expect(await handshakeWith(server, unsignedToken())).toEqual(refused('AuthTokenInvalidError', 'jwt signature is required'));
        });

        it('socket.authenticate(valid token) after connecting -> authenticated', async () => {
          expect(await authenticateWith(server, T.validToken(cfg))).toEqual(authenticateAccepted());
        });

        it('socket.authenticate(expired / malformed) -> refused, badSocketAuthToken, token removed', async () => {
          expect(await authenticateWith(server, T.expiredToken(cfg))).toEqual(authenticateRefused(version, 'AuthTokenExpiredError', 'jwt expired'));
          expect(await authenticateWith(server, T.MALFORMED_TOKEN)).toEqual(authenticateRefused(version, 'AuthTokenInvalidError', 'jwt malformed'));
        });

        it('socket.authenticate(not-before token) -> AuthTokenNotBeforeError in the status, token kept', async () => {
          expect(await authenticateWith(server, T.notBeforeToken(cfg))).toEqual(AUTHENTICATE_NOT_BEFORE);
        });

        if (hasFixedAlgorithm(sc)) {
          it('a token with another algorithm is refused (incl. HS256-with-public-key confusion)', async () => {
            expect(await handshakeWith(server, otherAlgorithmToken(cfg))).toEqual(refused('AuthTokenInvalidError', 'invalid algorithm'));
          });
        } else {
          it('without authAlgorithm, an HS512 token with the same key is accepted too', async () => {
            expect(await handshakeWith(server, otherAlgorithmToken(cfg))).toEqual(accepted('mallory'));
          });
        }
      });
    }
  }
}

// Only servers given authAlgorithm pass `algorithms` to verify; HS256 without it accepts any HS*.
function hasFixedAlgorithm(sc: SuiteConfig): boolean {
  return sc.label.startsWith('HS512') || sc.label.startsWith('RS256');
}

export const HS256: SuiteConfig = { label: 'HS256 authKey', make: () => T.hsConfig('HS256') };
export const HS512: SuiteConfig = { label: 'HS512 authAlgorithm', make: () => T.hsConfig('HS512') };
export const RS256: SuiteConfig = { label: 'RS256 key pair', make: () => T.rsConfig() };
