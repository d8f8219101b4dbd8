#!/usr/bin/env node
// npm run bench: ops/s of signToken and verifyToken (HS256 string secret, RS256 PEM keys) for
// sc-auth-bridge (Promise mode and callback mode), ag-auth 2.1.1, sc-auth 5.0.2 and plain
// jsonwebtoken 9 with the raw string key, in one run, with ratios. Bounded: each measurement is a
// time box; two interleaved rounds, best of each kept (the machine may be shared).
// Env: BENCH_MS (time box per measurement, default 400).
'use strict';
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');

const AuthEngine = require(path.join(__dirname, '../dist/src/index.js'));
const AgAuth = require('ag-auth');
const ScAuth = require('sc-auth').AuthEngine;
const jwt = require('jsonwebtoken');

const BOX_MS = Number(process.env.BENCH_MS) || 400;
const ROUNDS = 3;
process.noDeprecation = true; // the one warning from the bench's own call site is not the point

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEYS = {
  HS256: { sign: 'a typical application secret, 32+ chars', verify: 'a typical application secret, 32+ chars' },
  RS256: {
    sign: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    verify: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
  },
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
};

function checkResult(err, value, what) {
  if (err) throw new Error(`${what}: ${err.message}`);
  if (!value) throw new Error(`${what}: empty result`);
}

/** Runs ops back to back (awaiting each, as an app does) for BOX_MS; returns ops/s. */
async function measure(subject, op, alg, token) {
  const fn = subject[op];
  const what = `${op} ${alg}`;
  let ops = 0;
  const deadline = performance.now() + BOX_MS;
  const start = performance.now();
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
      if (ops % 1024 === 0) await new Promise(setImmediate); // let timers and GC breathe
    }
  }
  return ops / ((performance.now() - start) / 1000);
}

function fmt(n) {
  return n >= 1000 ? `${Math.round(n).toLocaleString('en-US')}` : n.toFixed(0);
}

async function main() {
  const t0 = performance.now();
  console.log(`sc-auth-bridge engine bench: Node ${process.version}, OpenSSL ${process.versions.openssl}, ` +
    `${os.cpus()[0]?.model ?? 'cpu?'} x${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join('/')}, ${BOX_MS} ms per box, best of ${ROUNDS}`);
  const tokens = {};
  for (const alg of Object.keys(KEYS)) tokens[alg] = jwt.sign({ ...PAYLOAD }, KEYS[alg].sign, { algorithm: alg });
  const best = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const alg of Object.keys(KEYS)) {
      for (const op of ['sign', 'verify']) {
        for (const [name, subject] of Object.entries(SUBJECTS)) {
          const key = `${alg} ${op}|${name}`;
          const opsPerSec = await measure(subject, op, alg, tokens[alg]);
          best[key] = Math.max(best[key] ?? 0, opsPerSec);
        }
      }
    }
  }
  const results = [];
  for (const alg of Object.keys(KEYS)) {
    for (const op of ['sign', 'verify']) {
      const row = (name) => best[`${alg} ${op}|${name}`];
      console.log(`\n${alg} ${op}`);
      for (const name of Object.keys(SUBJECTS)) console.log(`  ${name.padEnd(26)} ${fmt(row(name)).padStart(10)} ops/s`);
      const promiseVsAg = row('bridge (Promise)') / row('ag-auth 2.1.1');
      const cbVsSc = row('bridge (callback)') / row('sc-auth 5.0.2');
      const vsJwt = row('bridge (Promise)') / row('jsonwebtoken 9 (raw key)');
      console.log(`  ratios: bridge Promise / ag-auth = ${promiseVsAg.toFixed(2)}x, bridge callback / sc-auth 5 = ${cbVsSc.toFixed(2)}x, bridge Promise / jsonwebtoken 9 raw = ${vsJwt.toFixed(2)}x`);
      results.push({ alg, op, promiseVsAg, cbVsSc });
    }
  }
  console.log('\ntargets:');
  for (const r of results) {
    const needAg = r.alg === 'HS256' ? 30 : 1;
    const okAg = r.promiseVsAg >= needAg;
    const okSc = r.cbVsSc >= 1;
    console.log(`  ${r.alg} ${r.op}: Promise >= ${needAg}x ag-auth: ${okAg ? 'met' : 'MISSED'} (${r.promiseVsAg.toFixed(2)}x); ` +
      `callback >= sc-auth 5: ${okSc ? 'met' : 'MISSED'} (${r.cbVsSc.toFixed(2)}x)`);
  }
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
