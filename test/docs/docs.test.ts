// Every fenced block in README.md and MIGRATION.md is executed or validated here, so the docs
// cannot rot. Kinds (the info string's first word is the language, then flags):
//   js / mjs / ts            run with node against real packages; `ts` is also type-checked.
//                            flags: sc-auth=4|5|6, ag-auth=1|2, server=14|16|20, exit=N,
//                            before=ID / after=ID (a pair: same output; `after` with by=codemod
//                            must equal what the codemod pipeline makes of `before`, with
//                            target=bridge|ag-auth passed on).
//   sh                       run with bash in a git copy of fixtures/legacy-app; session=NAME
//                            shares one copy between blocks in document order; exit=N.
//   <lang> output            the expected stdout of the runnable block just above it.
//   sh fresh-clone           the README's set-up commands (checked, and run where safe).
//   yaml github-actions      a workflow: structure checked, its sc-auth-bridge commands run.
// Any other block fails the test: a snippet is either run or explicitly marked.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBlocks, where, type Block } from './markdown-blocks';
import { outputMatches } from './output-match';
import { REPO, appProject, cleanupSandboxes, exec, runtimeDir, type Exec, type Runtime } from './sandbox';
import { checkWorkflow } from './workflow';

const blocks = [
  ...readBlocks(join(REPO, 'README.md'), 'README.md'),
  ...readBlocks(join(REPO, 'MIGRATION.md'), 'MIGRATION.md'),
];

const RUNNABLE = new Set(['js', 'mjs', 'ts']);

function outputOf(block: Block): Block | undefined {
  const next = blocks[blocks.indexOf(block) + 1];
  return next && next.doc === block.doc && next.flags.output === true ? next : undefined;
}

function runtimeOf(block: Block): Runtime {
  const legacy = typeof block.flags.before === 'string';
  return {
    scAuth: (block.flags['sc-auth'] as Runtime['scAuth']) ?? '5',
    agAuth: (block.flags['ag-auth'] as Runtime['agAuth']) ?? '2',
    server: (block.flags.server as Runtime['server']) ?? (legacy ? '14' : '20'),
  };
}

const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
let snippetCount = 0;

async function runSnippet(block: Block): Promise<Exec> {
  const dir = runtimeDir(runtimeOf(block));
  const base = `snippet-${block.doc.replace(/\W/g, '_')}-${block.line}-${snippetCount++}`;
  if (block.lang === 'ts') {
    const file = `${base}.ts`;
    writeFileSync(join(dir, file), block.code);
    const tsc = await exec(process.execPath, [TSC, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
      '--target', 'es2022', '--types', 'node', '--esModuleInterop', '--skipLibCheck', file], dir, {}, 60_000);
    if (tsc.code !== 0) throw new Error(`${where(block)} does not type-check:\n${tsc.stdout}${tsc.stderr}`);
    const ts = (await import('typescript')).default;
    const js = ts.transpileModule(block.code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    writeFileSync(join(dir, `${base}.cjs`), js);
    return exec(process.execPath, [`${base}.cjs`], dir);
  }
  const file = `${base}.${block.lang === 'mjs' ? 'mjs' : 'cjs'}`;
  writeFileSync(join(dir, file), block.code);
  return exec(process.execPath, [file], dir);
}

function expectExit(block: Block, r: Exec): void {
  const want = block.flags.exit === undefined ? 0 : Number(block.flags.exit);
  expect(r.code, `${where(block)} exit code\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(want);
}

function expectOutput(block: Block, r: Exec): void {
  const out = outputOf(block);
  if (!out) return;
  const shown = r.stdout;
  expect(outputMatches(shown, out.code), `${where(out)} differs from the real output:\n${shown}`).toBe(true);
}

function normalizeCode(code: string): string {
  return code.replace(/\r\n/g, '\n').split('\n').map((l) => l.trim()).filter(Boolean).join('\n');
}

afterAll(() => cleanupSandboxes());

describe('docs: every block is accounted for', () => {
  it('finds the blocks', () => {
    expect(blocks.length).toBeGreaterThan(10);
  });
  for (const block of blocks) {
    it(`${where(block)} is a known kind`, () => {
      const known =
        RUNNABLE.has(block.lang) ||
        block.flags.output === true ||
        (block.lang === 'sh' && !block.flags.output) ||
        (block.lang === 'yaml' && block.flags['github-actions'] === true);
      expect(known, `${where(block)}: mark it as runnable, an output block, or a validated kind`).toBe(true);
      if (block.flags.output === true) {
        const prev = blocks[blocks.indexOf(block) - 1];
        expect(prev && (RUNNABLE.has(prev.lang) || prev.lang === 'sh'), `${where(block)} follows no runnable block`).toBe(true);
      }
    });
  }
});

// Each snippet runs once; tests and pair checks share the result, so they can run concurrently.
const snippetRuns = new Map<Block, Promise<Exec>>();
function snippetRun(block: Block): Promise<Exec> {
  if (!snippetRuns.has(block)) snippetRuns.set(block, runSnippet(block));
  return snippetRuns.get(block)!;
}

describe.concurrent('docs: runnable JavaScript and TypeScript snippets', () => {
  for (const block of blocks.filter((b) => RUNNABLE.has(b.lang))) {
    it(`${where(block)} runs`, async () => {
      const r = await snippetRun(block);
      expectExit(block, r);
      expectOutput(block, r);
    }, 60_000);
  }

  const pairs = new Map<string, { before?: Block; after?: Block }>();
  for (const block of blocks) {
    if (typeof block.flags.before === 'string') pairs.set(block.flags.before, { ...pairs.get(block.flags.before), before: block });
    if (typeof block.flags.after === 'string') pairs.set(block.flags.after, { ...pairs.get(block.flags.after), after: block });
  }
  for (const [id, pair] of pairs) {
    it(`before/after pair "${id}" is complete and behaves the same`, async () => {
      expect(pair.before, `no before=${id}`).toBeDefined();
      expect(pair.after, `no after=${id}`).toBeDefined();
      const [before, after] = await Promise.all([snippetRun(pair.before!), snippetRun(pair.after!)]);
      if (pair.after!.flags.differs !== true) expect(after.stdout).toBe(before.stdout);
    }, 60_000);
    if (pair.after?.flags.by === 'codemod') {
      it(`after=${id} is what the codemod makes of before=${id}`, () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const pipeline = require(join(REPO, 'dist', 'codemods', 'pipeline.js'));
        const ext = pair.before!.lang === 'ts' ? 'ts' : pair.before!.lang === 'mjs' ? 'mjs' : 'js';
        const target = pair.after!.flags.target;
        const result = pipeline.migrateSource(pair.before!.code, `snippet.${ext}`, typeof target === 'string' ? { target } : {});
        expect(normalizeCode(result.output)).toBe(normalizeCode(pair.after!.code));
      });
    }
  }
});

function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(p).update(readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

describe.concurrent('docs: shell examples', () => {
  // Blocks of one session run in document order in one project; sessions run side by side.
  const shellBlocks = blocks.filter((b) => b.lang === 'sh' && !b.flags.output && !b.flags['fresh-clone']);
  const sessionOf = (b: Block) => (typeof b.flags.session === 'string' ? b.flags.session : `${b.doc}:${b.line}`);
  const sessionRuns = new Map<string, Promise<Map<Block, Exec>>>();
  const runSession = (name: string) => {
    if (!sessionRuns.has(name)) {
      sessionRuns.set(name, (async () => {
        const dir = await appProject();
        const results = new Map<Block, Exec>();
        for (const b of shellBlocks.filter((x) => sessionOf(x) === name)) {
          // stdout and stderr merged, in the order a user sees them.
          results.set(b, await exec('bash', ['-e', '-o', 'pipefail', '-c', `{\n${b.code}\n} 2>&1`], dir, {}, 60_000));
        }
        return results;
      })());
    }
    return sessionRuns.get(name)!;
  };
  for (const block of shellBlocks) {
    it(`${where(block)} runs`, async () => {
      const r = (await runSession(sessionOf(block))).get(block)!;
      expectExit(block, r);
      expectOutput(block, r);
    }, 180_000);
  }
});

describe('docs: README set-up commands (fresh clone)', () => {
  const setup = blocks.filter((b) => b.flags['fresh-clone'] === true);
  it('the README starts with exactly the two set-up commands', () => {
    expect(setup).toHaveLength(1);
    expect(setup[0].doc).toBe('README.md');
    expect(setup[0].code).toBe('npm install && npx sc-auth-bridge migrate fixtures/legacy-app --dry --diff\nnpm test\n');
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    expect(readme.indexOf('```')).toBe(readme.indexOf('```sh fresh-clone'));
  });
  it('npm install builds the package, and npm test is the suite', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.scripts.prepare).toMatch(/build/);
    expect(pkg.scripts.build).toMatch(/tsc/);
    expect(pkg.bin['sc-auth-bridge']).toBe('./dist/src/cli/main.js');
    expect(pkg.scripts.test).toMatch(/vitest run/);
    const ci = readFileSync(join(REPO, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/npm install/);
    expect(ci).toMatch(/npm test/);
  });
  it('npx sc-auth-bridge migrate fixtures/legacy-app --dry --diff shows the migration and writes nothing', async () => {
    const fixture = join(REPO, 'fixtures', 'legacy-app');
    const before = treeHash(fixture);
    const r = await exec('npx', ['sc-auth-bridge', 'migrate', 'fixtures/legacy-app', '--dry', '--diff'], REPO, {}, 60_000);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\+\+\+ .*server\.js/m);
    expect(r.stdout).toMatch(/^-.*require\('sc-auth'\)/m);
    expect(r.stdout).toMatch(/^\+.*require\('ag-auth'\)/m);
    expect(treeHash(fixture)).toBe(before);
  }, 90_000);
});

describe('docs: GitHub Actions workflow', () => {
  for (const block of blocks.filter((b) => b.lang === 'yaml')) {
    it(`${where(block)} is a well-formed workflow whose commands work`, async () => {
      const runs = checkWorkflow(block.code);
      const bridge = runs.filter((r) => r.includes('sc-auth-bridge'));
      expect(bridge.length).toBeGreaterThan(0);
      for (const cmd of runs) expect(cmd, `${where(block)}: unexpected step`).toMatch(/^(npm ci|npm install|npx sc-auth-bridge )/);
      const dir = await appProject();
      // The workflow assumes the baseline was committed (MIGRATION.md step 2).
      const seed = await exec('npx', ['sc-auth-bridge', 'check', '.', '--update-baseline', '--baseline', baselineOf(bridge[0])], dir);
      expect(seed.code, seed.stdout + seed.stderr).toBe(0);
      for (const cmd of bridge) {
        const clean = await exec('bash', ['-c', cmd], dir);
        expect(clean.code, `${cmd}\n${clean.stdout}${clean.stderr}`).toBe(0);
      }
      // A new legacy call fails the job, with an annotation.
      writeFileSync(join(dir, 'new-code.js'), "const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n");
      for (const cmd of bridge) {
        const dirty = await exec('bash', ['-c', cmd], dir);
        const sarifTo = /--format sarif\b.*>\s*(\S+)/.exec(cmd);
        if (sarifTo) {
          // The SARIF step never fails the job (`|| true`); the upload shows the new result.
          expect(dirty.code, `${cmd}\n${dirty.stderr}`).toBe(0);
          const sarif = JSON.parse(readFileSync(join(dir, sarifTo[1]), 'utf8'));
          const fresh = sarif.runs[0].results.filter((r: { baselineState?: string }) => r.baselineState === 'new');
          expect(fresh.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['new-code.js']);
        } else {
          expect(dirty.code, `${cmd}\n${dirty.stdout}${dirty.stderr}`).toBe(1);
          expect(dirty.stdout + dirty.stderr).toMatch(/new-code\.js/);
        }
      }
    }, 90_000);
  }
});

function baselineOf(cmd: string): string {
  const m = /--baseline[ =](\S+)/.exec(cmd);
  if (!m) throw new Error(`workflow check command has no --baseline: ${cmd}`);
  return m[1];
}
