// The key cache: converts once (same KeyObject on the next call), never serves a mutated Buffer
// stale, keeps strings and Buffers apart, stays bounded, and yields the tokens jsonwebtoken 9
// yields from the raw key.
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgAuth, Bridge, KEYS, ROOT, jwt9, settle } from './helpers';

interface KeyCacheModule {
  signKeys: { resolve(key: unknown): unknown; stats(): { strings: number; digests: number } };
  verifyKeys: { resolve(key: unknown): unknown; stats(): { strings: number; digests: number } };
}
// White-box: the engine's own cache instances (same module instance as the engine uses).
const cache = createRequire(__filename)(path.join(ROOT, 'dist/src/engine/key-cache.js')) as KeyCacheModule;
const engine = new Bridge();
const agAuth = new AgAuth();

describe('key cache', () => {
  it('converts a string key once: the same KeyObject on the next call', () => {
    const first = cache.signKeys.resolve('a fresh secret');
    expect(first).toMatchObject({ type: 'secret' });
    expect(cache.signKeys.resolve('a fresh secret')).toBe(first);
    expect(cache.signKeys.resolve(`a fresh ${'secret'}`)).toBe(first); // equal content, other string
    expect(cache.verifyKeys.resolve(KEYS.rsa.publicKey)).toMatchObject({ type: 'public', asymmetricKeyType: 'rsa' });
    expect(cache.signKeys.resolve(KEYS.rsa.privateKey)).toMatchObject({ type: 'private' });
  });

  it('a Buffer mutated in place is never served stale', async () => {
    const secret = Buffer.from('first secret value');
    const t1 = await engine.signToken({ a: 1, iat: 1 }, secret);
    expect(t1).toBe(jwt9.sign({ a: 1, iat: 1 }, Buffer.from('first secret value')));
    secret.write('other');
    const t2 = await engine.signToken({ a: 1, iat: 1 }, secret);
    expect(t2).toBe(jwt9.sign({ a: 1, iat: 1 }, Buffer.from('other secret value')));
    expect(t2).not.toBe(t1);
    expect((await settle(engine.verifyToken(t1, secret))).error).toMatchObject({ message: 'invalid signature' });
    expect(await engine.verifyToken(t2, secret)).toEqual({ a: 1, iat: 1 });
  });

  it('equal Buffers read afresh share one entry; a string and a Buffer of other bytes do not', () => {
    const a = cache.signKeys.resolve(Buffer.from('shared buffer secret'));
    expect(cache.signKeys.resolve(Buffer.from('shared buffer secret'))).toBe(a);
    // 'é' as a string is UTF-8 encoded by jsonwebtoken; as a latin1 Buffer it is one byte
    const s = jwt9.sign({ a: 1, iat: 1 }, 'é');
    const b = jwt9.sign({ a: 1, iat: 1 }, Buffer.from('é', 'latin1'));
    expect(s).not.toBe(b);
    expect(engine.signTokenSync({ a: 1, iat: 1 }, 'é')).toBe(s);
    expect(engine.signTokenSync({ a: 1, iat: 1 }, Buffer.from('é', 'latin1'))).toBe(b);
  });

  it('an encrypted private key object { key, passphrase } is cached by content, passphrase included', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const input = { key: pair.privateKey, passphrase: 'pw' };
    const k1 = cache.signKeys.resolve(input);
    expect(k1).toMatchObject({ type: 'private' });
    expect(cache.signKeys.resolve({ key: pair.privateKey, passphrase: 'pw' })).toBe(k1);
    const wrong = { key: pair.privateKey, passphrase: 'nope' };
    expect(cache.signKeys.resolve(wrong)).toBe(wrong); // not convertible: handed to jsonwebtoken as is
    const mine = await settle(engine.signToken({ a: 1, iat: 1 }, wrong, { algorithm: 'RS256' }));
    const theirs = await settle(agAuth.signToken({ a: 1, iat: 1 }, wrong, { algorithm: 'RS256' }));
    expect((mine.error as Error).message).toBe((theirs.error as Error).message);
    const token = await engine.signToken({ a: 1, iat: 1 }, input, { algorithm: 'RS256' });
    expect(token).toBe(await agAuth.signToken({ a: 1, iat: 1 }, input, { algorithm: 'RS256' }));
  });

  it('KeyObjects, functions and unconvertible values pass through untouched', () => {
    const ko = createSecretKey(Buffer.from('x'));
    expect(cache.signKeys.resolve(ko)).toBe(ko);
    const fn = (): void => undefined;
    expect(cache.verifyKeys.resolve(fn)).toBe(fn);
    expect(cache.signKeys.resolve(12345)).toBe(12345);
    expect(cache.signKeys.resolve('')).toBe('');
    const view = new Uint8Array([1, 2, 3]);
    expect(cache.signKeys.resolve(view)).toBe(view);
  });

  it('is bounded (LRU): 1,000 distinct keys leave at most 256 entries, a hot key stays', () => {
    const hot = 'hot key used on every request';
    const hotObject = cache.signKeys.resolve(hot);
    for (let i = 0; i < 1000; i++) {
      cache.signKeys.resolve(`per-tenant secret ${i}`);
      cache.signKeys.resolve(Buffer.from(`per-tenant buffer ${i}`));
      if (i % 50 === 0) expect(cache.signKeys.resolve(hot)).toBe(hotObject);
    }
    const stats = cache.signKeys.stats();
    expect(stats.strings).toBeLessThanOrEqual(256);
    expect(stats.digests).toBeLessThanOrEqual(256);
    expect(stats.strings).toBeGreaterThan(200);
    Bridge.clearKeyCache();
    expect(cache.signKeys.stats()).toEqual({ strings: 0, digests: 0 });
    expect(cache.signKeys.resolve(hot)).not.toBe(hotObject); // converted again after clearing
  });
});
