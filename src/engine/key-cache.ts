/**
 * Converts keys to KeyObjects once, with jsonwebtoken 9's own rules, so that jsonwebtoken skips its
 * per-call conversion (about 350 us for a string secret on OpenSSL 3: it first tries to parse the
 * secret as a PEM key and fails).
 *
 * Rules copied from jsonwebtoken 9 (sign.js / verify.js):
 *   sign:   createPrivateKey(key), else createSecretKey(string ? Buffer.from(key) : key)
 *   verify: createPublicKey(key),  else createSecretKey(string ? Buffer.from(key) : key)
 * When both fail, the ORIGINAL key is handed to jsonwebtoken, which then fails with its own error
 * ("secretOrPrivateKey is not valid key material" ...). Falsy keys and KeyObjects are passed through
 * untouched, so jsonwebtoken's own checks on them ("secretOrPrivateKey must have a value", the
 * `none` algorithm, secret callbacks) run exactly as before.
 *
 * Cache keys: strings by value (immutable). Buffers and key-input objects ({ key, passphrase, ... })
 * by a SHA-256 of their content, computed on every call: a Buffer mutated in place gets a new
 * digest, so it can never be served a stale KeyObject, and equal content read afresh each call
 * (fs.readFileSync per request) still hits. The digest costs about a microsecond for a PEM; the
 * secret itself is never kept as a cache key. Each cache is bounded (LRU).
 */
import { createHash, createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';

const DEFAULT_MAX_ENTRIES = 256;

class LruMap<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    // Only reorder once the cache is half full: below that nothing can be evicted, so a hit
    // stays a single Map lookup on the hot path.
    if (value !== undefined && this.map.size > this.max >>> 1) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
    this.map.set(key, value);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

type Purpose = 'sign' | 'verify';

function convert(key: unknown, purpose: Purpose): KeyObject | undefined {
  try {
    return purpose === 'sign' ? createPrivateKey(key as never) : createPublicKey(key as never);
  } catch {
    try {
      return createSecretKey((typeof key === 'string' ? Buffer.from(key) : key) as never);
    } catch {
      return undefined;
    }
  }
}

function isBinary(value: unknown): value is Buffer {
  return Buffer.isBuffer(value);
}

/** Content digest of a Buffer or a key-input object; undefined when the value is not cacheable. */
function digestOf(key: object): string | undefined {
  const hash = createHash('sha256');
  if (isBinary(key)) {
    hash.update('b');
    hash.update(key);
    return hash.digest('base64');
  }
  if (Object.getPrototypeOf(key) !== Object.prototype || !('key' in key)) return undefined;
  // { key, passphrase, format, type, encoding, dsaEncoding }: every field createPrivateKey/
  // createPublicKey read. Anything else (nested objects other than a JWK) is not cached.
  const input = key as Record<string, unknown>;
  for (const field of ['key', 'passphrase', 'format', 'type', 'encoding', 'dsaEncoding']) {
    const value = input[field];
    hash.update(`|${field}:`);
    if (value === undefined) {
      hash.update('u');
    } else if (typeof value === 'string') {
      hash.update('s');
      hash.update(value);
    } else if (isBinary(value)) {
      hash.update('b');
      hash.update(value);
    } else if (field === 'key' && input.format === 'jwk' && typeof value === 'object' && value !== null) {
      hash.update('j');
      hash.update(JSON.stringify(value));
    } else {
      return undefined;
    }
  }
  return hash.digest('base64');
}

export interface KeyCacheStats {
  strings: number;
  digests: number;
}

/** One cache per purpose: the same material converts differently for signing and verifying. */
export class KeyCache {
  private readonly strings: LruMap<KeyObject>;
  private readonly digests: LruMap<KeyObject>;

  constructor(
    private readonly purpose: Purpose,
    maxEntries = DEFAULT_MAX_ENTRIES,
  ) {
    this.strings = new LruMap(maxEntries);
    this.digests = new LruMap(maxEntries);
  }

  /** The KeyObject jsonwebtoken would build from `key`, or `key` itself when it cannot be cached. */
  resolve<K>(key: K): K | KeyObject {
    if (!key) return key;
    if (typeof key === 'string') return this.cached(this.strings, key, key);
    if (typeof key !== 'object' || key instanceof KeyObject) return key;
    const digest = digestOf(key);
    if (digest === undefined) return key;
    return this.cached(this.digests, digest, key);
  }

  /** Strings are cached by value, Buffers and key objects by a digest of their content. */
  private cached<K>(map: LruMap<KeyObject>, id: string, key: K): K | KeyObject {
    let keyObject = map.get(id);
    if (keyObject === undefined) {
      keyObject = convert(key, this.purpose);
      if (keyObject === undefined) return key;
      map.set(id, keyObject);
    }
    return keyObject;
  }

  stats(): KeyCacheStats {
    return { strings: this.strings.size, digests: this.digests.size };
  }

  clear(): void {
    this.strings.clear();
    this.digests.clear();
  }
}

/** Shared by every engine in the process: the same key used by several engines converts once. */
export const signKeys = new KeyCache('sign');
export const verifyKeys = new KeyCache('verify');

export function clearKeyCache(): void {
  signKeys.clear();
  verifyKeys.clear();
}
