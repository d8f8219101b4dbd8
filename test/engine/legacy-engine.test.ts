// fromLegacyEngine: hand-written engines of every era made usable by socketcluster-server 15+
// (which awaits), with the real sc-auth 5 / sc-auth 6 / ag-auth engines as the "hand-written" ones.
import { describe, expect, it } from 'vitest';
import { AgAuth, Bridge, KEYS, ScAuth5, ScAuth6, jwt9, runCallback, settle } from './helpers';

const TOKEN = jwt9.sign({ user: 'alice', iat: 1 }, KEYS.hsString);

describe('fromLegacyEngine', () => {
  it('a callback engine (sc-auth 5 itself) becomes awaitable', async () => {
    const bridged = Bridge.fromLegacyEngine(new ScAuth5());
    expect(await bridged.verifyToken(TOKEN, KEYS.hsString, { socket: {} })).toEqual({ user: 'alice', iat: 1 });
    expect(await bridged.signToken({ user: 'alice', iat: 1 }, KEYS.hsString, {})).toBe(TOKEN);
    const failed = await settle(bridged.verifyToken(null, KEYS.hsString, {}));
    expect(failed.error).toMatchObject({ name: 'JsonWebTokenError', message: 'jwt must be provided' });
  });

  it('a synchronous engine (sc-auth 6) and a Promise engine (ag-auth 2) work too', async () => {
    for (const engine of [new ScAuth6(), new AgAuth()]) {
      const bridged = Bridge.fromLegacyEngine(engine);
      expect(await bridged.verifyToken(TOKEN, KEYS.hsString, {})).toEqual({ user: 'alice', iat: 1 });
      expect((await settle(bridged.verifyToken('bad', KEYS.hsString, {}))).error).toMatchObject({ name: 'JsonWebTokenError', message: 'jwt malformed' });
    }
  });

  it('a hand-written engine calling back on a later tick, keeping its own members and `this`', async () => {
    const custom = {
      secret: 'kept',
      calls: 0,
      signToken(token: unknown, _key: unknown, _options: unknown, callback: (e: Error | null, t?: string) => void) {
        this.calls++;
        setTimeout(() => callback(null, `signed:${JSON.stringify(token)}:${this.secret}`), 1);
      },
      verifyToken(token: string, _key: unknown, _options: unknown, callback: (e: Error | null, t?: unknown) => void) {
        setImmediate(() => (token === 'good' ? callback(null, { user: 'bob' }) : callback(new Error('nope'))));
      },
    };
    const bridged = Bridge.fromLegacyEngine(custom);
    expect(await bridged.signToken({ a: 1 }, 'k', {})).toBe('signed:{"a":1}:kept');
    expect(custom.calls).toBe(1);
    expect(bridged.secret).toBe('kept');
    expect(await bridged.verifyToken('good', 'k', {})).toEqual({ user: 'bob' });
    expect((await settle(bridged.verifyToken('bad', 'k', {}))).error).toMatchObject({ message: 'nope' });
  });

  it('never resolves a falsy payload (socketcluster-server 15+ would treat it as authenticated)', async () => {
    const sloppy = {
      signToken(_t: unknown, _k: unknown, _o: unknown, cb: (e: null, t?: string) => void) { cb(null, ''); },
      verifyToken(_t: unknown, _k: unknown, _o: unknown, cb: (e: null, t?: unknown) => void) { cb(null); },
    };
    const bridged = Bridge.fromLegacyEngine(sloppy);
    const v = await settle(bridged.verifyToken('x', 'k', {}));
    expect(v.error).toBeInstanceOf(Bridge.LegacyEngineError);
    expect(v.error).toMatchObject({ name: 'LegacyEngineError', code: 'ERR_SC_AUTH_BRIDGE_LEGACY_ENGINE' });
    expect((await settle(bridged.signToken({}, 'k', {}))).error).toBeInstanceOf(Bridge.LegacyEngineError);
    const promiseFalsy = Bridge.fromLegacyEngine({ signToken: async () => 't', verifyToken: async () => null });
    expect((await settle(promiseFalsy.verifyToken('x', 'k'))).error).toBeInstanceOf(Bridge.LegacyEngineError);
  });

  it('settles once: an engine that calls back twice, or throws after calling back', async () => {
    const twice = {
      signToken(_t: unknown, _k: unknown, _o: unknown, cb: (e: Error | null, t?: string) => void) { cb(new Error('first')); cb(null, 'second'); },
      verifyToken(_t: unknown, _k: unknown, _o: unknown, cb: (e: Error | null, t?: unknown) => void) { cb(null, { ok: 1 }); throw new Error('after'); },
    };
    const bridged = Bridge.fromLegacyEngine(twice);
    expect((await settle(bridged.signToken({}, 'k', {}))).error).toMatchObject({ message: 'first' });
    expect(await bridged.verifyToken('x', 'k', {})).toEqual({ ok: 1 });
  });

  it('a synchronous throw and a non-Error rejection become rejections', async () => {
    const thrower = { signToken() { throw new TypeError('bad key'); }, verifyToken: () => Promise.reject(undefined) };
    const bridged = Bridge.fromLegacyEngine(thrower);
    expect((await settle(bridged.signToken({}, 'k'))).error).toBeInstanceOf(TypeError);
    expect((await settle(bridged.verifyToken('x', 'k'))).error).toBeInstanceOf(Bridge.LegacyEngineError);
  });

  it('with a callback (socketcluster-server 14) it calls back once, on a later tick', async () => {
    const bridged = Bridge.fromLegacyEngine(new ScAuth6());
    const run = await runCallback((cb) => bridged.verifyToken(TOKEN, KEYS.hsString, {}, cb));
    expect(run).toMatchObject({ calls: 1, sync: false, args: [null, { user: 'alice', iat: 1 }], returned: undefined });
  });

  it('our own engine is returned as is; non-engines are refused with a clear error', () => {
    const ours = new Bridge();
    expect(Bridge.fromLegacyEngine(ours)).toBe(ours);
    expect(() => Bridge.fromLegacyEngine(null)).toThrow(Bridge.LegacyEngineError);
    expect(() => Bridge.fromLegacyEngine({ signToken() {} })).toThrow(/no verifyToken\(\) method/);
    // socketcluster-client's authEngine (saveToken/loadToken/removeToken) is not an auth engine
    expect(() => Bridge.fromLegacyEngine({ saveToken() {}, loadToken() {}, removeToken() {} })).toThrow(/no signToken\(\) or verifyToken\(\) method/);
  });
});
