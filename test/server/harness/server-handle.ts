// Parent side of server-child.js: start a real socketcluster-server in a child process on
// 127.0.0.1, port 0, and read what it emits. Every wait is bounded.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export type ServerVersion = 14 | 16 | 20;
/** How the server gets its engine: its own default, sc-auth-bridge through the `authEngine`
 * option or through `setAuthEngine()`, a hand-written callback engine (raw or wrapped with
 * fromLegacyEngine), or a recorder around the stock/bridge engine. */
export type EngineMode =
  | 'stock'
  | 'bridge'
  | 'bridge-set'
  | 'legacy-wrapped'
  | 'legacy-raw'
  | 'ag-auth'
  | 'record-stock'
  | 'record-bridge';

export interface ErrInfo {
  name: string;
  message: string;
}

export interface ServerEvent {
  type: 'event';
  name: string;
  socketId?: string;
  [k: string]: unknown;
}

export interface EngineCall {
  method: 'signToken' | 'verifyToken';
  argc: number;
  tokenType: string;
  keyType: string;
  options: Record<string, unknown>;
  callbackType: string;
  returned: string;
}

export interface ServerHandle {
  version: ServerVersion;
  mode: EngineMode;
  port: number;
  engine: string;
  events: ServerEvent[];
  fatal: Array<{ kind: string; error: ErrInfo | null }>;
  /** Resolves with the first event (past or future) matching `pred`; rejects after `ms`. */
  waitFor(pred: (e: ServerEvent) => boolean, ms?: number, label?: string): Promise<ServerEvent>;
  /** After this resolves, every event the server emitted before the call has been received. */
  sync(ms?: number): Promise<void>;
  engineCalls(ms?: number): Promise<EngineCall[]>;
  /** sc-auth-bridge's legacyCallSites() in the server process (null for other engines). */
  legacyCallSites(ms?: number): Promise<Array<{ method: string; file: string; line: number; column: number; count: number }> | null>;
  /** Resolves with the exit code once the child has exited (bounded). */
  exited(ms?: number): Promise<number | null>;
  close(): Promise<void>;
}

const CHILD = path.join(__dirname, 'server-child.js');
const START_TIMEOUT_MS = 15_000;
/** Default bound on every wait: generous, because the machine may be shared and busy; a wait
 * normally ends in milliseconds, when the awaited event arrives. */
export const WAIT_MS = 10_000;

export function withTimeout<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${label}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function startServer(
  version: ServerVersion,
  mode: EngineMode,
  serverOptions: Record<string, unknown> = {},
  /** `new AuthEngine(engineDefaults)` for the bridge modes */
  engineDefaults?: Record<string, unknown>,
): Promise<ServerHandle> {
  const child: ChildProcess = fork(CHILD, [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--no-warnings'],
    env: { ...process.env, SCAB_CHILD_MAX_LIFE_MS: '240000' },
  });
  const events: ServerEvent[] = [];
  const fatal: Array<{ kind: string; error: ErrInfo | null }> = [];
  const waiters = new Set<{ pred: (e: ServerEvent) => boolean; resolve: (e: ServerEvent) => void }>();
  const replies = new Map<string, (msg: any) => void>();
  let exitCode: number | null | undefined;
  const exitWaiters: Array<(c: number | null) => void> = [];
  let syncSeq = 0;

  child.on('message', (msg: any) => {
    if (msg.type === 'event') {
      events.push(msg);
      for (const w of [...waiters]) {
        if (w.pred(msg)) {
          waiters.delete(w);
          w.resolve(msg);
        }
      }
    } else if (msg.type === 'fatal') {
      fatal.push({ kind: msg.kind, error: msg.error });
      replies.get('listening')?.(msg);
    } else if (msg.type === 'synced') {
      replies.get(`sync:${msg.id}`)?.(msg);
    } else if (msg.type === 'calls' || msg.type === 'listening' || msg.type === 'callSites') {
      replies.get(msg.type)?.(msg);
    }
  });
  child.on('exit', (code) => {
    exitCode = code;
    for (const r of exitWaiters.splice(0)) r(code);
    replies.get('listening')?.({ type: 'exit', code });
  });

  const reply = (key: string, ms: number) =>
    withTimeout(
      new Promise<any>((resolve) => {
        replies.set(key, (m) => {
          replies.delete(key);
          resolve(m);
        });
      }),
      ms,
      `server ${version} (${mode}) reply ${key}`,
    ).finally(() => replies.delete(key));

  const listening = reply('listening', START_TIMEOUT_MS);
  child.send({ type: 'start', version, mode, serverOptions, engineDefaults });
  let first: any;
  try {
    first = await listening;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  if (first.type !== 'listening') {
    child.kill('SIGKILL');
    throw new Error(`server ${version} (${mode}) failed to start: ${JSON.stringify(first)}`);
  }

  const handle: ServerHandle = {
    version,
    mode,
    port: first.port,
    engine: first.engine,
    events,
    fatal,
    waitFor(pred, ms = WAIT_MS, label = 'server event') {
      const past = events.find(pred);
      if (past) return Promise.resolve(past);
      let entry: { pred: typeof pred; resolve: (e: ServerEvent) => void } | undefined;
      const p = new Promise<ServerEvent>((resolve) => {
        entry = { pred, resolve };
        waiters.add(entry);
      });
      return withTimeout(p, ms, `${label} on server ${version} (${mode})`).finally(() => {
        if (entry) waiters.delete(entry);
      });
    },
    async sync(ms = WAIT_MS) {
      const id = String(++syncSeq);
      const p = reply(`sync:${id}`, ms);
      child.send({ type: 'sync', id });
      await p;
    },
    async engineCalls(ms = WAIT_MS) {
      const p = reply('calls', ms);
      child.send({ type: 'calls' });
      return (await p).calls;
    },
    async legacyCallSites(ms = WAIT_MS) {
      const p = reply('callSites', ms);
      child.send({ type: 'callSites' });
      return (await p).callSites;
    },
    exited(ms = WAIT_MS) {
      if (exitCode !== undefined) return Promise.resolve(exitCode);
      return withTimeout(new Promise((r) => exitWaiters.push(r)), ms, `exit of server ${version} (${mode})`);
    },
    async close() {
      if (exitCode !== undefined) return;
      if (child.connected) child.send({ type: 'stop' });
      try {
        await handle.exited(3000);
      } catch {
        child.kill('SIGKILL');
        await handle.exited(3000).catch(() => undefined);
      }
    },
  };
  return handle;
}
