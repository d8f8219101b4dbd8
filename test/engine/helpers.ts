// Shared by the engine tests: the BUILT package (what users get), the real reference packages,
// keys, a seeded payload generator and probes for call-back timing.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const DIST_ENTRY = path.join(ROOT, 'dist/src/index.js');
if (!existsSync(DIST_ENTRY)) {
  throw new Error(`${DIST_ENTRY} is missing: run \`npm run build\` before the engine tests (npm test does).`);
}

const requireHere = createRequire(__filename);

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyFn = (...args: any[]) => any;
export interface EngineLike {
  signToken: AnyFn;
  verifyToken: AnyFn;
  signTokenSync?: AnyFn;
  verifyTokenSync?: AnyFn;
  legacyCallSites?: AnyFn;
}
export interface BridgeModule {
  new (key?: unknown, defaults?: unknown): EngineLike & { signTokenSync: AnyFn; verifyTokenSync: AnyFn; legacyCallSites: AnyFn };
  AuthEngine: BridgeModule;
  default: BridgeModule;
  createAuthEngine: AnyFn;
  signToken: AnyFn;
  verifyToken: AnyFn;
  legacyCallSites: AnyFn;
  fromLegacyEngine: AnyFn;
  clearKeyCache: AnyFn;
  CALLBACK_WARNING_CODE: string;
  AuthBridgeError: any;
  MissingKeyError: any;
  InvalidEngineOptionsError: any;
  LegacyEngineError: any;
  JsonWebTokenError: any;
  TokenExpiredError: any;
  NotBeforeError: any;
  InvalidArgumentsError: any;
}

export const Bridge = requireHere(DIST_ENTRY) as BridgeModule;
/** ag-auth 2.1.1 (jsonwebtoken 9): module.exports is the class. */
export const AgAuth = requireHere('ag-auth') as new () => EngineLike;
/** ag-auth 1.0.1 (jsonwebtoken 8). */
export const AgAuth1 = requireHere('ag-auth-1') as new () => EngineLike;
/** sc-auth 5.0.2 (jsonwebtoken 8): callbacks. */
export const ScAuth5 = (requireHere('sc-auth') as { AuthEngine: new () => EngineLike }).AuthEngine;
/** sc-auth 6.0.0 (jsonwebtoken 8): synchronous unless options.async. */
export const ScAuth6 = (requireHere('sc-auth-6') as { AuthEngine: new () => EngineLike }).AuthEngine;
export const jwt9 = requireHere('jsonwebtoken') as { sign: AnyFn; verify: AnyFn; decode: AnyFn; JsonWebTokenError: any };
export const jwt8 = requireHere('jsonwebtoken-8') as { sign: AnyFn; verify: AnyFn; decode: AnyFn };
export const ScErrors3 = requireHere('sc-errors') as { InvalidArgumentsError: any };
/* eslint-enable @typescript-eslint/no-explicit-any */

// --- keys (generated once per test file that imports this module) ---------------------------------

function pem(pair: { privateKey: KeyObject; publicKey: KeyObject }): { privateKey: string; publicKey: string } {
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

export const KEYS = {
  hsString: 'correct horse battery staple',
  hsBuffer: Buffer.from('a buffer secret of some length'),
  rsa: pem(generateKeyPairSync('rsa', { modulusLength: 2048 })),
  rsaOther: pem(generateKeyPairSync('rsa', { modulusLength: 2048 })),
  rsa1024: pem(generateKeyPairSync('rsa', { modulusLength: 1024 })),
  ec256: pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' })),
  ec384: pem(generateKeyPairSync('ec', { namedCurve: 'secp384r1' })),
};

/** Algorithm -> [sign key, verify key]. */
export const ALG_KEYS: Record<string, [unknown, unknown]> = {
  HS256: [KEYS.hsString, KEYS.hsString],
  HS384: [KEYS.hsBuffer, KEYS.hsBuffer],
  HS512: [KEYS.hsString, KEYS.hsString],
  RS256: [KEYS.rsa.privateKey, KEYS.rsa.publicKey],
  RS512: [KEYS.rsa.privateKey, KEYS.rsa.publicKey],
  PS256: [KEYS.rsa.privateKey, KEYS.rsa.publicKey],
  ES256: [KEYS.ec256.privateKey, KEYS.ec256.publicKey],
  ES384: [KEYS.ec384.privateKey, KEYS.ec384.publicKey],
};
/** Deterministic signatures: byte-for-byte comparable tokens. ES and PS sign with randomness. */
export const DETERMINISTIC = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS512']);

// --- seeded payload generator --------------------------------------------------------------------

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alice', 'bob', 'admin', 'ü', '日本', '"quoted"', 'a\\b', '', ' ', '\n', 'emoji 🎉', '<script>'];

function value(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 1 ? 5 : 7));
  switch (pick) {
    case 0: return WORDS[Math.floor(next() * WORDS.length)];
    case 1: return Math.floor(next() * 1e9) - 5e8;
    case 2: return next() * 1000;
    case 3: return next() < 0.5;
    case 4: return null;
    case 5: return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default: return object(next, depth + 1);
  }
}

function object(next: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(next() * 5);
  for (let i = 0; i < n; i++) out[`${WORDS[Math.floor(next() * WORDS.length)]}${i}`] = value(next, depth);
  return out;
}

/** A payload of the shape socketcluster apps sign: user fields, nested data, sometimes claims. */
export function payload(next: () => number, iat: number): Record<string, unknown> {
  const out = object(next, 0);
  out.username = WORDS[Math.floor(next() * WORDS.length)];
  out.iat = iat; // fixed clock: the token bytes then do not depend on when the test runs
  if (next() < 0.3) out.channels = ['a', 'b'];
  if (next() < 0.2) out.sub = 'user-' + Math.floor(next() * 100);
  return out;
}

// --- call-back probes ----------------------------------------------------------------------------

export interface CallbackRun {
  /** Arguments of the first call of the callback. */
  args: unknown[];
  calls: number;
  /** True when the callback ran before the method returned. */
  sync: boolean;
  returned: unknown;
  /** An exception thrown by the method itself. */
  thrown: unknown;
}

/** Runs `invoke(callback)` and waits (bounded) long enough for a later-tick call-back. */
export async function runCallback(invoke: (callback: (...args: unknown[]) => void) => unknown): Promise<CallbackRun> {
  const run: CallbackRun = { args: [], calls: 0, sync: false, returned: undefined, thrown: undefined };
  let returnedYet = false;
  try {
    run.returned = invoke((...args: unknown[]) => {
      run.calls++;
      if (run.calls === 1) {
        run.args = args;
        run.sync = !returnedYet;
      }
    });
  } catch (err) {
    run.thrown = err;
  }
  returnedYet = true;
  for (let i = 0; i < 50 && run.calls === 0; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  await new Promise((resolve) => setTimeout(resolve, 5)); // room for a (wrong) second call
  return run;
}

export interface Settled {
  ok: boolean;
  value?: unknown;
  error?: unknown;
}

export async function settle(promise: unknown): Promise<Settled> {
  if (!(promise instanceof Promise)) throw new Error(`expected a Promise, got ${typeof promise}`);
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The observable shape of an error: what callers and socketcluster-server look at. */
export function errorShape(err: unknown): Record<string, unknown> | undefined {
  if (err === null || err === undefined) return undefined;
  const e = err as Record<string, unknown> & Error;
  const shape: Record<string, unknown> = { name: e.name, message: e.message };
  if (e.expiredAt instanceof Date) shape.expiredAt = e.expiredAt.getTime();
  if (e.date instanceof Date) shape.date = e.date.getTime();
  if (e.inner !== undefined) shape.inner = errorShape(e.inner);
  return shape;
}

/** Fixed "now" for jsonwebtoken (both 8 and 9 read Date.now() for iat and for expiry checks). */
export const NOW_MS = 1_750_000_000_500;
export const NOW = Math.floor(NOW_MS / 1000);
