// Runs fixtures/legacy-app from a temporary copy whose node_modules are symlinks into the
// repository's node_modules, so the app's bare `require('socketcluster-server')` resolves to
// whichever server version the run asks for. Loopback only; every process is bounded and killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
export const FIXTURE = join(REPO, 'fixtures', 'legacy-app');
export const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');
const AUTH_KEY = 'legacy-app-test-secret';

// legacy: server 14 + sc-auth 5 (admin: sc-auth 6). bridge-14: server 14 + sc-auth-bridge only (MIGRATION
// step 1). migrated: server 20 + ag-auth + sc-auth-bridge.
export type Runtime = 'legacy' | 'bridge-14' | 'migrated';

export function copyApp(): string {
  const root = mkdtempSync(join(tmpdir(), 'legacy-app-'));
  const dir = join(root, 'app');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

export function removeApp(dir: string): void {
  rmSync(resolve(dir, '..'), { recursive: true, force: true });
}

function link(dir: string, name: string, target: string): void {
  mkdirSync(dir, { recursive: true });
  symlinkSync(target, join(dir, name), 'dir');
}

/** (Re)creates the copy's node_modules for one runtime; nothing from the other runtime is left. */
export function installRuntime(dir: string, runtime: Runtime): void {
  const nm = join(dir, 'node_modules');
  const adminNm = join(dir, 'admin', 'node_modules');
  rmSync(nm, { recursive: true, force: true });
  rmSync(adminNm, { recursive: true, force: true });
  const from = (pkg: string) => join(REPO, 'node_modules', pkg);
  if (runtime === 'legacy') {
    link(nm, 'socketcluster-server', from('socketcluster-server-14'));
    link(nm, 'sc-auth', from('sc-auth'));
    link(adminNm, 'sc-auth', from('sc-auth-6'));
  } else if (runtime === 'bridge-14') {
    link(nm, 'socketcluster-server', from('socketcluster-server-14'));
    link(nm, 'sc-auth-bridge', REPO);
  } else {
    link(nm, 'socketcluster-server', from('socketcluster-server-20'));
    link(nm, 'ag-auth', from('ag-auth'));
    link(nm, 'sc-auth-bridge', REPO);
  }
  // The observer stays the same in both runs (see fixtures/legacy-app/README.md).
  link(nm, 'socketcluster-client', from('socketcluster-client-14'));
}

export interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(args: string[], opts: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Exec> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd,
      env: { ...process.env, CI: 'true', NO_COLOR: '1', AUTH_KEY, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export function runCli(args: string[], cwd: string): Promise<Exec> {
  return run([CLI, ...args], { cwd, timeoutMs: 60_000 });
}

interface Server {
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

function startServer(dir: string): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['--require', join(__dirname, 'child-guard.cjs'), 'server.js'], {
    cwd: dir,
    env: { ...process.env, PORT: '0', AUTH_KEY },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGKILL');
    });
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`server did not start within 10s:\n${out}`));
    }, 10_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done({ port: Number(m[1]), output: () => out, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code} before listening:\n${out}`));
    });
  });
}

export interface Observations {
  lines: string[];
  serverOutput: string;
}

/** Everything a user of the app would see: the client's lines and the admin tool's answers. */
export async function observe(dir: string): Promise<Observations> {
  const lines: string[] = [];
  const minted = await run(['admin/token.js', 'expired', 'bob'], { cwd: dir });
  if (minted.code !== 0) throw new Error(`admin/token.js expired failed: ${minted.stderr}`);
  const expiredToken = minted.stdout.trim();
  const tokenFile = join(dir, '..', 'socket-token.txt');
  rmSync(tokenFile, { force: true });

  const server = await startServer(dir);
  try {
    const client = await run(['client.js'], {
      cwd: dir,
      env: { PORT: String(server.port), EXPIRED_TOKEN: expiredToken, TOKEN_FILE: tokenFile },
    });
    if (client.code !== 0) {
      throw new Error(`client.js exited ${client.code}:\n${client.stdout}\n${client.stderr}\nserver:\n${server.output()}`);
    }
    lines.push(...client.stdout.trim().split('\n'));
  } finally {
    await server.stop();
  }
  if (!existsSync(tokenFile)) throw new Error('client.js did not save its token');
  const socketToken = readFileSync(tokenFile, 'utf8');
  for (const token of [socketToken, expiredToken]) {
    const inspected = await run(['admin/token.js', 'inspect', token], { cwd: dir });
    lines.push(`admin inspect: ${inspected.stdout.trim()}${inspected.stderr.trim()}`);
  }
  return { lines, serverOutput: server.output() };
}

/** The same walk-through with socketcluster-client 20 (test/legacy-app/modern-client.cjs). */
export async function observeWithModernClient(dir: string): Promise<string[]> {
  const minted = await run(['admin/token.js', 'expired', 'bob'], { cwd: dir });
  if (minted.code !== 0) throw new Error(`admin/token.js expired failed: ${minted.stderr}`);
  const server = await startServer(dir);
  try {
    const client = await run([join(__dirname, 'modern-client.cjs')], {
      cwd: dir,
      env: {
        PORT: String(server.port),
        EXPIRED_TOKEN: minted.stdout.trim(),
        SC_CLIENT: join(REPO, 'node_modules', 'socketcluster-client-20'),
      },
    });
    if (client.code !== 0) {
      throw new Error(`modern-client.cjs exited ${client.code}:\n${client.stdout}\n${client.stderr}\nserver:\n${server.output()}`);
    }
    return client.stdout.trim().split('\n');
  } finally {
    await server.stop();
  }
}
