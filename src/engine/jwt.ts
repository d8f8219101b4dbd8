/**
 * The jsonwebtoken 9 and sc-errors entry points the engine uses, typed loosely on purpose: the engine
 * passes through whatever its callers pass (as sc-auth and ag-auth did) and lets jsonwebtoken judge.
 */
import * as jsonwebtoken from 'jsonwebtoken';

type Callback = (err: Error | null, value?: unknown) => void;

export const jwtSign = jsonwebtoken.sign as unknown as (
  payload: unknown,
  key: unknown,
  options: unknown,
  callback?: Callback,
) => string;

export const jwtVerify = jsonwebtoken.verify as unknown as (
  token: string,
  key: unknown,
  options: unknown,
  callback?: Callback,
) => unknown;

/** jsonwebtoken's token errors, typed here so that users need no @types/jsonwebtoken. */
export interface JsonWebTokenErrorInstance extends Error {
  inner?: Error;
}
export interface TokenExpiredErrorInstance extends JsonWebTokenErrorInstance {
  expiredAt: Date;
}
export interface NotBeforeErrorInstance extends JsonWebTokenErrorInstance {
  date: Date;
}
export const JsonWebTokenError = jsonwebtoken.JsonWebTokenError as unknown as new (message: string, error?: Error) => JsonWebTokenErrorInstance;
export const TokenExpiredError = jsonwebtoken.TokenExpiredError as unknown as new (message: string, expiredAt: Date) => TokenExpiredErrorInstance;
export const NotBeforeError = jsonwebtoken.NotBeforeError as unknown as new (message: string, date: Date) => NotBeforeErrorInstance;

export interface InvalidArgumentsErrorConstructor {
  new (message: string): Error;
}

// sc-errors ships no types; ag-auth 2.1.1 uses this same major (3).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const InvalidArgumentsError = (require('sc-errors') as { InvalidArgumentsError: InvalidArgumentsErrorConstructor })
  .InvalidArgumentsError;

export const INVALID_TOKEN_FORMAT = 'Invalid token format - Token must be a string';
