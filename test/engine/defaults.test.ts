// Key-bound defaults: what the sc-auth and ag-auth READMEs show and neither package does.
import { describe, expect, it } from 'vitest';
import { Bridge, KEYS, jwt9, settle } from './helpers';

describe('new AuthEngine(key, defaults)', () => {
  it('signToken(data) and signToken(data, options) use the bound key and defaults', async () => {
    const engine = new Bridge(KEYS.hsString, { algorithm: 'HS512', expiresIn: 3600, issuer: 'auth' });
    const token = await engine.signToken({ user: 'alice', iat: 1000 });
    expect(jwt9.decode(token, { complete: true })).toMatchObject({ header: { alg: 'HS512' }, payload: { user: 'alice', iat: 1000, exp: 4600, iss: 'auth' } });
    const shorter = await engine.signToken({ user: 'alice', iat: 1000 }, { expiresIn: '1h', issuer: 'other' });
    expect(jwt9.decode(shorter)).toMatchObject({ exp: 1000 + 3600, iss: 'other' });
    // callback with the options-only shape
    const viaCallback = await new Promise((resolve, reject) => engine.signToken({ user: 'b', iat: 1000 }, { expiresIn: 10 }, (err: Error | null, t?: string) => (err ? reject(err) : resolve(t))));
    expect(jwt9.decode(viaCallback)).toMatchObject({ exp: 1010 });
  });

  it('explicit arguments win: a key in the call replaces the bound key', async () => {
    const engine = new Bridge(KEYS.hsString, { algorithm: 'HS256' });
    const token = await engine.signToken({ a: 1, iat: 1 }, 'other key');
    expect(token).toBe(jwt9.sign({ a: 1, iat: 1 }, 'other key'));
    expect(await engine.verifyToken(token, 'other key')).toEqual({ a: 1, iat: 1 });
    expect((await settle(engine.verifyToken(token))).error).toMatchObject({ name: 'JsonWebTokenError', message: 'invalid signature' });
  });

  it('`algorithm` means `algorithms: [algorithm]` for verify (an HS384 token is refused by an HS256 engine)', async () => {
    const engine = new Bridge(KEYS.hsString, { algorithm: 'HS256' });
    const hs384 = jwt9.sign({ a: 1 }, KEYS.hsString, { algorithm: 'HS384' });
    expect((await settle(engine.verifyToken(hs384))).error).toMatchObject({ name: 'JsonWebTokenError', message: 'invalid algorithm' });
    expect(await engine.verifyToken(hs384, { algorithms: ['HS384'] })).toMatchObject({ a: 1 });
    // without bound defaults jsonwebtoken allows every HS algorithm for a secret
    expect(await new Bridge(KEYS.hsString).verifyToken(hs384)).toMatchObject({ a: 1 });
  });

  it('a default claim is not applied when the payload already has it (socketcluster-server passes exp itself)', async () => {
    const engine = new Bridge(KEYS.hsString, { expiresIn: 3600, audience: 'app' });
    const token = await engine.signToken({ a: 1, iat: 1000, exp: 1500, aud: 'mine' });
    expect(jwt9.decode(token)).toEqual({ a: 1, iat: 1000, exp: 1500, aud: 'mine' });
    // an explicit conflicting option still fails as in jsonwebtoken
    expect((await settle(engine.signToken({ a: 1, exp: 1500 }, { expiresIn: 10 }))).error).toMatchObject({ message: 'Bad "options.expiresIn" option the payload already has an "exp" property.' });
    // object-only defaults are skipped for a string payload
    expect(await engine.signToken('just text')).toBe(jwt9.sign('just text', KEYS.hsString));
  });

  it('audience/issuer defaults are checked on verify', async () => {
    const engine = new Bridge(KEYS.hsString, { audience: 'app', issuer: 'auth' });
    const token = await engine.signToken({ a: 1 });
    expect(await engine.verifyToken(token)).toMatchObject({ aud: 'app', iss: 'auth' });
    const foreign = jwt9.sign({ a: 1, aud: 'other', iss: 'auth' }, KEYS.hsString);
    expect((await settle(engine.verifyToken(foreign))).error).toMatchObject({ message: 'jwt audience invalid. expected: app' });
  });

  it('a { privateKey, publicKey } pair: signs with the private key, verifies with the public one', async () => {
    const engine = new Bridge({ privateKey: KEYS.rsa.privateKey, publicKey: KEYS.rsa.publicKey }, { algorithm: 'RS256' });
    const token = await engine.signToken({ a: 1, iat: 1 });
    expect(token).toBe(jwt9.sign({ a: 1, iat: 1 }, KEYS.rsa.privateKey, { algorithm: 'RS256' }));
    expect(await engine.verifyToken(token)).toEqual({ a: 1, iat: 1 });
    expect(engine.verifyTokenSync(token)).toEqual({ a: 1, iat: 1 });
  });

  it('defaults only: new AuthEngine({ ... }) and createAuthEngine(undefined, { ... })', async () => {
    for (const engine of [new Bridge({ expiresIn: 60 }), Bridge.createAuthEngine(undefined, { expiresIn: 60 })]) {
      const token = await engine.signToken({ a: 1, iat: 100 }, KEYS.hsString);
      expect(jwt9.decode(token)).toEqual({ a: 1, iat: 100, exp: 160 });
    }
  });

  it('no key anywhere: MissingKeyError (name, code, message saying how to pass one), in every mode', async () => {
    const engine = new Bridge({ expiresIn: 60 });
    const rejected = await settle(engine.signToken({ a: 1 }));
    expect(rejected.error).toBeInstanceOf(Bridge.MissingKeyError);
    expect(rejected.error).toBeInstanceOf(Bridge.AuthBridgeError);
    expect(rejected.error).toMatchObject({ name: 'MissingKeyError', code: 'ERR_SC_AUTH_BRIDGE_NO_KEY' });
    expect((rejected.error as Error).message).toContain('engine.signToken(payload, key, options)');
    const called = await new Promise<Error | null>((resolve) => engine.verifyToken('a.b.c', {}, (err: Error | null) => resolve(err)));
    expect(called).toMatchObject({ name: 'MissingKeyError' });
    expect(() => engine.verifyTokenSync('a.b.c')).toThrow(/engine\.verifyToken\(token, key, options\)/);
  });

  it('unknown defaults and bad values fail at construction with InvalidEngineOptionsError naming the option', () => {
    expect(() => new Bridge('k', { expiresInMinutes: 5 })).toThrow(Bridge.InvalidEngineOptionsError);
    expect(() => new Bridge('k', { expiresInMinutes: 5 })).toThrow(/"expiresInMinutes"/);
    expect(() => new Bridge('k', { async: true })).toThrow(/per-call option/);
    expect(() => new Bridge('k', { deprecationWarnings: 'no' })).toThrow(/"deprecationWarnings": expected a boolean/);
    expect(() => new Bridge(42)).toThrow(/invalid engine option "key"/);
    try {
      new Bridge('k', { bogus: 1 });
    } catch (err) {
      expect(err).toMatchObject({ name: 'InvalidEngineOptionsError', code: 'ERR_SC_AUTH_BRIDGE_ENGINE_OPTIONS', option: 'bogus' });
    }
  });

  it('verify options in defaults are not passed to sign (jsonwebtoken would reject them there)', async () => {
    const engine = new Bridge(KEYS.hsString, { clockTolerance: 30, maxAge: '1d', algorithms: ['HS256'] });
    const token = await engine.signToken({ a: 1 });
    expect(await engine.verifyToken(token)).toMatchObject({ a: 1 });
  });
});
