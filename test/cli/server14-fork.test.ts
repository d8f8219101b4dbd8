// Real code split over files: a copy of socketcluster-server 14.7.2's own sources (the shape of
// the many forks of it) creates its engine in scserver.js and signs tokens in scserversocket.js
// through `this.server.auth`, with an `async` option the codemod cannot remove. Migrated file by
// file, scserver.js would move to ag-auth and the server would fail every login with
// `"async" is not allowed in "options"`; the project pass keeps it on sc-auth-bridge. Proven with
// the real socketcluster-client 14 on 127.0.0.1: the same lines before and after.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, ROOT, run, tempDir } from './helpers';

const SERVER14 = path.join(ROOT, 'node_modules', 'socketcluster-server-14');
const CLIENT14 = path.join(ROOT, 'node_modules', 'socketcluster-client-14');
const SOURCES = ['index.js', 'scserver.js', 'scserversocket.js', 'response.js', 'package.json'];

// Login, then a second connection that presents the signed token (the handshake's verify path).
const ROUND_TRIP = `
const http = require('http');
const scs = require('./index.js');
const client = require(${JSON.stringify(CLIENT14)});
const httpServer = http.createServer();
const server = scs.attach(httpServer, { authKey: 'fork-secret' });
const finish = (line) => { console.log(line); process.exit(0); };
setTimeout(() => finish('TIMEOUT'), 8000).unref();
server.on('connection', (socket) => {
  socket.on('login', (data, respond) => { socket.setAuthToken({ username: data.u }); respond(); });
});
httpServer.listen(0, '127.0.0.1', () => {
  const port = httpServer.address().port;
  const c = client.create({ hostname: '127.0.0.1', port, autoReconnect: false, multiplex: false });
  c.on('error', (e) => console.log('client error', e.name, e.message));
  c.once('connect', (status) => {
    console.log('connected, authenticated:', status.isAuthenticated);
    // The server sends the token before the answer, on the same connection.
    c.emit('login', { u: 'bob' }, (err) => {
      console.log('login answered', err ? err.message : null, 'token for', c.authToken && c.authToken.username);
      const signed = c.signedAuthToken;
      c.disconnect();
      const store = { saveToken: (n, t, o, cb) => cb && cb(null, t), removeToken: (n, cb) => cb && cb(null), loadToken: (n, cb) => cb(null, signed) };
      const c2 = client.create({ hostname: '127.0.0.1', port, autoReconnect: false, multiplex: false, authEngine: store });
      c2.on('error', (e) => console.log('client2 error', e.name, e.message));
      c2.once('connect', (s) => finish('reconnected, authenticated: ' + s.isAuthenticated + ' as ' + (c2.authToken && c2.authToken.username)));
    });
  });
});
`;

function roundTrip(dir: string): string[] {
  const r = spawnSync(process.execPath, ['--no-deprecation', 'round-trip.js'], {
    cwd: dir, encoding: 'utf8', timeout: 20_000,
    // The fork's other dependencies come from this repository's install, as they would from the app's.
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  if (r.error) throw r.error;
  return r.stdout.split('\n').filter(Boolean);
}

afterAll(cleanup);

describe('a socketcluster-server 14 fork split over files', () => {
  it('migrates to a server that logs in and verifies tokens as before', () => {
    const dir = tempDir('sc-auth-bridge-fork14-');
    for (const f of SOURCES) fs.copyFileSync(path.join(SERVER14, f), path.join(dir, f));
    const nm = path.join(dir, 'node_modules');
    fs.mkdirSync(nm);
    // server 14 pins its own sc-errors 2; everything else resolves through NODE_PATH.
    fs.symlinkSync(path.join(SERVER14, 'node_modules', 'sc-errors'), path.join(nm, 'sc-errors'), 'dir');
    fs.symlinkSync(ROOT, path.join(nm, 'sc-auth-bridge'), 'dir');
    fs.writeFileSync(path.join(dir, 'round-trip.js'), ROUND_TRIP);

    const before = roundTrip(dir);
    expect(before).toEqual([
      'connected, authenticated: false',
      'login answered null token for bob',
      'reconnected, authenticated: true as bob',
    ]);

    const migrated = run(['migrate', '--json', '.'], dir);
    const doc = JSON.parse(migrated.stdout) as { findings: Array<{ file: string; rule: string; message: string }> };
    const scserver = fs.readFileSync(path.join(dir, 'scserver.js'), 'utf8');
    expect(scserver).toMatch(/require\('sc-auth-bridge'\)\.AuthEngine/);
    expect(scserver).not.toMatch(/ag-auth/);
    // scserver.js's own verifyToken call is converted: the bridge answers Promise calls too.
    expect(scserver).toMatch(/this\.auth\.verifyToken\(signedAuthToken, this\.verificationKey, verificationOptions\)\.then\(/);
    expect(doc.findings).toContainEqual(expect.objectContaining({
      file: 'scserver.js', rule: 'bridge-import',
      message: expect.stringMatching(/scserversocket\.js:\d+ still calls signToken\(\) with a callback on the server's engine/),
    }));
    expect(doc.findings).toContainEqual(expect.objectContaining({ file: 'scserversocket.js', rule: 'manual-review' }));

    expect(roundTrip(dir)).toEqual(before);
    const again = JSON.parse(run(['migrate', '--json', '.'], dir).stdout).summary;
    expect(again.changed).toBe(0);
  });
});
