// Callback mode against the real sc-auth 5.0.2: same call-back timing (synchronous unless
// options.async; sign with async calls back on a later tick), exactly one call, same results and
// errors, exceptions from the callback reaching the caller. sc-auth 5 runs jsonwebtoken 8 and we run
// 9: where 8 and 9 disagree the case is listed by name in JWT8_VS_9 with the reason, and our result
// must then equal ag-auth 2.1.1's (jsonwebtoken 9).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENERIC_VERIFY_CASES, KEY_CASES, SIGN_OPTION_SETS, verifyCases, type VerifyCase } from './cases';
import { AgAuth, ALG_KEYS, Bridge, DETERMINISTIC, KEYS, NOW_MS, ScAuth5, errorShape, jwt9, payload, rng, runCallback, settle, type CallbackRun } from './helpers';

const ours = new Bridge(undefined, { deprecationWarnings: false });
const scAuth = new ScAuth5();
const agAuth = new AgAuth();

/** Cases where jsonwebtoken 8 (sc-auth 5) and 9 (us, ag-auth 2) differ, with the reason. */
const JWT8_VS_9: Record<string, string> = {
  'none token, no key, no algorithms': '8 accepts unsigned tokens when no algorithms are given; 9 requires algorithms: [\'none\']',
  'RSA private PEM with HS256 / sign': '8 uses the PEM text as an HMAC secret; 9 refuses an asymmetric key for HS*',
  'alg confusion: HS256 signed with the RSA public PEM, algorithms [HS256]': '8 accepts it (the public PEM text as HMAC secret, the classic alg-confusion hole); 9 refuses an asymmetric key for HS*',
  'RSA 1024 with RS256 / sign': '9 refuses RSA keys under 2048 bits for signing (allowInsecureKeySizes)',
  'EC key with RS256 / sign': '9 checks the key type against the algorithm ("alg" parameter for "ec" key type must be one of ...)',
  'EC key with RS256 / verify': '9 checks the key type against the algorithm',
  'P-384 key with ES256 / sign': '9 checks the curve against the algorithm',
  'P-384 key with ES256 / verify': '9 checks the curve against the algorithm',
  'public PEM for RS256 signing / sign': '8: OpenSSL "error:1E08010C:DECODER routines::unsupported"; 9: "secretOrPrivateKey must be an asymmetric key when using RS256"',
  'private PEM to verify RS256 / verify': '9 derives the public key from a private PEM (createPublicKey) and verifies; 8: "invalid algorithm"',
  'broken PEM / sign': '8: OpenSSL DECODER error; 9: "secretOrPrivateKey must be an asymmetric key when using RS256" (the text became a secret)',
  'broken PEM / verify': 'different error text: 8 surfaces OpenSSL\'s, 9 its own',
  'number / sign': '8: TypeError "secret must be a string or buffer..."; 9: Error "secretOrPrivateKey is not valid key material"',
  'number / verify': '8: TypeError "secret must be a string or buffer..."; 9: JsonWebTokenError "secretOrPublicKey is not valid key material"',
  'array / sign': 'as number / sign',
  'array / verify': 'as number / verify',
  'key input object / verify': '9 accepts a { key } input object (createPublicKey); 8: "invalid algorithm"',
  'key input object with bad passphrase / sign': 'different error text for an unusable key input object',
  'key input object with bad passphrase / verify': 'different error text for an unusable key input object',
  'ES256 / wrong key': '9 derives the default algorithms from the key type (an RSA key allows RS*/PS* only: "invalid algorithm"); 8 allows RS/ES/PS for any PEM ("invalid signature")',
  'ES384 / wrong key': 'as ES256 / wrong key',
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };

beforeAll(() => {
  vi.spyOn(Date, 'now').mockReturnValue(NOW_MS);
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  vi.restoreAllMocks();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

function outcome(run: CallbackRun): unknown {
  const [err, value] = run.args;
  return { calls: run.calls, sync: run.sync, returned: run.returned, thrown: run.thrown, error: errorShape(err), value };
}

async function compareVerify(name: string, c: VerifyCase, async: boolean, seen: Set<string>): Promise<void> {
  const options = () => ({ ...(c.options ?? {}), async, socket: { id: 'x' } });
  const mine = await runCallback((cb) => ours.verifyToken(c.token, c.key, options(), cb));
  const theirs = await runCallback((cb) => scAuth.verifyToken(c.token, c.key, options(), cb));
  expect(mine.calls, name).toBe(1);
  expect(mine.sync, `${name}: timing`).toBe(theirs.sync);
  if (JWT8_VS_9[name] !== undefined) {
    seen.add(name);
    const nine = await settle(agAuth.verifyToken(c.token, c.key, c.options));
    expect({ error: errorShape(mine.args[0]), value: mine.args[1] }, name).toEqual(nine.ok ? { error: undefined, value: nine.value } : { error: errorShape(nine.error), value: undefined });
    // listed only if jsonwebtoken 8 really answers differently
    expect(outcome(mine), `${name} is listed as an 8-vs-9 difference`).not.toEqual(outcome(theirs));
    return;
  }
  expect(outcome(mine), name).toEqual(outcome(theirs));
}

describe('signToken with a callback = sc-auth 5.0.2', () => {
  for (const alg of Object.keys(ALG_KEYS)) {
    it(`${alg}: same token or error, same timing, exactly one call (async false and true)`, async () => {
      const next = rng(alg.length * 1000 + alg.charCodeAt(1));
      for (const async of [false, true]) {
        for (const options of SIGN_OPTION_SETS) {
          const base = payload(next, Math.floor(NOW_MS / 1000));
          const mineIn = structuredClone(base);
          const theirsIn = structuredClone(base);
          const mine = await runCallback((cb) => ours.signToken(mineIn, ALG_KEYS[alg][0], { algorithm: alg, async, ...options }, cb));
          const theirs = await runCallback((cb) => scAuth.signToken(theirsIn, ALG_KEYS[alg][0], { algorithm: alg, async, ...options }, cb));
          const label = `${alg} async=${async} ${JSON.stringify(options)}`;
          expect(mine.calls, label).toBe(1);
          expect(theirs.calls, label).toBe(1);
          expect(mine.sync, `${label}: timing`).toBe(theirs.sync);
          expect(mine.returned).toBeUndefined();
          expect(errorShape(mine.args[0]), label).toEqual(errorShape(theirs.args[0]));
          if (DETERMINISTIC.has(alg) || mine.args[0]) expect(mine.args[1], label).toBe(theirs.args[1]);
          else expect(jwt9.decode(mine.args[1] as string, { complete: true }).payload).toEqual(jwt9.decode(theirs.args[1] as string, { complete: true }).payload);
          expect(mineIn).toEqual(theirsIn);
        }
      }
    });
  }

  it('async sign succeeds on a later tick, fails synchronously for bad input (as jsonwebtoken\'s callback path)', async () => {
    const ok = await runCallback((cb) => ours.signToken({ a: 1 }, KEYS.hsString, { async: true }, cb));
    expect(ok.sync).toBe(false);
    expect(ok.args[0]).toBeNull();
    const bad = await runCallback((cb) => ours.signToken({ a: 1 }, KEYS.hsString, { async: true, expiresIn: 'soon' }, cb));
    expect(bad.sync).toBe(true);
    const sync = await runCallback((cb) => ours.signToken({ a: 1 }, KEYS.hsString, { async: false }, cb));
    expect(sync.sync).toBe(true);
  });

  it('a conflicting claim with async: sc-auth 5 calls back TWICE (error, then token); we call back once', async () => {
    const mine = await runCallback((cb) => ours.signToken({ iss: 'a' }, KEYS.hsString, { issuer: 'b', async: true }, cb));
    const theirs = await runCallback((cb) => scAuth.signToken({ iss: 'a' }, KEYS.hsString, { issuer: 'b', async: true }, cb));
    expect(theirs.calls).toBe(2);
    expect(mine.calls).toBe(1);
    expect(errorShape(mine.args[0])).toEqual(errorShape(theirs.args[0]));
  });

  it('`none` with async and no key: sc-auth 5 never calls back (jws waits on a falsy key); we do, on a later tick', async () => {
    const theirs = await runCallback((cb) => scAuth.signToken({ a: 1, iat: 1 }, null, { algorithm: 'none', async: true }, cb));
    expect(theirs.calls).toBe(0);
    const mine = await runCallback((cb) => ours.signToken({ a: 1, iat: 1 }, null, { algorithm: 'none', async: true }, cb));
    expect(mine.calls).toBe(1);
    expect(mine.sync).toBe(false);
    expect(mine.args[1]).toBe(jwt9.sign({ a: 1, iat: 1 }, null, { algorithm: 'none' }));
  });
});

describe('verifyToken with a callback = sc-auth 5.0.2', () => {
  for (const alg of Object.keys(ALG_KEYS)) {
    it(`${alg}: verify cases, async false and true`, async () => {
      const seen = new Set<string>();
      for (const async of [false, true]) {
        for (const c of verifyCases(alg)) await compareVerify(`${alg} / ${c.name}`, c, async, seen);
      }
      expect([...seen]).toEqual(Object.keys(JWT8_VS_9).filter((n) => n.startsWith(`${alg} / `)));
    });
  }

  it('malformed, none, null and non-string tokens', async () => {
    const seen = new Set<string>();
    for (const async of [false, true]) {
      for (const c of GENERIC_VERIFY_CASES) await compareVerify(c.name, c, async, seen);
    }
    expect([...seen].sort()).toEqual(['alg confusion: HS256 signed with the RSA public PEM, algorithms [HS256]', 'none token, no key, no algorithms']);
  });

  it('keys: where jsonwebtoken 8 and 9 convert keys differently, we follow 9 (listed differences only)', async () => {
    const seen = new Set<string>();
    for (const k of KEY_CASES) {
      const token = k.alg.startsWith('HS') ? jwt9.sign({ a: 1, iat: 1 }, KEYS.hsString) : jwt9.sign({ a: 1, iat: 1 }, k.alg.startsWith('ES') ? KEYS.ec256.privateKey : KEYS.rsa.privateKey, { algorithm: k.alg });
      await compareVerify(`${k.name} / verify`, { name: k.name, token, key: k.verifyKey }, false, seen);
      const name = `${k.name} / sign`;
      const mine = await runCallback((cb) => ours.signToken({ a: 1, iat: 1 }, k.signKey, { algorithm: k.alg }, cb));
      const theirs = await runCallback((cb) => scAuth.signToken({ a: 1, iat: 1 }, k.signKey, { algorithm: k.alg }, cb));
      expect(mine.calls, name).toBe(1);
      expect(mine.sync, name).toBe(theirs.sync);
      const nine = await settle(agAuth.signToken({ a: 1, iat: 1 }, k.signKey, { algorithm: k.alg }));
      const mineResult = { ok: !mine.args[0], error: errorShape(mine.args[0]) };
      if (JWT8_VS_9[name] !== undefined) {
        seen.add(name);
        expect(mineResult, name).toEqual({ ok: nine.ok, error: errorShape(nine.error) });
        expect(mineResult, `${name} is listed as an 8-vs-9 difference`).not.toEqual({ ok: !theirs.args[0], error: errorShape(theirs.args[0]) });
      } else {
        expect(mineResult, name).toEqual({ ok: !theirs.args[0], error: errorShape(theirs.args[0]) });
        if (DETERMINISTIC.has(k.alg)) expect(mine.args[1], name).toBe(theirs.args[1]);
      }
    }
    const keyNames = Object.keys(JWT8_VS_9).filter((n) => n.endsWith(' / sign') || n.endsWith(' / verify'));
    expect(keyNames.length).toBeGreaterThan(10);
    expect([...seen].sort()).toEqual(keyNames.sort());
  });

  it('null token: JsonWebTokenError "jwt must be provided", synchronously', async () => {
    const run = await runCallback((cb) => ours.verifyToken(null, KEYS.hsString, { async: true }, cb));
    expect(run.sync).toBe(true);
    expect(errorShape(run.args[0])).toEqual({ name: 'JsonWebTokenError', message: 'jwt must be provided' });
  });
});

describe('callback exceptions and call shapes', () => {
  for (const [method, args] of [
    ['signToken', [{ a: 1 }, KEYS.hsString, {}]],
    ['signToken', [{ a: 1 }, KEYS.hsString, { expiresIn: 'soon' }]],
    ['verifyToken', [jwt9.sign({ a: 1 }, KEYS.hsString), KEYS.hsString, {}]],
    ['verifyToken', [jwt9.sign({ a: 1 }, KEYS.hsString), KEYS.hsString, { async: true }]],
    ['verifyToken', ['bad', KEYS.hsString, {}]],
    ['verifyToken', [5, KEYS.hsString, {}]],
  ] as const) {
    it(`${method}(${JSON.stringify(args[2])}): an exception thrown by the callback reaches the caller, no second call`, () => {
      for (const engine of [ours, scAuth]) {
        let calls = 0;
        const boom = new Error('from the callback');
        expect(() => (engine as unknown as Record<string, (...a: unknown[]) => void>)[method](...args, () => { calls++; throw boom; })).toThrow(boom);
        expect(calls).toBe(1);
      }
    });
  }

  it('callback in the options slot (SocketCluster 1.x shape) is used as the callback; sc-auth 5 threw "callback is not a function"', async () => {
    const token = jwt9.sign({ a: 1, iat: 1 }, KEYS.hsString);
    const mine = await runCallback((cb) => ours.verifyToken(token, KEYS.hsString, cb));
    expect(mine).toMatchObject({ calls: 1, sync: true, args: [null, { a: 1, iat: 1 }] });
    expect(() => scAuth.verifyToken(token, KEYS.hsString, () => undefined)).toThrow(/callback is not a function/);
    const signed = await runCallback((cb) => ours.signToken({ a: 1, iat: 1 }, KEYS.hsString, cb));
    expect(signed.args[1]).toBe(token);
  });

  it('detached methods work as with sc-auth/ag-auth (which never used `this`): destructuring, util.promisify', async () => {
    const { promisify } = await import('node:util');
    const token = jwt9.sign({ a: 1, iat: 1 }, KEYS.hsString);
    const { verifyToken, signToken } = ours;
    expect(await verifyToken(token, KEYS.hsString)).toEqual({ a: 1, iat: 1 });
    const { verifyToken: scVerify } = scAuth;
    const detached = await runCallback((cb) => verifyToken(token, KEYS.hsString, {}, cb));
    const scDetached = await runCallback((cb) => scVerify(token, KEYS.hsString, {}, cb));
    expect(outcome(detached)).toEqual(outcome(scDetached));
    expect(await promisify(ours.signToken)({ a: 1, iat: 1 }, KEYS.hsString, {})).toBe(token);
    expect(await promisify(scAuth.signToken)({ a: 1, iat: 1 }, KEYS.hsString, {})).toBe(token);
    expect(signToken.call(undefined, { a: 1, iat: 1 }, KEYS.hsString)).toBeInstanceOf(Promise);
  });

  it('returns undefined and creates no Promise in callback mode', () => {
    const before = unhandled.length;
    expect(ours.signToken({ a: 1 }, KEYS.hsString, {}, () => undefined)).toBeUndefined();
    expect(ours.verifyToken('x', KEYS.hsString, {}, () => undefined)).toBeUndefined();
    expect(unhandled.length).toBe(before);
  });
});
