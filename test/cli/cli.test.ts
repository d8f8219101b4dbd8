// The built binary on temporary trees: commands, flags, exit codes, output formats.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { BIN, cleanup, read, ROOT, run, tempDir, writeTree } from './helpers';
import {
  BROKEN, CUSTOM_RECEIVER, LEGACY_SIGN, LEGACY_TREE, LEGACY_VERIFY, LOOK_ALIKE, ON_BRIDGE, ORDINARY,
} from './fixtures';

afterAll(cleanup);
// Each test runs the binary several times; on a loaded CI machine that can take a while.
vi.setConfig({ testTimeout: 120_000 });

function hasScript(): boolean {
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
}

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const FINDING_LINE = /^(\S+):(\d+):(\d+) {2}([a-z-]+)(?: \(info\))? {2}\S.*$/;

function legacyTree(): string {
  const dir = tempDir();
  // Build output is skipped like node_modules.
  writeTree(dir, { ...LEGACY_TREE, 'dist/sign.js': LEGACY_SIGN });
  return dir;
}

interface JsonDoc {
  tool: { name: string; version: string };
  summary: Record<string, number | string | boolean>;
  findings: Array<{ file: string; line: number; column: number; rule: string; severity: string; message: string; fingerprint: string; new?: boolean }>;
  failures: Array<{ file: string; name: string; code?: string; message: string }>;
  changedFiles: string[];
}

describe('--help, --version, list', () => {
  it('--version prints the package version', () => {
    const r = run(['--version'], tempDir());
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    expect(run(['check', '-v'], tempDir()).stdout).toBe(`${VERSION}\n`);
  });

  it('--help and help print usage with every command and exit 0', () => {
    for (const args of [['--help'], ['help'], ['migrate', '-h']]) {
      const r = run(args, tempDir());
      expect(r.code).toBe(0);
      for (const word of ['migrate', 'check', 'list', '--dry', '--baseline', '--format', '--engine-names', '--jobs']) {
        expect(r.stdout).toContain(word);
      }
    }
  });

  it('list prints every transform and rule, one line each, and as JSON', () => {
    const json = run(['list', '--json'], tempDir());
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { transforms: Array<{ name: string }>; rules: Array<{ id: string; severity: string }> };
    expect(doc.rules.map((r) => r.id)).toEqual(expect.arrayContaining([
      'sc-auth-import', 'callback-call', 'async-option', 'sync-call', 'callback-engine', 'sc-auth-dependency', 'manual-review', 'bridge-import',
    ]));
    const text = run(['list'], tempDir());
    expect(text.code).toBe(0);
    for (const t of doc.transforms) expect(text.stdout).toMatch(new RegExp(`^  ${t.name} +\\S`, 'm'));
    for (const r of doc.rules) expect(text.stdout).toMatch(new RegExp(`^  ${r.id} +${r.severity} +\\S`, 'm'));
  });
});

describe('bad usage exits 2 with one line on stderr', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /missing command/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['check', '--frob'], /Unknown option '--frob'/],
    [['check', 'does-not-exist'], /path not found: does-not-exist/],
    [['migrate', '--jobs', '0'], /--jobs must be a positive integer/],
    [['migrate', '--jobs', 'x'], /--jobs must be a positive integer/],
    [['migrate', '--target', 'agauth'], /--target must be 'ag-auth' or 'bridge'/],
    [['check', '--format', 'xml'], /--format must be one of text, json, github, sarif/],
    [['check', '--json', '--format', 'sarif'], /--json conflicts with --format sarif/],
    [['migrate', '--print', '--json'], /--print and --diff cannot be combined/],
    [['check', '--diff'], /option '--diff' is not valid for 'check'/],
    [['migrate', '--baseline', 'b.json'], /option '--baseline' is not valid for 'migrate'/],
    [['check', '--update-baseline'], /--update-baseline needs --baseline/],
    [['check', '--baseline', 'missing.json'], /baseline file not found: missing.json/],
    [['check', '--engine-names', 'a b'], /--engine-names: 'a b' is not an identifier/],
    [['check', '--target'], /argument missing|--target/],
    [['list', 'src'], /'list' takes no paths/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(' ') || '(no arguments)'}`, () => {
      const r = run(args, tempDir());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^sc-auth-bridge: /);
    });
  }
});

describe('check', () => {
  it('lists legacy usages as file:line:column  rule  message and exits 1; skips node_modules, dist, look-alikes', () => {
    const dir = legacyTree();
    const r = run(['check'], dir);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(FINDING_LINE);
    const files = new Set(lines.map((l) => FINDING_LINE.exec(l)![1]));
    expect([...files].sort()).toEqual(['package.json', 'src/sign.js', 'src/verify.js']);
    expect(r.stdout).toMatch(/^src\/verify\.js:1:\d+ {2}sc-auth-import {2}/m);
    expect(r.stdout).toMatch(/^src\/verify\.js:4:3 {2}callback-call {2}/m);
    expect(r.stdout).toMatch(/^package\.json:\d+:\d+ {2}sc-auth-dependency {2}/m);
    // Summary on stderr: 4 source files scanned (node_modules and dist skipped), math.ts skipped unparsed.
    expect(r.stderr).toMatch(/4 files scanned, 1 skipped without parsing, 0 failed, \d+ manual findings in \d+\.\d\ds/);
  });

  it('exits 0 on a clean tree, and 0 with only info findings (compat engine)', () => {
    const clean = tempDir();
    writeTree(clean, { 'a.ts': ORDINARY, 'b.js': LOOK_ALIKE });
    const r = run(['check', '.'], clean);
    expect(r).toMatchObject({ code: 0, stdout: '' });

    const bridge = tempDir();
    writeTree(bridge, { 'engine.js': ON_BRIDGE });
    const b = run(['check'], bridge);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(b.stdout).toMatch(/^engine\.js:1:\d+ {2}bridge-import \(info\) {2}/m);
    const gh = run(['check', '--format', 'github'], bridge);
    expect(gh.code).toBe(0);
    expect(gh.stdout).toMatch(/^::notice file=engine\.js,line=1,col=\d+,title=sc-auth-bridge bridge-import::/m);
  });

  it('--json / --format json: one document with the summary and every finding', () => {
    const dir = legacyTree();
    const r = run(['check', '--json'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as JsonDoc;
    expect(doc.tool).toEqual({ name: 'sc-auth-bridge', version: VERSION });
    expect(doc.summary).toMatchObject({ command: 'check', filesScanned: 4, skippedWithoutParsing: 1, parsed: 3, failed: 0 });
    expect(typeof doc.summary.seconds).toBe('number');
    expect(doc.summary.manualFindings).toBe(doc.findings.filter((f) => f.severity === 'error').length);
    expect(doc.findings.length).toBeGreaterThanOrEqual(4);
    for (const f of doc.findings) {
      expect(f).toMatchObject({ file: expect.any(String), line: expect.any(Number), column: expect.any(Number), rule: expect.any(String), message: expect.any(String) });
      expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    const viaFormat = JSON.parse(run(['check', '--format', 'json'], dir).stdout) as JsonDoc;
    expect(viaFormat.findings).toEqual(doc.findings);
  });

  it('--format github prints workflow annotations', () => {
    const dir = legacyTree();
    const r = run(['check', '--format', 'github'], dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(/^::(error|notice) file=[^,]+,line=\d+,col=\d+,title=sc-auth-bridge [a-z-]+::\S/);
    expect(lines.some((l) => l.startsWith('::error file=src/verify.js,line=4,col=3,title=sc-auth-bridge callback-call::'))).toBe(true);
  });

  it('--format sarif prints a SARIF 2.1.0 log with rules and located results', () => {
    const dir = legacyTree();
    const r = run(['check', '--format', 'sarif'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout);
    assertSarif(log);
    const rules = JSON.parse(run(['list', '--json'], dir).stdout).rules.map((x: { id: string }) => x.id);
    expect(log.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(rules);
    const uris = new Set(log.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect([...uris].sort()).toEqual(['package.json', 'src/sign.js', 'src/verify.js']);
  });

  it('--extensions, --ignore and explicit paths choose the files', () => {
    const dir = legacyTree();
    writeTree(dir, { 'src/legacy.ts': LEGACY_SIGN, 'test/sign.test.js': LEGACY_SIGN });
    const ts = JSON.parse(run(['check', '--json', '--extensions', 'ts', 'src'], dir).stdout) as JsonDoc;
    expect(new Set(ts.findings.map((f) => f.file))).toEqual(new Set(['src/legacy.ts']));
    expect(ts.summary.filesScanned).toBe(2);
    const ign = JSON.parse(run(['check', '--json', '--ignore', '*.test.js', '--ignore', 'src/legacy.ts', '--ignore', 'package.json', '.'], dir).stdout) as JsonDoc;
    expect(new Set(ign.findings.map((f) => f.file))).toEqual(new Set(['src/sign.js', 'src/verify.js']));
    const one = JSON.parse(run(['check', '--json', 'src/sign.js'], dir).stdout) as JsonDoc;
    expect(new Set(one.findings.map((f) => f.file))).toEqual(new Set(['src/sign.js']));
  });

  it('--engine-names makes an unknown receiver count as an sc-auth engine', () => {
    const dir = tempDir();
    writeTree(dir, { 'custom.js': CUSTOM_RECEIVER });
    const without = run(['check', '--json'], dir);
    expect((JSON.parse(without.stdout) as JsonDoc).findings.filter((f) => f.rule === 'callback-call')).toEqual([]);
    const withName = run(['check', '--json', '--engine-names', 'tokens,other'], dir);
    expect(withName.code).toBe(1);
    expect((JSON.parse(withName.stdout) as JsonDoc).findings).toContainEqual(expect.objectContaining({ file: 'custom.js', line: 2, rule: 'callback-call' }));
  });

  it('--jobs: worker threads give the same findings as in-process', () => {
    const dir = tempDir();
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) files[`src/m${i}.js`] = (i % 2 ? LEGACY_SIGN : LEGACY_VERIFY) + `// module ${i}\n`;
    writeTree(dir, files);
    const one = JSON.parse(run(['check', '--json', '--jobs', '1'], dir).stdout) as JsonDoc;
    const two = JSON.parse(run(['check', '--json', '-j', '2'], dir).stdout) as JsonDoc;
    expect(one.findings.length).toBeGreaterThanOrEqual(160);
    expect(two.findings).toEqual(one.findings);
    expect([one.summary.threads, two.summary.threads]).toEqual([1, 2]);
  });

  it('a parse failure is reported with the parser message and exits 1; the rest is still checked', () => {
    const dir = tempDir();
    writeTree(dir, { 'broken.js': BROKEN, 'sign.js': LEGACY_SIGN });
    const r = run(['check', '--json'], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    expect(doc.failures).toEqual([expect.objectContaining({ file: 'broken.js', name: 'ParseError', code: 'ERR_SC_AUTH_BRIDGE_PARSE', message: expect.stringMatching(/Unexpected token/) })]);
    expect(doc.findings.some((f) => f.file === 'sign.js')).toBe(true);
  });

  // `script` gives the binary a pseudo-terminal; the threshold is lowered so a small run shows the bar.
  it.skipIf(!hasScript())('draws a progress bar on a terminal, and none under CI=true', () => {
    const dir = legacyTree();
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} check`;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '', SC_AUTH_BRIDGE_PROGRESS_AFTER_MS: '0' } });
    expect(tty.stdout).toMatch(/\rchecking \[[#-]{30}\] \d+\/4/);
    expect(tty.stdout).toContain('\r\x1b[K'); // the bar is erased before the results
    const ci = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: 'true', SC_AUTH_BRIDGE_PROGRESS_AFTER_MS: '0' } });
    expect(ci.stdout).toMatch(/src\/verify\.js:4:3/);
    expect(ci.stdout).not.toMatch(/checking \[/);
  });

  it('prints no progress bar on a pipe', () => {
    const dir = legacyTree();
    const r = run(['check'], dir, { SC_AUTH_BRIDGE_PROGRESS_AFTER_MS: '0' });
    expect(r.stderr).not.toMatch(/\r|\[#|\x1b/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1); // the summary only
  });
});

/** The parts of the SARIF 2.1.0 schema GitHub code scanning requires, checked by hand. */
function assertSarif(log: any): void {
  expect(log.version).toBe('2.1.0');
  expect(log.$schema).toMatch(/sarif-2\.1\.0\.json$/);
  expect(Array.isArray(log.runs)).toBe(true);
  expect(log.runs).toHaveLength(1);
  const run0 = log.runs[0];
  expect(typeof run0.tool.driver.name).toBe('string');
  expect(run0.tool.driver.version).toBe(VERSION);
  const ruleIds: string[] = [];
  for (const rule of run0.tool.driver.rules) {
    expect(typeof rule.id).toBe('string');
    expect(typeof rule.shortDescription.text).toBe('string');
    expect(['error', 'warning', 'note', 'none']).toContain(rule.defaultConfiguration.level);
    ruleIds.push(rule.id);
  }
  expect(new Set(ruleIds).size).toBe(ruleIds.length);
  expect(run0.results.length).toBeGreaterThan(0);
  for (const res of run0.results) {
    expect(ruleIds).toContain(res.ruleId);
    expect(run0.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    expect(['error', 'warning', 'note', 'none']).toContain(res.level);
    expect(typeof res.message.text).toBe('string');
    expect(res.message.text.length).toBeGreaterThan(0);
    const loc = res.locations[0].physicalLocation;
    expect(typeof loc.artifactLocation.uri).toBe('string');
    expect(loc.artifactLocation.uri).not.toMatch(/^\/|\\/);
    expect(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1).toBe(true);
    expect(Number.isInteger(loc.region.startColumn) && loc.region.startColumn >= 1).toBe(true);
    expect(typeof res.partialFingerprints['scAuthBridgeLine/v1']).toBe('string');
  }
}

describe('baseline ratchet', () => {
  it('accepts recorded findings, survives unrelated edits, fails on new ones, and shrinks', () => {
    const dir = legacyTree();
    const update = run(['check', '--baseline', 'baseline.json', '--update-baseline'], dir);
    expect(update.code, update.stderr).toBe(0);
    const written = JSON.parse(read(dir, 'baseline.json'));
    expect(written).toMatchObject({ version: 1, tool: 'sc-auth-bridge' });
    expect(update.stderr).toMatch(new RegExp(`wrote ${written.findings.reduce((n: number, e: { count: number }) => n + e.count, 0)} finding\\(s\\) to baseline\\.json`));
    expect(written.findings.length).toBeGreaterThanOrEqual(3);
    for (const e of written.findings) expect(e).toMatchObject({ file: expect.any(String), rule: expect.any(String), fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/), count: expect.any(Number) });

    const same = run(['check', '--baseline', 'baseline.json'], dir);
    expect(same.code, same.stdout).toBe(0);
    expect(same.stdout).toBe('');
    expect(same.stderr).toMatch(/\d+ in baseline/);

    // Unrelated lines above known findings move them; the ratchet still holds.
    fs.writeFileSync(path.join(dir, 'src/verify.js'), '// Copyright header\n\n/* eslint-disable */\n' + read(dir, 'src/verify.js'));
    expect(run(['check', '--baseline', 'baseline.json'], dir).code).toBe(0);

    // A new legacy call fails the check, and only it is reported.
    fs.appendFileSync(path.join(dir, 'src/sign.js'), "\nexports.again = function (t, key, cb) {\n  auth.verifyToken(t, key, { algorithms: ['HS256'] }, cb);\n};\n");
    const fresh = run(['check', '--baseline', 'baseline.json'], dir);
    expect(fresh.code).toBe(1);
    const lines = fresh.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const l of lines) expect(l).toMatch(/^src\/sign\.js:11:\d+ {2}callback-call {2}/);
    const json = JSON.parse(run(['check', '--baseline', 'baseline.json', '--json'], dir).stdout) as JsonDoc;
    expect(json.findings.filter((f) => f.new).map((f) => [f.file, f.line])).toEqual(lines.map(() => ['src/sign.js', 11]));
    expect(json.findings.filter((f) => f.new === false).length).toBe(json.summary.baselined);
    const sarif = JSON.parse(run(['check', '--baseline', 'baseline.json', '--format', 'sarif'], dir).stdout);
    const states = sarif.runs[0].results.map((r: { baselineState: string }) => r.baselineState);
    expect(states.filter((s: string) => s === 'new')).toHaveLength(lines.length);
    expect(states.filter((s: string) => s === 'unchanged')).toHaveLength(json.summary.baselined as number);

    // From another working directory, with the baseline given relative to it.
    fs.mkdirSync(path.join(dir, 'tools'));
    expect(run(['check', '--baseline', '../baseline.json', '..'], path.join(dir, 'tools')).code).toBe(1);

    // Fixing code leaves stale entries, reported; --update-baseline shrinks the file.
    fs.rmSync(path.join(dir, 'src/verify.js'));
    fs.writeFileSync(path.join(dir, 'src/sign.js'), LEGACY_SIGN);
    const fixed = run(['check', '--baseline', 'baseline.json'], dir);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toMatch(/[1-9]\d* baseline entries fixed \(shrink it with --update-baseline\)/);
    expect(run(['check', '--baseline', 'baseline.json', '--update-baseline'], dir).code).toBe(0);
    expect(JSON.parse(read(dir, 'baseline.json')).findings.length).toBeLessThan(written.findings.length);
  });

  it('a baseline file that is not ours is bad usage', () => {
    const dir = legacyTree();
    writeTree(dir, { 'b.json': '{"findings": 3}', 'c.json': 'not json' });
    for (const f of ['b.json', 'c.json']) {
      const r = run(['check', '--baseline', f], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^sc-auth-bridge: baseline ${f.replace('.', '\\.')} `));
    }
  });
});
