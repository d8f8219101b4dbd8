// Promise mode (no callback) against the real ag-auth 2.1.1: same token bytes, same errors (class
// name, message, expiredAt/date), same results for every input, except the deliberate differences
// named at the bottom.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENERIC_VERIFY_CASES, KEY_CASES, SIGN_OPTION_SETS, verifyCases } from './cases';
import { AgAuth, ALG_KEYS, Bridge, DETERMINISTIC, KEYS, NOW_MS, errorShape, jwt9, payload, rng, settle, type Settled } from './helpers';

const ours = new Bridge(undefined, { trackCallSites: false });
const agAuth = new AgAuth();

beforeAll(() => {
  vi.spyOn(Date, 'now').mockReturnValue(NOW_MS);
});
afterAll(() => {
  vi.restoreAllMocks();
});

function comparable(result: Settled): unknown {
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: errorShape(result.error) };
}

/** ES/PS signatures are randomized: compare header and payload, and that each verifies. */
function expectSameToken(alg: string, mine: string, theirs: string): void {
  if (DETERMINISTIC.has(alg)) {
    expect(mine).toBe(theirs);
    return;
  }
  expect(mine.split('.').slice(0, 2)).toEqual(theirs.split('.').slice(0, 2));
  const lenient = { ignoreNotBefore: true, ignoreExpiration: true };
  expect(jwt9.verify(mine, ALG_KEYS[alg][1], lenient)).toEqual(jwt9.verify(theirs, ALG_KEYS[alg][1], lenient));
}

describe('signToken without a callback = ag-auth 2.1.1', () => {
  for (const alg of Object.keys(ALG_KEYS)) {
    it(`${alg}: generated payloads x option sets give the same token or the same error`, async () => {
      const next = rng(alg.charCodeAt(0) * 31 + alg.charCodeAt(2));
      let compared = 0;
      let tokens = 0;
      for (let round = 0; round < 3; round++) {
        for (const options of SIGN_OPTION_SETS) {
          const base = payload(next, Math.floor(NOW_MS / 1000) - round);
          const mineIn = structuredClone(base);
          const theirsIn = structuredClone(base);
          const mineOpts = { algorithm: alg, ...options };
          const theirsOpts = { algorithm: alg, ...options };
          const [mine, theirs] = await Promise.all([
            settle(ours.signToken(mineIn, ALG_KEYS[alg][0], mineOpts)),
            settle(agAuth.signToken(theirsIn, ALG_KEYS[alg][0], theirsOpts)),
          ]);
          expect(mine.ok, `${JSON.stringify(options)}: ${String(mine.error ?? theirs.error)}`).toBe(theirs.ok);
          if (mine.ok) {
            expectSameToken(alg, mine.value as string, theirs.value as string);
            tokens++;
          } else {
            expect(errorShape(mine.error)).toEqual(errorShape(theirs.error));
            expect(mine.error).toBeInstanceOf(Error);
          }
          // mutatePayload: the server reads exp/iat back from the object it passed
          expect(mineIn).toEqual(theirsIn);
          compared++;
        }
      }
      expect(compared).toBe(3 * SIGN_OPTION_SETS.length);
      expect(tokens).toBeGreaterThan(compared / 2);
    });
  }

  it('mutatePayload writes exp and iat into the caller\'s object, as with ag-auth', async () => {
    const mine: Record<string, unknown> = { username: 'alice' };
    const theirs: Record<string, unknown> = { username: 'alice' };
    await ours.signToken(mine, KEYS.hsString, { mutatePayload: true, expiresIn: 100 });
    await agAuth.signToken(theirs, KEYS.hsString, { mutatePayload: true, expiresIn: 100 });
    expect(mine).toEqual({ username: 'alice', iat: Math.floor(NOW_MS / 1000), exp: Math.floor(NOW_MS / 1000) + 100 });
    expect(mine).toEqual(theirs);
  });

  it('string and Buffer payloads', async () => {
    for (const p of ['plain string', Buffer.from('{"a":1}')]) {
      expect(await ours.signToken(p, KEYS.hsString)).toBe(await agAuth.signToken(p, KEYS.hsString));
      expect(comparable(await settle(ours.signToken(p, KEYS.hsString, { expiresIn: 5 })))).toEqual(
        comparable(await settle(agAuth.signToken(p, KEYS.hsString, { expiresIn: 5 }))),
      );
    }
  });

  it('undefined and null payloads and a payload with a non-number exp fail the same way', async () => {
    for (const p of [undefined, null, { exp: 'tomorrow' }, { iat: NaN, sub: 1 }]) {
      const [mine, theirs] = [await settle(ours.signToken(p, KEYS.hsString)), await settle(agAuth.signToken(p, KEYS.hsString))];
      expect(comparable(mine)).toEqual(comparable(theirs));
    }
  });

  it('a conflicting claim (payload.iss and options.issuer) rejects, once', async () => {
    const args = [{ iss: 'a', iat: 1 }, KEYS.hsString, { issuer: 'b' }] as const;
    const [mine, theirs] = [await settle(ours.signToken(...args)), await settle(agAuth.signToken(...args))];
    expect(mine.ok).toBe(false);
    expect(errorShape(mine.error)).toEqual(errorShape(theirs.error));
  });

  it('never throws synchronously, even for an algorithm that is not a string', async () => {
    let promise: unknown;
    expect(() => { promise = ours.signToken({ a: 1 }, KEYS.hsString, { algorithm: 5 }); }).not.toThrow();
    const theirs = await settle(agAuth.signToken({ a: 1 }, KEYS.hsString, { algorithm: 5 }));
    expect(comparable(await settle(promise))).toEqual(comparable(theirs));
  });
});

describe('verifyToken without a callback = ag-auth 2.1.1', () => {
  for (const alg of Object.keys(ALG_KEYS)) {
    it(`${alg}: valid, expired, not-before, tampered, wrong key/audience/issuer ...`, async () => {
      const cases = verifyCases(alg);
      for (const c of cases) {
        const [mine, theirs] = [
          await settle(ours.verifyToken(c.token, c.key, c.options && { ...c.options })),
          await settle(agAuth.verifyToken(c.token, c.key, c.options && { ...c.options })),
        ];
        expect(comparable(mine), c.name).toEqual(comparable(theirs));
        if (!mine.ok) expect(mine.error!.constructor, c.name).toBe((theirs.error as Error).constructor);
      }
      const outcomes = await Promise.all(cases.map((c) => settle(ours.verifyToken(c.token, c.key, c.options))));
      expect(outcomes.filter((o) => o.ok).length).toBeGreaterThanOrEqual(6);
      expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThanOrEqual(10);
    });
  }

  it('expired and not-before errors carry the same class, expiredAt and date', async () => {
    const [expired, notYet] = verifyCases('HS256').filter((c) => c.name === 'expired' || c.name === 'not before');
    const e = await settle(ours.verifyToken(expired.token, expired.key));
    expect(e.error).toBeInstanceOf(Bridge.TokenExpiredError);
    expect((e.error as { expiredAt: Date }).expiredAt.getTime()).toBe((Math.floor(NOW_MS / 1000) - 10) * 1000);
    const n = await settle(ours.verifyToken(notYet.token, notYet.key));
    expect(n.error).toBeInstanceOf(Bridge.NotBeforeError);
    expect((n.error as { date: Date }).date.getTime()).toBe((Math.floor(NOW_MS / 1000) + 100) * 1000);
  });

  it('malformed, none, null and non-string tokens', async () => {
    for (const c of GENERIC_VERIFY_CASES) {
      const [mine, theirs] = [await settle(ours.verifyToken(c.token, c.key, c.options)), await settle(agAuth.verifyToken(c.token, c.key, c.options))];
      expect(comparable(mine), c.name).toEqual(comparable(theirs));
    }
  });

  it('null token: JsonWebTokenError "jwt must be provided" (socketcluster-server relies on it)', async () => {
    const r = await settle(ours.verifyToken(null, KEYS.hsString, { socket: {} }));
    expect(r.error).toBeInstanceOf(Bridge.JsonWebTokenError);
    expect(errorShape(r.error)).toEqual({ name: 'JsonWebTokenError', message: 'jwt must be provided' });
  });

  it('non-string token: sc-errors InvalidArgumentsError', async () => {
    const r = await settle(ours.verifyToken(42, KEYS.hsString));
    expect(errorShape(r.error)).toEqual({ name: 'InvalidArgumentsError', message: 'Invalid token format - Token must be a string' });
    expect(r.error).toBeInstanceOf(Bridge.InvalidArgumentsError);
  });

  it('a secret callback as the key works as with ag-auth', async () => {
    const token = jwt9.sign({ a: 1, iat: 1 }, KEYS.hsString);
    const getKey = (_header: unknown, cb: (e: Error | null, k?: string) => void): void => { setImmediate(() => cb(null, KEYS.hsString)); };
    expect(await ours.verifyToken(token, getKey)).toEqual(await agAuth.verifyToken(token, getKey));
    const failing = (_header: unknown, cb: (e: Error | null) => void): void => cb(new Error('no such kid'));
    expect(comparable(await settle(ours.verifyToken(token, failing)))).toEqual(comparable(await settle(agAuth.verifyToken(token, failing))));
  });
});

describe('keys: jsonwebtoken 9 conversion rules, same result or error through the key cache', () => {
  for (const k of KEY_CASES) {
    it(k.name, async () => {
      // Twice: the second call goes through the cache.
      for (let i = 0; i < 2; i++) {
        const signed = [await settle(ours.signToken({ a: 1, iat: 1 }, k.signKey, { algorithm: k.alg })), await settle(agAuth.signToken({ a: 1, iat: 1 }, k.signKey, { algorithm: k.alg }))];
        if (DETERMINISTIC.has(k.alg) || !signed[0].ok) expect(comparable(signed[0])).toEqual(comparable(signed[1]));
        else expect(signed[1].ok).toBe(true);
        const token = k.alg.startsWith('HS')
          ? jwt9.sign({ a: 1, iat: 1 }, KEYS.hsString)
          : jwt9.sign({ a: 1, iat: 1 }, k.alg.startsWith('ES') ? KEYS.ec256.privateKey : KEYS.rsa.privateKey, { algorithm: k.alg });
        const verified = [await settle(ours.verifyToken(token, k.verifyKey)), await settle(agAuth.verifyToken(token, k.verifyKey))];
        expect(comparable(verified[0])).toEqual(comparable(verified[1]));
      }
    });
  }
});

describe('deliberate differences from ag-auth 2.1.1', () => {
  it('`async` and `socket` options are removed instead of failing the sign', async () => {
    const p = { username: 'alice', iat: 1 };
    const theirs = await settle(agAuth.signToken({ ...p }, KEYS.hsString, { async: true }));
    expect(errorShape(theirs.error)).toEqual({ name: 'Error', message: '"async" is not allowed in "options"' });
    const theirsSocket = await settle(agAuth.signToken({ ...p }, KEYS.hsString, { socket: {} }));
    expect(errorShape(theirsSocket.error)).toEqual({ name: 'Error', message: '"socket" is not allowed in "options"' });
    const plain = await agAuth.signToken({ ...p }, KEYS.hsString);
    expect(await ours.signToken({ ...p }, KEYS.hsString, { async: true })).toBe(plain);
    expect(await ours.signToken({ ...p }, KEYS.hsString, { async: false, socket: {} })).toBe(plain);
  });

  it('no key anywhere: MissingKeyError explaining how to pass one (ag-auth: jsonwebtoken\'s message)', async () => {
    const theirs = await settle(agAuth.signToken({ a: 1 }, undefined));
    expect(errorShape(theirs.error)).toEqual({ name: 'Error', message: 'secretOrPrivateKey must have a value' });
    const mine = await settle(ours.signToken({ a: 1 }, undefined));
    expect(mine.error).toBeInstanceOf(Bridge.MissingKeyError);
    expect(mine.error).toMatchObject({ name: 'MissingKeyError', code: 'ERR_SC_AUTH_BRIDGE_NO_KEY' });
    expect((mine.error as Error).message).toMatch(/new AuthEngine\(key/);
    const token = jwt9.sign({ a: 1 }, KEYS.hsString);
    expect(errorShape((await settle(agAuth.verifyToken(token, null))).error)).toEqual({ name: 'JsonWebTokenError', message: 'secret or public key must be provided' });
    expect((await settle(ours.verifyToken(token, null))).error).toBeInstanceOf(Bridge.MissingKeyError);
    // ... but a missing token still reports the token first, as socketcluster-server expects
    expect(errorShape((await settle(ours.verifyToken(null, null))).error)).toEqual({ name: 'JsonWebTokenError', message: 'jwt must be provided' });
  });

  it('`none` without a key: signs (ag-auth 2.1.1\'s Promise never settles: jws waits forever on a falsy key)', async () => {
    const pending = Symbol('pending');
    const theirs = await Promise.race([agAuth.signToken({ a: 1, iat: 1 }, null, { algorithm: 'none' }), new Promise((r) => setTimeout(r, 300, pending))]);
    expect(theirs).toBe(pending);
    const mine = await ours.signToken({ a: 1, iat: 1 }, null, { algorithm: 'none' });
    expect(mine).toBe(jwt9.sign({ a: 1, iat: 1 }, null, { algorithm: 'none' }));
    expect(mine).toBe(await agAuth.signToken({ a: 1, iat: 1 }, 'any key', { algorithm: 'none' }));
    expect(await ours.verifyToken(mine, null, { algorithms: ['none'] })).toEqual({ a: 1, iat: 1 });
    expect(errorShape((await settle(ours.verifyToken(mine, KEYS.hsString))).error)).toEqual({ name: 'JsonWebTokenError', message: 'jwt signature is required' });
  });
});
