/**
 * Errors raised by sc-auth-bridge itself. Token errors are NOT wrapped: they stay jsonwebtoken's
 * TokenExpiredError / JsonWebTokenError / NotBeforeError (socketcluster-server maps them by
 * `err.name`), and a non-string token stays sc-errors' InvalidArgumentsError, as in sc-auth/ag-auth.
 */

/** Base class of every error this package creates itself; `code` is stable and documented. */
export class AuthBridgeError extends Error {
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** No key in the call and none bound to the engine. */
export class MissingKeyError extends AuthBridgeError {
  constructor(method: string) {
    super(
      `sc-auth-bridge: no key for ${method}(). Pass one in the call, e.g. ` +
        `engine.${method}(${method === 'signToken' ? 'payload' : 'token'}, key, options), ` +
        `or bind one to the engine: new AuthEngine(key, { algorithm: 'HS256' }) / createAuthEngine(key).`,
      'ERR_SC_AUTH_BRIDGE_NO_KEY',
    );
  }
}

/** An engine default or engine option that the engine does not know, or a value of the wrong type. */
export class InvalidEngineOptionsError extends AuthBridgeError {
  readonly option: string;

  constructor(option: string, message: string) {
    super(`sc-auth-bridge: invalid engine option "${option}": ${message}`, 'ERR_SC_AUTH_BRIDGE_ENGINE_OPTIONS');
    this.option = option;
  }
}

/** fromLegacyEngine() was given something that is not an auth engine, or the engine misbehaved. */
export class LegacyEngineError extends AuthBridgeError {
  constructor(message: string) {
    super(`sc-auth-bridge: ${message}`, 'ERR_SC_AUTH_BRIDGE_LEGACY_ENGINE');
  }
}
