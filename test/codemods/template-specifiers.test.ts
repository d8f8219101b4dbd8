/**
 * Backtick module specifiers without `${}` (`require(\`sc-auth\`)`, `import(\`sc-auth\`)`,
 * `jest.mock(\`sc-auth\`)`) name the same module as the quoted forms: the engine analysis follows
 * them, migrate rewrites them and check reports them. A specifier built at run time is not guessed.
 */
import { describe, expect, it } from 'vitest';
import { checkSource, migrateSource } from '../../codemods/pipeline';

const rules = (findings: Array<{ rule: string; line: number }>) => findings.map((f) => `${f.line}:${f.rule}`);

describe('template-literal module specifiers', () => {
  const LEGACY = [
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

  it('check reports the import and the callback call on an instance of the backtick-required class', () => {
    expect(rules(checkSource(LEGACY, 'sign.js'))).toEqual(['1:sc-auth-import', '4:callback-call']);
  });

  it('migrate converts the call (the class is followed through the backtick require) and keeps the backticks', () => {
    const r = migrateSource(LEGACY, 'sign.js');
    expect(r.changed).toBe(true);
    expect(r.needsAgAuth).toBe(true);
    expect(r.output).toContain('const AuthEngine = require(`ag-auth`);');
    expect(r.output).toMatch(/engine\.signToken\(\{ sub: user\.id \}, key, \{\}\)\.then\(/);
    expect(checkSource(r.output, 'sign.js')).toEqual([]);
  });

  it('check reports backtick import(), jest.mock() and vi.mock() like the quoted forms', () => {
    const src = [
      'jest.mock(`sc-auth`);',
      'vi.mock(`sc-auth`);',
      'async function load() { return (await import(`sc-auth`)).AuthEngine; }',
      'const m = require(`sc-auth/index.js`);',
      '',
    ].join('\n');
    expect(rules(checkSource(src, 'a.test.js'))).toEqual(['1:sc-auth-import', '2:sc-auth-import', '3:sc-auth-import', '4:sc-auth-import']);
  });

  it('a backtick sc-auth-bridge import is the compat engine (info), and its instances are engines', () => {
    const src = 'const AuthEngine = require(`sc-auth-bridge`);\nconst e = new AuthEngine();\ne.verifyToken(t, k, {}, (err, p) => use(err, p));\n';
    const found = checkSource(src, 'b.js');
    expect(rules(found)).toEqual(['1:bridge-import', '3:callback-call']);
    expect(found[0].severity).toBe('info');
  });

  it('a template literal with ${} is not read as sc-auth: nothing reported, nothing changed', () => {
    const src = 'const auth = require(`sc-${flavour}`);\nconst e = new auth.AuthEngine();\ne.signToken(p, k, {}, cb);\n';
    expect(checkSource(src, 'c.js')).toEqual([]);
    expect(migrateSource(src, 'c.js').changed).toBe(false);
  });

  it('TypeScript: a backtick dynamic import is followed to its default export', () => {
    const src = 'export async function make(): Promise<unknown> {\n  const { AuthEngine } = await import(`sc-auth`);\n  return new AuthEngine();\n}\n';
    const r = migrateSource(src, 'make.ts');
    expect(r.output).toContain('const AuthEngine = (await import(`ag-auth`)).default;');
  });
});

describe('template-literal specifiers of project modules (cross-file engines)', () => {
  it('an engine module required with backticks is followed like a quoted one', () => {
    const engineFile = '/project/src/engine.js';
    const src = 'const engine = require(`./engine`);\nexports.issue = (user, key, done) => {\n  engine.signToken({ sub: user }, key, {}, done);\n};\n';
    const quoted = src.replace('`./engine`', "'./engine'");
    const options = { engineModules: { [engineFile]: ['module.exports'] } };
    const viaTemplate = checkSource(src, '/project/src/login.js', options);
    expect(rules(viaTemplate)).toEqual(rules(checkSource(quoted, '/project/src/login.js', options)));
    expect(rules(viaTemplate)).toEqual(['3:callback-call']);
  });
});
