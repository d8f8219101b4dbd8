#!/usr/bin/env node
// npm run bench: ops/s of signToken and verifyToken (HS256 string secret, RS256 PEM keys) for
// sc-auth-bridge (Promise mode and callback mode), ag-auth 2.1.1, sc-auth 5.0.2 and plain
// jsonwebtoken 9 with the raw string key (and with a KeyObject: the ceiling), in one run, with ratios.
//
// Method, built for a shared, noisy machine: within each group (e.g. HS256 verify) the subjects take
// turns in short slices (SLICE_MS of wall time each, round-robin) for GROUP_MS, so that load from
// other processes falls on all of them alike; each subject's ops are divided by the CPU time this
// process spent in its slices (process.cpuUsage), not by wall time. Ratios are reported for the
// whole group and as median / min..max over SEGMENTS equal parts of it. Bounded: 4 groups x
// (GROUP_MS + warm-up), about 35 s.
// Env: BENCH_GROUP_MS (default 7000), BENCH_SLICE_MS (default 4).
'use strict';
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');

const AuthEngine = require(path.join(__dirname, '../dist/src/index.js'));
const AgAuth = require('ag-auth');
const ScAuth = require('sc-auth').AuthEngine;
const jwt = require('jsonwebtoken');

const GROUP_MS = Number(process.env.BENCH_GROUP_MS) || 7000;
const SLICE_MS = Number(process.env.BENCH_SLICE_MS) || 4;
const SEGMENTS = 5;
process.noDeprecation = true; // the one warning from the bench's own call site is not the point

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEYS = {
  HS256: { sign: 'a typical application secret, 32+ chars', verify: 'a typical application secret, 32+ chars' },
  RS256: {
    sign: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    verify: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
  },
};
const KEY_OBJECTS = {
  HS256: { sign: crypto.createSecretKey(Buffer.from(KEYS.HS256.sign)), verify: crypto.createSecretKey(Buffer.from(KEYS.HS256.verify)) },
  RS256: { sign: crypto.createPrivateKey(KEYS.RS256.sign), verify: crypto.createPublicKey(KEYS.RS256.verify) },
};
const PAYLOAD = { username: 'alice', channels: ['chat', 'news'], role: 'user' };

const bridge = new AuthEngine();
const agAuth = new AgAuth();
const scAuth = new ScAuth();

/** Each subject: sign(alg, done) and verify(alg, token, done); done(err) when one op finished. */
const SUBJECTS = {
  'bridge (Promise)': {
    sign: (alg) => bridge.signToken({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg }),
    verify: (alg, token) => bridge.verifyToken(token, KEYS[alg].verify, { algorithms: [alg] }),
    promise: true,
  },
  'bridge (callback)': {
    sign: (alg, _t, done) => bridge.signToken({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg }, done),
    verify: (alg, token, done) => bridge.verifyToken(token, KEYS[alg].verify, { algorithms: [alg] }, done),
  },
  'ag-auth 2.1.1': {
    sign: (alg) => agAuth.signToken({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg }),
    verify: (alg, token) => agAuth.verifyToken(token, KEYS[alg].verify, { algorithms: [alg] }),
    promise: true,
  },
  'sc-auth 5.0.2': {
    sign: (alg, _t, done) => scAuth.signToken({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg }, done),
    verify: (alg, token, done) => scAuth.verifyToken(token, KEYS[alg].verify, { algorithms: [alg] }, done),
  },
  'jsonwebtoken 9 (raw key)': {
    sign: (alg, _t, done) => done(null, jwt.sign({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg })),
    verify: (alg, token, done) => done(null, jwt.verify(token, KEYS[alg].verify, { algorithms: [alg] })),
  },
  // The ceiling: what jsonwebtoken 9 itself costs once the key is a KeyObject (the bridge adds its
  // wrapper, and in Promise mode a Promise and an await, on top of this).
  'jsonwebtoken 9 (KeyObject)': {
    sign: (alg, _t, done) => done(null, jwt.sign({ ...PAYLOAD }, KEY_OBJECTS[alg].sign, { algorithm: alg })),
    verify: (alg, token, done) => done(null, jwt.verify(token, KEY_OBJECTS[alg].verify, { algorithms: [alg] })),
  },
};

function checkResult(err, value, what) {
  if (err) throw new Error(`${what}: ${err.message}`);
  if (!value) throw new Error(`${what}: empty result`);
}

/** One slice: ops back to back (awaiting each, as an app does) for SLICE_MS of wall time. */
async function slice(subject, op, alg, token, into) {
  const fn = subject[op];
  const what = `${op} ${alg}`;
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + SLICE_MS;
  if (subject.promise) {
    do {
      checkResult(null, await fn(alg, token), what);
      ops++;
    } while (performance.now() < end);
  } else {
    do {
      let result;
      fn(alg, token, (err, value) => { checkResult(err, value, what); result = value; });
      if (result === undefined) throw new Error(`${what}: callback not synchronous`);
      ops++;
    } while (performance.now() < end);
  }
  const cpu = process.cpuUsage(cpu0);
  into.ops += ops;
  into.cpuUs += cpu.user + cpu.system;
}

/** Round-robin slices over all subjects for `ms`; returns per-subject { ops, cpuUs } per segment. */
async function runGroup(alg, op, token, ms, segments) {
  const names = Object.keys(SUBJECTS);
  const result = names.map(() => Array.from({ length: segments }, () => ({ ops: 0, cpuUs: 0 })));
  const order = names.map((_, i) => i);
  const start = performance.now();
  for (;;) {
    const elapsed = performance.now() - start;
    if (elapsed >= ms) break;
    const segment = Math.min(segments - 1, Math.floor((elapsed / ms) * segments));
    // A fresh order every cycle: whatever one slice leaves behind (garbage to collect, a cold cache)
    // must not always land on the same next subject.
    for (let j = order.length - 1; j > 0; j--) {
      const k = Math.floor(Math.random() * (j + 1));
      [order[j], order[k]] = [order[k], order[j]];
    }
    for (const i of order) await slice(SUBJECTS[names[i]], op, alg, token, result[i][segment]);
    await new Promise(setImmediate); // let pending ticks (ag-auth's streams) and GC run between cycles
  }
  return Object.fromEntries(names.map((name, i) => [name, result[i]]));
}

function fmt(n) {
  return n >= 1000 ? `${Math.round(n).toLocaleString('en-US')}` : n.toFixed(0);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main() {
  const t0 = performance.now();
  console.log(`sc-auth-bridge engine bench: Node ${process.version}, OpenSSL ${process.versions.openssl}, ` +
    `${os.cpus()[0]?.model ?? 'cpu?'} x${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join('/')}; ` +
    `${GROUP_MS} ms per group, ${SLICE_MS} ms slices, ops per CPU-second of this process`);
  const tokens = {};
  for (const alg of Object.keys(KEYS)) tokens[alg] = jwt.sign({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg });
  const results = [];
  for (const alg of Object.keys(KEYS)) {
    for (const op of ['sign', 'verify']) {
      await runGroup(alg, op, tokens[alg], 600, 1); // warm-up (JIT, key cache), discarded
      const group = await runGroup(alg, op, tokens[alg], GROUP_MS, SEGMENTS);
      const rate = (name, seg) => {
        const parts = seg === undefined ? group[name] : [group[name][seg]];
        const ops = parts.reduce((n, p) => n + p.ops, 0);
        const cpuUs = parts.reduce((n, p) => n + p.cpuUs, 0);
        return ops / (cpuUs / 1e6);
      };
      const ratio = (a, b) => {
        const per = Array.from({ length: SEGMENTS }, (_, seg) => rate(a, seg) / rate(b, seg)).filter(Number.isFinite);
        return { all: rate(a) / rate(b), median: median(per), min: Math.min(...per), max: Math.max(...per) };
      };
      const show = (r) => `${r.all.toFixed(2)}x (segments: median ${r.median.toFixed(2)}, ${r.min.toFixed(2)}..${r.max.toFixed(2)})`;
      console.log(`\n${alg} ${op}`);
      for (const name of Object.keys(SUBJECTS)) {
        const ops = group[name].reduce((n, p) => n + p.ops, 0);
        console.log(`  ${name.padEnd(26)} ${fmt(rate(name)).padStart(10)} ops/CPU-s  (${ops} ops)`);
      }
      const promiseVsAg = ratio('bridge (Promise)', 'ag-auth 2.1.1');
      const cbVsSc = ratio('bridge (callback)', 'sc-auth 5.0.2');
      console.log(`  bridge Promise / ag-auth 2.1.1          ${show(promiseVsAg)}`);
      console.log(`  bridge callback / sc-auth 5.0.2         ${show(cbVsSc)}`);
      console.log(`  bridge Promise / jsonwebtoken 9 raw     ${show(ratio('bridge (Promise)', 'jsonwebtoken 9 (raw key)'))}`);
      console.log(`  ceiling: jsonwebtoken 9 KeyObject / ag-auth ${show(ratio('jsonwebtoken 9 (KeyObject)', 'ag-auth 2.1.1'))}`);
      console.log(`  bridge callback / jsonwebtoken 9 KeyObject  ${show(ratio('bridge (callback)', 'jsonwebtoken 9 (KeyObject)'))}`);
      results.push({ alg, op, promiseVsAg, cbVsSc });
    }
  }
  console.log('\ntargets (whole-group ratio):');
  for (const r of results) {
    const needAg = r.alg === 'HS256' ? 30 : 1;
    console.log(`  ${r.alg} ${r.op}: Promise >= ${needAg}x ag-auth: ${r.promiseVsAg.all >= needAg ? 'met' : 'MISSED'} (${r.promiseVsAg.all.toFixed(2)}x); ` +
      `callback >= sc-auth 5: ${r.cbVsSc.all >= 1 ? 'met' : 'MISSED'} (${r.cbVsSc.all.toFixed(2)}x)`);
  }
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
