// Callers in other files of an exported function whose converted callback now runs later
// (codemods/lib/cross-file.ts, src/cli/project-pass.ts): migrate keeps the callback where the
// importing file runs code after the call, and converts it where nothing runs in between.
// fixtures/projects/cross-file-callers runs such a program before and after; these trees cover the
// export and import forms.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, read, run, tempDir, writeTree } from './helpers';

afterAll(cleanup);

interface Finding { file: string; line: number; rule: string; message: string }

const ENGINE = `const { AuthEngine } = require('sc-auth');
const engine = new AuthEngine();
`;

function migrate(files: Record<string, string>, ...args: string[]) {
  const dir = tempDir();
  writeTree(dir, { 'package.json': '{ "name": "x", "version": "1.0.0", "dependencies": { "sc-auth": "^5.0.2" } }\n', ...files });
  const r = run(['migrate', '--json', ...args, '.'], dir);
  expect(r.stderr).not.toMatch(/Error/);
  const doc = JSON.parse(r.stdout) as { findings: Finding[]; summary: { failed: number } };
  expect(doc.summary.failed).toBe(0);
  const kept = doc.findings.filter((f) => f.rule === 'manual-review').map((f) => `${f.file}:${f.line} ${f.message.replace(/^.*? and (.*?) is called at /, '$1 is called at ')}`);
  return { dir, kept, read: (rel: string) => read(dir, rel) };
}

describe('migrate follows callers in other files of exported functions', () => {
  it('module.exports = function: a caller with a statement after it keeps the callback', () => {
    const { kept } = migrate({
      'verify.js': `${ENGINE}module.exports = function (token, done) {
  engine.verifyToken(token, 'k', {}, done);
};
`,
      'main.js': `const verify = require('./verify');
let user;
verify('t', (err, decoded) => { user = decoded; });
console.log(user);
`,
    }, '--dry');
    expect(kept).toEqual(['verify.js:4 the exported function is called at main.js:3 and, in main.js, statements after it (line 4) run before the callback']);
  });

  it('a member of the exported object, called through require(...).name', () => {
    const { kept } = migrate({
      'auth.js': `${ENGINE}module.exports = {
  sign(payload, done) {
    engine.signToken(payload, 'k', {}, done);
  },
};
`,
      'main.js': `require('./auth').sign({ a: 1 }, (err, t) => console.log('signed', typeof t));
console.log('after');
`,
    }, '--dry');
    expect(kept).toEqual(['auth.js:5 sign() is called at main.js:1 and, in main.js, statements after it (line 2) run before the callback']);
  });

  it('ES modules: a named import with code after the call is kept, a default import called last is converted', () => {
    const { kept, read: text } = migrate({
      'auth.mjs': `import { AuthEngine } from 'sc-auth';
const engine = new AuthEngine();
export function sign(payload, done) {
  engine.signToken(payload, 'k', {}, done);
}
export default function verify(token, done) {
  engine.verifyToken(token, 'k', {}, done);
}
`,
      'main.mjs': `import verify, { sign } from './auth.mjs';
let token;
sign({ a: 1 }, (err, t) => { token = t; });
verify(token, (err, decoded) => console.log(decoded));
`,
    });
    expect(kept).toEqual(['auth.mjs:4 sign() is called at main.mjs:3 and, in main.mjs, statements after it (line 4) run before the callback']);
    expect(text('auth.mjs')).toContain("engine.verifyToken(token, 'k', {}).then(");
    expect(text('auth.mjs')).toContain("engine.signToken(payload, 'k', {}, done);");
  });

  it("follows the importer's own callers of the function that calls the export", () => {
    const { kept } = migrate({
      'auth.js': `${ENGINE}exports.sign = function (payload, done) {
  engine.signToken(payload, 'k', {}, done);
};
`,
      'login.js': `const { sign } = require('./auth');
function login(user, done) {
  sign({ user }, done);
}
login('ann', () => {});
console.log('after login');
`,
    }, '--dry');
    expect(kept).toEqual(['auth.js:4 sign() is called at login.js:3 and, in login.js, login() is called at line 5 and statements after it (line 6) run before the callback']);
  });

  it('converts where every caller runs nothing after the call', () => {
    const { kept, read: text } = migrate({
      'auth.js': `${ENGINE}exports.sign = function (payload, done) {
  engine.signToken(payload, 'k', {}, done);
};
`,
      'a.js': `const auth = require('./auth');
auth.sign({ a: 1 }, (err, t) => console.log('a', typeof t));
`,
      'b.js': `const { sign } = require('./auth');
function issue() {
  sign({ b: 1 }, (err, t) => console.log('b', typeof t));
}
issue();
`,
    });
    expect(kept).toEqual([]);
    expect(text('auth.js')).toContain("engine.signToken(payload, 'k', {}).then(");
  });

  it('a timer after the call counts when the callback is not written there (done may set timers of its own)', () => {
    const { kept } = migrate({
      'auth.js': `${ENGINE}exports.sign = function (payload, done) {
  engine.signToken(payload, 'k', {}, done);
};
`,
      'b.js': `const auth = require('./auth');
auth.sign({ b: 1 }, (err, t) => setTimeout(() => console.log('callback timer'), 0));
setTimeout(() => console.log('statement timer'), 0);
`,
    }, '--dry');
    expect(kept).toEqual(['auth.js:4 sign() is called at b.js:2 and, in b.js, statements after it (line 3) run before the callback']);
  });

  it('follows export const and new of an exported ES5 constructor', () => {
    const { kept } = migrate({
      'auth.mjs': `import scAuth from 'sc-auth';
const engine = new scAuth.AuthEngine();
export const sign = (p, done) => { engine.signToken(p, 'k', {}, done); };
`,
      'session.js': `${ENGINE}function Session(p) {
  var s = this;
  s.token = null;
  engine.signToken(p, 'k', {}, function (e, t) { s.token = t; });
}
module.exports = Session;
`,
      'main.mjs': `import { sign } from './auth.mjs';
import Session from './session.js';
let t = null;
sign({ u: 1 }, (e, x) => { t = x; });
const s = new Session({ u: 1 });
console.log(t !== null, s.token !== null);
`,
    }, '--dry');
    expect(kept).toEqual([
      'auth.mjs:3 sign() is called at main.mjs:4 and, in main.mjs, statements after it (line 5) run before the callback',
      'session.js:6 the exported function is called at main.mjs:5 and, in main.mjs, its result is used',
    ]);
  });

  it('a nested function of the same name as an exported one is not taken for it', () => {
    const { kept, read: text } = migrate({
      'auth.js': `${ENGINE}function sign(p, done) { done(null, 'plain:' + p.u); }
exports.sign = sign;
exports.refresh = function (p, done) {
  function sign(q, cb) { engine.signToken(q, 'k', {}, cb); }
  sign(p, done);
};
`,
      'main.js': `const auth = require('./auth');
let t = null;
auth.sign({ u: 1 }, (e, s) => { t = s; });
console.log('plain', t);
auth.refresh({ u: 2 }, (e, s) => console.log('refreshed', typeof s));
`,
    });
    expect(kept).toEqual([]);
    expect(text('auth.js')).toContain("engine.signToken(q, 'k', {}).then(");
  });

  it('follows modules in between that pass the functions on (index files, export * / { } from)', () => {
    const auth = `${ENGINE}exports.sign = function (payload, done) {
  engine.signToken(payload, 'k', {}, done);
};
exports.verify = function (token, done) {
  engine.verifyToken(token, 'k', {}, done);
};
`;
    const whole = migrate({
      'lib/auth.js': auth,
      'lib/index.js': "module.exports = require('./auth');\n",
      'main.js': `const lib = require('./lib');
lib.sign({ a: 1 }, () => {});
console.log('after');
`,
    }, '--dry');
    expect(whole.kept).toEqual(['lib/auth.js:4 sign() is called at main.js:2 and, in main.js, statements after it (line 3) run before the callback']);
    const named = migrate({
      'lib/auth.js': auth,
      'lib/index.js': "exports.issue = require('./auth').sign;\n",
      'lib/run.js': `const { issue } = require('.');
issue({ a: 1 }, () => {});
console.log('after');
`,
    }, '--dry');
    expect(named.kept).toEqual(['lib/auth.js:4 sign() is called at lib/run.js:2 and, in lib/run.js, statements after it (line 3) run before the callback']);
    const esm = migrate({
      'auth.mjs': `import scAuth from 'sc-auth';
const engine = new scAuth.AuthEngine();
export function verify(token, done) {
  engine.verifyToken(token, 'k', {}, done);
}
`,
      'api.mjs': "export { verify as check } from './auth.mjs';\n",
      'index.mjs': "export * from './api.mjs';\n",
      'main.mjs': `import { check } from './index.mjs';
check('t', () => {});
console.log('after');
`,
    }, '--dry');
    expect(esm.kept).toEqual(['auth.mjs:4 verify() is called at main.mjs:2 and, in main.mjs, statements after it (line 3) run before the callback']);
  });

  it('follows callers of callers in further files (a helper module that ends by calling the export)', () => {
    const { kept } = migrate({
      'auth.js': `${ENGINE}module.exports.sign = function (p, done) {
  engine.signToken(p, 'k', {}, done);
};
`,
      'helper.js': `const auth = require('./auth');
exports.issue = function (p, done) {
  auth.sign(p, done);
};
`,
      'api.js': `const { issue } = require('./helper');
module.exports = function login(user, done) {
  issue({ user }, done);
};
`,
      'main.js': `const login = require('./api');
let t = null;
login('ann', (e, s) => { t = s; });
console.log('ready', t !== null);
`,
    }, '--dry');
    expect(kept).toEqual(['auth.js:4 sign() (through issue() of helper.js, then the exported function of api.js) is called at main.js:3 and, in main.js, statements after it (line 4) run before the callback']);
  });

  it('leaves methods of exported classes to the reader (documented), and ignores importers that do not parse', () => {
    const { kept, read: text } = migrate({
      'service.js': `${ENGINE}class TokenService {
  issue(payload, done) {
    engine.signToken(payload, 'k', {}, done);
  }
}
module.exports = TokenService;
exports.sign = function (payload, done) {
  engine.signToken(payload, 'k', {}, done);
};
`,
      'main.js': `const TokenService = require('./service');
new TokenService().issue({ a: 1 }, () => {});
console.log('after');
`,
      'broken.js': `const s = require('./service');
s.sign({ a: 1 }, () => {}) +;
`,
    });
    expect(kept).toEqual([]);
    // The method is converted although main.js logs after calling it: classes are not followed.
    expect(text('service.js')).toContain("engine.signToken(payload, 'k', {}).then(");
  });

  it('check reports the same before as without the callers (check converts nothing)', () => {
    const files = {
      'auth.js': `${ENGINE}exports.sign = function (payload, done) {
  engine.signToken(payload, 'k', {}, done);
};
`,
      'main.js': `const auth = require('./auth');
auth.sign({ a: 1 }, () => {});
console.log('after');
`,
    };
    const withCaller = tempDir();
    writeTree(withCaller, files);
    const alone = tempDir();
    writeTree(alone, { 'auth.js': files['auth.js'] });
    const findings = (dir: string) => JSON.parse(run(['check', '--json', '.'], dir).stdout).findings.map((f: Finding) => `${f.file}:${f.line} ${f.rule}`);
    expect(findings(withCaller)).toEqual(findings(alone));
    expect(findings(alone)).toEqual(['auth.js:1 sc-auth-import', 'auth.js:4 callback-call']);
  });
});
