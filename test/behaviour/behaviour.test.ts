// The proof that migration keeps meaning: every legacy script in fixtures/behaviour runs on the
// real sc-auth (5, or 6 for sync-era code), is migrated by the real pipeline, runs again on the
// real ag-auth / the compat engine, and must print the same lines and exit the same way.
// Sidecars (<script>.expect.json) say whether the codemod must convert the file or leave it for
// manual review; <script>.stdout.txt pins what the legacy run prints, so a fixture cannot drift
// into testing nothing.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO,
  type RunResult,
  type Script,
  importsPackage,
  libFiles,
  loadScripts,
  makeRunDir,
  referencesScAuth,
  removeDir,
  runScript,
} from './harness';

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  severity: 'error' | 'info';
}
interface PipelineResult {
  output: string;
  changed: boolean;
  findings: Finding[];
  needsBridge: boolean;
  needsAgAuth: boolean;
}
interface Pipeline {
  migrateSource(source: string, filePath: string, options?: { target?: 'ag-auth' | 'bridge' }): PipelineResult;
  checkSource(source: string, filePath: string): Finding[];
}

const requireFromRepo = createRequire(path.join(REPO, 'package.json'));
const PIPELINE = path.join(REPO, 'dist', 'codemods', 'pipeline.js');

function loadPipeline(): Pipeline {
  if (!fs.existsSync(PIPELINE)) {
    throw new Error(`${PIPELINE} is missing: run \`npm run build\` first`);
  }
  return requireFromRepo(PIPELINE) as Pipeline;
}

function describeRun(label: string, run: RunResult): string {
  return `${label}: exit ${run.code} signal ${run.signal}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
}

// Known open codemod bugs (see /tmp/brief/codemod-bugs.md): script name -> test names that are
// expected to fail until fixed. Empty when everything passes; never used to hide a new failure.
const OPEN_BUGS: Record<string, Record<string, string>> = {};

function itCase(script: Script, title: string, fn: () => void): void {
  const bug = OPEN_BUGS[script.name]?.[title];
  if (bug) {
    it.fails(`${title} [open bug: ${bug}]`, fn);
  } else {
    it(title, fn);
  }
}

const scripts = loadScripts();

// The helper modules in fixtures/behaviour/lib are migrated once, like the rest of a project tree.
let migratedLib: Record<string, string> | undefined;
function migrateLib(): Record<string, string> {
  if (!migratedLib) {
    const pipeline = loadPipeline();
    migratedLib = {};
    for (const rel of libFiles()) {
      const source = fs.readFileSync(path.join(REPO, 'fixtures', 'behaviour', rel), 'utf8');
      const r = pipeline.migrateSource(source, path.join('fixtures', 'behaviour', rel));
      if (r.changed) migratedLib[rel] = r.output;
    }
  }
  return migratedLib;
}

describe('behaviour fixtures', () => {
  it('the look-alike engine module in lib/ is left alone by the pipeline', () => {
    // local-auth.js has sc-auth's names and callback shape but is the project's own engine.
    expect(libFiles()).toContain('lib/local-auth.js');
    expect(Object.keys(migrateLib())).not.toContain('lib/local-auth.js');
  });

  it('has at least 20 scripts, some ESM and some for sc-auth 6', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(20);
    expect(scripts.some((s) => s.name.endsWith('.mjs'))).toBe(true);
    expect(scripts.some((s) => s.expect.legacy === 'sc-auth-6')).toBe(true);
    expect(scripts.some((s) => s.expect.converted === false)).toBe(true);
  });
});

for (const script of scripts) {
  describe(script.name, () => {
    const exp = script.expect;
    const virtualPath = path.join('fixtures', 'behaviour', script.name);
    const dirs: string[] = [];
    let legacy: RunResult;
    let migrated: RunResult | undefined;
    let result: PipelineResult | undefined;
    let migrateError: unknown;

    beforeAll(async () => {
      const legacyDir = makeRunDir(script.name, script.source, exp.legacy);
      dirs.push(legacyDir);
      legacy = await runScript(legacyDir, script.name);
      try {
        result = loadPipeline().migrateSource(script.source, virtualPath);
      } catch (e) {
        migrateError = e;
        return;
      }
      const migratedDir = makeRunDir(script.name, result.output, null, migrateLib());
      dirs.push(migratedDir);
      migrated = await runScript(migratedDir, script.name);
    });

    afterAll(() => dirs.forEach(removeDir));

    function migration(): PipelineResult {
      if (!result) throw migrateError instanceof Error ? migrateError : new Error(String(migrateError));
      return result;
    }

    itCase(script, 'runs on the legacy package as recorded', () => {
      expect(legacy.signal, describeRun('legacy', legacy)).toBeNull();
      expect(script.recordedStdout, `${script.name}.stdout.txt is missing`).toBeDefined();
      expect(legacy.stdout).toBe(script.recordedStdout);
    });

    itCase(script, 'the migrated copy prints the same lines and exits the same way', () => {
      migration();
      const run = migrated as RunResult;
      const wanted = exp.migratedStdout ? exp.migratedStdout.map((l) => `${l}\n`).join('') : legacy.stdout;
      expect(run.signal, describeRun('migrated', run) + `\n--- migrated source\n${result!.output}`).toBeNull();
      expect(run.stdout, describeRun('migrated', run) + `\n--- migrated source\n${result!.output}`).toBe(wanted);
      if (!exp.migratedStdout) expect(run.code).toBe(legacy.code);
    });

    itCase(script, 'the migrated file no longer uses sc-auth and imports the right package', () => {
      const r = migration();
      expect(referencesScAuth(r.output), r.output).toBe(false);
      if (exp.imports === 'unchanged') {
        expect(r.changed).toBe(false);
        expect(r.output).toBe(script.source);
        return;
      }
      expect(r.changed).toBe(true);
      const agAuth = importsPackage(r.output, 'ag-auth');
      const bridge = importsPackage(r.output, 'sc-auth-bridge');
      expect(agAuth || bridge, r.output).toBe(true);
      expect(r.needsAgAuth).toBe(agAuth);
      expect(r.needsBridge).toBe(bridge);
      if (exp.imports === 'ag-auth') expect({ agAuth, bridge }, r.output).toEqual({ agAuth: true, bridge: false });
      if (exp.imports === 'sc-auth-bridge') expect(bridge, r.output).toBe(true);
      if (exp.converted === false) expect(bridge, r.output).toBe(true);
    });

    itCase(script, 'findings match the expectation', () => {
      const r = migration();
      const rules = r.findings.map((f) => f.rule);
      for (const rule of exp.rules) expect(rules, JSON.stringify(r.findings, null, 2)).toContain(rule);
      const manual = r.findings.filter((f) => f.rule === 'manual-review');
      if (exp.converted === true) {
        expect(manual, r.output).toEqual([]);
        // Nothing legacy is left for `check` to complain about.
        const left = loadPipeline().checkSource(r.output, virtualPath).filter((f) => f.severity === 'error');
        expect(left, r.output).toEqual([]);
      }
      if (exp.converted === false) {
        expect(manual.length, JSON.stringify(r.findings, null, 2)).toBeGreaterThan(0);
        expect(r.output).toContain('TODO(sc-auth-bridge)');
        for (const f of manual) {
          expect(f.file).toBe(virtualPath);
          expect(f.line).toBeGreaterThan(0);
        }
      }
      if (exp.converted === null && manual.length > 0) {
        // Left for review: then it must say so in the file too.
        expect(r.output).toContain('TODO(sc-auth-bridge)');
      }
    });

    itCase(script, 'a second migration changes nothing', () => {
      const r = migration();
      const again = loadPipeline().migrateSource(r.output, virtualPath);
      expect(again.output).toBe(r.output);
      expect(again.changed).toBe(false);
    });

    if (exp.keepLines) {
      itCase(script, 'look-alikes stay verbatim', () => {
        const out = migration().output.split(/\r?\n/).map((l) => l.trim());
        for (const line of exp.keepLines!) expect(out, line).toContain(line);
      });
    }
  });
}
