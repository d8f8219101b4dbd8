/// <reference path="./index.mts" />
/**
 * Package entry (CommonJS): `require('sc-auth-bridge')` IS the AuthEngine class, like ag-auth, and
 * also carries `.AuthEngine`, like sc-auth, plus the functions and error classes below.
 * ES modules get the same through dist/src/index.mjs (see index.mts).
 */
import { AuthEngine as EngineBase, sharedEngine } from './engine/auth-engine';
import { CALLBACK_WARNING_CODE as WARNING_CODE } from './engine/call-sites';
import * as jwtParts from './engine/jwt';
import * as keyCache from './engine/key-cache';
import * as legacy from './engine/legacy';
import * as errors from './errors';
import type * as types from './engine/types';
import type * as callSites from './engine/call-sites';

/**
 * Dual-mode auth engine: sc-auth 5 callbacks, ag-auth 2 Promises and sc-auth 6 synchronous calls,
 * on jsonwebtoken 9 with cached KeyObjects.
 */
class AuthEngine extends EngineBase {
  /** `require('sc-auth-bridge').default === require('sc-auth-bridge')`, for transpiled imports. */
  static readonly default: typeof AuthEngine = AuthEngine;
}

const Self = AuthEngine;
type EngineInstance = AuthEngine;
const shared = sharedEngine;

/* eslint-disable @typescript-eslint/no-namespace */
namespace AuthEngine {
  export type Algorithm = types.Algorithm;
  export type KeyMaterial = types.KeyMaterial;
  export type KeyPair = types.KeyPair;
  export type SignKey = types.SignKey;
  export type VerifyKey = types.VerifyKey;
  export type SecretCallback = types.SecretCallback;
  export type JwtHeader = types.JwtHeader;
  export type JwtPayload = types.JwtPayload;
  export type CompleteToken = types.CompleteToken;
  export type SignOptions = types.SignOptions;
  export type VerifyOptions = types.VerifyOptions;
  export type EngineDefaults = types.EngineDefaults;
  export type SignPayload = types.SignPayload;
  export type SignCallback = types.SignCallback;
  export type VerifyCallback<T = types.JwtPayload> = types.VerifyCallback<T>;
  export type LegacyCallSite = callSites.LegacyCallSite;
  export type BridgedEngine = legacy.BridgedEngine;
  export type LegacyAuthEngine = legacy.LegacyAuthEngine;
  export type SCAuthEngine = types.SCAuthEngine;

  // `import { AuthEngine } from 'sc-auth-bridge'`: the class itself (value and instance type).
  export const AuthEngine: typeof Self = Self;
  export type AuthEngine = EngineInstance;

  /** `new AuthEngine(key, defaults)`, as a function. */
  export function createAuthEngine(key?: types.SignKey | types.EngineDefaults | null, defaults?: types.EngineDefaults): AuthEngine {
    return new Self(key, defaults);
  }

  /** signToken on a shared engine with no bound key (pass the key in the call). */
  export function signToken(token: types.SignPayload, key: types.SignKey | null | undefined, options: types.SignOptions | null | undefined, callback: types.SignCallback): void;
  export function signToken(token: types.SignPayload, key: types.SignKey | null | undefined, callback: types.SignCallback): void;
  export function signToken(token: types.SignPayload, key: types.SignKey, options?: types.SignOptions | null): Promise<string>;
  export function signToken(token: unknown, a1?: unknown, a2?: unknown, a3?: unknown): Promise<string> | void {
    return shared().dispatchSign(signToken, token, a1, a2, a3);
  }

  /** verifyToken on a shared engine with no bound key (pass the key in the call). */
  export function verifyToken<T = types.JwtPayload>(signedToken: string | null | undefined, key: types.VerifyKey | null | undefined, options: types.VerifyOptions | null | undefined, callback: types.VerifyCallback<T>): void;
  export function verifyToken<T = types.JwtPayload>(signedToken: string | null | undefined, key: types.VerifyKey | null | undefined, callback: types.VerifyCallback<T>): void;
  export function verifyToken(signedToken: string | null | undefined, key: types.VerifyKey, options: types.VerifyOptions & { complete: true }): Promise<types.CompleteToken>;
  export function verifyToken<T = types.JwtPayload>(signedToken: string | null | undefined, key: types.VerifyKey, options?: types.VerifyOptions | null): Promise<T>;
  export function verifyToken(signedToken: unknown, a1?: unknown, a2?: unknown, a3?: unknown): Promise<unknown> | void {
    return shared().dispatchVerify(verifyToken, signedToken, a1, a2, a3);
  }

  /** Callback-style call sites seen by the standalone signToken/verifyToken. */
  export function legacyCallSites(): types_LegacyCallSites {
    return shared().legacyCallSites();
  }

  export const fromLegacyEngine = legacy.fromLegacyEngine;
  /** Drops every cached KeyObject (e.g. after rotating keys held in long-lived strings). */
  export const clearKeyCache = keyCache.clearKeyCache;
  /** `code` of the DeprecationWarning emitted for callback-style calls. */
  export const CALLBACK_WARNING_CODE = WARNING_CODE;

  export import AuthBridgeError = errors.AuthBridgeError;
  export import MissingKeyError = errors.MissingKeyError;
  export import InvalidEngineOptionsError = errors.InvalidEngineOptionsError;
  export import LegacyEngineError = errors.LegacyEngineError;
  // Token errors are jsonwebtoken's and sc-errors' own classes (instanceof works across packages
  // only for these exact classes).
  export const JsonWebTokenError = jwtParts.JsonWebTokenError;
  export type JsonWebTokenError = jwtParts.JsonWebTokenErrorInstance;
  export const TokenExpiredError = jwtParts.TokenExpiredError;
  export type TokenExpiredError = jwtParts.TokenExpiredErrorInstance;
  export const NotBeforeError = jwtParts.NotBeforeError;
  export type NotBeforeError = jwtParts.NotBeforeErrorInstance;
  export const InvalidArgumentsError = jwtParts.InvalidArgumentsError;
  export type InvalidArgumentsError = Error;
}

type types_LegacyCallSites = callSites.LegacyCallSite[];

export = AuthEngine;

/**
 * sc-auth's AuthEngine was a plain function, and ES5-era engines subclass it the old way
 * (`function MyEngine() { AuthEngine.call(this); }` + `util.inherits`). A class cannot be called, so
 * the exported value is the class behind a Proxy whose call initialises the caller's `this`.
 * `.AuthEngine` and `.default` hand out the same Proxy, so every import form is callable.
 */
function callableConstructor(target: typeof AuthEngine): typeof AuthEngine {
  const callable: typeof AuthEngine = new Proxy(target, {
    apply(cls, thisArg: unknown, args: ConstructorParameters<typeof AuthEngine>) {
      const instance = Reflect.construct(cls, args);
      if (thisArg === null || typeof thisArg !== 'object') return instance;
      Object.assign(thisArg, instance);
      return undefined;
    },
    get(cls, property, receiver) {
      if (property === 'AuthEngine' || property === 'default') return callable;
      return Reflect.get(cls, property, receiver);
    },
  });
  return callable;
}

// @ts-expect-error TS2629: the class binding is what `export =` emits; it must be the callable Proxy.
AuthEngine = callableConstructor(AuthEngine);
