// Runs the legacy behaviour scripts in throw-away directories whose node_modules are symlinks
// into this repository: `sc-auth` points at the legacy version under test, `ag-auth` at the real
// ag-auth, `sc-auth-bridge` at this package. No installs, nothing written inside the repo.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(REPO, 'fixtures', 'behaviour');
const MODULES = path.join(REPO, 'node_modules');

export type LegacyPackage = 'sc-auth' | 'sc-auth-4' | 'sc-auth-6';

export interface Expectation {
  /** Which real package `require('sc-auth')` resolves to for the original script. */
  legacy: LegacyPackage;
  /** true: fully converted; false: left for manual review on the bridge; null: either is acceptable. */
  converted: boolean | null;
  /** What the migrated file must import; null: ag-auth or the bridge; 'unchanged': file untouched. */
  imports: 'ag-auth' | 'sc-auth-bridge' | 'unchanged' | null;
  /** Rule ids that must be among the pipeline's findings. */
  rules: string[];
  /** Lines (trimmed) that must survive migration verbatim: look-alikes. */
  keepLines?: string[];
  /** When the legacy behaviour is a crash the migration is expected to fix: the migrated output. */
  migratedStdout?: string[];
  note: string;
}

export interface Script {
  name: string;
  file: string;
  source: string;
  expect: Expectation;
  recordedStdout: string | undefined;
}

export function loadScripts(): Script[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => /\.(c|m)?js$/.test(f))
    .sort()
    .map((name) => {
      const file = path.join(FIXTURES, name);
      const expectFile = `${file}.expect.json`;
      if (!fs.existsSync(expectFile)) {
        throw new Error(`behaviour fixture ${name} has no sidecar ${path.basename(expectFile)}`);
      }
      const stdoutFile = `${file}.stdout.txt`;
      return {
        name,
        file,
        source: fs.readFileSync(file, 'utf8'),
        expect: JSON.parse(fs.readFileSync(expectFile, 'utf8')) as Expectation,
        recordedStdout: fs.existsSync(stdoutFile) ? fs.readFileSync(stdoutFile, 'utf8') : undefined,
      };
    });
}

/** Helper modules the scripts require from ./lib (relative paths, posix separators). */
export function libFiles(): string[] {
  const lib = path.join(FIXTURES, 'lib');
  if (!fs.existsSync(lib)) return [];
  return fs
    .readdirSync(lib)
    .filter((f) => /\.(c|m)?js$/.test(f))
    .sort()
    .map((f) => `lib/${f}`);
}

/**
 * A directory with the script, the fixtures' lib/ and the chosen node_modules symlinks.
 * `libOverrides` replaces lib files (relative path -> source): the migrated run gets the migrated
 * lib, as `sc-auth-bridge migrate` over the whole tree would produce.
 */
export function makeRunDir(
  name: string,
  source: string,
  legacy: LegacyPackage | null,
  libOverrides: Record<string, string> = {},
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-auth-bridge-behaviour-'));
  const nm = path.join(dir, 'node_modules');
  fs.mkdirSync(nm);
  const links: Record<string, string> = {
    'ag-auth': path.join(MODULES, 'ag-auth'),
    'sc-auth-bridge': REPO,
    jsonwebtoken: path.join(MODULES, 'jsonwebtoken'),
    // SocketCluster-era servers drive auth through the `async` library (socketcluster-server's own dependency).
    async: path.join(MODULES, 'async'),
  };
  // The migrated copy gets no sc-auth at all: a require left behind fails loudly.
  if (legacy) links['sc-auth'] = path.join(MODULES, legacy);
  for (const [pkg, target] of Object.entries(links)) {
    fs.symlinkSync(target, path.join(nm, pkg), 'dir');
  }
  const lib = path.join(FIXTURES, 'lib');
  if (fs.existsSync(lib)) fs.cpSync(lib, path.join(dir, 'lib'), { recursive: true });
  for (const [rel, text] of Object.entries(libOverrides)) fs.writeFileSync(path.join(dir, rel), text);
  fs.writeFileSync(path.join(dir, name), source);
  return dir;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
}

/** Runs `node <name>` in dir, killed after timeoutMs; the scripts exit by themselves within a second. */
export function runScript(dir: string, name: string, timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--no-deprecation', name],
      { cwd: dir, timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
        resolve({
          stdout,
          stderr,
          code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          signal: err && err.signal ? err.signal : null,
        });
      },
    );
  });
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

// `sc-auth` itself, never `sc-auth-bridge` or `sc-auth-6`-style aliases.
const SC_AUTH_REFERENCE = /(?:require\s*\(\s*|from\s+|import\s*\(\s*|import\s+)(['"])sc-auth\1/;

export function referencesScAuth(source: string): boolean {
  return SC_AUTH_REFERENCE.test(source);
}

export function importsPackage(source: string, pkg: string): boolean {
  const escaped = pkg.replace(/[-/]/g, (c) => `\\${c}`);
  return new RegExp(`(?:require\\s*\\(\\s*|from\\s+|import\\s*\\(\\s*)(['"])${escaped}\\1`).test(source);
}
