// The claims in MIGRATION.md's tables and "Common errors" that no snippet shows, reproduced with the
// real packages (ag-auth 1/2, sc-auth 4/5/6, jsonwebtoken 8/9, socketcluster-server 14/20).
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, cleanupSandboxes, exec, runtimeDir } from './sandbox';

const NM = join(REPO, 'node_modules');
const guide = readFileSync(join(REPO, 'MIGRATION.md'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (name: string) => require(join(NM, name));

afterAll(() => cleanupSandboxes());

function scAuthCall(engine: any, method: 'signToken' | 'verifyToken', ...args: unknown[]): Promise<string> {
  return new Promise((done) => {
    engine[method](...args, (err: Error | null, value: unknown) => done(err ? `${err.name}: ${err.message}` : `ok ${JSON.stringify(value)}`));
  });
}

function settle(p: Promise<unknown>): Promise<string> {
  return p.then((v) => `ok ${JSON.stringify(v)}`, (err: Error) => `${err.name}: ${err.message}`);
}

describe('MIGRATION.md: common errors', () => {
  it('has a section for each of the common errors the issue names', () => {
    const headings = [...guide.matchAll(/^### `(.+)`$/gm)].map((m) => m[1]);
    for (const message of ['jwt expired', 'invalid signature', '"async" is not allowed in "options"', 'AuthEngine is not a constructor', 'cb is not a function']) {
      expect(headings).toContain(message);
    }
  });

  it('what the client sees on socketcluster-server 20: expired, wrong key, and a callback engine', async () => {
    const dir = runtimeDir({ scAuth: '5', agAuth: '2', server: '20' });
    const script = join(dir, 'claims-server-20.cjs');
    writeFileSync(script, `
const socketClusterServer = require('socketcluster-server');
const socketClusterClient = require('socketcluster-client');
const jwt = require('jsonwebtoken');
const callbackEngine = {
  signToken(token, key, options, cb) { jwt.sign(token, key, {}, (err, t) => cb(err, t)); },
  verifyToken(token, key, options, cb) { jwt.verify(token, key, {}, (err, t) => cb(err, t)); }
};
async function connectWith(serverOptions, token) {
  const server = socketClusterServer.listen(0, serverOptions);
  await new Promise((r) => server.httpServer.once('listening', r));
  const store = { loadToken: async () => token, saveToken: async (n, t) => t, removeToken: async () => token };
  const client = socketClusterClient.create({ hostname: '127.0.0.1', port: server.httpServer.address().port, autoReconnect: false, authEngine: store });
  const status = await client.listener('connect').once();
  client.disconnect();
  await server.close();
  return status.authError ? status.authError.name + ': ' + status.authError.message : 'authenticated';
}
(async () => {
  const now = Math.floor(Date.now() / 1000);
  console.log(await connectWith({ authKey: 'k' }, jwt.sign({ u: 1, exp: now - 60 }, 'k')));
  console.log(await connectWith({ authKey: 'k' }, jwt.sign({ u: 1 }, 'another key')));
  console.log(await connectWith({ authKey: 'k', authEngine: callbackEngine }, jwt.sign({ u: 1 }, 'k')));
  console.log(await connectWith({ authKey: 'k' }, jwt.sign({ u: 1 }, 'k')));
  process.exit(0);
})();
`);
    const r = await exec(process.execPath, [script], dir, {}, 20_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'AuthTokenExpiredError: jwt expired',
      'AuthTokenInvalidError: invalid signature',
      'AuthTokenError: cb is not a function',
      'authenticated',
    ]);
    expect(guide).toContain('on the client: `AuthTokenExpiredError`');
    expect(guide).toContain('on the client: `AuthTokenInvalidError`');
    expect(guide).toContain('`AuthTokenError: cb is not a function`');
  });

  it('ESM: a named AuthEngine import fails for ag-auth, works for sc-auth and sc-auth-bridge', async () => {
    const dir = runtimeDir({ scAuth: '5', agAuth: '2', server: '20' });
    const cases: Array<[string, boolean]> = [['ag-auth', false], ['sc-auth', true], ['sc-auth-bridge', true]];
    for (const [pkg, works] of cases) {
      const file = join(dir, `named-import-${pkg}.mjs`);
      writeFileSync(file, `import { AuthEngine } from '${pkg}';\nconsole.log(typeof new AuthEngine().verifyToken);\n`);
      const r = await exec(process.execPath, [file], dir);
      if (works) {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.trim()).toBe('function');
      } else {
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain("SyntaxError: Named export 'AuthEngine' not found");
      }
    }
    expect(guide).toContain("`SyntaxError: Named export 'AuthEngine'\nnot found`");
  });
});

describe('MIGRATION.md: the API difference table', () => {
  const ScAuth5 = load('sc-auth').AuthEngine;
  const AgAuth2 = load('ag-auth');
  const jwt8 = load('jsonwebtoken-8');

  it('row 5: verifyToken(null) fails with "jwt must be provided" in sc-auth 5 and ag-auth 2', async () => {
    expect(await scAuthCall(new ScAuth5(), 'verifyToken', null, 'k', {})).toBe('JsonWebTokenError: jwt must be provided');
    expect(await settle(new AgAuth2().verifyToken(null, 'k'))).toBe('JsonWebTokenError: jwt must be provided');
  });

  it('row 5: each package brings its own sc-errors major (1, 2, 3), so instanceof across them fails', () => {
    const major = (pkg: string) => {
      const from = join(NM, pkg);
      const path = require.resolve('sc-errors/package.json', { paths: [from] });
      return JSON.parse(readFileSync(path, 'utf8')).version.split('.')[0];
    };
    expect([major('sc-auth'), major('ag-auth-1'), major('ag-auth')]).toEqual(['1', '2', '3']);
    expect(guide).toMatch(/sc-auth 5 uses sc-errors 1, ag-auth 1 uses 2, ag-auth 2 uses 3/);
  });

  it('row 7: sc-auth 4.1 passes options.socket to jsonwebtoken, 5.0.2 and ag-auth delete it', () => {
    const src = (pkg: string) => readFileSync(join(NM, pkg, 'index.js'), 'utf8');
    expect(src('sc-auth-4')).not.toMatch(/delete jwtOptions\.socket/);
    expect(src('sc-auth')).toMatch(/delete jwtOptions\.socket/);
    expect(src('ag-auth')).toMatch(/delete jwtOptions\.socket/);
  });

  it('row 9: jsonwebtoken 8 accepts an unsigned token verified without a key, 9 refuses it', async () => {
    const unsigned = jwt8.sign({ u: 1 }, null, { algorithm: 'none' });
    expect(await scAuthCall(new ScAuth5(), 'verifyToken', unsigned, null, {})).toMatch(/^ok /);
    const refused = 'JsonWebTokenError: please specify "none" in "algorithms" to verify unsigned tokens';
    expect(await settle(new AgAuth2().verifyToken(unsigned, null))).toBe(refused);
    expect(guide).toContain('please specify "none" in "algorithms" to verify unsigned tokens');
  });

  it('row 10: jsonwebtoken 8 rejects allowInsecureKeySizes; 9 verifies tokens from small keys', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(await scAuthCall(new ScAuth5(), 'signToken', { a: 1 }, privateKey, { algorithm: 'RS256', allowInsecureKeySizes: true }))
      .toBe('Error: "allowInsecureKeySizes" is not allowed in "options"');
    const token = jwt8.sign({ a: 1 }, privateKey, { algorithm: 'RS256' });
    expect(await settle(new AgAuth2().verifyToken(token, publicKey))).toMatch(/^ok /);
    expect(await settle(new AgAuth2().signToken({ a: 1 }, privateKey, { algorithm: 'RS256', allowInsecureKeySizes: true }))).toMatch(/^ok /);
  });

  it('row 11: jsonwebtoken 9 refuses a PEM key for HS256 when verifying too', async () => {
    const { publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const token = jwt8.sign({ a: 1 }, publicKey, { algorithm: 'HS256' });
    expect(await settle(new AgAuth2().verifyToken(token, publicKey, { algorithms: ['HS256'] })))
      .toBe('JsonWebTokenError: secretOrPublicKey must be a symmetric key when using HS256');
    expect(guide).toContain('secretOrPublicKey must be a symmetric key when using HS256');
  });
});

describe('MIGRATION.md: patterns that stay for a human', () => {
  it('util.promisify around ag-auth never settles; around the compat engine it resolves', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { promisify } = require('node:util');
    const AgAuth2 = load('ag-auth');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Bridge = require(join(REPO, 'dist', 'src', 'index.js'));
    const race = (p: Promise<unknown>) =>
      Promise.race([p.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 300))]);
    const ag = new AgAuth2();
    expect(await race(promisify(ag.signToken.bind(ag))({ a: 1 }, 'k', {}))).toBe('pending');
    const bridge = new Bridge({ deprecationWarnings: false });
    expect(await race(promisify(bridge.signToken.bind(bridge))({ a: 1 }, 'k', {}))).toBe('settled');
    expect(guide).toContain('`util.promisify`');
  });
});

describe('MIGRATION.md: step 1 key notes', () => {
  const rsa = (modulusLength: number) =>
    generateKeyPairSync('rsa', {
      modulusLength,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });

  it('sc-auth 5, given a key pair and no algorithm (as server 14 does), signs HS256 and then refuses its own token', async () => {
    const { privateKey, publicKey } = rsa(2048);
    const engine = new (load('sc-auth').AuthEngine)();
    const signed = await scAuthCall(engine, 'signToken', { a: 1 }, privateKey, { async: false });
    expect(signed).toMatch(/^ok /);
    const token = JSON.parse(signed.slice(3));
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).alg).toBe('HS256');
    expect(await scAuthCall(engine, 'verifyToken', token, publicKey, { async: true })).toBe('JsonWebTokenError: invalid algorithm');
    expect(guide).toContain('refused its own tokens on reconnect with `invalid algorithm`');
  });

  it('the compat engine follows jsonwebtoken 9 in callback mode too, and allowInsecureKeySizes as a default lets it sign', async () => {
    const { privateKey } = rsa(1024);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Bridge = require(join(REPO, 'dist', 'src', 'index.js'));
    const quiet = { deprecationWarnings: false };
    expect(await scAuthCall(new Bridge(quiet), 'signToken', { a: 1 }, privateKey, { algorithm: 'RS256' }))
      .toBe('Error: secretOrPrivateKey has a minimum key size of 2048 bits for RS256');
    expect(await scAuthCall(new Bridge({ ...quiet, allowInsecureKeySizes: true }), 'signToken', { a: 1 }, privateKey, { algorithm: 'RS256' }))
      .toMatch(/^ok /);
    expect(guide).toContain('`authEngine: new AuthEngine({ allowInsecureKeySizes: true })`');
  });
});

describe('MIGRATION.md: socketcluster-server 14 to 15+ table', () => {
  it('middleware names: MIDDLEWARE_AUTHENTICATE on 14, the AUTHENTICATE inbound action on 20', () => {
    const server20 = load('socketcluster-server-20');
    // 14 sets its middleware names in the constructor, which needs a live HTTP server.
    expect(readFileSync(join(NM, 'socketcluster-server-14', 'scserver.js'), 'utf8')).toMatch(/this\.MIDDLEWARE_AUTHENTICATE = 'authenticate'/);
    expect(server20.AGServer.MIDDLEWARE_INBOUND).toBe('inbound');
    expect(load('socketcluster-server-20/action.js').AUTHENTICATE).toBe('authenticate');
  });

  it('server 20 defaults to protocol 2 and no longer reads authSignAsync / authVerifyAsync', () => {
    const server20 = readFileSync(join(NM, 'socketcluster-server-20', 'server.js'), 'utf8');
    expect(server20).toMatch(/protocolVersion: 2/);
    expect(server20).not.toMatch(/authSignAsync|authVerifyAsync/);
    const server14 = readFileSync(join(NM, 'socketcluster-server-14', 'scserver.js'), 'utf8');
    expect(server14).toMatch(/authSignAsync: false/);
    expect(server14).toMatch(/authVerifyAsync: true/);
  });
});

describe('docs: links', () => {
  // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
  for (const doc of ['README.md', 'MIGRATION.md', 'fixtures/legacy-app/README.md']) {
    it(`${doc}: every relative link and anchor resolves`, () => {
      const text = readFileSync(join(REPO, doc), 'utf8');
      const base = join(REPO, doc, '..');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(target)) continue;
        const [file, anchor] = target.split('#');
        const path = file ? join(base, file) : join(REPO, doc);
        expect(existsSync(path), `${doc}: ${target}`).toBe(true);
        if (anchor) {
          const headings = [...readFileSync(path, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]));
          expect(headings, `${doc}: ${target}`).toContain(anchor);
        }
      }
    });
  }
});

describe('README: CLI reference', () => {
  it('documents every flag and rule the built CLI knows', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const cli = join(REPO, 'dist', 'src', 'cli', 'main.js');
    const help = await exec(process.execPath, [cli, '--help'], REPO);
    expect(help.code).toBe(0);
    const flags = [...new Set([...help.stdout.matchAll(/(?<![\w-])(--?[a-z][\w-]*)/g)].map((m) => m[1]))];
    expect(flags.length).toBeGreaterThan(10);
    for (const flag of flags) expect(readme, `README lacks ${flag}`).toContain(`${flag}`);
    const list = await exec(process.execPath, [cli, 'list'], REPO);
    const rules = [...list.stdout.split('Rules')[1].matchAll(/^\s+([a-z-]+)\s+(error|info)\b/gm)].map((m) => m[1]);
    expect(rules.length).toBeGreaterThan(5);
    for (const rule of rules) expect(readme, `README lacks rule ${rule}`).toContain(`\`${rule}\``);
  });
});

describe('docs: tables', () => {
  for (const doc of ['README.md', 'MIGRATION.md', 'fixtures/legacy-app/README.md']) {
    it(`${doc}: every table row has as many cells as its header`, () => {
      const lines = readFileSync(join(REPO, doc), 'utf8').split('\n');
      const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
      let tables = 0;
      for (let i = 1; i < lines.length; i++) {
        if (!/^\|[-| :]+\|$/.test(lines[i])) continue;
        tables++;
        const width = cells(lines[i - 1]);
        expect(cells(lines[i]), `${doc}:${i + 1}`).toBe(width);
        for (let j = i + 1; j < lines.length && lines[j].startsWith('|'); j++) {
          expect(cells(lines[j]), `${doc}:${j + 1}`).toBe(width);
        }
      }
      expect(tables).toBeGreaterThan(0);
    });
  }
});
