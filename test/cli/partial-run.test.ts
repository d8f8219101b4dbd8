// Runs over part of a project (explicit files, --ignore) and the edges of the project pass: what the
// run leaves out must keep working, and what it writes must load.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, read, ROOT, run, tempDir, writeTree } from './helpers';

const MODULES = path.join(ROOT, 'node_modules');

function project(files: Record<string, string>): string {
  const dir = tempDir('sc-auth-bridge-partial-');
  writeTree(dir, files);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(MODULES, 'sc-auth'), path.join(dir, 'node_modules', 'sc-auth'), 'dir');
  fs.symlinkSync(path.join(MODULES, 'ag-auth'), path.join(dir, 'node_modules', 'ag-auth'), 'dir');
  fs.symlinkSync(path.join(MODULES, 'jsonwebtoken'), path.join(dir, 'node_modules', 'jsonwebtoken'), 'dir');
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'sc-auth-bridge'), 'dir');
  return dir;
}

function node(dir: string, file: string): string {
  const r = spawnSync(process.execPath, ['--no-deprecation', file], { cwd: dir, encoding: 'utf8', timeout: 15_000 });
  if (r.error) throw r.error;
  return r.stdout + r.stderr;
}

const ENGINE_AND_LOGIN = {
  'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "sc-auth": "^5.0.2" } }\n',
  'engine.js': "const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n",
  'login.js': "const engine = require('./engine');\nengine.signToken({ u: 1 }, 'k', {}, function (err, t) { console.log('login', err, typeof t); });\n",
};

afterAll(cleanup);

describe('a run over part of a package', () => {
  it('migrate engine.js alone: the engine stays on the bridge for login.js, which the run left out, and package.json follows', () => {
    const dir = project(ENGINE_AND_LOGIN);
    const before = node(dir, 'login.js');
    const r = run(['migrate', '--json', 'engine.js'], dir);
    const doc = JSON.parse(r.stdout);
    expect(read(dir, 'engine.js')).toContain("require('sc-auth-bridge')");
    expect(read(dir, 'login.js')).toBe(ENGINE_AND_LOGIN['login.js']);
    expect(doc.findings).toContainEqual(expect.objectContaining({ file: 'engine.js', rule: 'bridge-import', message: expect.stringContaining('login.js, which uses this engine, is not in this run') }));
    // The package.json of a named file is updated although the run did not name it.
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toHaveProperty('sc-auth-bridge');
    expect(node(dir, 'login.js')).toBe(before);
  });

  it('check login.js alone (the files a change touched): the engine it imports from engine.js, outside the run, is still an engine', () => {
    const dir = project(ENGINE_AND_LOGIN);
    const r = run(['check', '--json', 'login.js'], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    // engine.js is read for what it exports, not reported on: the run named login.js only.
    expect(doc.findings.map((f: any) => `${f.file}:${f.line} ${f.rule}`)).toEqual(['login.js:2 callback-call']);
    // migrate does not convert it from there: engine.js would stay on sc-auth, which needs the callback.
    const before = node(dir, 'login.js');
    run(['migrate', 'login.js'], dir);
    expect(read(dir, 'login.js')).toBe(ENGINE_AND_LOGIN['login.js']);
    expect(node(dir, 'login.js')).toBe(before);
  });

  it('an imported engine binding the file reassigns is not taken for the engine: its callback call is kept, and the engine stays on the bridge', () => {
    const dir = project({
      ...ENGINE_AND_LOGIN,
      'login.js': [
        "let { engine } = require('./engine');",
        "const custom = { signToken(t, k, o, cb) { cb(null, 'custom-token'); } };",
        'exports.later = () => { engine = custom; };',
        "exports.sign = (done) => engine.signToken({ u: 1 }, 'k', {}, (err, t) => done(err, typeof t));",
        '',
      ].join('\n'),
      'engine.js': "const { AuthEngine } = require('sc-auth');\nexports.engine = new AuthEngine();\n",
      'main.js': "const l = require('./login');\nl.sign((e, t) => { console.log('before', e, t); l.later(); l.sign((e2, t2) => console.log('after', e2, t2)); });\n",
    });
    const before = node(dir, 'main.js');
    expect(before).toBe('before null string\nafter null string\n');
    run(['migrate', '.'], dir);
    expect(read(dir, 'login.js')).toContain("engine.signToken({ u: 1 }, 'k', {}, (err, t) => done(err, typeof t))");
    expect(read(dir, 'engine.js')).toContain("require('sc-auth-bridge')");
    expect(node(dir, 'main.js')).toBe(before);
  });

  it('a package pinned to server 14 whose migration only wraps a hand-off (and moves an unused import) gets no pin finding, as check afterwards', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "sc-auth": "^5.0.2", "socketcluster-server": "^14.7.2" } }\n',
      'auth-engine.js': [
        "const jwt = require('jsonwebtoken');",
        'module.exports = {',
        '  signToken: function (token, key, options, callback) { jwt.sign(token, key, { algorithm: \'HS256\' }, callback); },',
        '  verifyToken: function (signedToken, key, options, callback) { jwt.verify(signedToken, key, {}, callback); }',
        '};',
        '',
      ].join('\n'),
      'server.js': [
        "const socketClusterServer = require('socketcluster-server');",
        "const { AuthEngine } = require('sc-auth');",
        "exports.start = () => socketClusterServer.listen(0, { authKey: 'secret', authEngine: require('./auth-engine') });",
        '',
      ].join('\n'),
    });
    const migrated = JSON.parse(run(['migrate', '--json', '.'], dir).stdout);
    expect(read(dir, 'server.js')).toContain("authEngine: fromLegacyEngine(require('./auth-engine'))");
    const pin = (doc: any) => doc.findings.filter((f: any) => f.file === 'package.json' && f.rule === 'manual-review');
    expect(pin(migrated)).toEqual([]);
    const checked = run(['check', '--json', '.'], dir);
    expect(pin(JSON.parse(checked.stdout))).toEqual([]);
    expect(checked.code).toBe(0);
  });

  it('an engine passed on through a chain of six modules is followed to its caller, whatever the length', () => {
    const files: Record<string, string> = {
      'package.json': ENGINE_AND_LOGIN['package.json'],
      'f0.js': "const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n",
      'login.js': "const engine = require('./f6');\nengine.signToken({ u: 1, iat: 1700000000 }, 'k', {}, function (err, t) { console.log('login', err, typeof t); });\n",
    };
    // Each link mentions the API in a comment, so the text filter passes it and it is parsed.
    for (let i = 1; i <= 6; i++) files[`f${i}.js`] = `// the engine for signToken / verifyToken\nconst e = require('./f${i - 1}');\nmodule.exports = e;\n`;
    const dir = project(files);
    const before = node(dir, 'login.js');
    run(['migrate', '.'], dir);
    expect(read(dir, 'f0.js')).toContain("require('ag-auth')");
    expect(read(dir, 'login.js')).toContain('.then(');
    expect(node(dir, 'login.js')).toBe(before);
  });

  it('--ignore a file that still requires sc-auth: package.json keeps sc-auth, adds what the migrated files import, and says why', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "sc-auth": "^5.0.2" } }\n',
      'a.js': "const { AuthEngine } = require('sc-auth');\nconst e = new AuthEngine();\ne.signToken({ a: 1 }, 'k', {}, (err, t) => console.log('a', err, typeof t));\n",
      'legacy/b.js': "const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n",
    });
    const r = run(['migrate', '--json', '--ignore', 'legacy/**', '.'], dir);
    const doc = JSON.parse(r.stdout);
    const deps = JSON.parse(read(dir, 'package.json')).dependencies;
    expect(deps).toHaveProperty('sc-auth');
    expect(deps).toHaveProperty('ag-auth');
    expect(doc.findings).toContainEqual(expect.objectContaining({ file: 'package.json', rule: 'manual-review', message: expect.stringContaining('legacy/b.js of this package was not in this run') }));
    expect(node(dir, 'a.js')).toBe('a null string\n');
  });

  it('the whole package: no guard, both files converted, sc-auth dropped', () => {
    const dir = project(ENGINE_AND_LOGIN);
    run(['migrate', '.'], dir);
    expect(read(dir, 'engine.js')).toContain("require('ag-auth')");
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toEqual({ 'ag-auth': '^2.1.1' });
    expect(node(dir, 'login.js')).toBe('login null string\n');
  });
});

describe('the fromLegacyEngine() import the project pass writes', () => {
  const ENGINE = "'use strict'\nconst jwt = require('jsonwebtoken')\nmodule.exports = {\n  signToken (t, k, o, cb) { jwt.sign(t, k, cb) },\n  verifyToken (t, k, o, cb) { jwt.verify(t, k, cb) }\n}\n";

  it('after a shebang and "use strict" in a file with no other import', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "socketcluster-server": "^14.7.2" } }\n',
      'auth-engine.js': ENGINE,
      'server.js': "#!/usr/bin/env node\n'use strict';\nconst server = { setAuthEngine (e) { this.auth = e; } };\nserver.setAuthEngine(require('./auth-engine'));\nserver.auth.signToken({ u: 1 }, 'k', {}).then((t) => console.log('signed', typeof t));\n",
    });
    run(['migrate', '.'], dir);
    const text = read(dir, 'server.js');
    expect(text.split('\n').slice(0, 3)).toEqual(["#!/usr/bin/env node", "'use strict';", "const { fromLegacyEngine } = require('sc-auth-bridge');"]);
    expect(node(dir, 'server.js')).toBe('signed string\n');
  });

  it('in a no-semicolon file, after its last require, ahead of a guarded IIFE', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "socketcluster-server": "^14.7.2" } }\n',
      'auth-engine.js': ENGINE,
      'server.js': "const path = require('path')\n;(function () {\n  const server = { setAuthEngine (e) { this.auth = e } }\n  server.setAuthEngine(require('./auth-engine'))\n  server.auth.verifyToken(require('jsonwebtoken').sign({ u: 2 }, 'k'), 'k', {}).then((t) => console.log('verified', t.u, typeof path))\n})()\n",
    });
    run(['migrate', '.'], dir);
    expect(read(dir, 'server.js')).toMatch(/^const path = require\('path'\);?\nconst \{ fromLegacyEngine \} = require\('sc-auth-bridge'\)\n;\(function/);
    expect(node(dir, 'server.js')).toBe('verified 2 object\n');
  });

  it('hand-offs of engines exported inside an object: a destructured class, shorthand functions', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "socketcluster-server": "^14.7.2" } }\n',
      'engines.js': "class CustomEngine {\n  signToken(token, key, options, callback) { callback(null, 'signed:' + token.u); }\n  verifyToken(signed, key, options, callback) { callback(null, { u: signed.slice(7) }); }\n}\nmodule.exports = { CustomEngine };\n",
      'shorthand.js': "function signToken(token, key, options, callback) { callback(null, 'short:' + token.u); }\nfunction verifyToken(signed, key, options, callback) { callback(null, { u: signed.slice(6) }); }\nmodule.exports = { signToken, verifyToken };\n",
      'server.js': "const { CustomEngine } = require('./engines');\nconst a = { setAuthEngine (e) { this.auth = e; } };\nconst b = { setAuthEngine (e) { this.auth = e; } };\na.setAuthEngine(new CustomEngine());\nb.setAuthEngine(require('./shorthand'));\nPromise.all([a.auth.signToken({ u: 1 }, 'k', {}), b.auth.verifyToken('short:2', 'k', {})]).then((r) => console.log(JSON.stringify(r)));\n",
    });
    run(['migrate', '.'], dir);
    const text = read(dir, 'server.js');
    expect(text).toContain('a.setAuthEngine(fromLegacyEngine(new CustomEngine()));');
    expect(text).toContain("b.setAuthEngine(fromLegacyEngine(require('./shorthand')));");
    expect(node(dir, 'server.js')).toBe('["signed:1",{"u":"2"}]\n');
    expect(run(['check', '.'], dir).code).toBe(0);
  });

  it('a no-semicolon file whose next statement would continue the inserted line gets a semicolon (ASI)', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "socketcluster-server": "^14.7.2" } }\n',
      'auth-engine.js': ENGINE,
      // no other import to write next to: the line goes after the directive, before the IIFE
      'server.js': "'use strict';\n(function () {\n  const server = { setAuthEngine (e) { this.auth = e } }\n  server.setAuthEngine(require('./auth-engine'))\n  server.auth.signToken({ u: 3 }, 'k', {}).then((t) => console.log('signed', typeof t))\n})()\n",
    });
    run(['migrate', '.'], dir);
    expect(read(dir, 'server.js')).toContain("'use strict';\nconst { fromLegacyEngine } = require('sc-auth-bridge');\n(function");
    expect(node(dir, 'server.js')).toBe('signed string\n');
  });
});

describe('the safety net: engines reached in ways the project pass does not follow', () => {
  it('through two relay modules: the engine stays on the bridge, so the callback still runs', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "sc-auth": "^5.0.2" } }\n',
      'engine.js': "const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n",
      'relay1.js': "module.exports = { engine: require('./engine') };\n",
      'relay2.js': "module.exports = require('./relay1');\n",
      'login.js': "const { engine } = require('./relay2');\nengine.signToken({ u: 1 }, 'k', {}, function (err, t) { console.log('login', err, typeof t); });\n",
    });
    const before = node(dir, 'login.js');
    const doc = JSON.parse(run(['migrate', '--json', '.'], dir).stdout);
    expect(read(dir, 'engine.js')).toContain("require('sc-auth-bridge')");
    expect(doc.findings).toContainEqual(expect.objectContaining({ file: 'engine.js', rule: 'bridge-import', message: expect.stringContaining('login.js:2 still calls signToken() with a callback on an engine this codemod cannot trace') }));
    expect(node(dir, 'login.js')).toBe(before);
  });

  it("a callback kept on a server's engine keeps another package's engine on the bridge too (monorepo)", () => {
    const dir = project({
      'auth/package.json': '{ "name": "auth", "version": "1.0.0", "dependencies": { "sc-auth": "^5.0.2" } }\n',
      'auth/index.js': "const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n",
      'server/package.json': '{ "name": "server", "version": "1.0.0", "dependencies": { "socketcluster-server": "^16.2.1" } }\n',
      'server/worker.js': "var state = null;\nexports.run = function (scServer) {\n  scServer.auth.signToken({ u: 1 }, 'k', {}, function (err, t) { state = t; });\n  return state;\n};\n",
    });
    fs.symlinkSync(path.join(dir, 'node_modules'), path.join(dir, 'auth', 'node_modules'), 'dir');
    const doc = JSON.parse(run(['migrate', '--json', '.'], dir).stdout);
    expect(read(dir, 'auth/index.js')).toContain("require('sc-auth-bridge')");
    expect(doc.findings).toContainEqual(expect.objectContaining({ file: 'auth/index.js', rule: 'bridge-import', message: expect.stringContaining("server/worker.js:3 still calls signToken() with a callback on the server's engine") }));
  });

  it('an sc-auth engine imported and handed to a server that may be 14 keeps its module on the bridge', () => {
    const dir = project({
      'package.json': '{ "name": "app", "version": "1.0.0", "dependencies": { "sc-auth": "^5.0.2", "socketcluster-server": "^14.7.2" } }\n',
      'engine.js': "const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n",
      'server.js': "const engine = require('./engine');\nexports.attach = function (scServer) { scServer.setAuthEngine(engine); };\n",
    });
    const doc = JSON.parse(run(['migrate', '--json', '.'], dir).stdout);
    expect(read(dir, 'engine.js')).toContain("require('sc-auth-bridge')");
    expect(doc.findings).toContainEqual(expect.objectContaining({ file: 'engine.js', rule: 'bridge-import', message: expect.stringContaining('server.js:2 hands this engine to a socketcluster-server that may be 14') }));
  });
});
