// sc-auth's AuthEngine was a plain function, so ES5-era code subclassed it by calling it on its own
// `this` (`AuthEngine.call(this)` + util.inherits). A codemod that moves such a file to
// sc-auth-bridge must not turn that into `Class constructor AuthEngine cannot be invoked without 'new'`.
import { inherits } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Bridge, ScAuth5 } from './helpers';

type Callback = (err: Error | null, value?: any) => void;

/** The legacy shape, built on whichever base class is given. */
function es5Engine(Base: any): any {
  function MyEngine(this: any, key: string) {
    Base.call(this);
    this.key = key;
  }
  inherits(MyEngine, Base);
  MyEngine.prototype.signToken = function (this: any, token: any, key: unknown, options: unknown, callback: Callback) {
    token.issuedBy = 'my-engine';
    Base.prototype.signToken.call(this, token, key || this.key, options, callback);
  };
  return MyEngine;
}

function roundTrip(Base: any): string[] {
  const Engine = es5Engine(Base);
  const engine = new Engine('secret');
  const seen: string[] = [];
  engine.signToken({ sub: 'u1', iat: 1_700_000_000 }, null, {}, (err: Error | null, token: string) => {
    seen.push(`sign ${err} ${token}`);
    engine.verifyToken(token, 'secret', {}, (err2: Error | null, payload: any) => {
      seen.push(`verify ${err2} ${payload.issuedBy} ${engine instanceof Base}`);
    });
  });
  engine.verifyToken('not.a.token', 'secret', {}, (err: Error | null) => seen.push(`bad ${err?.name}: ${err?.message}`));
  return seen;
}

describe('ES5 subclasses of the engine (AuthEngine.call(this) + util.inherits)', () => {
  it('behave as on sc-auth 5.0.2: same tokens, same errors, synchronous call-backs', () => {
    const legacy = roundTrip(ScAuth5);
    expect(legacy).toHaveLength(3);
    expect(roundTrip(Bridge.AuthEngine)).toEqual(legacy);
    expect(roundTrip(Bridge)).toEqual(legacy);
    expect(roundTrip(Bridge.default)).toEqual(legacy);
  });

  it('every export form is the same callable constructor, and class syntax still works', () => {
    expect(Bridge.AuthEngine).toBe(Bridge);
    expect(Bridge.default).toBe(Bridge);
    class Modern extends Bridge {}
    expect(new Modern()).toBeInstanceOf(Bridge);
    // Called without `new` and without a receiver: an engine, as a convenience (sc-auth returned undefined).
    expect((Bridge as unknown as () => unknown)()).toBeInstanceOf(Bridge);
  });
});
