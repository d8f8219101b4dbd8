// One interface over the real socketcluster-client 14 (EventEmitter + callbacks) and 16/20
// (async iterables + Promises), so a scenario reads the same on every server version.
import { createRequire } from 'node:module';
import { WAIT_MS, withTimeout, type ErrInfo, type ServerVersion } from './server-handle';

const requireHere = createRequire(__filename);

export interface ConnectStatus {
  id: string;
  isAuthenticated: boolean;
  authError: ErrInfo | null;
}

export interface ClientEvent {
  name: string;
  /** error name for 'error', signed token for 'authenticate', close code for 'close' */
  detail?: unknown;
}

export interface TestClient {
  version: ServerVersion;
  events: ClientEvent[];
  readonly authState: string;
  readonly signedAuthToken: string | null;
  readonly authToken: Record<string, unknown> | null;
  connect(ms?: number): Promise<ConnectStatus>;
  waitEvent(name: string, ms?: number, after?: number): Promise<ClientEvent>;
  invoke(procedure: string, data?: unknown, ms?: number): Promise<any>;
  /** socket.authenticate(token) after connecting (the #authenticate path, not the handshake) */
  authenticate(token: string, ms?: number): Promise<{ error: ErrInfo | null; status: { isAuthenticated: boolean; authError: ErrInfo | null } | null }>;
  saveToken(token: string): Promise<void>;
  loadToken(): Promise<string | null>;
  disconnect(ms?: number): Promise<void>;
  destroy(): void;
}

let nameSeq = 0;
const WATCHED = ['connect', 'authenticate', 'deauthenticate', 'removeAuthToken', 'error', 'close', 'connectAbort'];

function errInfo(err: any): ErrInfo | null {
  return err == null ? null : { name: err.name, message: err.message };
}

export function createClient(version: ServerVersion, port: number, extraOptions: Record<string, unknown> = {}): TestClient {
  const authTokenName = `scab.test.token.${process.pid}.${++nameSeq}`;
  const base = { hostname: '127.0.0.1', port, autoConnect: false, autoReconnect: false, authTokenName, ackTimeout: WAIT_MS, ...extraOptions };
  const events: ClientEvent[] = [];
  const waiters = new Set<{ name: string; after: number; resolve: (e: ClientEvent) => void }>();
  const push = (e: ClientEvent) => {
    events.push(e);
    const index = events.length - 1;
    for (const w of [...waiters]) {
      if (w.name === e.name && index >= w.after) {
        waiters.delete(w);
        w.resolve(e);
      }
    }
  };
  const waitEvent = (name: string, ms = WAIT_MS, after = 0) => {
    const past = events.findIndex((e, i) => i >= after && e.name === name);
    if (past >= 0) return Promise.resolve(events[past]);
    let entry: { name: string; after: number; resolve: (e: ClientEvent) => void } | undefined;
    const p = new Promise<ClientEvent>((resolve) => {
      entry = { name, after, resolve };
      waiters.add(entry);
    });
    return withTimeout(p, ms, `client ${version} event '${name}'`).finally(() => entry && waiters.delete(entry));
  };

  if (version === 14) {
    const scc = requireHere('socketcluster-client-14');
    const socket = scc.create({ ...base, multiplex: false });
    socket.on('connect', (status: any) => push({ name: 'connect', detail: status }));
    socket.on('authenticate', (signed: string) => push({ name: 'authenticate', detail: signed }));
    socket.on('deauthenticate', () => push({ name: 'deauthenticate' }));
    socket.on('removeAuthToken', () => push({ name: 'removeAuthToken' }));
    socket.on('error', (err: any) => push({ name: 'error', detail: errInfo(err) }));
    socket.on('close', (code: number) => push({ name: 'close', detail: code }));
    socket.on('connectAbort', (code: number) => push({ name: 'connectAbort', detail: code }));
    return {
      version,
      events,
      get authState() {
        return socket.authState;
      },
      get signedAuthToken() {
        return socket.signedAuthToken ?? null;
      },
      get authToken() {
        return socket.authToken ?? null;
      },
      async connect(ms = WAIT_MS) {
        const after = events.length;
        socket.connect();
        const ev = await waitEvent('connect', ms, after);
        const s = ev.detail as any;
        return { id: s.id, isAuthenticated: !!s.isAuthenticated, authError: errInfo(s.authError) };
      },
      waitEvent,
      invoke(procedure, data, ms = WAIT_MS) {
        return withTimeout(
          new Promise((resolve, reject) => socket.emit(procedure, data, (err: any, res: any) => (err ? reject(err) : resolve(res)))),
          ms,
          `client 14 invoke ${procedure}`,
        );
      },
      authenticate(token, ms = WAIT_MS) {
        return withTimeout(
          new Promise((resolve) =>
            socket.authenticate(token, (err: any, status: any) =>
              resolve({
                error: errInfo(err),
                status: status ? { isAuthenticated: !!status.isAuthenticated, authError: errInfo(status.authError) } : null,
              }),
            ),
          ),
          ms,
          'client 14 authenticate',
        );
      },
      saveToken(token) {
        return new Promise((resolve, reject) => socket.auth.saveToken(authTokenName, token, {}, (err: any) => (err ? reject(err) : resolve())));
      },
      loadToken() {
        return new Promise((resolve, reject) => socket.auth.loadToken(authTokenName, (err: any, t: string | null) => (err ? reject(err) : resolve(t ?? null))));
      },
      async disconnect(ms = WAIT_MS) {
        if (socket.state === socket.CLOSED) return;
        const after = events.length;
        socket.disconnect();
        await waitEvent('close', ms, after).catch(() => undefined);
      },
      destroy() {
        // Client 14 rethrows an 'error' that has no listener (in a timer): keep a sink attached.
        socket.off();
        socket.on('error', () => undefined);
        socket.destroy();
      },
    };
  }

  const scc = requireHere(`socketcluster-client-${version}`);
  const socket = scc.create(base);
  const pump = async (name: string) => {
    for await (const data of socket.listener(name)) {
      let detail: unknown = data;
      if (name === 'error') detail = errInfo(data.error);
      else if (name === 'authenticate') detail = data.signedAuthToken;
      else if (name === 'close' || name === 'connectAbort') detail = data.code;
      push({ name, detail });
    }
  };
  for (const name of WATCHED) void pump(name);
  return {
    version,
    events,
    get authState() {
      return socket.authState;
    },
    get signedAuthToken() {
      return socket.signedAuthToken ?? null;
    },
    get authToken() {
      return socket.authToken ?? null;
    },
    async connect(ms = WAIT_MS) {
      const after = events.length;
      socket.connect();
      const ev = await waitEvent('connect', ms, after);
      const s = ev.detail as any;
      return { id: s.id, isAuthenticated: !!s.isAuthenticated, authError: errInfo(s.authError) };
    },
    waitEvent,
    invoke(procedure, data, ms = WAIT_MS) {
      return withTimeout(socket.invoke(procedure, data), ms, `client ${version} invoke ${procedure}`);
    },
    async authenticate(token, ms = WAIT_MS) {
      try {
        const status = await withTimeout(socket.authenticate(token), ms, `client ${version} authenticate`);
        return { error: null, status: { isAuthenticated: !!(status as any).isAuthenticated, authError: errInfo((status as any).authError) } };
      } catch (err) {
        return { error: errInfo(err), status: null };
      }
    },
    async saveToken(token) {
      await socket.auth.saveToken(authTokenName, token, {});
    },
    async loadToken() {
      return (await socket.auth.loadToken(authTokenName)) ?? null;
    },
    async disconnect(ms = WAIT_MS) {
      if (socket.state === socket.CLOSED) return;
      const after = events.length;
      socket.disconnect();
      await waitEvent('close', ms, after).catch(() => undefined);
    },
    destroy() {
      socket.disconnect();
      socket.closeAllListeners();
    },
  };
}
