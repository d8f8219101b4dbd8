// The package entry as users load it: require() (the class, with .AuthEngine like sc-auth), Node ESM
// default and named imports (through the exports map and dist/src/index.mjs), and the type
// declarations for both (tsc on a CommonJS and an ES module consumer, skipLibCheck off).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgAuth, Bridge, KEYS, ROOT, ScAuth5, jwt9 } from './helpers';

const FIXTURES = path.join(__dirname, 'fixtures/consumer');
let dir = '';

beforeAll(() => {
  // An app directory with the package "installed" (linked), as after `npm install sc-auth-bridge`.
  dir = mkdtempSync(path.join(tmpdir(), 'sc-auth-bridge-consumer-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules/sc-auth-bridge'), 'dir');
  for (const f of ['consumer.mjs', 'consumer.cjs', 'consumer-cjs.ts', 'consumer-esm.mts']) copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'node16', moduleResolution: 'node16', target: 'ES2022', strict: true, noEmit: true,
      skipLibCheck: false, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')],
    },
    files: ['consumer-cjs.ts', 'consumer-esm.mts'],
  }));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function node(file: string): Record<string, unknown> {
  const run = spawnSync(process.execPath, ['--no-deprecation', file], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('CommonJS', () => {
  it('require() is the class itself (like ag-auth) and has .AuthEngine (like sc-auth) and .default', () => {
    expect(typeof Bridge).toBe('function');
    expect(Bridge.AuthEngine).toBe(Bridge);
    expect(Bridge.default).toBe(Bridge);
    expect(new Bridge()).toBeInstanceOf(Bridge);
    expect(Bridge.createAuthEngine('k')).toBeInstanceOf(Bridge);
    for (const name of ['signToken', 'verifyToken', 'fromLegacyEngine', 'legacyCallSites', 'clearKeyCache']) expect(typeof (Bridge as unknown as Record<string, unknown>)[name], name).toBe('function');
    expect(Bridge.CALLBACK_WARNING_CODE).toBe('SC_AUTH_BRIDGE_CALLBACK');
    // jsonwebtoken's own classes (not copies), so instanceof works with errors from jsonwebtoken
    expect(Bridge.JsonWebTokenError).toBe(jwt9.JsonWebTokenError);
    // the same shapes the legacy packages offered
    expect(typeof AgAuth).toBe('function');
    expect(typeof ScAuth5).toBe('function');
  });

  it('an app requiring the installed package: both require styles work', () => {
    const out = node('consumer.cjs');
    expect(out).toEqual({
      isClass: true, named: true, dflt: true, fns: ['function', 'function', 'function', 'function'], err: null,
      token: jwt9.sign({ a: 1, iat: 1 }, 'k'), agAuthStyle: true,
    });
  });

  it('standalone signToken/verifyToken work on a shared engine', async () => {
    const token = await Bridge.signToken({ a: 1, iat: 1 }, KEYS.hsString);
    expect(token).toBe(jwt9.sign({ a: 1, iat: 1 }, KEYS.hsString));
    expect(await Bridge.verifyToken(token, KEYS.hsString)).toEqual({ a: 1, iat: 1 });
  });
});

describe('ES modules', () => {
  it('import AuthEngine from / import { AuthEngine, ... } from: the same class and functions as require()', () => {
    const out = node('consumer.mjs');
    expect(out).toMatchObject({
      defaultIsClass: true, sameAsRequire: true, decoded: { a: 1, iat: 1 }, created: true, legacy: 'function', sites: [],
      errors: 'function', missing: 'ERR_SC_AUTH_BRIDGE_NO_KEY', code: 'SC_AUTH_BRIDGE_CALLBACK',
    });
    expect(out.token).toBe(jwt9.sign({ a: 1, iat: 1 }, 'k'));
    expect(out.standalone).toBe(out.token);
  });
});

describe('type declarations', () => {
  it('CommonJS (import = require, named imports) and ES module consumers type-check; a wrong call does not', () => {
    // One tsc run (it is slow on a shared machine): the consumers must be clean, wrong.ts must fail
    // exactly where it misuses the API, which proves the declarations are not `any`.
    writeFileSync(path.join(dir, 'wrong.ts'), "import AuthEngine = require('sc-auth-bridge');\nconst n: number = new AuthEngine().signTokenSync({}, 'k');\nnew AuthEngine('k', { expiresIn: 1 }).verifyToken(1);\nexport { n };\n");
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const config = path.join(dir, 'tsconfig.json');
    const json = JSON.parse(readFileSync(config, 'utf8')) as { files: string[] };
    json.files.push('wrong.ts');
    writeFileSync(config, JSON.stringify(json));
    const run = spawnSync(process.execPath, [tsc, '-p', config], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const lines = run.stdout.split('\n').filter((l) => /error TS/.test(l));
    expect(lines.filter((l) => !l.startsWith('wrong.ts'))).toEqual([]);
    expect(lines.some((l) => /^wrong\.ts\(2,7\).*not assignable to type 'number'/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('wrong.ts(3,'))).toBe(true);
    expect(run.status).not.toBe(0);
  }, 150_000);
});
