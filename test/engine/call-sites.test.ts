// Run-time legacy detection, in child processes (warnings are process-wide): one DeprecationWarning
// per callback-style call site with code SC_AUTH_BRIDGE_CALLBACK and the caller's file:line,
// silenced by --no-deprecation (also through NODE_OPTIONS) or the engine option; legacyCallSites().
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_ENTRY, ROOT } from './helpers';

const SCRIPT = path.join(__dirname, 'fixtures/call-sites.js');
const LINES = Object.fromEntries(
  readFileSync(SCRIPT, 'utf8').split('\n').flatMap((text, i) => {
    const m = /\/\/ (LINE_[A-Z])/.exec(text);
    return m ? [[m[1], i + 1]] : [];
  }),
) as Record<string, number>;

interface Site { method: string; file: string; line: number; column: number; count: number; exact: boolean }
interface Output { sites: Site[]; standalone: Site[]; warnings: Array<{ name: string; code: string; message: string }> }

function run(options: object, scenario: string, nodeArgs: string[] = [], env: Record<string, string> = {}): { out: Output; stderr: string } {
  const child = spawnSync(process.execPath, [...nodeArgs, SCRIPT, JSON.stringify(options), scenario], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '', ...env, BRIDGE_ENTRY: DIST_ENTRY },
  });
  expect(child.status, child.stderr).toBe(0);
  return { out: JSON.parse(child.stdout) as Output, stderr: child.stderr };
}

describe('callback-style call sites', () => {
  it('one DeprecationWarning per call site, with code and file:line; legacyCallSites() counts calls', () => {
    const { out, stderr } = run({}, 'basic');
    expect(out.warnings.map((w) => [w.name, w.code])).toEqual(Array(4).fill(['DeprecationWarning', 'SC_AUTH_BRIDGE_CALLBACK']));
    for (const line of [LINES.LINE_A, LINES.LINE_B, LINES.LINE_C, LINES.LINE_D]) {
      expect(out.warnings.some((w) => w.message.includes(`${SCRIPT}:${line}:`)), `line ${line}`).toBe(true);
    }
    expect(out.warnings[0].message).toMatch(/callback-style verifyToken\(\) called at .*await the returned Promise/);
    expect(stderr.match(/\[SC_AUTH_BRIDGE_CALLBACK\] DeprecationWarning/g)).toHaveLength(4);
    const summary = out.sites.map((s) => [s.method, s.file, s.line, s.count, s.exact]);
    expect(summary).toEqual([
      ['verifyToken', SCRIPT, LINES.LINE_A, 3, true],
      ['signToken', SCRIPT, LINES.LINE_B, 1, true],
      ['verifyToken', SCRIPT, LINES.LINE_C, 1, true],
    ]);
    expect(out.standalone.map((s) => [s.method, s.file, s.line])).toEqual([['signToken', SCRIPT, LINES.LINE_D]]);
  });

  it('--no-deprecation silences the warning (the sites are still recorded)', () => {
    const { out, stderr } = run({}, 'basic', ['--no-deprecation']);
    expect(out.warnings).toEqual([]);
    expect(stderr).toBe('');
    expect(out.sites).toHaveLength(3);
  });

  it('NODE_OPTIONS=--no-deprecation silences it too', () => {
    const { out, stderr } = run({}, 'basic', [], { NODE_OPTIONS: '--no-deprecation' });
    expect(out.warnings).toEqual([]);
    expect(stderr).toBe('');
  });

  it('engine option deprecationWarnings: false silences this engine; trackCallSites: false records nothing', () => {
    const quiet = run({ deprecationWarnings: false }, 'basic');
    expect(quiet.out.warnings.map((w) => w.message).filter((m) => m.includes(`:${LINES.LINE_A}:`))).toEqual([]);
    expect(quiet.out.sites).toHaveLength(3);
    expect(quiet.out.warnings).toHaveLength(1); // the standalone function's shared engine still warns
    const off = run({ trackCallSites: false }, 'basic');
    expect(off.out.sites).toEqual([]);
  });

  it('after 200 calls from known sites, at most one call per 100 ms is located; light traffic is located call by call', () => {
    const { out } = run({}, 'sampling', ['--no-deprecation']);
    const [e, g, f] = out.sites;
    expect([e.line, g.line, f.line]).toEqual([LINES.LINE_E, LINES.LINE_G, LINES.LINE_F]);
    // the skipped calls of the tight loop are counted at the next capture from the same site
    expect(e.exact).toBe(false);
    expect(e.count).toBeLessThanOrEqual(5000);
    expect(e.count).toBeGreaterThan(4000);
    // 120 ms apart: every call located (the first may be credited to E, skipped inside its 100 ms gap)
    expect(e.count + g.count).toBe(5005);
    expect(g.count).toBeGreaterThanOrEqual(4);
    expect(f).toMatchObject({ method: 'verifyToken', count: 5, exact: true });
  });
});
