// Parts of the CLI that do not need the codemod pipeline: baseline matching, fingerprints,
// annotation escaping, SARIF shape, atomic writes, git status parsing, progress gating.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Args from '../../src/cli/args';
import type * as Baseline from '../../src/cli/baseline';
import type * as Fp from '../../src/cli/fingerprint';
import type * as Gh from '../../src/cli/format/github';
import type * as Sarif from '../../src/cli/format/sarif';
import type * as Git from '../../src/cli/git';
import type * as Pool from '../../src/cli/pool';
import type * as Progress from '../../src/cli/progress';
import type * as Write from '../../src/cli/write';
import type { ReportedFinding } from '../../src/cli/process-file';
import type { RunReport } from '../../src/cli/report';
import { cleanup, dist, git, gitInitCommit, tempDir, writeTree } from './helpers';

const { buildBaseline, matchBaseline } = dist<typeof Baseline>('baseline.js');
const { fingerprintOf, lineAt } = dist<typeof Fp>('fingerprint.js');
const { formatGithub } = dist<typeof Gh>('format/github.js');
const { toSarif } = dist<typeof Sarif>('format/sarif.js');
const { gitDirtyFiles } = dist<typeof Git>('git.js');
const { workerCount } = dist<typeof Pool>('pool.js');
const { defaultJobs } = dist<typeof Args>('args.js');
const { progressWanted } = dist<typeof Progress>('progress.js');
const { writeFileAtomic } = dist<typeof Write>('write.js');

afterAll(cleanup);

function finding(file: string, text: string, line: number, rule = 'callback-call', severity: 'error' | 'info' = 'error'): ReportedFinding {
  return {
    file, line, column: 3, rule: rule as ReportedFinding['rule'], severity, message: `${rule} here`,
    fingerprint: fingerprintOf(lineAt(text, line)),
  };
}

describe('fingerprints', () => {
  it('depend on the code on the line, not its number or indentation', () => {
    const a = 'x\n  auth.verifyToken(t, k, cb);\n';
    const b = 'x\ny\nz\n\tauth.verifyToken(t,  k, cb);\n';
    expect(fingerprintOf(lineAt(a, 2))).toBe(fingerprintOf(lineAt(b, 4)));
    expect(fingerprintOf(lineAt(a, 2))).not.toBe(fingerprintOf('auth.signToken(t, k, cb);'));
    expect(lineAt('a\r\nb', 2)).toBe('b');
  });

  it('find the line whatever the line ends: LF, CRLF, CR alone (classic Mac), mixed', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['x', 'auth.verifyToken(t, k, cb);', 'y'].join(eol);
      expect(lineAt(text, 2)).toBe('auth.verifyToken(t, k, cb);');
      expect(lineAt(text, 3)).toBe('y');
      expect(lineAt(text, 4)).toBe('');
    }
    expect(lineAt('a\rb\r\nc\nd', 3)).toBe('c');
  });
});

describe('baseline ratchet', () => {
  const dir = '/repo';
  const v1 = 'const a = 1;\nauth.verifyToken(t, k, cb);\nauth.signToken(p, k, {}, cb);\n';
  const before = [finding('/repo/src/a.js', v1, 2), finding('/repo/src/a.js', v1, 3), finding('/repo/src/a.js', v1, 2, 'bridge-import', 'info')];
  const baseline = buildBaseline(before, path.join(dir, 'baseline.json'));

  it('records error findings only, relative to the baseline directory, with counts', () => {
    expect(baseline.version).toBe(1);
    expect(baseline.findings.map((e) => [e.file, e.rule, e.count])).toEqual([
      ['src/a.js', 'callback-call', 1], ['src/a.js', 'callback-call', 1],
    ]);
  });

  it('accepts known findings after unrelated lines move them, and flags a new one', () => {
    const v2 = '// header\n\nconst a = 1;\nauth.verifyToken(t, k, cb);\nauth.signToken(p, k, {}, cb);\nauth.verifyToken(x, k, done);\n';
    const now = [finding('/repo/src/a.js', v2, 4), finding('/repo/src/a.js', v2, 5), finding('/repo/src/a.js', v2, 6)];
    const m = matchBaseline(now, baseline, path.join(dir, 'baseline.json'));
    expect(m.known).toHaveLength(2);
    expect(m.fresh.map((f) => f.line)).toEqual([6]);
    expect(m.stale).toBe(0);
  });

  it('counts duplicates: a second copy of a known line is new; a fixed one is stale', () => {
    const v3 = 'auth.verifyToken(t, k, cb);\nauth.verifyToken(t, k, cb);\n';
    const m = matchBaseline([finding('/repo/src/a.js', v3, 1), finding('/repo/src/a.js', v3, 2)], baseline, path.join(dir, 'baseline.json'));
    expect(m.known).toHaveLength(1);
    expect(m.fresh).toHaveLength(1);
    expect(m.stale).toBe(1); // the signToken entry was fixed
  });

  it('does not match the same code in another file', () => {
    const m = matchBaseline([finding('/repo/src/b.js', v1, 2)], baseline, path.join(dir, 'baseline.json'));
    expect(m.fresh).toHaveLength(1);
  });
});

function report(findings: ReportedFinding[], cwd: string): RunReport {
  return {
    summary: {
      command: 'check', dry: false, filesScanned: 1, skippedWithoutParsing: 0, parsed: 1, changed: 0, unchanged: 1,
      failed: 0, manualFindings: 1, infoFindings: 1, packageJsonsChanged: 0, threads: 1, seconds: 0.1,
    },
    findings, failures: [{ file: path.join(cwd, 'bad,file.js'), name: 'ParseError', message: 'Unexpected token (3:4)', line: 3, column: 4 }],
    changedFiles: [], cwd,
  };
}

describe('GitHub annotations', () => {
  it('uses ::error / ::notice with escaped properties and data', () => {
    const f1 = { ...finding('/w/src/a:b.js', 'x', 1), message: '50% done\nnext line' };
    const f2 = finding('/w/src/c.js', 'x', 1, 'bridge-import', 'info');
    const out = formatGithub(report([f1, f2], '/w')).trimEnd().split('\n');
    expect(out[0]).toBe('::error file=src/a%3Ab.js,line=1,col=3,title=sc-auth-bridge callback-call::50%25 done%0Anext line');
    expect(out[1]).toBe('::notice file=src/c.js,line=1,col=3,title=sc-auth-bridge bridge-import::bridge-import here');
    expect(out[2]).toBe('::error file=bad%2Cfile.js,line=3,col=4,title=sc-auth-bridge failed::ParseError: Unexpected token (3:4)');
  });
});

describe('SARIF', () => {
  it('has the 2.1.0 structure code scanning requires', () => {
    const rules = [
      { id: 'callback-call' as const, description: 'callback call', severity: 'error' as const },
      { id: 'bridge-import' as const, description: 'bridge', severity: 'info' as const },
    ];
    const doc = toSarif(report([finding('/w/src/a b.js', 'x', 1), finding('/w/c.js', 'x', 1, 'bridge-import', 'info')], '/w'), '1.2.3', rules) as any;
    expect(doc.version).toBe('2.1.0');
    expect(doc.$schema).toMatch(/sarif-2\.1\.0/);
    const run = doc.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'sc-auth-bridge', version: '1.2.3' });
    expect(run.tool.driver.rules.map((r: any) => [r.id, r.defaultConfiguration.level])).toEqual([['callback-call', 'error'], ['bridge-import', 'note']]);
    expect(run.results[0]).toMatchObject({
      ruleId: 'callback-call', ruleIndex: 0, level: 'error', message: { text: 'callback-call here' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/a%20b.js' }, region: { startLine: 1, startColumn: 3 } } }],
    });
    expect(run.results[1]).toMatchObject({ ruleId: 'bridge-import', ruleIndex: 1, level: 'note' });
    expect(run.invocations[0].executionSuccessful).toBe(false);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content, keeps the mode, leaves no temp file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'run.js');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o751);
    writeFileAtomic(file, 'new\r\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new\r\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o751);
    expect(fs.readdirSync(dir)).toEqual(['run.js']);
  });
});

describe('gitDirtyFiles', () => {
  it('names modified, staged, renamed and untracked files, not clean ones', () => {
    const root = tempDir();
    writeTree(root, { 'clean.js': '1', 'mod.js': '1', 'staged.js': '1', 'old.js': 'rename me please\n'.repeat(5) });
    gitInitCommit(root);
    fs.writeFileSync(path.join(root, 'mod.js'), '2');
    fs.writeFileSync(path.join(root, 'staged.js'), '2');
    git(root, 'add', 'staged.js');
    git(root, 'mv', 'old.js', 'new.js');
    fs.writeFileSync(path.join(root, 'untracked.js'), '1');
    const dirty = [...(gitDirtyFiles(root) ?? [])].map((f) => path.relative(root, f)).sort();
    expect(dirty).toEqual(['mod.js', 'new.js', 'staged.js', 'untracked.js']);
    expect(gitDirtyFiles(tempDir())).toBeNull();
  });
});

describe('worker pool sizing and progress gating', () => {
  it('stays in-process for few relevant files or --jobs 1', () => {
    expect(workerCount(10, 8, 'migrate')).toBe(0);
    expect(workerCount(15, 8, 'migrate')).toBe(0);
    expect(workerCount(16, 8, 'migrate')).toBe(2);
    expect(workerCount(60, 8, 'migrate')).toBe(4);
    expect(workerCount(1000, 1, 'migrate')).toBe(0);
    expect(workerCount(1000, 2, 'migrate')).toBe(2);
    expect(workerCount(100, 8, 'migrate')).toBe(7);
    expect(workerCount(1000, 8, 'migrate')).toBe(8);
    // checking a file is cheaper: a worker pays later
    expect(workerCount(39, 8, 'check')).toBe(0);
    expect(workerCount(40, 8, 'check')).toBe(2);
    expect(workerCount(125, 2, 'check')).toBe(2);
    expect(workerCount(125, 8, 'check')).toBe(4);
    expect(workerCount(1000, 1, 'check')).toBe(0);
  });
  it('defaults --jobs to the cores the load average leaves free over the 1.5 a thread keeps busy, at least 1', () => {
    expect(defaultJobs(8, 0.2)).toBe(5);
    expect(defaultJobs(8, 3)).toBe(3);
    expect(defaultJobs(4, 0)).toBe(2);
    expect(defaultJobs(2, 0)).toBe(1);
    expect(defaultJobs(2, 1.2)).toBe(1);
    expect(defaultJobs(2, 9)).toBe(1);
  });
  it('shows progress only on a TTY outside CI', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;
    expect(progressWanted(tty, {})).toBe(true);
    expect(progressWanted(tty, { CI: 'true' })).toBe(false);
    expect(progressWanted(pipe, {})).toBe(false);
  });
});
