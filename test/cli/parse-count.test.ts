// migrate runs its read-only pre-check and its printing steps on one tree (codemods/lib/run.ts,
// checkThenRun): babel parses a file once, and its output once more to prove it parses. A file
// whose text recast renders differently (tabs, CRLF) takes the two-parse path: pre-check, then
// recast's parse. Either way the output and findings must not depend on what the process did
// before: the same source migrated in a fresh process, and again in a warm one, gives the same.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEGACY_SIGN, LEGACY_VERIFY, NEEDS_REVIEW } from './fixtures';
import { BIN, cleanup, ROOT, tempDir, writeTree } from './helpers';

afterAll(cleanup);

const SAMPLES: Record<string, string> = {
  'sign.js': LEGACY_SIGN,
  'verify.js': LEGACY_VERIFY,
  'review.js': NEEDS_REVIEW,
  'tabs.js': LEGACY_VERIFY.replace(/^ {2}/gm, '\t'),
  'crlf.js': LEGACY_SIGN.replace(/\n/g, '\r\n'),
  'typed.ts': `import { AuthEngine } from 'sc-auth';
const engine = new AuthEngine();
export function check(token: string, key: string, done: (err: Error | null, sub?: string) => void): void {
  engine.verifyToken(token, key, {}, (err: Error | null, decoded: any) => {
    if (err) return done(err);
    done(null, decoded.sub);
  });
}
`,
  'view.jsx': `const { AuthEngine } = require('sc-auth');
const auth = new AuthEngine();
export const Login = ({ key }) => <button onClick={() => auth.signToken({ a: 1 }, key, {}, (err, t) => console.log(err, t))}>go</button>;
`,
};

// In child processes: module state (the kept tree) starts empty, as in a real run. 'fresh' runs
// one file in a process of its own (nothing to reuse); 'reuse' runs them all in one process after
// a warm-up migration, with a different text pre-checked in between (its tree must not be used).
const SCRIPT = `
const babel = require(${JSON.stringify(require.resolve('@babel/parser', { paths: [ROOT] }))});
const parse = babel.parse;
let parses = 0;
babel.parse = function (code, opts) { parses++; return parse.call(this, code, opts); };
const p = require(${JSON.stringify(path.join(ROOT, 'dist', 'codemods', 'pipeline.js'))});
const [mode, samplesJson, only] = process.argv.slice(1);
const samples = JSON.parse(samplesJson);
const strip = (r) => ({ output: r.output, changed: r.changed, findings: r.findings, needsBridge: r.needsBridge, needsAgAuth: r.needsAgAuth });
const counted = (f) => { const before = parses; const r = f(); return { r, parses: parses - before }; };
const out = {};
if (mode === 'reuse') p.migrateSource(samples['sign.js'], '/virtual/warm-up.js', {});
for (const [name, src] of Object.entries(samples)) {
  if (mode === 'fresh' && name !== only) continue;
  if (mode === 'reuse') p.checkSource(samples['verify.js'] + '\\n// other\\n', '/virtual/other.js', {});
  const once = counted(() => strip(p.migrateSource(src, '/virtual/' + name, {})));
  out[name] = once.r;
  out[name + ' parses'] = once.parses;
  if (mode === 'reuse') out[name + ' again'] = strip(p.migrateSource(src, '/virtual/' + name, {}));
}
process.stdout.write(JSON.stringify(out));
`;

function child(args: string[]): Record<string, any> {
  const r = spawnSync(process.execPath, ['-e', SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000, cwd: ROOT });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('parses per migration', () => {
  it('one tree (two for tabs and CRLF) and the output check; the same result in a fresh and a warm process', () => {
    const reused = child(['reuse', JSON.stringify(SAMPLES)]);
    for (const name of Object.keys(SAMPLES)) {
      const fresh = child(['fresh', JSON.stringify(SAMPLES), name])[name];
      expect(fresh.changed, name).toBe(true);
      expect(fresh.output, name).not.toBe(SAMPLES[name]);
      expect(reused[name], name).toEqual(fresh);
      expect(reused[`${name} again`], name).toEqual(fresh);
      // recast renders tabs and CRLF line ends differently from the file: the check's columns
      // would not be the file's, so those take the pre-check's own parse.
      const parses = name === 'tabs.js' || name === 'crlf.js' ? 3 : 2;
      expect(child(['fresh', JSON.stringify(SAMPLES), name])[`${name} parses`], name).toBe(parses);
      expect(reused[`${name} parses`], name).toBe(parses);
      if (name === 'crlf.js') expect(fresh.output.replace(/\r\n/g, '')).not.toMatch(/\n/);
      if (name === 'tabs.js') expect(fresh.output).toMatch(/^\t/m);
    }
  });
});

// check reads trees it never prints: babel and ast-types are all it needs, and jscodeshift with
// recast would cost its start-up ~50-70 ms. The packages a run loaded are listed at its exit.
const LIST_PACKAGES = `process.on('exit', () => {
  const names = new Set(Object.keys(require.cache).map((f) => (/node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f) || [])[1]).filter(Boolean));
  require('fs').writeFileSync(process.env.LOADED_LIST, [...names].sort().join('\\n'));
});`;

describe('what a run loads', () => {
  it('check: babel and ast-types, not jscodeshift nor recast; migrate: all four', () => {
    const dir = tempDir();
    writeTree(dir, { 'sign.js': LEGACY_SIGN, 'review.js': NEEDS_REVIEW, 'typed.ts': SAMPLES['typed.ts'] });
    const hook = path.join(dir, 'list-packages.js');
    fs.writeFileSync(hook, LIST_PACKAGES);
    const loaded = (...args: string[]) => {
      const list = path.join(dir, `loaded-${args[0]}.txt`);
      const r = spawnSync(process.execPath, ['-r', hook, BIN, ...args, '--jobs', '1', '--json', 'sign.js', 'review.js', 'typed.ts'],
        { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOADED_LIST: list } });
      return { packages: fs.readFileSync(list, 'utf8').split('\n'), findings: JSON.parse(r.stdout).findings, code: r.status };
    };
    const check = loaded('check');
    expect(check.code).toBe(1);
    expect(check.packages).toEqual(expect.arrayContaining(['@babel/parser', 'ast-types']));
    expect(check.packages).not.toContain('jscodeshift');
    expect(check.packages).not.toContain('recast');
    const migrate = loaded('migrate', '--dry');
    expect(migrate.packages).toEqual(expect.arrayContaining(['@babel/parser', 'ast-types', 'jscodeshift', 'recast']));
    // The read-only trees answer as before: the files' legacy imports and callback calls.
    const rules = new Set(check.findings.map((f: { rule: string }) => f.rule));
    expect([...rules].sort()).toEqual(['callback-call', 'sc-auth-import']);
  });
});
