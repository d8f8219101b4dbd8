// signTokenSync / verifyTokenSync against the real sc-auth 6.0.0 called without `async` (it returns
// the value and throws). sc-auth 6 runs jsonwebtoken 8: cases where 8 and 9 differ are skipped here
// (they are listed and checked in callback-mode.test.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENERIC_VERIFY_CASES, SIGN_OPTION_SETS, verifyCases } from './cases';
import { ALG_KEYS, Bridge, DETERMINISTIC, KEYS, NOW_MS, ScAuth6, errorShape, jwt9, payload, rng } from './helpers';

const ours = new Bridge();
const scAuth6 = new ScAuth6();
const JWT8_VS_9 = new Set(['none token, no key, no algorithms', 'alg confusion: HS256 signed with the RSA public PEM, algorithms [HS256]', 'ES256 / wrong key', 'ES384 / wrong key']);

beforeAll(() => { vi.spyOn(Date, 'now').mockReturnValue(NOW_MS); });
afterAll(() => { vi.restoreAllMocks(); });

function attempt(fn: () => unknown): { ok: boolean; value?: unknown; error?: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: errorShape(error) };
  }
}

describe('signTokenSync / verifyTokenSync = sc-auth 6.0.0 without async', () => {
  for (const alg of Object.keys(ALG_KEYS)) {
    it(`${alg}: sign and verify, values and thrown errors`, () => {
      const next = rng(7 + alg.charCodeAt(0));
      for (const options of SIGN_OPTION_SETS) {
        const base = payload(next, Math.floor(NOW_MS / 1000));
        const mine = attempt(() => ours.signTokenSync(structuredClone(base), ALG_KEYS[alg][0], { algorithm: alg, ...options }));
        const theirs = attempt(() => scAuth6.signToken(structuredClone(base), ALG_KEYS[alg][0], { algorithm: alg, ...options }));
        if (DETERMINISTIC.has(alg) || !mine.ok) expect(mine, JSON.stringify(options)).toEqual(theirs);
        else expect(theirs.ok).toBe(true);
        if (mine.ok) expect(typeof mine.value).toBe('string');
      }
      for (const c of verifyCases(alg)) {
        if (JWT8_VS_9.has(`${alg} / ${c.name}`)) continue;
        const mine = attempt(() => ours.verifyTokenSync(c.token, c.key, c.options && { ...c.options }));
        const theirs = attempt(() => scAuth6.verifyToken(c.token, c.key, c.options && { ...c.options }));
        expect(mine, c.name).toEqual(theirs);
      }
    });
  }

  it('malformed, none, null, non-string tokens throw what sc-auth 6 throws', () => {
    for (const c of GENERIC_VERIFY_CASES) {
      if (JWT8_VS_9.has(c.name)) continue;
      expect(attempt(() => ours.verifyTokenSync(c.token, c.key, c.options)), c.name).toEqual(attempt(() => scAuth6.verifyToken(c.token, c.key, c.options)));
    }
  });

  it('`async` is ignored: still synchronous (sc-auth 6 would return a Promise)', () => {
    const token = ours.signTokenSync({ a: 1, iat: 1 }, KEYS.hsString, { async: true });
    expect(token).toBe(jwt9.sign({ a: 1, iat: 1 }, KEYS.hsString));
    expect(ours.verifyTokenSync(token, KEYS.hsString, { async: true, socket: {} })).toEqual({ a: 1, iat: 1 });
    expect(scAuth6.verifyToken(token, KEYS.hsString, { async: true })).toBeInstanceOf(Promise);
  });

  it('a secret callback as the key throws as with sc-auth 6 (synchronous verify cannot use it)', () => {
    const token = jwt9.sign({ a: 1 }, KEYS.hsString);
    const getKey = (_h: unknown, cb: (e: null, k: string) => void): void => cb(null, KEYS.hsString);
    expect(attempt(() => ours.verifyTokenSync(token, getKey))).toEqual(attempt(() => scAuth6.verifyToken(token, getKey)));
  });

  it('key-bound engine: no key argument needed', () => {
    const engine = new Bridge(KEYS.hsString, { algorithm: 'HS384' });
    const token = engine.signTokenSync({ a: 1, iat: 1 });
    expect(jwt9.decode(token, { complete: true }).header.alg).toBe('HS384');
    expect(engine.verifyTokenSync(token)).toEqual({ a: 1, iat: 1 });
    expect(() => new Bridge().signTokenSync({ a: 1 })).toThrow(Bridge.MissingKeyError);
  });
});
