// check on a package pinned to socketcluster(-server) 14 whose files already hold code that needs
// server 15+: the same package.json manual-review finding migrate gives when it writes such code.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cleanup, run, tempDir, writeTree } from './helpers';

afterAll(cleanup);
vi.setConfig({ testTimeout: 120_000 });

interface JsonFinding { file: string; line: number; rule: string; message: string }

const pkg = (deps: Record<string, string>) => JSON.stringify({ name: 'app', version: '1.0.0', dependencies: deps }, null, 2) + '\n';
const PINNED = pkg({ socketcluster: '^14.4.2', 'socketcluster-server': '^14.7.0' });

/** What migrate writes for scServer.auth calls: Promise style. */
const MIGRATED_WORKER = [
  "module.exports.run = function (worker) {",
  "  var scServer = worker.scServer;",
  "  scServer.on('connection', function (socket) {",
  "    socket.on('login', function (user, respond) {",
  "      scServer.auth.signToken({ username: user }, 'key', {}).then(function (token) {",
  "        respond(null, token);",
  "      }, respond);",
  "    });",
  "  });",
  "};",
  "",
].join('\n');

function checkJson(dir: string): { code: number | null; findings: JsonFinding[]; out: string } {
  const r = run(['check', '--format', 'json'], dir);
  return { code: r.code, findings: JSON.parse(r.stdout).findings, out: r.stdout + r.stderr };
}

const pinFindings = (findings: JsonFinding[]) => findings.filter((f) => f.file === 'package.json' && f.rule === 'manual-review');

describe('check: a package pinned below socketcluster-server 15 with Promise-style engine code', () => {
  it('reports manual-review on package.json naming the pinned range and the file:line of the Promise call, and exits 1', () => {
    const dir = tempDir();
    writeTree(dir, { 'package.json': PINNED, 'worker.js': MIGRATED_WORKER });
    const r = checkJson(dir);
    expect(r.code, r.out).toBe(1);
    const pin = pinFindings(r.findings);
    expect(pin).toHaveLength(1);
    // The finding stands on the server's line (line 6), as migrate's does.
    expect(pin[0].line).toBe(6);
    expect(pin[0].message).toMatch(/^socketcluster-server \^14\.7\.0 is left as it is, but worker\.js:5 calls signToken\(\) on the server's engine without a callback/);
    expect(pin[0].message).toMatch(/needs socketcluster-server 15\+/);
    expect(r.findings.filter((f) => f.file !== 'package.json')).toEqual([]);
  });

  it('names a file in a subfolder relative to its package.json, and an ag-auth engine handed to the server', () => {
    const dir = tempDir();
    writeTree(dir, {
      'package.json': pkg({ 'ag-auth': '^2.1.1', 'socketcluster-server': '~14.7.2' }),
      'src/server.js': "const AuthEngine = require('ag-auth');\nmodule.exports = (agServer) => {\n  agServer.setAuthEngine(new AuthEngine());\n};\n",
    });
    const pin = pinFindings(checkJson(dir).findings);
    expect(pin.map((f) => f.message)).toEqual([expect.stringMatching(/^socketcluster-server ~14\.7\.2 is left as it is, but src\/server\.js:3 hands the server an ag-auth engine/)]);
  });

  it('says nothing on socketcluster-server 15+, and nothing when the code is still callback style', () => {
    const upgraded = tempDir();
    writeTree(upgraded, { 'package.json': pkg({ 'socketcluster-server': '^15.0.0' }), 'worker.js': MIGRATED_WORKER });
    const a = checkJson(upgraded);
    expect(a.code, a.out).toBe(0);
    expect(a.findings).toEqual([]);

    const legacy = tempDir();
    writeTree(legacy, { 'package.json': PINNED, 'worker.js': MIGRATED_WORKER.replace("{}).then(function (token) {\n        respond(null, token);\n      }, respond);", "{}, function (err, token) {\n        respond(err, token);\n      });") });
    const b = checkJson(legacy);
    expect(b.findings.map((f) => `${f.file}:${f.rule}`)).toEqual(['worker.js:callback-call']);
  });

  it("says nothing when a file of the package gives the server sc-auth-bridge's engine (it serves Promise calls on 14)", () => {
    const dir = tempDir();
    writeTree(dir, {
      'package.json': PINNED,
      'worker.js': MIGRATED_WORKER,
      'auth.js': "const AuthEngine = require('sc-auth-bridge');\nmodule.exports = function (scServer) {\n  scServer.setAuthEngine(new AuthEngine());\n};\n",
    });
    const r = checkJson(dir);
    expect(r.code, r.out).toBe(0);
    expect(r.findings.map((f) => `${f.file}:${f.rule}`)).toEqual(['auth.js:bridge-import']);
  });

  it('after migrate of a callback worker on server 14, check repeats the pin finding migrate gave', () => {
    const dir = tempDir();
    writeTree(dir, {
      'package.json': PINNED,
      'worker.js': MIGRATED_WORKER.replace("{}).then(function (token) {\n        respond(null, token);\n      }, respond);", "{}, function (err, token) {\n        if (err) return respond(err);\n        respond(null, token);\n      });"),
    });
    const m = run(['migrate', '--format', 'json'], dir);
    expect(m.code, m.stdout + m.stderr).toBe(0);
    const migratePin = pinFindings(JSON.parse(m.stdout).findings);
    expect(migratePin).toHaveLength(1);
    const c = checkJson(dir);
    expect(c.code, c.out).toBe(1);
    const checkPin = pinFindings(c.findings);
    expect(checkPin).toHaveLength(1);
    expect(checkPin[0].line).toBe(migratePin[0].line);
    expect(checkPin[0].message).toMatch(/worker\.js:5 calls signToken\(\)/);
  });
});
