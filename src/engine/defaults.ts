/**
 * Engine-bound key and defaults: splitting the constructor's defaults into sign options, verify
 * options and engine settings, and merging them under the options of each call.
 */
import { KeyObject } from 'node:crypto';
import { InvalidEngineOptionsError } from '../errors';
import type { EngineDefaults, KeyPair } from './types';

const SIGN_ONLY = [
  'algorithm', 'keyid', 'expiresIn', 'notBefore', 'mutatePayload', 'noTimestamp', 'header', 'encoding',
  'allowInsecureKeySizes',
] as const;
const VERIFY_ONLY = [
  'algorithms', 'clockTimestamp', 'clockTolerance', 'ignoreExpiration', 'ignoreNotBefore', 'maxAge', 'nonce',
  'complete',
] as const;
const SHARED = ['audience', 'issuer', 'subject', 'jwtid', 'allowInvalidAsymmetricKeyTypes'] as const;
const ENGINE = ['deprecationWarnings', 'trackCallSites'] as const;

/** A default that is not applied when the payload already carries the claim it would set. */
const CLAIM_OF_OPTION: Readonly<Record<string, string>> = {
  expiresIn: 'exp', notBefore: 'nbf', audience: 'aud', issuer: 'iss', subject: 'sub', jwtid: 'jti',
};
/** jsonwebtoken refuses these for string/Buffer payloads. */
const OBJECT_PAYLOAD_ONLY = new Set(['expiresIn', 'notBefore', 'noTimestamp', 'audience', 'issuer', 'subject', 'jwtid']);

export type Options = Record<string, unknown>;

export interface SplitDefaults {
  sign: Options | undefined;
  verify: Options | undefined;
  deprecationWarnings: boolean;
  trackCallSites: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An argument that is options rather than a key: a plain object without key-like properties. */
export function isOptionsObject(value: unknown): value is Options {
  return isPlainObject(value) && !('key' in value) && !('privateKey' in value) && !('publicKey' in value) && !('kty' in value);
}

export function isKeyPair(value: unknown): value is KeyPair {
  return isPlainObject(value) && !('key' in value) && 'privateKey' in value && 'publicKey' in value;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new InvalidEngineOptionsError(name, `expected a boolean, got ${typeof value}`);
  return value;
}

export function splitDefaults(defaults: unknown): SplitDefaults {
  if (defaults === undefined || defaults === null) {
    return { sign: undefined, verify: undefined, deprecationWarnings: true, trackCallSites: true };
  }
  if (!isPlainObject(defaults)) {
    throw new InvalidEngineOptionsError('defaults', 'expected a plain object such as { algorithm: \'HS256\', expiresIn: 3600 }');
  }
  const sign: Options = {};
  const verify: Options = {};
  for (const name of Object.keys(defaults)) {
    const value = defaults[name];
    if (value === undefined) continue;
    if ((SIGN_ONLY as readonly string[]).includes(name)) sign[name] = value;
    else if ((VERIFY_ONLY as readonly string[]).includes(name)) verify[name] = value;
    else if ((SHARED as readonly string[]).includes(name)) {
      sign[name] = value;
      verify[name] = value;
    } else if (!(ENGINE as readonly string[]).includes(name)) {
      const hint = name === 'async' || name === 'socket'
        ? 'it is a per-call option'
        : `known: ${[...SIGN_ONLY, ...VERIFY_ONLY, ...SHARED, ...ENGINE].join(', ')}`;
      throw new InvalidEngineOptionsError(name, `not an engine default (${hint})`);
    }
  }
  if (typeof sign.algorithm === 'string' && verify.algorithms === undefined) verify.algorithms = [sign.algorithm];
  const typed = defaults as EngineDefaults;
  const track = checkBoolean('trackCallSites', typed.trackCallSites);
  const warn = checkBoolean('deprecationWarnings', typed.deprecationWarnings);
  return {
    sign: Object.keys(sign).length ? sign : undefined,
    verify: Object.keys(verify).length ? verify : undefined,
    deprecationWarnings: track && warn,
    trackCallSites: track,
  };
}

/** Checks the engine-bound key early so that a typo fails at construction, not at first login. */
export function checkBoundKey(key: unknown): void {
  if (key === undefined || key === null) return;
  if (typeof key === 'string' || Buffer.isBuffer(key) || key instanceof KeyObject) return;
  if (typeof key === 'object') return;
  throw new InvalidEngineOptionsError('key', `expected a string, Buffer, KeyObject, key input object or { privateKey, publicKey }, got ${typeof key}`);
}

/** sc-auth and ag-auth copy options with `options || {}` then Object.assign/own keys. */
function asOptions(explicit: unknown): Options {
  if (explicit !== null && typeof explicit === 'object') return explicit as Options;
  return explicit ? Object.assign({}, explicit) : {};
}

function hasOwnKeys(options: Options): boolean {
  for (const _ in options) return true;
  return false;
}

/**
 * Options handed to jsonwebtoken.sign: explicit options over the engine defaults; `async` and
 * `socket` removed. Returns the caller's own object when there is nothing to change (jsonwebtoken
 * does not mutate sign options), saving a copy on the hot path.
 */
export function signOptions(explicit: unknown, defaults: Options | undefined, payload: unknown): Options {
  const given = asOptions(explicit);
  if (defaults === undefined) {
    if (!('async' in given) && !('socket' in given) && isPlainObject(given)) return given;
    const copy = Object.assign({}, given);
    delete copy.async;
    delete copy.socket;
    return copy;
  }
  const isObjectPayload = typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload);
  const merged: Options = {};
  for (const name in defaults) {
    if (!isObjectPayload && OBJECT_PAYLOAD_ONLY.has(name)) continue;
    const claim = CLAIM_OF_OPTION[name];
    if (claim !== undefined && isObjectPayload && (payload as Options)[claim] !== undefined) continue;
    merged[name] = defaults[name];
  }
  Object.assign(merged, given);
  delete merged.async;
  delete merged.socket;
  return merged;
}

/** Options handed to jsonwebtoken.verify (which copies them itself): defaults under explicit ones. */
export function verifyOptions(explicit: unknown, defaults: Options | undefined): Options {
  const given = asOptions(explicit);
  if (defaults === undefined) {
    if (!('async' in given) && !('socket' in given)) return given;
  }
  const merged: Options = defaults === undefined ? {} : Object.assign({}, defaults);
  if (hasOwnKeys(given)) Object.assign(merged, given);
  delete merged.async;
  delete merged.socket;
  return merged;
}
