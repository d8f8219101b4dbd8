#!/usr/bin/env node
// npm run bench: ops/s of signToken and verifyToken (HS256 string secret, RS256 PEM keys) for
// sc-auth-bridge (Promise mode and callback mode), ag-auth 2.1.1, sc-auth 5.0.2 and plain
// jsonwebtoken 9 with the raw string key (and with a KeyObject: the ceiling), in one run, with ratios. Bounded: each measurement is a
// time box (BENCH_MS, default 250), in BENCH_ROUNDS (default 5) interleaved rounds. Ratios are taken
// within a round (the subjects compared ran back to back, under the same machine load); the median
// over rounds is reported with its min..max, and the ops/s shown are medians too. Ops are counted
// per CPU-second of this process, not per wall second (see measure()).
'use strict';
const crypto = require('node:crypto');
const os = require('node:os');
const v8 = require('node:v8');
const vm = require('node:vm');
const path = require('node:path');

const AuthEngine = require(path.join(__dirname, '../dist/src/index.js'));
const AgAuth = require('ag-auth');
const ScAuth = require('sc-auth').AuthEngine;
const jwt = require('jsonwebtoken');

const BOX_MS = Number(process.env.BENCH_MS) || 250;
const ROUNDS = Number(process.env.BENCH_ROUNDS) || 5;
process.noDeprecation = true;
// A full GC between boxes, so that one subject's garbage is not collected on the next one's clock.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc'); // the one warning from the bench's own call site is not the point

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

/**
 * Runs ops back to back (awaiting each, as an app does) for BOX_MS of wall time; returns ops per
 * CPU-second of this process (process.cpuUsage: user + system, all threads). CPU time rather than
 * wall time because the machine may be shared: time slices lost to other processes would
 * otherwise land on whichever subject happened to be running.
 */
async function measure(subject, op, alg, token) {
  const fn = subject[op];
  const what = `${op} ${alg}`;
  let ops = 0;
  const deadline = performance.now() + BOX_MS;
  const cpu0 = process.cpuUsage();
  if (subject.promise) {
    while (performance.now() < deadline) {
      for (let i = 0; i < 16; i++) checkResult(null, await fn(alg, token), what);
      ops += 16;
    }
  } else {
    while (performance.now() < deadline) {
      for (let i = 0; i < 16; i++) {
        let result;
        fn(alg, token, (err, value) => { checkResult(err, value, what); result = value; });
        if (result === undefined) throw new Error(`${what}: callback not synchronous`);
      }
      ops += 16;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return ops / ((cpu.user + cpu.system) / 1e6);
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
    `${os.cpus()[0]?.model ?? 'cpu?'} x${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join('/')}, ` +
    `${BOX_MS} ms per box, ${ROUNDS} rounds (medians)`);
  const tokens = {};
  for (const alg of Object.keys(KEYS)) tokens[alg] = jwt.sign({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg });
  const samples = {}; // "alg op|subject" -> ops/s per round
  for (let round = 0; round < ROUNDS; round++) {
    for (const alg of Object.keys(KEYS)) {
      for (const op of ['sign', 'verify']) {
        for (const [name, subject] of Object.entries(SUBJECTS)) {
          const key = `${alg} ${op}|${name}`;
          collectGarbage();
          (samples[key] ??= []).push(await measure(subject, op, alg, tokens[alg]));
        }
      }
    }
  }
  const ratio = (alg, op, a, b) => {
    const per = samples[`${alg} ${op}|${a}`].map((v, i) => v / samples[`${alg} ${op}|${b}`][i]);
    return { median: median(per), min: Math.min(...per), max: Math.max(...per) };
  };
  if (process.env.BENCH_DEBUG) for (const [k, v] of Object.entries(samples)) console.log(k, v.map(fmt).join(' '));
  const show = (r) => `${r.median.toFixed(2)}x (${r.min.toFixed(1)}..${r.max.toFixed(1)})`;
  const results = [];
  for (const alg of Object.keys(KEYS)) {
    for (const op of ['sign', 'verify']) {
      console.log(`\n${alg} ${op}`);
      for (const name of Object.keys(SUBJECTS)) console.log(`  ${name.padEnd(26)} ${fmt(median(samples[`${alg} ${op}|${name}`])).padStart(10)} ops per CPU-second`);
      const promiseVsAg = ratio(alg, op, 'bridge (Promise)', 'ag-auth 2.1.1');
      const cbVsSc = ratio(alg, op, 'bridge (callback)', 'sc-auth 5.0.2');
      const vsJwt = ratio(alg, op, 'bridge (Promise)', 'jsonwebtoken 9 (raw key)');
      const ceiling = ratio(alg, op, 'jsonwebtoken 9 (KeyObject)', 'ag-auth 2.1.1');
      const cbVsCeiling = ratio(alg, op, 'bridge (callback)', 'jsonwebtoken 9 (KeyObject)');
      console.log(`  ratios (median, min..max over rounds): bridge Promise / ag-auth = ${show(promiseVsAg)}, ` +
        `bridge callback / sc-auth 5 = ${show(cbVsSc)}, bridge Promise / jsonwebtoken 9 raw = ${show(vsJwt)}`);
      console.log(`  ceiling: jsonwebtoken 9 with a KeyObject / ag-auth = ${show(ceiling)}; ` +
        `bridge callback / jsonwebtoken 9 with a KeyObject = ${show(cbVsCeiling)}`);
      results.push({ alg, op, promiseVsAg, cbVsSc });
    }
  }
  console.log('\ntargets (on the median ratio):');
  for (const r of results) {
    const needAg = r.alg === 'HS256' ? 30 : 1;
    console.log(`  ${r.alg} ${r.op}: Promise >= ${needAg}x ag-auth: ${r.promiseVsAg.median >= needAg ? 'met' : 'MISSED'} (${r.promiseVsAg.median.toFixed(2)}x); ` +
      `callback >= sc-auth 5: ${r.cbVsSc.median >= 1 ? 'met' : 'MISSED'} (${r.cbVsSc.median.toFixed(2)}x)`);
  }
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
