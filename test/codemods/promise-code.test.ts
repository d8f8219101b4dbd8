/**
 * What `check` counts as code needing socketcluster-server 15+ in a package pinned to 14:
 * Promise-style calls on the server's engine and Promise engines handed to the server; what
 * clears it (the bridge's engine given to the server); what does not count (callbacks, ag-auth on
 * its own, a server whose engine is defined elsewhere).
 */
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { promiseCodeFacts } from '../../codemods/lib/promise-code';
import { checkPackageJson } from '../../codemods/pipeline';

const site = (src: string) => promiseCodeFacts(src, 'worker.js').site;

describe('promiseCodeFacts', () => {
  it.each([
    ['a .then() on scServer.auth', "scServer.auth.signToken({ u: 1 }, key, {}).then((t) => respond(null, t), respond);\n", 1, /signToken\(\) on the server's engine/],
    ['an await on agServer.auth', "async function f(t) {\n  return await agServer.auth.verifyToken(t, key);\n}\n", 2, /verifyToken\(\) on the server's engine/],
    ['worker.scServer.auth in a worker', "module.exports.run = function (worker) {\n  worker.scServer.auth.verifyToken(t, k, {}).catch(log);\n};\n", 2, /verifyToken\(\)/],
    ['an ag-auth engine handed to the server', "const AuthEngine = require('ag-auth');\nscServer.setAuthEngine(new AuthEngine());\n", 2, /ag-auth engine/],
    ['an imported ag-auth engine as the authEngine option', "import AuthEngine from 'ag-auth';\nexport const opts = { authKey: k, authEngine: new AuthEngine() };\n", 2, /ag-auth engine/],
    ['a Promise engine literal', "scServer.setAuthEngine({\n  signToken(t, k, o) { return new Promise((res) => res(sign(t, k))); },\n  verifyToken: async (t, k, o) => verify(t, k),\n});\n", 1, /methods return Promises/],
    ['a Promise engine through a const', "const engine = { async signToken(t, k) { return sign(t, k); }, async verifyToken(t, k) { return verify(t, k); } };\nlisten(8000, { authEngine: engine });\n", 2, /methods return Promises/],
  ])('finds %s', (_name, src, line, what) => {
    const s = site(src);
    expect(s?.line).toBe(line);
    expect(s?.what).toMatch(what);
  });

  it.each([
    ['callback calls on the server', "scServer.auth.signToken(p, k, {}, function (err, t) { respond(err, t); });\n"],
    ['ag-auth used on its own (fine on 14)', "const AuthEngine = require('ag-auth');\nconst e = new AuthEngine();\ne.signToken(p, k).then(send);\n"],
    ['a callback engine handed to the server', "scServer.setAuthEngine({ signToken(t, k, o, cb) { cb(null, sign(t, k)); }, verifyToken(t, k, o, cb) { cb(null, verify(t, k)); } });\n"],
    ['server calls where the engine is the project\'s own, given from elsewhere', "scServer.setAuthEngine(require('./my-engine'));\nscServer.auth.verifyToken(t, k).then(use);\n"],
  ])('finds nothing for %s', (_name, src) => {
    expect(site(src)).toBeUndefined();
  });

  it("the bridge's engine given to the server is recorded (it serves Promise calls on 14)", () => {
    expect(promiseCodeFacts("const { fromLegacyEngine } = require('sc-auth-bridge');\nscServer.setAuthEngine(fromLegacyEngine(mine));\n", 'a.js').bridgeEngineForServer).toBe(true);
    expect(promiseCodeFacts('const AuthEngine = require(`sc-auth-bridge`);\nlisten(0, { authEngine: new AuthEngine() });\n', 'a.js').bridgeEngineForServer).toBe(true);
    // sc-auth's own engine is not the bridge.
    expect(promiseCodeFacts("const AuthEngine = require('sc-auth').AuthEngine;\nlisten(0, { authEngine: new AuthEngine() });\n", 'a.js').bridgeEngineForServer).toBe(false);
  });
});

describe('checkPackageJson with the files of a pinned package', () => {
  const FILE = path.resolve('/project/package.json');
  const PINNED = '{\n  "dependencies": {\n    "socketcluster-server": "^14.7.0"\n  }\n}\n';

  it('uses facts computed by the caller without parsing the source again', () => {
    const found = checkPackageJson(PINNED, FILE, { files: [{ file: '/project/lib/a.js', source: 'this is not JavaScript (', promiseCode: { site: { line: 7, column: 3, what: 'calls signToken() on the server\'s engine without a callback (Promise style)' }, bridgeEngineForServer: false } }] });
    expect(found.map((f) => [f.line, f.rule])).toEqual([[3, 'manual-review']]);
    expect(found[0].message).toMatch(/^socketcluster-server \^14\.7\.0 is left as it is, but lib\/a\.js:7 calls signToken/);
  });

  it('parses sources itself, skips a file that does not parse, and reports nothing without files or when not pinned', () => {
    const files = [{ file: '/project/bad.js', source: 'const = ;' }, { file: '/project/w.js', source: 'scServer.auth.signToken(p, k).then(send);\n' }];
    expect(checkPackageJson(PINNED, FILE, { files }).map((f) => f.message)).toEqual([expect.stringMatching(/but w\.js:1 calls signToken/)]);
    expect(checkPackageJson(PINNED, FILE)).toEqual([]);
    expect(checkPackageJson(PINNED.replace('^14.7.0', '^15.0.0'), FILE, { files })).toEqual([]);
  });
});
