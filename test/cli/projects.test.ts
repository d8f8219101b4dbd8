// Multi-file projects (fixtures/projects/<case>/input -> output): an engine created in one file and
// called in another. Each case runs on the real legacy package before, is migrated by the built
// CLI, must equal output/ file for file, prints the same after on ag-auth (or the bridge), and a
// second migrate changes nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, ROOT, run, tempDir } from './helpers';

const PROJECTS = path.join(ROOT, 'fixtures', 'projects');
const MODULES = path.join(ROOT, 'node_modules');
// migrate run from a source checkout writes a file: path to it (see MIGRATION.md); outputs name it so.
const BRIDGE_PATH = /"file:[^"]*"/g;
const BRIDGE_PLACEHOLDER = '"file:<sc-auth-bridge>"';

interface Case {
  note: string;
  legacy: 'sc-auth' | 'sc-auth-4' | 'sc-auth-6';
  main: string | null;
  stdoutBefore?: string[];
  stdoutAfter?: string[];
  checkBefore: string[];
  migrateFindings: string[];
  checkAfterExit: number;
  /** Extra node_modules entries: name -> directory under this repository's node_modules. */
  modules?: Record<string, string>;
}

function filesUnder(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

function setUp(name: string, legacy: Case['legacy'], modules: Record<string, string> = {}): string {
  const dir = tempDir(`sc-auth-bridge-project-${name}-`);
  fs.cpSync(path.join(PROJECTS, name, 'input'), dir, { recursive: true });
  const nm = path.join(dir, 'node_modules');
  fs.mkdirSync(nm);
  fs.symlinkSync(path.join(MODULES, legacy), path.join(nm, 'sc-auth'), 'dir');
  fs.symlinkSync(path.join(MODULES, 'ag-auth'), path.join(nm, 'ag-auth'), 'dir');
  fs.symlinkSync(ROOT, path.join(nm, 'sc-auth-bridge'), 'dir');
  for (const [as, real] of Object.entries(modules)) fs.symlinkSync(path.join(MODULES, real), path.join(nm, as), 'dir');
  return dir;
}

function runMain(dir: string, main: string): string[] {
  const r = spawnSync(process.execPath, ['--no-deprecation', main], { cwd: dir, encoding: 'utf8', timeout: 15_000 });
  if (r.error) throw r.error;
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

function findingsOf(stdout: string): string[] {
  const doc = JSON.parse(stdout) as { findings: Array<{ file: string; line: number; rule: string }> };
  return doc.findings.map((f) => `${f.file}:${f.line} ${f.rule}`).sort();
}

afterAll(cleanup);

const cases = fs.readdirSync(PROJECTS).filter((n) => fs.existsSync(path.join(PROJECTS, n, 'case.json'))).sort();

describe('fixtures/projects: engines shared across files', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of cases) {
    const c = JSON.parse(fs.readFileSync(path.join(PROJECTS, name, 'case.json'), 'utf8')) as Case;
    it(`${name}: ${c.note}`, () => {
      const dir = setUp(name, c.legacy, c.modules);
      if (c.main) expect(runMain(dir, c.main)).toEqual(c.stdoutBefore);

      const before = run(['check', '--json', '.'], dir);
      expect(before.code).toBe(c.checkBefore.length > 0 ? 1 : 0);
      expect(findingsOf(before.stdout)).toEqual([...c.checkBefore].sort());

      const migrated = run(['migrate', '--json', '.'], dir);
      expect(migrated.stderr).not.toMatch(/Error/);
      expect(findingsOf(migrated.stdout)).toEqual([...c.migrateFindings].sort());

      const expectedDir = path.join(PROJECTS, name, 'output');
      expect(filesUnder(dir)).toEqual(filesUnder(expectedDir));
      for (const rel of filesUnder(expectedDir)) {
        const got = fs.readFileSync(path.join(dir, rel), 'utf8').replace(BRIDGE_PATH, BRIDGE_PLACEHOLDER);
        expect(got, rel).toBe(fs.readFileSync(path.join(expectedDir, rel), 'utf8'));
      }

      if (c.main) expect(runMain(dir, c.main)).toEqual(c.stdoutAfter ?? c.stdoutBefore);

      const again = run(['migrate', '--json', '.'], dir);
      const summary = JSON.parse(again.stdout).summary;
      expect(summary.changed).toBe(0);
      expect(summary.packageJsonsChanged).toBe(0);

      expect(run(['check', '.'], dir).code).toBe(c.checkAfterExit);
    });
  }
});
