'use strict';
// Load benchmark: socketcluster-server 20.0.1 on 127.0.0.1 with its stock engine (ag-auth 2.1.1)
// and with sc-auth-bridge, in one run. Three processes per round so the client cost does not mask
// the server's: this orchestrator, one server process, one client process.
//
//   npm run bench:server [-- --connections=1000 --concurrency=50 --rounds=3 --client-processes=1
//                            --server-cpu-prof=DIR]
//
// Per round and engine: open N connections that each present a valid token on the handshake
// (authenticated handshakes/s, p50/p99 handshake latency), then log each in with a procedure
// that calls setAuthToken (logins/s, p50/p99), then read the server's CPU time, the engine's
// share of it (counted by a thin timing wrapper that both engines get) and its peak memory.
// Everything is bounded: each phase has a deadline and children are killed on exit.

const { fork } = require('child_process');
const path = require('path');
const http = require('http');
const crypto = require('crypto');

const BRIDGE = path.resolve(__dirname, '../dist/src/index.js');
const AUTH_KEY = crypto.randomBytes(32).toString('hex');

function arg(name, dflt) {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : dflt;
}

const ROLE = arg('role', 'main');
const PHASE_TIMEOUT_MS = Number(arg('phase-timeout', 120000));

// ---------------------------------------------------------------- server process
function runServer() {
  setTimeout(() => process.exit(3), 10 * 60 * 1000).unref();
  process.on('disconnect', () => process.exit(0));
  const engineName = arg('engine', 'stock');
  const scs = require('socketcluster-server-20');
  const httpServer = http.createServer();
  const options = { authKey: AUTH_KEY_FROM_ARGV() };
  if (engineName === 'bridge') {
    const AuthEngine = require(BRIDGE);
    options.authEngine = new AuthEngine();
  }
  const server = scs.attach(httpServer, options);

  // The same thin wrapper around both engines times the synchronous part of each call with the
  // monotonic clock (jsonwebtoken's verify is synchronous; its sign does the costly key conversion
  // synchronously, the HMAC/RSA step follows on a later tick, so sign also gets its time to
  // settle). Not process.cpuUsage(): it is a syscall that costs several us here, and a profile
  // showed it eating 10% of the server. Wall time includes preemption by other processes on a
  // busy machine, so the MEDIAN call is the figure to trust; the mean also catches GC pauses.
  const counters = { verify: [], sign: [], signSettleNs: 0n, signSettled: 0 };
  const MAX_SAMPLES = 50000;
  const inner = server.auth;
  server.setAuthEngine({
    verifyToken(...args) {
      const t0 = process.hrtime.bigint();
      const p = inner.verifyToken(...args);
      if (counters.verify.length < MAX_SAMPLES) counters.verify.push(Number(process.hrtime.bigint() - t0) / 1000);
      return p;
    },
    signToken(...args) {
      const t0 = process.hrtime.bigint();
      const p = inner.signToken(...args);
      if (counters.sign.length < MAX_SAMPLES) counters.sign.push(Number(process.hrtime.bigint() - t0) / 1000);
      Promise.resolve(p).then(
        () => {
          counters.signSettleNs += process.hrtime.bigint() - t0;
          counters.signSettled++;
        },
        () => undefined,
      );
      return p;
    },
  });

  // Peak memory: the kernel's maxRSS (resourceUsage) covers RSS; heap is read at each mark (the
  // last mark is taken with every client connected and logged in). No timer sampling: reading
  // memory is expensive here and would be charged to the server.
  const peak = { heapUsed: 0 };
  const sample = () => {
    peak.heapUsed = Math.max(peak.heapUsed, process.memoryUsage().heapUsed);
  };

  let authenticatedHandshakes = 0;
  (async () => {
    for await (const { socket, isAuthenticated } of server.listener('connection')) {
      if (isAuthenticated) authenticatedHandshakes++;
      (async () => {
        for await (const req of socket.procedure('login')) {
          try {
            await socket.setAuthToken({ username: req.data.username, role: 'user' });
            req.end();
          } catch (err) {
            req.error(err);
          }
        }
      })();
    }
  })();

  process.on('message', (msg) => {
    if (msg.type === 'mark') {
      sample();
      const ru = process.resourceUsage();
      process.send({
        type: 'mark',
        cpuUs: ru.userCPUTime + ru.systemCPUTime,
        verifyCalls: counters.verify.length,
        signCalls: counters.sign.length,
        signSettleUs: Number(counters.signSettleNs / 1000n),
        signSettled: counters.signSettled,
        authenticatedHandshakes,
        maxRssKb: ru.maxRSS,
        peak: { ...peak },
        clients: server.clientsCount,
      });
    } else if (msg.type === 'samples') {
      process.send({ type: 'samples', verify: counters.verify.slice(msg.verifyFrom), sign: counters.sign.slice(msg.signFrom) });
    } else if (msg.type === 'stop') {
      server.close();
      httpServer.close();
      setTimeout(() => process.exit(0), 200).unref();
    }
  });
  httpServer.listen(0, '127.0.0.1', () => {
    process.send({ type: 'listening', port: httpServer.address().port, engine: inner.constructor.name });
  });
}

function AUTH_KEY_FROM_ARGV() {
  return arg('key', AUTH_KEY);
}

// ---------------------------------------------------------------- client process
function runClients() {
  setTimeout(() => process.exit(3), 10 * 60 * 1000).unref();
  process.on('disconnect', () => process.exit(0));
  const jwt = require('jsonwebtoken');
  const scc = require('socketcluster-client-20');
  const port = Number(arg('port'));
  const key = AUTH_KEY_FROM_ARGV();
  const N = Number(arg('connections', 1000));
  const concurrency = Number(arg('concurrency', 50));
  const sockets = [];

  const withTimeout = (p, ms, label) => {
    let t;
    return Promise.race([
      p,
      new Promise((_, rej) => {
        t = setTimeout(() => rej(new Error(`timeout: ${label}`)), ms);
      }),
    ]).finally(() => clearTimeout(t));
  };

  // A bounded pool: `concurrency` operations in flight, latency of each recorded.
  async function pool(count, op) {
    const lat = new Array(count);
    let next = 0;
    let failures = 0;
    const t0 = performance.now();
    const ru0 = process.resourceUsage();
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const s = performance.now();
        try {
          await op(i);
          lat[i] = performance.now() - s;
        } catch (err) {
          failures++;
          lat[i] = NaN;
          if (failures <= 3) process.stderr.write(`client op ${i} failed: ${err && err.message}\n`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    const wallMs = performance.now() - t0;
    const ru1 = process.resourceUsage();
    const cpuUs = ru1.userCPUTime + ru1.systemCPUTime - ru0.userCPUTime - ru0.systemCPUTime;
    return { wallMs, cpuUs, lat: lat.filter((x) => !Number.isNaN(x)), failures };
  }

  // Tokens are made before the clock starts: the client's signing is not the subject.
  const now = Math.floor(Date.now() / 1000);
  const tokens = Array.from({ length: N }, (_, i) => jwt.sign({ username: `user${i}`, iat: now, exp: now + 3600 }, key));

  async function handshakes() {
    return pool(N, async (i) => {
      const socket = scc.create({
        hostname: '127.0.0.1',
        port,
        autoConnect: false,
        autoReconnect: false,
        authTokenName: `bench.${i}`,
        connectTimeout: 20000,
        ackTimeout: 20000,
      });
      sockets[i] = socket;
      await socket.auth.saveToken(`bench.${i}`, tokens[i], {});
      const connected = socket.listener('connect').once(20000);
      socket.connect();
      const status = await connected;
      if (!status.isAuthenticated) throw new Error(`handshake ${i} not authenticated: ${status.authError && status.authError.message}`);
    });
  }

  async function logins() {
    return pool(N, async (i) => {
      const socket = sockets[i];
      const authenticated = socket.listener('authenticate').once(20000);
      await socket.invoke('login', { username: `user${i}` });
      const { signedAuthToken } = await authenticated;
      if (!signedAuthToken) throw new Error(`login ${i}: no token`);
    });
  }

  process.on('message', async (msg) => {
    try {
      if (msg.type === 'handshakes') process.send({ type: 'result', result: await withTimeout(handshakes(), PHASE_TIMEOUT_MS, 'handshakes') });
      else if (msg.type === 'logins') process.send({ type: 'result', result: await withTimeout(logins(), PHASE_TIMEOUT_MS, 'logins') });
      else if (msg.type === 'close') {
        for (const s of sockets) if (s) s.disconnect();
        process.send({ type: 'result', result: null });
      }
    } catch (err) {
      process.send({ type: 'error', message: String(err && err.message) });
    }
  });
  process.send({ type: 'ready' });
}

// ---------------------------------------------------------------- orchestrator
const children = new Set();
function spawn(args, execArgv = []) {
  const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
function killAll() {
  for (const c of children) c.kill('SIGKILL');
}
process.on('exit', killAll);

function nextMessage(child, type, ms = PHASE_TIMEOUT_MS + 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for '${type}' from child`));
    }, ms);
    const onMsg = (m) => {
      if (m.type === type) {
        cleanup();
        resolve(m);
      } else if (m.type === 'error') {
        cleanup();
        reject(new Error(m.message));
      }
    };
    const onExit = (code) => {
      cleanup();
      reject(new Error(`child exited (${code}) while waiting for '${type}'`));
    };
    const cleanup = () => {
      clearTimeout(t);
      child.off('message', onMsg);
      child.off('exit', onExit);
    };
    child.on('message', onMsg);
    child.on('exit', onExit);
  });
}

async function request(child, msg, replyType) {
  const p = nextMessage(child, replyType);
  child.send(msg);
  return p;
}

function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function round(engine, opts) {
  // --server-cpu-prof=DIR writes a V8 CPU profile of each server process and prints the engine's
  // inclusive share of it (the profile file opens in Chrome DevTools).
  const profDir = arg('server-cpu-prof', '');
  const profName = `server-${engine}-${process.pid}-${Date.now()}.cpuprofile`;
  const server = spawn(
    ['--role=server', `--engine=${engine}`, `--key=${AUTH_KEY}`],
    profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${profName}`] : [],
  );
  const { port, engine: engineClass } = await nextMessage(server, 'listening', 15000);
  // Clients may be split over several processes (--client-processes) on machines with spare cores.
  const k = opts.clientProcesses;
  const share = (i) => Math.floor(opts.connections / k) + (i < opts.connections % k ? 1 : 0);
  const clients = Array.from({ length: k }, (_, i) =>
    spawn(['--role=clients', `--port=${port}`, `--key=${AUTH_KEY}`, `--connections=${share(i)}`, `--concurrency=${Math.max(1, Math.round(opts.concurrency / k))}`]),
  );
  const all = async (type) => {
    const rs = (await Promise.all(clients.map((c) => request(c, { type }, 'result')))).map((m) => m.result);
    if (rs[0] == null) return null;
    return {
      wallMs: Math.max(...rs.map((r) => r.wallMs)),
      cpuUs: rs.reduce((a, r) => a + r.cpuUs, 0),
      lat: rs.flatMap((r) => r.lat),
      failures: rs.reduce((a, r) => a + r.failures, 0),
    };
  };
  let result;
  try {
    await Promise.all(clients.map((c) => nextMessage(c, 'ready', 15000)));
    const m0 = await request(server, { type: 'mark' }, 'mark');
    const hs = await all('handshakes');
    const m1 = await request(server, { type: 'mark' }, 'mark');
    const li = await all('logins');
    const m2 = await request(server, { type: 'mark' }, 'mark');
    const calls = await request(server, { type: 'samples', verifyFrom: m0.verifyCalls, signFrom: m1.signCalls }, 'samples');
    await all('close');
    const summarize = (r) => {
      const sorted = r.lat.slice().sort((a, b) => a - b);
      return {
        failures: r.failures,
        perSec: r.lat.length / (r.wallMs / 1000),
        p50: pct(sorted, 50),
        p99: pct(sorted, 99),
        clientCpuUsPer: r.cpuUs / opts.connections,
      };
    };
    const verifyCalls = calls.verify.slice(0, m1.verifyCalls - m0.verifyCalls);
    const signCalls = calls.sign.slice(0, m2.signCalls - m1.signCalls);
    const handshakeCpuUsPer = (m1.cpuUs - m0.cpuUs) / opts.connections;
    const verifyMedianUs = median(verifyCalls);
    result = {
      engine,
      engineClass,
      handshakes: summarize(hs),
      logins: summarize(li),
      authenticatedHandshakes: m1.authenticatedHandshakes - m0.authenticatedHandshakes,
      server: {
        handshakeCpuUsPer,
        verifyMedianUs,
        verifyMeanUs: mean(verifyCalls),
        // median call x calls per handshake / CPU per handshake: robust to preemption and GC
        engineShare: (verifyMedianUs * (verifyCalls.length / opts.connections)) / handshakeCpuUsPer,
        loginCpuUsPer: (m2.cpuUs - m1.cpuUs) / opts.connections,
        signMedianUs: median(signCalls),
        signSettleUsPer: (m2.signSettleUs - m1.signSettleUs) / Math.max(1, m2.signSettled - m1.signSettled),
        maxRssMb: m2.maxRssKb / 1024,
        heapMb: m2.peak.heapUsed / 1048576,
      },
    };
  } finally {
    server.send({ type: 'stop' });
    for (const c of clients) c.kill('SIGKILL');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 5000);
      server.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
  if (profDir) result.profile = profileShare(path.join(profDir, profName));
  return result;
}

/** Share of the server's busy (non-idle) samples spent inside the engine, callees included. */
function profileShare(file) {
  let prof;
  try {
    prof = JSON.parse(require('fs').readFileSync(file, 'utf8'));
  } catch (err) {
    return { error: `no profile (${err.code || err.message})` };
  }
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const ENGINE = /node_modules[\\/](ag-auth|jsonwebtoken|jws|jwa)[\\/]|[\\/]dist[\\/]src[\\/]/;
  const inEngine = new Map();
  const isEngine = (id) => {
    if (inEngine.has(id)) return inEngine.get(id);
    const n = byId.get(id);
    const p = parent.get(id);
    const v = ENGINE.test(n.callFrame.url || '') || (p != null && isEngine(p));
    inEngine.set(id, v);
    return v;
  };
  let busy = 0;
  let engine = 0;
  prof.samples.forEach((id, i) => {
    const d = prof.timeDeltas[i] || 0;
    if (byId.get(id).callFrame.functionName === '(idle)') return;
    busy += d;
    if (isEngine(id)) engine += d;
  });
  return { file, busyMs: busy / 1000, engineShare: engine / busy };
}

function median(xs) {
  if (xs.length === 0) return NaN;
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function mean(xs) {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

async function main() {
  const opts = {
    connections: Number(arg('connections', 1000)),
    concurrency: Number(arg('concurrency', 50)),
    rounds: Number(arg('rounds', 3)),
    clientProcesses: Number(arg('client-processes', 1)),
  };
  if (!(opts.connections >= 500)) throw new Error('--connections must be at least 500');
  const watchdog = setTimeout(() => {
    console.error('bench: overall deadline reached, stopping');
    killAll();
    process.exit(2);
  }, 8 * 60 * 1000);
  watchdog.unref();
  const os = require('os');

  console.log(`socketcluster-server 20.0.1 handshake/login load on 127.0.0.1`);
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(2)}`);
  console.log(
    `${opts.connections} connections, ${opts.concurrency} in flight, ${opts.clientProcesses} client process(es),` +
      ` ${opts.rounds} round(s) per engine, interleaved; HS256 authKey (hex string)\n`,
  );

  const results = { stock: [], bridge: [] };
  for (let r = 0; r < opts.rounds; r++) {
    // Alternate which engine goes first so drift on a shared machine hits both.
    const order = r % 2 === 0 ? ['stock', 'bridge'] : ['bridge', 'stock'];
    for (const engine of order) {
      const res = await round(engine, opts);
      results[engine].push(res);
      const h = res.handshakes;
      const l = res.logins;
      const sv = res.server;
      console.log(
        `round ${r + 1} ${engine.padEnd(6)}: ${h.perSec.toFixed(0)} handshakes/s (p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms,` +
          ` ${res.authenticatedHandshakes} authenticated, ${h.failures + l.failures} failed), ${l.perSec.toFixed(0)} logins/s;` +
          ` server CPU ${sv.handshakeCpuUsPer.toFixed(0)} us/handshake, verifyToken median ${sv.verifyMedianUs.toFixed(1)} us;` +
          ` max RSS ${sv.maxRssMb.toFixed(1)} MB; load ${os.loadavg()[0].toFixed(2)}` +
          (res.profile ? `; profile: engine ${res.profile.engineShare != null ? (100 * res.profile.engineShare).toFixed(1) + '% of busy server time' : res.profile.error}` : ''),
      );
    }
  }

  const agg = (engine) => {
    const rs = results[engine];
    const m = (f) => median(rs.map(f));
    return {
      hsPerSec: m((x) => x.handshakes.perSec),
      hsP50: m((x) => x.handshakes.p50),
      hsP99: m((x) => x.handshakes.p99),
      loginPerSec: m((x) => x.logins.perSec),
      loginP50: m((x) => x.logins.p50),
      loginP99: m((x) => x.logins.p99),
      cpuPerHs: m((x) => x.server.handshakeCpuUsPer),
      verifyMedian: m((x) => x.server.verifyMedianUs),
      verifyMean: m((x) => x.server.verifyMeanUs),
      engineShare: m((x) => x.server.engineShare),
      serverBoundHs: m((x) => 1e6 / x.server.handshakeCpuUsPer),
      clientCpuPerHs: m((x) => x.handshakes.clientCpuUsPer),
      cpuPerLogin: m((x) => x.server.loginCpuUsPer),
      signMedian: m((x) => x.server.signMedianUs),
      signSettleUs: m((x) => x.server.signSettleUsPer),
      maxRssMb: Math.max(...rs.map((x) => x.server.maxRssMb)),
      heapMb: Math.max(...rs.map((x) => x.server.heapMb)),
      profileShare: rs.some((x) => x.profile && x.profile.engineShare != null) ? m((x) => (x.profile ? x.profile.engineShare : NaN)) : null,
      failures: rs.reduce((a, x) => a + x.handshakes.failures + x.logins.failures, 0),
    };
  };
  const s = agg('stock');
  const b = agg('bridge');
  const row = (label, f, unit, digits = 0) =>
    console.log(
      `${label.padEnd(44)} ${f(s).toFixed(digits).padStart(10)} ${f(b).toFixed(digits).padStart(14)}  ${unit.padEnd(3)} bridge/stock ${(f(b) / f(s)).toFixed(2)}x`,
    );
  console.log(`\n${`median of ${opts.rounds} round(s)`.padEnd(44)}  ag-auth 2.1.1  sc-auth-bridge`);
  row('authenticated handshakes/s (end to end)', (x) => x.hsPerSec, '/s');
  row('handshake latency p50', (x) => x.hsP50, 'ms', 1);
  row('handshake latency p99', (x) => x.hsP99, 'ms', 1);
  row('logins (setAuthToken)/s', (x) => x.loginPerSec, '/s');
  row('login latency p50', (x) => x.loginP50, 'ms', 1);
  row('login latency p99', (x) => x.loginP99, 'ms', 1);
  row('server CPU per handshake', (x) => x.cpuPerHs, 'us');
  row('  verifyToken per call, median', (x) => x.verifyMedian, 'us', 1);
  row('  verifyToken per call, mean (incl. GC)', (x) => x.verifyMean, 'us', 1);
  row('  engine share of server CPU per handshake', (x) => 100 * x.engineShare, '%', 1);
  row('server-bound capacity: 1e6 / CPU per handshake', (x) => x.serverBoundHs, '/s');
  row('client process CPU per handshake', (x) => x.clientCpuPerHs, 'us');
  row('server CPU per login', (x) => x.cpuPerLogin, 'us');
  row('  signToken per call, median (sync part)', (x) => x.signMedian, 'us', 1);
  row('  signToken until settled, mean (wall)', (x) => x.signSettleUs, 'us', 1);
  row('server peak RSS (max of rounds)', (x) => x.maxRssMb, 'MB', 1);
  row('server heap, all clients logged in', (x) => x.heapMb, 'MB', 1);
  if (s.profileShare != null) row('CPU profile: engine share of busy time', (x) => 100 * x.profileShare, '%', 1);
  console.log(
    '\nhandshakes/s is end to end: the client process (one per run by default) also needs CPU for every handshake,' +
      ' and on a small or shared machine it caps the rate; the server-side gain shows in server CPU per handshake' +
      ' and server-bound capacity.',
  );
  if (s.failures + b.failures > 0) {
    console.log(`FAILURES: stock ${s.failures}, bridge ${b.failures}`);
    process.exitCode = 1;
  }
  clearTimeout(watchdog);
}

if (ROLE === 'server') runServer();
else if (ROLE === 'clients') runClients();
else
  main().catch((err) => {
    console.error(err);
    killAll();
    process.exit(1);
  });
