/**
 * Public types. Self-contained (no @types/jsonwebtoken needed by users); field meanings follow
 * jsonwebtoken 9, which does the actual signing and verifying.
 */
import type { JsonWebKeyInput, KeyObject, PrivateKeyInput, PublicKeyInput } from 'node:crypto';

export type Algorithm =
  | 'HS256' | 'HS384' | 'HS512'
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'none';

/** What jsonwebtoken accepts as key material (a secret, a PEM, a KeyObject, a key input object). */
export type KeyMaterial = string | Buffer | KeyObject | PrivateKeyInput | PublicKeyInput | JsonWebKeyInput;

/** A private key for signing and a public key for verifying, bound together. */
export interface KeyPair {
  privateKey: KeyMaterial;
  publicKey: KeyMaterial;
}

/** jsonwebtoken's "secret callback" for verify (asynchronous calls only). */
export type SecretCallback = (
  header: JwtHeader,
  callback: (err: Error | null, key?: KeyMaterial) => void,
) => void;

export type SignKey = KeyMaterial | KeyPair;
export type VerifyKey = KeyMaterial | KeyPair | SecretCallback;

export interface JwtHeader {
  alg: Algorithm | string;
  typ?: string;
  kid?: string;
  [name: string]: unknown;
}

export interface JwtPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  // `any`, as in @types/jsonwebtoken and @types/sc-auth: `decoded as MyPayload` casts must keep compiling.
  [claim: string]: any;
}

export interface SignOptions {
  algorithm?: Algorithm;
  keyid?: string;
  /** Seconds (number) or a timespan string like '1h'. */
  expiresIn?: number | string;
  notBefore?: number | string;
  audience?: string | string[];
  subject?: string;
  issuer?: string;
  jwtid?: string;
  mutatePayload?: boolean;
  noTimestamp?: boolean;
  header?: Partial<JwtHeader>;
  encoding?: string;
  allowInsecureKeySizes?: boolean;
  allowInvalidAsymmetricKeyTypes?: boolean;
  /** sc-auth's flag: with a callback, sign on a later tick. Removed before jsonwebtoken sees it. */
  async?: boolean;
  /** Passed by socketcluster-server; removed before jsonwebtoken sees it. */
  socket?: unknown;
}

export interface VerifyOptions {
  algorithms?: Algorithm[];
  audience?: string | RegExp | Array<string | RegExp>;
  issuer?: string | string[];
  subject?: string;
  jwtid?: string;
  clockTimestamp?: number;
  clockTolerance?: number;
  ignoreExpiration?: boolean;
  ignoreNotBefore?: boolean;
  maxAge?: number | string;
  nonce?: string;
  complete?: boolean;
  allowInvalidAsymmetricKeyTypes?: boolean;
  /** sc-auth's flag: with a callback, go through jsonwebtoken's callback path. Removed. */
  async?: boolean;
  /** Passed by socketcluster-server; removed before jsonwebtoken sees it. */
  socket?: unknown;
}

/**
 * Defaults bound to an engine: any sign option and any verify option (each is routed to the
 * operation that knows it; audience/issuer/subject/jwtid go to both), plus engine settings.
 * `algorithm` also means `algorithms: [algorithm]` for verify unless `algorithms` is given.
 */
export interface EngineDefaults
  extends Omit<SignOptions, 'async' | 'socket' | 'audience'>,
    Omit<VerifyOptions, 'async' | 'socket' | 'audience' | 'issuer'> {
  audience?: string | string[];
  /** Emit a DeprecationWarning for the first callback-style call from each call site (default true). */
  deprecationWarnings?: boolean;
  /** Record callback-style call sites for legacyCallSites() (default true; false also disables warnings). */
  trackCallSites?: boolean;
}

export type SignPayload = string | Buffer | object;
export type SignCallback = (err: Error | null, signedToken?: string) => void;
export type VerifyCallback<T = JwtPayload> = (err: Error | null, decoded?: T) => void;

export interface CompleteToken {
  header: JwtHeader;
  payload: JwtPayload | string;
  signature: string;
}

/**
 * The callback-style engine shape that @types/sc-auth exports as `SCAuthEngine`, so that
 * `import { SCAuthEngine } from 'sc-auth'` keeps compiling after the import moves to sc-auth-bridge.
 * AuthEngine is assignable to it.
 */
export interface SCAuthEngine {
  verifyToken(signedToken: string, key: string | Buffer, options?: VerifyOptions, callback?: VerifyCallback): void;
  signToken(token: string | object | Buffer, key: KeyMaterial, options?: SignOptions, callback?: SignCallback): void;
}
