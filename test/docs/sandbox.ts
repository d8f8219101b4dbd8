// Temporary projects in which documentation snippets run against real packages, resolved the way
// a user's install would resolve them (symlinks into the repository's node_modules).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
const NM = join(REPO, 'node_modules');

export interface Runtime {
  scAuth: '4' | '5' | '6';
  agAuth: '1' | '2';
  server: '14' | '16' | '20';
}

const SC_AUTH = { '4': 'sc-auth-4', '5': 'sc-auth', '6': 'sc-auth-6' } as const;
const AG_AUTH = { '1': 'ag-auth-1', '2': 'ag-auth' } as const;
const CLIENT_OF = { '14': 'socketcluster-client-14', '16': 'socketcluster-client-16', '20': 'socketcluster-client-20' } as const;

const roots: string[] = [];

function tempRoot(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  roots.push(dir);
  return dir;
}

export function cleanupSandboxes(): void {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function link(nm: string, name: string, target: string): void {
  mkdirSync(nm, { recursive: true });
  symlinkSync(target, join(nm, name), 'dir');
}

/** node_modules with sc-auth, ag-auth, sc-auth-bridge, jsonwebtoken and a server/client pair. */
export function linkRuntime(dir: string, rt: Runtime): void {
  const nm = join(dir, 'node_modules');
  link(nm, 'sc-auth', join(NM, SC_AUTH[rt.scAuth]));
  link(nm, 'ag-auth', join(NM, AG_AUTH[rt.agAuth]));
  link(nm, 'sc-auth-bridge', REPO);
  link(nm, 'jsonwebtoken', join(NM, 'jsonwebtoken'));
  link(nm, 'socketcluster-server', join(NM, `socketcluster-server-${rt.server}`));
  link(nm, 'socketcluster-client', join(NM, CLIENT_OF[rt.server]));
  link(nm, '@types', join(NM, '@types'));
  mkdirSync(join(nm, '.bin'), { recursive: true });
  symlinkSync(join('..', 'sc-auth-bridge', 'dist', 'src', 'cli', 'main.js'), join(nm, '.bin', 'sc-auth-bridge'));
  // jscodeshift is a dependency of sc-auth-bridge, so an install hoists it and its bin.
  link(nm, 'jscodeshift', join(NM, 'jscodeshift'));
  symlinkSync(join('..', 'jscodeshift', 'bin', 'jscodeshift.js'), join(nm, '.bin', 'jscodeshift'));
}

const byRuntime = new Map<string, string>();

export function runtimeDir(rt: Runtime): string {
  const key = `${rt.scAuth}-${rt.agAuth}-${rt.server}`;
  let dir = byRuntime.get(key);
  if (!dir) {
    dir = tempRoot(`docs-rt-${key}-`);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-snippet', private: true }));
    linkRuntime(dir, rt);
    byRuntime.set(key, dir);
  }
  return dir;
}

/** A git repository holding a copy of fixtures/legacy-app, as the README's and guide's shell examples assume. */
export async function appProject(): Promise<string> {
  const dir = join(tempRoot('docs-app-'), 'legacy-chat');
  cpSync(join(REPO, 'fixtures', 'legacy-app'), dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  linkRuntime(dir, { scAuth: '5', agAuth: '2', server: '14' });
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'legacy app']]) {
    const r = await exec('git', args, dir);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  }
  return dir;
}

export interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Node preload that ends a snippet's process when the test process goes away (see the file). */
export const CHILD_GUARD = join(REPO, 'test', 'legacy-app', 'child-guard.cjs');

export function exec(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Exec> {
  const guarded = cmd === process.execPath;
  return new Promise((done, fail) => {
    const child = spawn(cmd, guarded ? ['--require', CHILD_GUARD, ...args] : args, {
      cwd,
      env: {
        ...process.env,
        CI: 'true',
        NO_COLOR: '1',
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
        GIT_AUTHOR_NAME: 'docs',
        GIT_AUTHOR_EMAIL: 'docs@example.invalid',
        GIT_COMMITTER_NAME: 'docs',
        GIT_COMMITTER_EMAIL: 'docs@example.invalid',
        ...env,
      },
      stdio: [guarded ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
