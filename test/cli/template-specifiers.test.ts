// Backtick module specifiers through the built binary: check reports them, migrate rewrites them
// (keeping the backticks), and check is clean afterwards.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cleanup, read, run, tempDir, writeTree } from './helpers';

afterAll(cleanup);
vi.setConfig({ testTimeout: 120_000 });

const SIGN = [
  'const { AuthEngine } = require(`sc-auth`);',
  'const engine = new AuthEngine();',
  'exports.issue = function (user, key, done) {',
  '  engine.signToken({ sub: user.id }, key, {}, function (err, token) {',
  '    if (err) return done(err);',
  '    done(null, token);',
  '  });',
  '};',
  '',
].join('\n');
const MOCK = "jest.mock(`sc-auth`);\nconst scAuth = require(`sc-auth`);\ntest('x', () => expect(new scAuth.AuthEngine()).toBeDefined());\n";
const DYNAMIC = 'export async function load(): Promise<unknown> {\n  const { AuthEngine } = await import(`sc-auth`);\n  return new AuthEngine();\n}\n';

describe('template-literal specifiers (CLI)', () => {
  it('check reports them; migrate rewrites them and check then exits 0', () => {
    const dir = tempDir();
    writeTree(dir, {
      'package.json': JSON.stringify({ name: 'app', dependencies: { 'sc-auth': '^5.0.2', 'socketcluster-server': '^17.0.0' } }, null, 2) + '\n',
      'sign.js': SIGN, 'sign.test.js': MOCK, 'load.ts': DYNAMIC,
    });
    const before = run(['check', '--format', 'json'], dir);
    expect(before.code, before.stdout + before.stderr).toBe(1);
    const got = JSON.parse(before.stdout).findings.map((f: { file: string; line: number; rule: string }) => `${f.file}:${f.line}:${f.rule}`).sort();
    expect(got).toEqual(['load.ts:2:sc-auth-import', 'package.json:4:sc-auth-dependency', 'sign.js:1:sc-auth-import', 'sign.js:4:callback-call',
      'sign.test.js:1:sc-auth-import', 'sign.test.js:2:sc-auth-import']);

    const m = run(['migrate'], dir);
    expect(m.code, m.stdout + m.stderr).toBe(0);
    expect(read(dir, 'sign.js')).toMatch(/^const AuthEngine = require\(`ag-auth`\);$/m);
    expect(read(dir, 'sign.js')).toMatch(/\.then\(/);
    expect(read(dir, 'sign.test.js')).toBe("jest.mock(`ag-auth`);\nconst scAuth = require(`ag-auth`);\ntest('x', () => expect(new scAuth()).toBeDefined());\n");
    expect(read(dir, 'load.ts')).toContain('const AuthEngine = (await import(`ag-auth`)).default;');

    const after = run(['check'], dir);
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });
});
