/**
 * ES module entry: the CommonJS engine re-exported, so `import AuthEngine from 'sc-auth-bridge'` and
 * `import { AuthEngine, createAuthEngine } from 'sc-auth-bridge'` get the very same class and
 * functions as `require()` (one module instance, one key cache).
 * Compiled to dist/src/index.mjs + index.d.mts (pulled into the build by a reference in index.ts).
 */
import Engine from './index.js';

export default Engine;

export const AuthEngine: typeof Engine = Engine;
export type AuthEngine = Engine;

export const {
  createAuthEngine,
  signToken,
  verifyToken,
  legacyCallSites,
  fromLegacyEngine,
  clearKeyCache,
  CALLBACK_WARNING_CODE,
  AuthBridgeError,
  MissingKeyError,
  InvalidEngineOptionsError,
  LegacyEngineError,
  JsonWebTokenError,
  TokenExpiredError,
  NotBeforeError,
  InvalidArgumentsError,
} = Engine;

export type AuthBridgeError = Engine.AuthBridgeError;
export type MissingKeyError = Engine.MissingKeyError;
export type InvalidEngineOptionsError = Engine.InvalidEngineOptionsError;
export type LegacyEngineError = Engine.LegacyEngineError;
export type JsonWebTokenError = Engine.JsonWebTokenError;
export type TokenExpiredError = Engine.TokenExpiredError;
export type NotBeforeError = Engine.NotBeforeError;
export type InvalidArgumentsError = Engine.InvalidArgumentsError;

export type {
  Algorithm,
  KeyMaterial,
  KeyPair,
  SignKey,
  VerifyKey,
  SecretCallback,
  JwtHeader,
  JwtPayload,
  CompleteToken,
  SignOptions,
  VerifyOptions,
  EngineDefaults,
  SignPayload,
  SignCallback,
  VerifyCallback,
  LegacyCallSite,
  BridgedEngine,
  LegacyAuthEngine,
  SCAuthEngine,
} from './index.js';
