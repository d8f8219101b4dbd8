// ag-auth 1.0.1 (socketcluster-server 15/16) runs jsonwebtoken 8; ag-auth 2.1.1 and this package run
// 9. Apps moving from server 15/16 see these differences; each is named here and shown on the real
// packages: ag-auth 1 answers one way, ag-auth 2 and we answer the other, identically.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AgAuth, AgAuth1, Bridge, KEYS, NOW, NOW_MS, errorShape, jwt9, settle, type Settled } from './helpers';

const ours = new Bridge();
const agAuth2 = new AgAuth();
const agAuth1 = new AgAuth1();

beforeAll(() => { vi.spyOn(Date, 'now').mockReturnValue(NOW_MS); });
afterAll(() => { vi.restoreAllMocks(); });

const shape = (r: Settled): unknown => (r.ok ? { ok: true, value: r.value } : { ok: false, error: errorShape(r.error) });
const NONE = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"u":1,"iat":${NOW}}`).toString('base64url')}.`;

const DIFFERENCES: Array<{ name: string; run: (engine: { signToken: Function; verifyToken: Function }) => Promise<unknown>; eight: unknown; nine: unknown }> = [
  {
    name: 'unsigned (`none`) token without algorithms: 8 accepts it, 9 requires algorithms: [\'none\']',
    run: (e) => e.verifyToken(NONE, ''),
    eight: { ok: true, value: { u: 1, iat: NOW } },
    nine: { ok: false, error: { name: 'JsonWebTokenError', message: 'please specify "none" in "algorithms" to verify unsigned tokens' } },
  },
  {
    name: 'RSA key under 2048 bits: 8 signs, 9 refuses (allowInsecureKeySizes, an option 8 rejects)',
    run: (e) => e.signToken({ a: 1 }, KEYS.rsa1024.privateKey, { algorithm: 'RS256' }),
    eight: 'token',
    nine: { ok: false, error: { name: 'Error', message: 'secretOrPrivateKey has a minimum key size of 2048 bits for RS256' } },
  },
  {
    name: 'allowInsecureKeySizes: unknown to 8 (sign fails), accepted by 9',
    run: (e) => e.signToken({ a: 1 }, KEYS.rsa1024.privateKey, { algorithm: 'RS256', allowInsecureKeySizes: true }),
    eight: { ok: false, error: { name: 'Error', message: '"allowInsecureKeySizes" is not allowed in "options"' } },
    nine: 'token',
  },
  {
    name: 'HS256 with an RSA private key as secret: 8 signs (PEM text as HMAC secret), 9 refuses',
    run: (e) => e.signToken({ a: 1 }, KEYS.rsa.privateKey, { algorithm: 'HS256' }),
    eight: 'token',
    nine: { ok: false, error: { name: 'Error', message: 'secretOrPrivateKey must be a symmetric key when using HS256' } },
  },
  {
    name: 'alg confusion (HS256 token keyed with the RSA public PEM, algorithms [HS256]): 8 accepts, 9 refuses',
    run: (e) => e.verifyToken(jwt9.sign({ u: 1, iat: NOW }, KEYS.rsa.publicKey, { algorithm: 'HS256' }), KEYS.rsa.publicKey, { algorithms: ['HS256'] }),
    eight: { ok: true, value: { u: 1, iat: NOW } },
    nine: { ok: false, error: { name: 'JsonWebTokenError', message: 'secretOrPublicKey must be a symmetric key when using HS256' } },
  },
  {
    name: 'ES256 token checked with an RSA key: 9 narrows the default algorithms to the key type',
    run: (e) => e.verifyToken(jwt9.sign({ a: 1 }, KEYS.ec256.privateKey, { algorithm: 'ES256' }), KEYS.rsa.publicKey),
    eight: { ok: false, error: { name: 'JsonWebTokenError', message: 'invalid signature' } },
    nine: { ok: false, error: { name: 'JsonWebTokenError', message: 'invalid algorithm' } },
  },
];

describe('jsonwebtoken 8 (ag-auth 1.0.1) vs 9 (ag-auth 2.1.1 and sc-auth-bridge)', () => {
  for (const d of DIFFERENCES) {
    it(d.name, async () => {
      const [one, two, mine] = [await settle(d.run(agAuth1)), await settle(d.run(agAuth2)), await settle(d.run(ours))];
      const expectLike = (r: Settled, expected: unknown): void => {
        if (expected === 'token') {
          expect(r.ok, String(r.error)).toBe(true);
          expect(typeof r.value).toBe('string');
        } else {
          expect(shape(r)).toEqual(expected);
        }
      };
      expectLike(one, d.eight);
      expectLike(two, d.nine);
      expectLike(mine, d.nine);
      expect(shape(mine)).toEqual(shape(two));
    });
  }
});
