'use strict';
// Load benchmark: socketcluster-server 20.0.1 on 127.0.0.1 with its stock engine (ag-auth 2.1.1)
// and with sc-auth-bridge, in one run. Three processes per round so the client cost does not mask
// the server's: this orchestrator, one server process, one client process.
//
//   npm run bench:server [-- --connections=1000 --concurrency=50 --rounds=3 --client-processes=1]
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

  // The same thin wrapper around both engines: CPU time (not wall time, which other processes
  // on a shared machine inflate) spent inside the call. jsonwebtoken's verify is synchronous, and
  // its sign does the costly key conversion synchronously (the HMAC/RSA step follows on a later
  // tick), so the synchronous part is the engine's cost; sign also gets its wall time to settle.
  const counters = { verify: { n: 0, cpuUs: 0 }, sign: { n: 0, cpuUs: 0, settleNs: 0n } };
  // Per-call verify CPU: the mean includes GC pauses that land inside a call; the median does not.
  const samples = [];
  const inner = server.auth;
  const cpuNow = () => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  server.setAuthEngine({
    verifyToken(...args) {
      const c0 = cpuNow();
      const p = inner.verifyToken(...args);
      const d = cpuNow() - c0;
      counters.verify.cpuUs += d;
      counters.verify.n++;
      if (samples.length < 20000) samples.push(d);
      return p;
    },
    signToken(...args) {
      const t0 = process.hrtime.bigint();
      const c0 = cpuNow();
      const p = inner.signToken(...args);
      counters.sign.cpuUs += cpuNow() - c0;
      counters.sign.n++;
      Promise.resolve(p).then(
        () => (counters.sign.settleNs += process.hrtime.bigint() - t0),
        () => undefined,
      );
      return p;
    },
  });

  const peak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  };
  setInterval(sample, 50).unref();

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
        verify: { n: counters.verify.n, cpuUs: counters.verify.cpuUs, medianUs: samples.length ? samples.slice().sort((a, b) => a - b)[samples.length >> 1] : 0 },
        sign: { n: counters.sign.n, cpuUs: counters.sign.cpuUs, settleUs: Number(counters.sign.settleNs / 1000n) },
        authenticatedHandshakes,
        maxRssKb: ru.maxRSS,
        peak: { ...peak },
        clients: server.clientsCount,
      });
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
function spawn(args) {
  const child = fork(__filename, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
  const server = spawn(['--role=server', `--engine=${engine}`, `--key=${AUTH_KEY}`]);
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
  try {
    await Promise.all(clients.map((c) => nextMessage(c, 'ready', 15000)));
    const m0 = await request(server, { type: 'mark' }, 'mark');
    const hs = await all('handshakes');
    const m1 = await request(server, { type: 'mark' }, 'mark');
    const li = await all('logins');
    const m2 = await request(server, { type: 'mark' }, 'mark');
    await all('close');
    const summarize = (r) => {
      const s = r.lat.slice().sort((a, b) => a - b);
      return {
        ok: r.lat.length,
        failures: r.failures,
        perSec: r.lat.length / (r.wallMs / 1000),
        p50: pct(s, 50),
        p99: pct(s, 99),
        clientCpuUsPer: r.cpuUs / opts.connections,
      };
    };
    return {
      engine,
      engineClass,
      handshakes: summarize(hs),
      logins: summarize(li),
      authenticatedHandshakes: m1.authenticatedHandshakes - m0.authenticatedHandshakes,
      server: {
        handshakeCpuUsPer: (m1.cpuUs - m0.cpuUs) / opts.connections,
        verifyUsPer: (m1.verify.cpuUs - m0.verify.cpuUs) / Math.max(1, m1.verify.n - m0.verify.n),
        verifyMedianUs: m1.verify.medianUs,
        loginCpuUsPer: (m2.cpuUs - m1.cpuUs) / opts.connections,
        signCpuUsPer: (m2.sign.cpuUs - m1.sign.cpuUs) / Math.max(1, m2.sign.n - m1.sign.n),
        signSettleUsPer: (m2.sign.settleUs - m1.sign.settleUs) / Math.max(1, m2.sign.n - m1.sign.n),
        maxRssMb: m2.maxRssKb / 1024,
        peakHeapMb: m2.peak.heapUsed / 1048576,
      },
    };
  } finally {
    server.send({ type: 'stop' });
    for (const c of clients) c.kill('SIGKILL');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 3000);
      server.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const opts = {
    connections: Number(arg('connections', 1000)),
    concurrency: Number(arg('concurrency', 50)),
    rounds: Number(arg('rounds', 3)),
    clientProcesses: Number(arg('client-processes', 1)),
  };
  if (opts.connections < 500) throw new Error('--connections must be at least 500');
  const watchdog = setTimeout(() => {
    console.error('bench: overall deadline reached, stopping');
    killAll();
    process.exit(2);
  }, 8 * 60 * 1000);
  watchdog.unref();

  console.log(`socketcluster-server 20.0.1 handshake/login load on 127.0.0.1`);
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${require('os').cpus().length} CPUs`);
  console.log(`${opts.connections} connections, ${opts.concurrency} in flight, ${opts.clientProcesses} client process(es), ${opts.rounds} round(s) per engine, interleaved; HS256 authKey (hex string)\n`);

  const results = { stock: [], bridge: [] };
  for (let r = 0; r < opts.rounds; r++) {
    // Alternate which engine goes first so drift on a shared machine hits both.
    const order = r % 2 === 0 ? ['stock', 'bridge'] : ['bridge', 'stock'];
    for (const engine of order) {
      const res = await round(engine, opts);
      results[engine].push(res);
      const h = res.handshakes;
      const l = res.logins;
      console.log(
        `round ${r + 1} ${engine.padEnd(6)} (${res.engineClass}): handshakes ${h.perSec.toFixed(0)}/s p50 ${h.p50.toFixed(2)} ms p99 ${h.p99.toFixed(2)} ms` +
          ` (${res.authenticatedHandshakes} authenticated, ${h.failures} failed); logins ${l.perSec.toFixed(0)}/s p50 ${l.p50.toFixed(2)} ms p99 ${l.p99.toFixed(2)} ms;` +
          ` server CPU/handshake ${res.server.handshakeCpuUsPer.toFixed(0)} us, of which verifyToken ${res.server.verifyUsPer.toFixed(1)} us (median call ${res.server.verifyMedianUs} us);` +
          ` CPU/login ${res.server.loginCpuUsPer.toFixed(0)} us (signToken CPU ${res.server.signCpuUsPer.toFixed(1)} us, settle ${res.server.signSettleUsPer.toFixed(1)} us);` +
          ` max RSS ${res.server.maxRssMb.toFixed(1)} MB, peak heap ${res.server.peakHeapMb.toFixed(1)} MB;` +
          ` client CPU/handshake ${h.clientCpuUsPer.toFixed(0)} us; load avg ${require('os').loadavg()[0].toFixed(2)}`,
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
      serverBoundHs: m((x) => 1e6 / x.server.handshakeCpuUsPer),
      clientCpuPerHs: m((x) => x.handshakes.clientCpuUsPer),
      verifyUs: m((x) => x.server.verifyUsPer),
      verifyMedian: m((x) => x.server.verifyMedianUs),
      cpuPerLogin: m((x) => x.server.loginCpuUsPer),
      signSettleUs: m((x) => x.server.signSettleUsPer),
      signCpuUs: m((x) => x.server.signCpuUsPer),
      maxRssMb: Math.max(...rs.map((x) => x.server.maxRssMb)),
      failures: rs.reduce((a, x) => a + x.handshakes.failures + x.logins.failures, 0),
    };
  };
  const s = agg('stock');
  const b = agg('bridge');
  const row = (label, f, unit, digits = 0) =>
    console.log(`${label.padEnd(34)} ${f(s).toFixed(digits).padStart(10)} ${f(b).toFixed(digits).padStart(14)}  ${unit}   bridge/stock ${(f(b) / f(s)).toFixed(2)}x`);
  console.log(`\nmedian of ${opts.rounds} round(s)            ag-auth 2.1.1  sc-auth-bridge`);
  row('authenticated handshakes/s', (x) => x.hsPerSec, '/s');
  row('handshake latency p50', (x) => x.hsP50, 'ms', 2);
  row('handshake latency p99', (x) => x.hsP99, 'ms', 2);
  row('logins (setAuthToken)/s', (x) => x.loginPerSec, '/s');
  row('login latency p50', (x) => x.loginP50, 'ms', 2);
  row('login latency p99', (x) => x.loginP99, 'ms', 2);
  row('server CPU per handshake', (x) => x.cpuPerHs, 'us');
  row('  of which verifyToken', (x) => x.verifyUs, 'us', 1);
  row('  verifyToken, median call', (x) => x.verifyMedian, 'us', 1);
  row('server CPU per handshake, engine excluded', (x) => x.cpuPerHs - x.verifyUs, 'us');
  row('server-bound capacity (1 core)', (x) => x.serverBoundHs, 'handshakes/s');
  row('client process CPU per handshake', (x) => x.clientCpuPerHs, 'us');
  row('server CPU per login', (x) => x.cpuPerLogin, 'us');
  row('  of which signToken', (x) => x.signCpuUs, 'us', 1);
  row('  signToken until settled (wall)', (x) => x.signSettleUs, 'us', 1);
  row('server peak RSS (max of rounds)', (x) => x.maxRssMb, 'MB', 1);
  console.log(
    `\nengine share of server CPU per handshake: ag-auth ${((100 * s.verifyUs) / s.cpuPerHs).toFixed(0)}%, sc-auth-bridge ${((100 * b.verifyUs) / b.cpuPerHs).toFixed(0)}%`,
  );
  console.log(
    'handshakes/s is measured end to end: when the client process needs more CPU per handshake than the server,' +
      ' it (and the machine\'s two shared cores) caps the rate, and the server-side gain shows in server CPU per handshake instead.',
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
