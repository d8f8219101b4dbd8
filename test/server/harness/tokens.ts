// Keys and hand-made tokens for the server scenarios, made with the real jsonwebtoken 9
// independently of any engine under test.
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface AuthConfig {
  label: string;
  algorithm: 'HS256' | 'HS512' | 'RS256';
  /** socketcluster-server options selecting the keys/algorithm (authKey or the key pair) */
  serverOptions: Record<string, unknown>;
  signKey: string;
  /** a different key of the same kind: tokens signed with it must be refused */
  wrongKey: string;
}

let rsaPairs: Array<{ privateKey: string; publicKey: string }> | undefined;

function rsa(): Array<{ privateKey: string; publicKey: string }> {
  // Two 2048-bit pairs (jsonwebtoken 9 refuses smaller keys for signing), made once per worker.
  rsaPairs ??= [0, 1].map(() =>
    crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }),
  );
  return rsaPairs;
}

export function hsConfig(algorithm: 'HS256' | 'HS512' = 'HS256'): AuthConfig {
  const authKey = crypto.randomBytes(32).toString('hex');
  const serverOptions: Record<string, unknown> = { authKey };
  if (algorithm !== 'HS256') serverOptions.authAlgorithm = algorithm;
  return { label: algorithm, algorithm, serverOptions, signKey: authKey, wrongKey: crypto.randomBytes(32).toString('hex') };
}

/** `pair` 1 swaps the two cached pairs: a server with another RSA key. */
export function rsConfig(pair: 0 | 1 = 0): AuthConfig {
  const [a, b] = pair === 0 ? rsa() : [...rsa()].reverse();
  return {
    label: 'RS256',
    algorithm: 'RS256',
    serverOptions: { authPrivateKey: a.privateKey, authPublicKey: a.publicKey, authAlgorithm: 'RS256' },
    signKey: a.privateKey,
    wrongKey: b.privateKey,
  };
}

const now = () => Math.floor(Date.now() / 1000);

export function validToken(cfg: AuthConfig, payload: Record<string, unknown> = { username: 'bob' }): string {
  return jwt.sign({ ...payload, exp: now() + 3600 }, cfg.signKey, { algorithm: cfg.algorithm });
}

export function expiredToken(cfg: AuthConfig): string {
  return jwt.sign({ username: 'bob', iat: now() - 7200, exp: now() - 3600 }, cfg.signKey, { algorithm: cfg.algorithm });
}

export function notBeforeToken(cfg: AuthConfig): string {
  return jwt.sign({ username: 'bob', nbf: now() + 3600, exp: now() + 7200 }, cfg.signKey, { algorithm: cfg.algorithm });
}

export function wrongKeyToken(cfg: AuthConfig): string {
  return jwt.sign({ username: 'bob', exp: now() + 3600 }, cfg.wrongKey, { algorithm: cfg.algorithm });
}

/** A correctly signed token whose payload was then swapped: the signature no longer matches. */
export function tamperedToken(cfg: AuthConfig): string {
  const [header, , signature] = validToken(cfg).split('.');
  const forged = Buffer.from(JSON.stringify({ username: 'mallory', admin: true, exp: now() + 3600 })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

export const MALFORMED_TOKEN = 'this-is-not-a-jwt';

export function decodeHeader(signed: string): { alg: string; typ?: string } {
  return JSON.parse(Buffer.from(signed.split('.')[0], 'base64url').toString('utf8'));
}
