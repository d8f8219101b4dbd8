'use strict';
// npm run bench:cli — times sc-auth-bridge check and migrate --dry against plain jscodeshift running
// the same transforms on the same generated tree, and grep -rl as the floor, all in one run.
// Env: BENCH_CLI_FILES (default 5000), BENCH_CLI_RUNS (3), BENCH_CLI_JSCS_BUDGET (seconds, 150),
// BENCH_CLI_JSCS_SAMPLE_STEP (50: jscodeshift is first timed on every 50th file), BENCH_CLI_RELEVANT (25:
// sc-auth files in the per-relevant-file comparison).
// Generates a synthetic repository for bench/cli.bench.js: mostly ordinary JS/TS of realistic
// size, about 2% of files using sc-auth in the shapes found in real SocketCluster-era servers,
// plus a few jsonwebtoken-helper look-alikes that mention signToken without being sc-auth.
// Deterministic (seeded), so runs compare like with like.
const fs = require('node:fs');
const path = require('node:path');

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['user', 'order', 'invoice', 'session', 'channel', 'message', 'profile', 'cart', 'payment',
  'report', 'audit', 'device', 'token', 'team', 'project', 'ticket', 'comment', 'upload', 'search', 'metric'];

function pick(r, arr) { return arr[Math.floor(r() * arr.length)]; }
function cap(s) { return s[0].toUpperCase() + s.slice(1); }

function jsFunctions(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const w = pick(r, WORDS);
    out.push(`
/**
 * Loads ${w} records for the given filter and normalises them for the API layer.
 */
async function load${cap(w)}${i}(db, filter, options = {}) {
  const limit = Math.min(options.limit || 50, 500);
  const rows = await db.collection('${w}s').find(filter).limit(limit).toArray();
  const result = [];
  for (const row of rows) {
    if (!row || row.deleted) continue;
    result.push({
      id: String(row._id),
      name: row.name ? row.name.trim() : '',
      createdAt: new Date(row.createdAt || Date.now()).toISOString(),
      tags: Array.isArray(row.tags) ? row.tags.slice(0, 10) : [],
    });
  }
  if (options.sort === 'name') result.sort((a, b) => a.name.localeCompare(b.name));
  return { total: rows.length, items: result, page: options.page || 1 };
}
`);
  }
  return out.join('');
}

function ordinaryJs(r, i) {
  const w = pick(r, WORDS);
  const n = 2 + Math.floor(r() * 6);
  return `'use strict';
const express = require('express');
const _ = require('lodash');
const { validate${cap(w)} } = require('../lib/validation');

const router = express.Router();
${jsFunctions(r, n)}
router.get('/${w}s', async (req, res, next) => {
  try {
    const data = await load${cap(w)}0(req.app.locals.db, { owner: req.user.id }, req.query);
    res.json(_.pick(data, ['total', 'items', 'page']));
  } catch (err) {
    next(err);
  }
});

router.post('/${w}s', (req, res) => {
  const errors = validate${cap(w)}(req.body);
  if (errors.length) return res.status(400).json({ errors });
  res.status(201).json({ ok: true, id: ${i} });
});

module.exports = router;
`;
}

function ordinaryTs(r, i) {
  const w = pick(r, WORDS);
  const n = 2 + Math.floor(r() * 6);
  const fns = [];
  for (let k = 0; k < n; k++) {
    fns.push(`
export interface ${cap(w)}${k}Options {
  limit?: number;
  includeArchived?: boolean;
  sortBy?: keyof ${cap(w)}Record;
}

export async function fetch${cap(w)}${k}(repo: Repository<${cap(w)}Record>, opts: ${cap(w)}${k}Options = {}): Promise<${cap(w)}Record[]> {
  const limit = Math.min(opts.limit ?? 50, 500);
  const rows = await repo.find({ archived: opts.includeArchived ? undefined : false }, limit);
  const key = opts.sortBy;
  return key ? [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key]))) : rows;
}
`);
  }
  return `import type { Repository } from '../db/repository';

export interface ${cap(w)}Record {
  id: string;
  name: string;
  createdAt: Date;
  owner: string;
  archived: boolean;
}

export class ${cap(w)}Service${i} {
  private cache = new Map<string, ${cap(w)}Record>();
  constructor(private readonly repo: Repository<${cap(w)}Record>) {}

  async get(id: string): Promise<${cap(w)}Record | undefined> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const [row] = await this.repo.find({ id }, 1);
    if (row) this.cache.set(id, row);
    return row;
  }
}
${fns.join('')}`;
}

function ordinaryTsx(r, i) {
  const w = pick(r, WORDS);
  return `import React, { useEffect, useState } from 'react';

interface Props {
  id: string;
  onSelect?: (id: string) => void;
}

export function ${cap(w)}Panel${i}({ id, onSelect }: Props): JSX.Element {
  const [items, setItems] = useState<Array<{ id: string; name: string }>>([]);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let cancelled = false;
    fetch(\`/api/${w}s?owner=\${encodeURIComponent(id)}\`)
      .then((res) => res.json())
      .then((data) => { if (!cancelled) { setItems(data.items); setLoading(false); } })
      .catch(() => { if (!cancelled) setLoading(false); });
    return () => { cancelled = true; };
  }, [id]);
  if (loading) return <div className="spinner" />;
  return (
    <ul className="${w}-list">
      {items.map((item) => (
        <li key={item.id} onClick={() => onSelect?.(item.id)}>
          {item.name}
        </li>
      ))}
    </ul>
  );
}
`;
}

// Look-alike: a jsonwebtoken helper module (the generator template found in many repositories).
function lookAlike(r, i) {
  return `'use strict';
const jwt = require('jsonwebtoken');
const config = require('../config');

exports.signToken = function signToken(id, role) {
  return jwt.sign({ _id: id, role: role }, config.secrets.session, { expiresIn: 60 * 60 * 5 });
};

exports.verifyToken = function verifyToken(token) {
  return jwt.verify(token, config.secrets.session);
};
${jsFunctions(r, 2)}`;
}

const RELEVANT = [
  // sc-auth 5 server, inline callbacks on scServer.auth
  (r, i) => `'use strict';
const { AuthEngine } = require('sc-auth');
const config = require('./config');
${jsFunctions(r, 2)}
module.exports.attach${i} = function attach(worker) {
  const scServer = worker.scServer;
  scServer.setAuthEngine(new AuthEngine());
  scServer.on('connection', function (socket) {
    socket.on('login', function (credentials, respond) {
      scServer.auth.signToken({ username: credentials.username }, config.authKey, { expiresIn: '1d' }, function (err, token) {
        if (err) {
          respond(err);
          return;
        }
        socket.emit('token', token);
        respond();
      });
    });
    socket.on('inspect', function (signed, respond) {
      scServer.auth.verifyToken(signed, config.authKey, {}, (err, decoded) => {
        if (err) return respond(err.name);
        respond(null, decoded.username);
      });
    });
  });
};
`,
  // named callbacks through an engine stored on this
  (r, i) => `'use strict';
const scAuth = require('sc-auth');

class TokenService${i} {
  constructor(secret) {
    this.secret = secret;
    this.auth = new scAuth.AuthEngine();
  }
  issue(user, done) {
    this.auth.signToken({ sub: user.id, role: user.role }, this.secret, { algorithm: 'HS256' }, done);
  }
  check(signed, cb) {
    this.auth.verifyToken(signed, this.secret, { algorithms: ['HS256'] }, cb);
  }
}
${jsFunctions(r, 3)}
module.exports = TokenService${i};
`,
  // sc-auth 6 synchronous calls in try/catch (TypeScript)
  (r, i) => `import { AuthEngine } from 'sc-auth';

const engine = new AuthEngine();

export function inspect${i}(token: string, key: string): { valid: boolean; sub?: string; error?: string } {
  try {
    const t = engine.verifyToken(token, key, { algorithms: ['HS256'] });
    return { valid: true, sub: t.sub };
  } catch (err) {
    return { valid: false, error: (err as Error).name };
  }
}

export function mint${i}(sub: string, key: string): string {
  return engine.signToken({ sub }, key, { expiresIn: 3600 });
}
${ordinaryTs(r, i).split('\n').slice(1).join('\n')}`,
  // hand-written callback engine passed as authEngine, with async option
  (r, i) => `'use strict';
const jwt = require('jsonwebtoken');
const SocketCluster = require('socketcluster');

const customEngine = {
  signToken(token, key, options, callback) {
    jwt.sign(token, key, options, callback);
  },
  verifyToken(signedToken, key, options, callback) {
    jwt.verify(signedToken || '', key, options, callback);
  },
};
${jsFunctions(r, 2)}
const socketCluster = new SocketCluster({
  workers: 2,
  port: Number(process.env.PORT) || 8000,
  authKey: process.env.AUTH_KEY,
  authEngine: customEngine,
  authSignAsync: true,
});
module.exports = socketCluster;
`,
  // 3-argument legacy form and async: true
  (r, i) => `'use strict';
var AuthEngine = require('sc-auth').AuthEngine;
var engine = new AuthEngine();

module.exports = function (server, key) {
  server.on('connection', function (socket) {
    socket.on('refresh', function (data, res) {
      engine.verifyToken(data.token, key, function (err, t) {
        if (err) return res(err);
        engine.signToken({ username: t.username }, key, { async: true }, function (err2, signed) {
          res(err2, signed);
        });
      });
    });
  });
};
${jsFunctions(r, 2)}`,
];

/**
 * Writes `total` files under `root`. Returns counts by kind.
 * relevantShare ~ 0.02; lookAlikeShare ~ 0.005.
 */
function generate(root, total, { relevantShare = 0.02, lookAlikeShare = 0.005, seed = 42 } = {}) {
  const r = rng(seed);
  const counts = { total, relevant: 0, lookAlike: 0, js: 0, ts: 0, tsx: 0 };
  const relevantFiles = [];
  const nRelevant = Math.round(total * relevantShare);
  const nLook = Math.round(total * lookAlikeShare);
  // Spread the special files evenly through the tree.
  const relevantAt = new Set();
  for (let k = 0; k < nRelevant; k++) relevantAt.add(Math.floor((k + 0.5) * total / nRelevant));
  const lookAt = new Set();
  for (let k = 0; k < nLook; k++) lookAt.add(Math.floor((k + 0.25) * total / nLook));
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({
    name: 'bench-app', version: '1.0.0', dependencies: { 'sc-auth': '^5.0.2', socketcluster: '^14.4.2', express: '^4.18.0' },
  }, null, 2) + '\n');
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules/\ndist/\n');
  for (let i = 0; i < total; i++) {
    const dir = path.join(root, 'src', `area${i % 25}`, `mod${Math.floor(i / 25) % 40}`);
    fs.mkdirSync(dir, { recursive: true });
    let name;
    let text;
    if (relevantAt.has(i)) {
      const k = counts.relevant++ % RELEVANT.length;
      name = k === 2 ? `auth${i}.ts` : `auth${i}.js`;
      text = RELEVANT[k](r, i);
      relevantFiles.push(path.join(dir, name));
    } else if (lookAt.has(i)) {
      counts.lookAlike++;
      name = `auth-helper${i}.js`;
      text = lookAlike(r, i);
    } else {
      const roll = r();
      if (roll < 0.55) { name = `file${i}.js`; text = ordinaryJs(r, i); counts.js++; }
      else if (roll < 0.9) { name = `file${i}.ts`; text = ordinaryTs(r, i); counts.ts++; }
      else { name = `file${i}.tsx`; text = ordinaryTsx(r, i); counts.tsx++; }
    }
    fs.writeFileSync(path.join(dir, name), text);
  }
  return { counts, relevantFiles };
}


// ---------------------------------------------------------------------------------------------
// Timing
const { spawnSync, execFileSync } = require('node:child_process');
const os = require('node:os');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const JSCS = path.join(ROOT, 'node_modules', '.bin', 'jscodeshift');
const FILES = Number(process.env.BENCH_CLI_FILES || 5000);
const RUNS = Number(process.env.BENCH_CLI_RUNS || 3);
// jscodeshift parses every file once per transform; past this many estimated seconds for the
// whole tree it is timed on a sample and scaled, and the output says so.
const JSCS_BUDGET_S = Number(process.env.BENCH_CLI_JSCS_BUDGET || 150);
const SAMPLE_STEP = Number(process.env.BENCH_CLI_JSCS_SAMPLE_STEP || 50);
// The per-relevant-file comparison uses this many of the sc-auth files.
const RELEVANT_SAMPLE = Number(process.env.BENCH_CLI_RELEVANT || 25);
const JOBS = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
const PARSER_GROUPS = [
  { parser: 'babel', extensions: 'js,jsx,cjs,mjs' },
  { parser: 'ts', extensions: 'ts,cts,mts' },
  { parser: 'tsx', extensions: 'tsx' },
];

function timed(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Repeats stop early once a command has used REPEAT_CAP_MS in total, to keep the bench bounded
// on a loaded machine.
const REPEAT_CAP_MS = 20_000;

function best(label, cmd, args, opts, okStatus) {
  const times = [];
  let last;
  for (let i = 0; i < RUNS && (i === 0 || times.reduce((a, b) => a + b, 0) < REPEAT_CAP_MS); i++) {
    last = timed(cmd, args, opts);
    if (!okStatus.includes(last.status)) {
      throw new Error(`${label} exited ${last.status}:\n${last.stderr.slice(0, 2000)}`);
    }
    times.push(last.ms);
  }
  const ms = median(times);
  process.stderr.write(`  measured ${label}: ${fmt(ms)} (${times.length} run${times.length > 1 ? 's' : ''})\n`);
  return { ms, last, runs: times.length };
}

function git(cwd, ...args) {
  execFileSync('git', args, {
    cwd, stdio: 'ignore', timeout: 120_000,
    env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' },
  });
}

function listFiles(dir) {
  const out = [];
  const visit = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.isFile() && /\.(c|m)?(j|t)sx?$/.test(e.name)) out.push(p);
    }
  };
  visit(dir);
  return out;
}

/** Copies `files` (absolute, under `from`) into `to`, keeping relative paths. */
function copyFiles(files, from, to) {
  for (const f of files) {
    const dest = path.join(to, path.relative(from, f));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(f, dest);
  }
}

/** Plain jscodeshift: every transform, one run per parser group, as a user would script it. */
function jscodeshiftAll(transforms, dir) {
  let ms = 0;
  for (const t of transforms) {
    for (const g of PARSER_GROUPS) {
      const r = timed(JSCS, ['-t', t.file, '--no-babel', '--dry', '--silent', `--parser=${g.parser}`, `--extensions=${g.extensions}`, `--cpus=${JOBS}`, dir], { cwd: dir });
      if (r.status !== 0) throw new Error(`jscodeshift ${t.name} (${g.parser}) exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
      ms += r.ms;
      process.stderr.write(`  measured jscodeshift ${t.name} --parser=${g.parser} on ${path.basename(dir)}: ${fmt(r.ms)}\n`);
    }
  }
  return ms;
}

function fmt(ms) {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function main() {
  if (!fs.existsSync(BIN)) throw new Error(`${BIN} missing: run npm run build first (npm run bench:cli does)`);
  const { TRANSFORMS } = require(path.join(ROOT, 'dist', 'codemods', 'pipeline.js'));
  const transforms = TRANSFORMS
    .map((t) => ({ name: t.name, file: path.join(ROOT, 'dist', 'codemods', `${t.name}.js`) }))
    // package-json is a function on package.json text, not a jscodeshift transform.
    .filter((t) => fs.existsSync(t.file) && typeof require(t.file).default === 'function');

  console.log(`sc-auth-bridge CLI bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${JOBS} cores (${os.cpus()[0] && os.cpus()[0].model}), load ${os.loadavg()[0].toFixed(2)}`);
  console.log(`transforms for plain jscodeshift: ${transforms.map((t) => t.name).join(', ')} (one run per transform per parser group: babel, ts, tsx)`);

  const benchStart = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-auth-bridge-bench-'));
  try {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    const { counts, relevantFiles } = generate(repo, FILES);
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'bench');
    const all = listFiles(repo);
    const bytes = all.reduce((n, f) => n + fs.statSync(f).size, 0);
    console.log(`tree: ${all.length} files (${counts.relevant} using sc-auth, ${counts.lookAlike} jsonwebtoken look-alikes; ${counts.js} js, ${counts.ts} ts, ${counts.tsx} tsx), ${(bytes / 1e6).toFixed(1)} MB, git repository`);
    console.log(`medians of up to ${RUNS} runs (fewer when a command takes over ${REPEAT_CAP_MS / 1000}s in total); progress on stderr\n`);

    const grep = best('grep', 'grep', ['-rlE', '--exclude-dir=.git', 'sc-auth|signToken|verifyToken|authEngine', '.'], { cwd: repo }, [0, 1]);
    const startup = best('--version', process.execPath, [BIN, '--version'], { cwd: repo }, [0]);
    const check = best('check', process.execPath, [BIN, 'check', '--json', '.'], { cwd: repo }, [0, 1]);
    const migrate = best('migrate --dry', process.execPath, [BIN, 'migrate', '--dry', '--json', '.'], { cwd: repo }, [0, 1]);
    // The floor of the toolchain: parsing, once, the files the text filter passes.
    const { mightBeRelevant } = require(path.join(ROOT, 'dist', 'codemods', 'lib', 'prefilter.js'));
    const passing = all.filter((f) => mightBeRelevant(fs.readFileSync(f, 'utf8')));
    const listFile = path.join(tmp, 'passing.txt');
    fs.writeFileSync(listFile, passing.join('\n'));
    const parseOnly = best('babel parse only', process.execPath, [path.join(__dirname, 'parse-floor.js'), listFile], { cwd: repo }, [0]);
    const changedList = path.join(tmp, 'changed.txt');
    const changedFiles = JSON.parse(migrate.last.stdout).changedFiles.map((f) => path.resolve(repo, f)).filter((f) => path.basename(f) !== 'package.json');
    fs.writeFileSync(changedList, changedFiles.join('\n'));
    const printFloor = best('parse, print one edit, parse again', process.execPath, [path.join(__dirname, 'print-floor.js'), listFile, changedList], { cwd: repo }, [0]);
    const cs = JSON.parse(check.last.stdout).summary;
    const ms = JSON.parse(migrate.last.stdout).summary;

    // Plain jscodeshift parses and analyses every file once per transform, so over the whole tree
    // it can take many minutes. Time it on an evenly spread sample first (every SAMPLE_STEP-th
    // file, same mix of sc-auth and ordinary files); run the full tree only if the sample says it
    // fits the budget, else scale the sample, and say so.
    const sample = all.filter((_, i) => i % SAMPLE_STEP === 0);
    const sampleDir = path.join(tmp, 'sample');
    copyFiles(sample, repo, sampleDir);
    const sampleMs = jscodeshiftAll(transforms, sampleDir);
    // Start-up (process + worker spawn + transform load, 15 runs) does not grow with the tree:
    // measure it on one small file per parser group and scale only the rest.
    const startupDir = path.join(tmp, 'startup');
    fs.mkdirSync(startupDir);
    fs.writeFileSync(path.join(startupDir, 'a.js'), 'module.exports = 1;\n');
    fs.writeFileSync(path.join(startupDir, 'b.ts'), 'export const b = 1;\n');
    fs.writeFileSync(path.join(startupDir, 'c.tsx'), 'export const c = <div />;\n');
    const startupMs = jscodeshiftAll(transforms, startupDir);
    const scaled = startupMs + Math.max(0, sampleMs - startupMs) * (all.length / sample.length);
    let jscsMs;
    let jscsNote;
    if (scaled / 1000 <= JSCS_BUDGET_S) {
      jscsMs = jscodeshiftAll(transforms, repo);
      jscsNote = 'full tree, 1 run';
    } else {
      jscsMs = scaled;
      jscsNote = `SAMPLED: timed on every ${SAMPLE_STEP}th file (${sample.length} files, ${fmt(sampleMs)}); its start-up (${fmt(startupMs)} for the ${transforms.length * PARSER_GROUPS.length} runs) counted once and the rest scaled by ${(all.length / sample.length).toFixed(1)}x; the full tree would exceed the ${JSCS_BUDGET_S}s budget`;
    }

    // Per relevant file: the same tools on a tree holding only the files that use sc-auth.
    const relDir = path.join(tmp, 'relevant');
    const relStep = Math.max(1, Math.floor(relevantFiles.length / RELEVANT_SAMPLE));
    const relSample = relevantFiles.filter((_, i) => i % relStep === 0).slice(0, RELEVANT_SAMPLE);
    copyFiles(relSample, repo, relDir);
    const relCheck = best('check (relevant only)', process.execPath, [BIN, 'check', '--json', '.'], { cwd: relDir }, [0, 1]);
    const relMigrate = best('migrate --dry (relevant only)', process.execPath, [BIN, 'migrate', '--dry', '--json', '.'], { cwd: relDir }, [0, 1]);
    const relJscs = jscodeshiftAll(transforms, relDir);
    const n = relSample.length;

    const rows = [
      ['grep -rl (floor)', grep.ms, ''],
      ['sc-auth-bridge --version (node start-up)', startup.ms, ''],
      [`babel parse only (${passing.length} files)`, parseOnly.ms, 'a fresh process parsing once each file the text filter passes: the floor of any babel/jscodeshift tool here'],
      [`  ... and print ${changedFiles.length} of them`, printFloor.ms, `the same parse for printing (tokens, lazy copy), then one name changed in each file migrate changes, printed by recast and parsed again (migrate's check of its output): no analysis at all, the floor of migrate --dry`],
      ['sc-auth-bridge check', check.ms, `${cs.filesScanned} scanned, ${cs.skippedWithoutParsing} skipped unparsed, ${cs.parsed} parsed, ${cs.manualFindings} findings`],
      ['sc-auth-bridge migrate --dry', migrate.ms, `${ms.changed} would change, ${ms.failed} failed`],
      [`plain jscodeshift x${transforms.length} transforms`, jscsMs, jscsNote],
    ];
    for (const [label, t, note] of rows) console.log(`${label.padEnd(44)} ${fmt(t).padStart(9)}  ${note}`);
    const line = (label, value, target, pass) => console.log(`${label.padEnd(44)} ${value.padStart(9)}  target ${target}: ${pass ? 'met' : 'NOT met'}`);
    console.log('');
    line('jscodeshift / check', `${(jscsMs / check.ms).toFixed(1)}x`, '>= 20x', jscsMs / check.ms >= 20);
    line('jscodeshift / migrate --dry', `${(jscsMs / migrate.ms).toFixed(1)}x`, '>= 20x', jscsMs / migrate.ms >= 20);
    line('check / grep', `${(check.ms / grep.ms).toFixed(1)}x`, '<= 10x', check.ms / grep.ms <= 10);
    line('migrate --dry / grep', `${(migrate.ms / grep.ms).toFixed(1)}x`, '<= 10x', migrate.ms / grep.ms <= 10);
    console.log(`${'(babel parse only / grep)'.padEnd(44)} ${`${(parseOnly.ms / grep.ms).toFixed(1)}x`.padStart(9)}  what parsing alone costs against grep`);
    console.log(`${'(... and print / grep)'.padEnd(44)} ${`${(printFloor.ms / grep.ms).toFixed(1)}x`.padStart(9)}  parsing, printing and re-parsing, without deciding anything: the least migrate --dry can take`);
    console.log('');
    console.log(`per relevant file (tree of the ${n} sc-auth files only, start-up included):`);
    console.log(`  check ${(relCheck.ms / n).toFixed(1)} ms, migrate --dry ${(relMigrate.ms / n).toFixed(1)} ms, plain jscodeshift x${transforms.length} ${(relJscs / n).toFixed(1)} ms`);
    line('  jscodeshift / migrate --dry per file', `${(relJscs / relMigrate.ms).toFixed(1)}x`, '>= 1x', relJscs >= relMigrate.ms);
    console.log(`\nbench wall time ${((Date.now() - benchStart) / 1000).toFixed(0)} s; load average at the end ${os.loadavg()[0].toFixed(2)} (other processes share these cores: compare ratios, not times)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) main();
