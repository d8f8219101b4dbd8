/**
 * fromLegacyEngine: lets socketcluster-server 15+ (which awaits signToken/verifyToken) use a
 * hand-written engine of any era: sc-auth 4/5 style (calls back), sc-auth 6 style (returns the
 * value, throws) or already Promise-based (passed through).
 */
import { LegacyEngineError } from '../errors';
import { AuthEngine } from './auth-engine';

type LegacyMethod = (this: unknown, token: unknown, key: unknown, options: unknown, callback: (err: unknown, value?: unknown) => void) => unknown;

export interface LegacyAuthEngine {
  signToken(...args: never[]): unknown;
  verifyToken(...args: never[]): unknown;
}

/** What fromLegacyEngine returns: the engine's own members, with both methods dual-mode. */
export interface BridgedEngine {
  signToken(token: unknown, key: unknown, options?: unknown): Promise<string>;
  signToken(token: unknown, key: unknown, options: unknown, callback: (err: Error | null, token?: string) => void): void;
  verifyToken(token: unknown, key: unknown, options?: unknown): Promise<unknown>;
  verifyToken(token: unknown, key: unknown, options: unknown, callback: (err: Error | null, decoded?: unknown) => void): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function asError(reason: unknown, method: string): Error {
  if (reason instanceof Error) return reason;
  if (reason !== null && typeof reason === 'object' && typeof (reason as { name?: unknown }).name === 'string') return reason as Error;
  return new LegacyEngineError(`the engine's ${method}() failed with a non-error value: ${String(reason)}`);
}

function callLegacy(engine: object, method: 'signToken' | 'verifyToken', token: unknown, key: unknown, options: unknown): Promise<unknown> {
  const fn = (engine as Record<string, LegacyMethod>)[method];
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      if (err) reject(asError(err, method));
      // socketcluster-server 15+ treats ANY resolved value as authenticated: never resolve a falsy one.
      else if (!value) reject(new LegacyEngineError(`the engine's ${method}() produced no ${method === 'signToken' ? 'token' : 'payload'} (${String(value)})`));
      else resolve(value);
    };
    let returned: unknown;
    try {
      returned = fn.call(engine, token, key, options, settle);
    } catch (err) {
      settle(err ?? new LegacyEngineError(`the engine's ${method}() threw ${String(err)}`));
      return;
    }
    if (settled) return;
    if (isThenable(returned)) {
      returned.then(
        (value) => settle(null, value),
        (reason: unknown) => settle(reason ?? new LegacyEngineError(`the engine's ${method}() rejected with ${String(reason)}`)),
      );
    } else if (returned !== undefined) {
      // sc-auth 6 style: the value itself, no callback.
      settle(null, returned);
    }
    // else: a callback-style engine that will call back later.
  });
}

function dualMode(engine: object, method: 'signToken' | 'verifyToken') {
  return function bridged(token: unknown, key: unknown, options?: unknown, callback?: unknown): Promise<unknown> | void {
    const promise = callLegacy(engine, method, token, key, options);
    if (typeof callback !== 'function') return promise;
    // Called outside the promise chain, so that an exception in the callback is an ordinary
    // uncaught exception (as with sc-auth), never an unhandled rejection.
    promise.then(
      (value) => process.nextTick(callback, null, value),
      (err: unknown) => process.nextTick(callback, err),
    );
  };
}

/**
 * Wraps a hand-written engine for socketcluster-server 15+; an AuthEngine from this package is
 * returned as it is. The result keeps the engine's other members (it inherits from the engine).
 */
export function fromLegacyEngine<T extends object>(engine: T): T & BridgedEngine {
  if (engine instanceof AuthEngine) return engine as unknown as T & BridgedEngine;
  if (engine === null || typeof engine !== 'object' && typeof engine !== 'function') {
    throw new LegacyEngineError(`fromLegacyEngine(engine) expects an object with signToken() and verifyToken(), got ${engine === null ? 'null' : typeof engine}`);
  }
  const candidate = engine as Partial<Record<'signToken' | 'verifyToken', unknown>>;
  const missing = (['signToken', 'verifyToken'] as const).filter((name) => typeof candidate[name] !== 'function');
  if (missing.length > 0) {
    throw new LegacyEngineError(`fromLegacyEngine(engine): the engine has no ${missing.join('() or ')}() method`);
  }
  const bridged = Object.create(engine) as T & BridgedEngine;
  Object.defineProperty(bridged, 'signToken', { value: dualMode(engine, 'signToken'), writable: true, configurable: true });
  Object.defineProperty(bridged, 'verifyToken', { value: dualMode(engine, 'verifyToken'), writable: true, configurable: true });
  return bridged;
}
