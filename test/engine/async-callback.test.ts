// With `async: true`, sign goes through jsonwebtoken's stream and calls back on a later tick. jws
// runs that call-back inside a try and hands an exception it throws back to the once-guarded
// callback, so sc-auth 5.0.2 silently LOSES it (deliberate difference: we rethrow it as an uncaught
// exception on the next tick). Either way: one call, no unhandled rejection. Child processes,
// since uncaught exceptions are process-wide.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_ENTRY, ROOT } from './helpers';

function run(which: 'bridge' | 'sc-auth'): unknown {
  const child = spawnSync(process.execPath, ['--no-deprecation', path.join(__dirname, 'fixtures/async-throw.js'), which], {
    cwd: ROOT, encoding: 'utf8', timeout: 20_000, env: { ...process.env, NODE_OPTIONS: '', BRIDGE_ENTRY: DIST_ENTRY },
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout);
}

describe('async sign: a throwing callback', () => {
  it('sc-auth 5.0.2 calls back once on a later tick and swallows the exception', () => {
    expect(run('sc-auth')).toEqual({ calls: 1, events: ['callback: string (returned before: true)'] });
  });

  it('we call back once on a later tick and the exception surfaces as an uncaught exception', () => {
    expect(run('bridge')).toEqual({
      calls: 1,
      events: ['callback: string (returned before: true)', 'uncaughtException: thrown by the callback'],
    });
  });
});
