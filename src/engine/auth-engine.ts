/**
 * The dual-mode engine. With a callback a call behaves like sc-auth 5.0.2 (call-back timing
 * included); without one it returns a Promise like ag-auth 2.1.1; the *Sync methods behave like
 * sc-auth 6 without `async`. Signing and verifying are done by jsonwebtoken 9 with cached KeyObjects.
 */
import { MissingKeyError } from '../errors';
import { CallSiteTracker, type LegacyCallSite } from './call-sites';
import { checkBoundKey, isKeyPair, isOptionsObject, signOptions, splitDefaults, verifyOptions, type Options } from './defaults';
import { INVALID_TOKEN_FORMAT, InvalidArgumentsError, JsonWebTokenError, jwtSign, jwtVerify } from './jwt';
import { signKeys, verifyKeys } from './key-cache';
import type {
  CompleteToken,
  EngineDefaults,
  JwtPayload,
  SignCallback,
  SignKey,
  SignOptions,
  SignPayload,
  VerifyCallback,
  VerifyKey,
  VerifyOptions,
} from './types';

type AnyCallback = (err: Error | null, value?: unknown) => void;
type StackBoundary = (...args: never[]) => unknown;

interface CallArgs {
  key: unknown;
  options: unknown;
  callback: AnyCallback | undefined;
}

/**
 * (key, options, callback) | (key, callback) | (options, callback?) -> one shape.
 * `(key, callback)` is jsonwebtoken's own shape and SocketCluster 1.x code's; sc-auth 5 would have
 * thrown "callback is not a function" there.
 */
function normalize(a1: unknown, a2: unknown, a3: unknown): CallArgs {
  if (typeof a1 === 'object' && a1 !== null && a3 === undefined && (a2 === undefined || typeof a2 === 'function') && isOptionsObject(a1)) {
    return { key: undefined, options: a1, callback: a2 as AnyCallback | undefined };
  }
  if (typeof a2 === 'function' && a3 === undefined) return { key: a1, options: undefined, callback: a2 as AnyCallback };
  return { key: a1, options: a2, callback: typeof a3 === 'function' ? (a3 as AnyCallback) : undefined };
}

function once(callback: AnyCallback): AnyCallback {
  let called = false;
  return (err, value) => {
    if (called) return;
    called = true;
    callback(err, value);
  };
}

function asyncFlag(options: unknown): boolean {
  return options !== null && typeof options === 'object' && Boolean((options as Options).async);
}

function allowsNone(options: Options): boolean {
  const algorithms = options.algorithms;
  return Array.isArray(algorithms) && algorithms.includes('none');
}

let defaultEngine: AuthEngine | undefined;

/**
 * The engine a method runs on. sc-auth's and ag-auth's methods never used `this`, so legacy code
 * calls them detached (`const { verifyToken } = auth`, `util.promisify(auth.verifyToken)`); such
 * calls run on a shared engine without bound key or defaults.
 */
function engineOf(self: unknown): AuthEngine {
  if (self instanceof AuthEngine) return self;
  return (defaultEngine ??= new AuthEngine());
}

/** @internal the engine behind the standalone signToken/verifyToken and detached method calls. */
export function sharedEngine(): AuthEngine {
  return engineOf(undefined);
}

export class AuthEngine {
  private readonly boundKey: unknown;
  private readonly signDefaults: Options | undefined;
  private readonly verifyDefaults: Options | undefined;
  private readonly tracker: CallSiteTracker | undefined;

  /**
   * @param key key bound to the engine (used when a call passes none): a secret, a PEM, a KeyObject,
   *   a key input object or `{ privateKey, publicKey }`. May be omitted: `new AuthEngine()` is sc-auth's
   *   and ag-auth's engine; `new AuthEngine({ algorithm: 'HS256' })` binds defaults only.
   * @param defaults options applied under every call's own options (see EngineDefaults).
   */
  constructor(key?: SignKey | EngineDefaults | null, defaults?: EngineDefaults) {
    if (defaults === undefined && isOptionsObject(key)) {
      defaults = key as EngineDefaults;
      key = undefined;
    }
    checkBoundKey(key);
    const split = splitDefaults(defaults);
    this.boundKey = key ?? undefined;
    this.signDefaults = split.sign;
    this.verifyDefaults = split.verify;
    this.tracker = split.trackCallSites ? new CallSiteTracker({ warnings: split.deprecationWarnings }) : undefined;
  }

  // --- signToken -------------------------------------------------------------------------------

  signToken(token: SignPayload, key: SignKey | null | undefined, options: SignOptions | null | undefined, callback: SignCallback): void;
  signToken(token: SignPayload, key: SignKey | null | undefined, callback: SignCallback): void;
  signToken(token: SignPayload, options: SignOptions, callback: SignCallback): void;
  signToken(token: SignPayload, key?: SignKey | null, options?: SignOptions | null): Promise<string>;
  signToken(token: SignPayload, options?: SignOptions): Promise<string>;
  signToken(token: SignPayload, a1?: unknown, a2?: unknown, a3?: unknown): Promise<string> | void {
    return engineOf(this).dispatchSign(AuthEngine.prototype.signToken, token, a1, a2, a3);
  }

  /** @internal the entry points differ only in which stack frame is "the caller". */
  dispatchSign(boundary: StackBoundary, token: unknown, a1: unknown, a2: unknown, a3: unknown): Promise<string> | void {
    const { key, options, callback } = normalize(a1, a2, a3);
    if (callback === undefined) return this.signPromise(token, key, options);
    if (this.tracker !== undefined) this.tracker.record('signToken', boundary);
    this.signCallback(token, key, options, callback);
  }

  private signKeyFor(key: unknown, options: Options): unknown {
    let chosen = key ?? this.boundKey;
    if (typeof chosen === 'object' && chosen !== null && isKeyPair(chosen)) chosen = chosen.privateKey;
    // jsonwebtoken signs `none` without a key; anything else without one is a setup mistake.
    if ((chosen === undefined || chosen === null) && options.algorithm !== 'none') throw new MissingKeyError('signToken');
    return signKeys.resolve(chosen);
  }

  private signNow(token: unknown, key: unknown, options: unknown): string {
    const jwtOptions = signOptions(options, this.signDefaults, token);
    return jwtSign(token, this.signKeyFor(key, jwtOptions), jwtOptions);
  }

  /** ag-auth 2.1.1, minus the `"async" is not allowed in "options"` failure. */
  private signPromise(token: unknown, key: unknown, options: unknown): Promise<string> {
    try {
      return Promise.resolve(this.signNow(token, key, options));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** sc-auth 5.0.2: synchronous call-back unless options.async, callback outside any try. */
  private signCallback(token: unknown, key: unknown, options: unknown, callback: AnyCallback): void {
    if (asyncFlag(options)) {
      let jwtOptions: Options;
      let jwtKey: unknown;
      try {
        jwtOptions = signOptions(options, this.signDefaults, token);
        jwtKey = this.signKeyFor(key, jwtOptions);
      } catch (err) {
        callback(err as Error);
        return;
      }
      // jsonwebtoken's stream path: calls back on a later tick (and synchronously for bad input),
      // as when sc-auth handed the callback over. Guarded: for a claim given both in the payload and
      // in the options, jsonwebtoken's callback path reports the error AND then the signed token.
      if (!jwtKey) {
        // Only `none` gets here without a key, and jws's stream never ends for a falsy key: sc-auth
        // would never call back. Same later-tick timing, without the hang.
        let signedToken: string;
        try {
          signedToken = jwtSign(token, jwtKey, jwtOptions);
        } catch (err) {
          process.nextTick(callback, err);
          return;
        }
        process.nextTick(callback, null, signedToken);
        return;
      }
      let returned = false;
      const guarded = once((err, value) => {
        if (!returned) {
          callback(err, value); // bad input: called back synchronously, an exception reaches the caller
          return;
        }
        try {
          callback(err, value);
        } catch (thrown) {
          // jws runs the later-tick call-back inside a try and hands what it throws back to the
          // (once-guarded) callback: sc-auth 5 silently lost it. Surface it as an uncaught exception.
          process.nextTick(() => {
            throw thrown;
          });
        }
      });
      jwtSign(token, jwtKey, jwtOptions, guarded);
      returned = true;
      return;
    }
    let signedToken: string;
    try {
      signedToken = this.signNow(token, key, options);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, signedToken);
  }

  // --- verifyToken -----------------------------------------------------------------------------

  verifyToken<T = JwtPayload>(signedToken: string | null | undefined, key: VerifyKey | null | undefined, options: VerifyOptions | null | undefined, callback: VerifyCallback<T>): void;
  verifyToken<T = JwtPayload>(signedToken: string | null | undefined, key: VerifyKey | null | undefined, callback: VerifyCallback<T>): void;
  verifyToken<T = JwtPayload>(signedToken: string | null | undefined, options: VerifyOptions, callback: VerifyCallback<T>): void;
  verifyToken(signedToken: string | null | undefined, key: VerifyKey | null | undefined, options: VerifyOptions & { complete: true }): Promise<CompleteToken>;
  verifyToken<T = JwtPayload>(signedToken: string | null | undefined, key?: VerifyKey | null, options?: VerifyOptions | null): Promise<T>;
  verifyToken<T = JwtPayload>(signedToken: string | null | undefined, options?: VerifyOptions): Promise<T>;
  verifyToken(signedToken: unknown, a1?: unknown, a2?: unknown, a3?: unknown): Promise<unknown> | void {
    return engineOf(this).dispatchVerify(AuthEngine.prototype.verifyToken, signedToken, a1, a2, a3);
  }

  /** @internal */
  dispatchVerify(boundary: StackBoundary, signedToken: unknown, a1: unknown, a2: unknown, a3: unknown): Promise<unknown> | void {
    const { key, options, callback } = normalize(a1, a2, a3);
    if (callback === undefined) return this.verifyPromise(signedToken, key, options);
    if (this.tracker !== undefined) this.tracker.record('verifyToken', boundary);
    this.verifyCallback(signedToken, key, options, callback);
  }

  private verifyKeyFor(key: unknown, token: string, options: Options): unknown {
    let chosen = key ?? this.boundKey;
    if (typeof chosen === 'object' && chosen !== null && isKeyPair(chosen)) chosen = chosen.publicKey;
    if (chosen === undefined || chosen === null) {
      // Let jsonwebtoken report a missing token ("jwt must be provided", what socketcluster-server
      // expects for a client without a token) and unsigned tokens that `algorithms` allows.
      if (token && !allowsNone(options)) throw new MissingKeyError('verifyToken');
      return chosen;
    }
    return typeof chosen === 'function' ? chosen : verifyKeys.resolve(chosen);
  }

  /** ag-auth 2.1.1: rejects with InvalidArgumentsError for a non-string token; `socket`/`async` removed. */
  private verifyPromise(signedToken: unknown, key: unknown, options: unknown): Promise<unknown> {
    if (typeof signedToken !== 'string' && signedToken != null) {
      return Promise.reject(new InvalidArgumentsError(INVALID_TOKEN_FORMAT));
    }
    const token = (signedToken as string | null | undefined) || '';
    let jwtOptions: Options;
    let jwtKey: unknown;
    try {
      jwtOptions = verifyOptions(options, this.verifyDefaults);
      jwtKey = this.verifyKeyFor(key, token, jwtOptions);
    } catch (err) {
      return Promise.reject(err);
    }
    if (typeof jwtKey === 'function') {
      // A secret callback needs jsonwebtoken's callback form (as ag-auth always used).
      return new Promise((resolve, reject) => {
        jwtVerify(token, jwtKey, jwtOptions, (err, decoded) => {
          if (err) reject(err);
          else if (!decoded) reject(new JsonWebTokenError('invalid token'));
          else resolve(decoded);
        });
      });
    }
    // Otherwise jsonwebtoken's callback form is synchronous anyway: the same results, without the
    // executor closure on the hot path.
    let decoded: unknown;
    try {
      decoded = jwtVerify(token, jwtKey, jwtOptions);
    } catch (err) {
      return Promise.reject(err);
    }
    return decoded ? Promise.resolve(decoded) : Promise.reject(new JsonWebTokenError('invalid token'));
  }

  /** sc-auth 5.0.2. */
  private verifyCallback(signedToken: unknown, key: unknown, options: unknown, callback: AnyCallback): void {
    if (typeof signedToken !== 'string' && signedToken != null) {
      callback(new InvalidArgumentsError(INVALID_TOKEN_FORMAT));
      return;
    }
    const token = (signedToken as string | null | undefined) || '';
    let jwtOptions: Options;
    let jwtKey: unknown;
    try {
      jwtOptions = verifyOptions(options, this.verifyDefaults);
      jwtKey = this.verifyKeyFor(key, token, jwtOptions);
    } catch (err) {
      callback(err as Error);
      return;
    }
    if (asyncFlag(options)) {
      // sc-auth handed the callback to jsonwebtoken (still synchronous unless the key is a secret callback).
      jwtVerify(token, jwtKey, jwtOptions, callback);
      return;
    }
    let decoded: unknown;
    try {
      decoded = jwtVerify(token, jwtKey, jwtOptions);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, decoded);
  }

  // --- sc-auth 6 synchronous calls -------------------------------------------------------------

  /** sc-auth 6 `signToken` without `async`: returns the token or throws. `async` is ignored. */
  signTokenSync(token: SignPayload, key?: SignKey | null, options?: SignOptions | null): string;
  signTokenSync(token: SignPayload, options?: SignOptions): string;
  signTokenSync(token: SignPayload, a1?: unknown, a2?: unknown): string {
    const { key, options } = normalize(a1, a2, undefined);
    return engineOf(this).signNow(token, key, options);
  }

  /** sc-auth 6 `verifyToken` without `async`: returns the payload or throws. `async` is ignored. */
  verifyTokenSync(signedToken: string | null | undefined, key: VerifyKey | null | undefined, options: VerifyOptions & { complete: true }): CompleteToken;
  verifyTokenSync<T = JwtPayload>(signedToken: string | null | undefined, key?: VerifyKey | null, options?: VerifyOptions | null): T;
  verifyTokenSync<T = JwtPayload>(signedToken: string | null | undefined, options?: VerifyOptions): T;
  verifyTokenSync(signedToken: unknown, a1?: unknown, a2?: unknown): unknown {
    if (typeof signedToken !== 'string' && signedToken != null) throw new InvalidArgumentsError(INVALID_TOKEN_FORMAT);
    const { key, options } = normalize(a1, a2, undefined);
    const self = engineOf(this);
    const token = (signedToken as string | null | undefined) || '';
    const jwtOptions = verifyOptions(options, self.verifyDefaults);
    return jwtVerify(token, self.verifyKeyFor(key, token, jwtOptions), jwtOptions);
  }

  // --- legacy detection ------------------------------------------------------------------------

  /** Callback-style call sites seen by this engine, with how often each was used. */
  legacyCallSites(): LegacyCallSite[] {
    return this.tracker === undefined ? [] : this.tracker.list();
  }
}
