/** Guarantees of the combined pipeline that the CLI relies on. */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  checkPackageJson, checkSource, migratePackageJson, migrateSource, mightBeRelevant, ParseError, parserFor, RULES, TRANSFORMS,
} from '../../codemods/pipeline';
import { runSteps } from '../../codemods/lib/run';
import { checkStep } from '../../codemods/lib/check';
// The parser itself (recast's wrapper cannot read a raw U+2028 in a string, which is valid JS).
import { assertParses } from '../../codemods/lib/parse';
import imports from '../../codemods/imports';

const FIXTURES = path.resolve(__dirname, '../../fixtures');
const inputs = fs.readdirSync(FIXTURES).flatMap((d) =>
  fs.readdirSync(path.join(FIXTURES, d)).filter((f) => /\.input\.(js|cjs|mjs|jsx|ts|tsx)$/.test(f))
    .map((f) => ({ file: path.join(FIXTURES, d, f), name: f.replace('.input', '') })));

describe('parserFor', () => {
  it('picks the parser by extension', () => {
    expect(['a.js', 'a.cjs', 'a.mjs', 'a.jsx'].map(parserFor)).toEqual(['babel', 'babel', 'babel', 'babel']);
    expect(['a.ts', 'a.cts', 'a.mts', 'b/c.tsx'].map(parserFor)).toEqual(['ts', 'ts', 'ts', 'tsx']);
  });
});

describe('migrateSource', () => {
  it('never returns output that does not parse (every fixture input)', () => {
    for (const { file, name } of inputs) {
      const r = migrateSource(fs.readFileSync(file, 'utf8'), name);
      expect(() => assertParses(r.output, name), file).not.toThrow();
    }
  });

  it('throws ParseError with the parser message, file and position on bad input', () => {
    let err: any;
    try { migrateSource("const x = require('sc-auth');\nfunction (", 'broken.js'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ParseError);
    expect(err.name).toBe('ParseError');
    expect(err.code).toBe('ERR_SC_AUTH_BRIDGE_PARSE');
    expect(err.file).toBe('broken.js');
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/Unexpected token/);
  });

  it('parses TypeScript only in .ts files (a type annotation is a syntax error in .js)', () => {
    const src = "import { AuthEngine } from 'sc-auth';\nconst e: AuthEngine = new AuthEngine();\n";
    expect(migrateSource(src, 'a.ts').output).toContain("from 'ag-auth'");
    expect(() => migrateSource(src, 'a.js')).toThrow(ParseError);
  });

  it('reports which package the file now needs', () => {
    const ag = migrateSource("const { AuthEngine } = require('sc-auth');\nmodule.exports = new AuthEngine();\n", 'a.js');
    expect(ag).toMatchObject({ changed: true, needsAgAuth: true, needsBridge: false });
    const bridge = migrateSource("const scAuth = require('sc-auth');\nmodule.exports = scAuth;\n", 'b.js');
    expect(bridge).toMatchObject({ changed: true, needsAgAuth: false, needsBridge: true });
    expect(bridge.output).toContain("require('sc-auth-bridge')");
  });

  it('leaves a file with no legacy usage byte-identical and unparsed', () => {
    const src = 'this is not even JavaScript {{{';
    expect(migrateSource(src, 'x.js')).toEqual({ output: src, changed: false, findings: [], needsBridge: false, needsAgAuth: false });
  });

  it('inserts a TODO once: a second run on a manual-review file is a no-op', () => {
    const src = fs.readFileSync(path.join(FIXTURES, 'pipeline/mixed-review.input.js'), 'utf8');
    const once = migrateSource(src, 'm.js');
    const twice = migrateSource(once.output, 'm.js');
    expect(twice.changed).toBe(false);
    expect(once.output.match(/TODO\(sc-auth-bridge\)/g)).toHaveLength(1);
  });
});

describe('checkSource', () => {
  const rulesOf = (src: string, file = 'c.js') => checkSource(src, file).map((f) => f.rule);

  it('reports sc-auth imports and callback calls', () => {
    const src = "const { AuthEngine } = require('sc-auth');\nconst e = new AuthEngine();\ne.signToken({}, 'k', {}, function (err, t) {});\n";
    expect(rulesOf(src)).toEqual(['sc-auth-import', 'callback-call']);
  });
  it('reports sc-auth 6 sync calls', () => {
    expect(rulesOf("const { AuthEngine } = require('sc-auth');\nconst e = new AuthEngine();\nconst t = e.signToken({}, 'k');\n"))
      .toEqual(['sc-auth-import', 'sync-call']);
  });
  it("reports 'async' in signToken options", () => {
    expect(rulesOf("async function f(agServer) {\n  return agServer.auth.signToken({}, 'k', { async: true });\n}\n")).toEqual(['async-option']);
  });
  it('reports callback engines given to setAuthEngine', () => {
    const src = 'scServer.setAuthEngine({\n  signToken(t, k, o, cb) { cb(null, "x"); },\n  verifyToken(t, k, o, cb) { cb(null, {}); },\n});\n';
    expect(rulesOf(src)).toEqual(['callback-engine', 'callback-engine']);
  });
  it('reports unknown engine-like receivers in files that import sc-auth, and bridge imports as info', () => {
    const src = "const { AuthEngine } = require('sc-auth-bridge');\nthing.get().verifyToken(t, k, {}, cb);\n";
    const findings = checkSource(src, 'd.js');
    expect(findings.map((f) => [f.rule, f.severity, f.line])).toEqual([['bridge-import', 'info', 1], ['manual-review', 'error', 2]]);
  });
  it('reports sc-auth in package.json', () => {
    const f = checkPackageJson('{\n  "dependencies": {\n    "sc-auth": "^5.0.2"\n  },\n  "devDependencies": { "@types/sc-auth": "*" }\n}\n', 'package.json');
    expect(f.map((x) => [x.rule, x.line])).toEqual([['sc-auth-dependency', 3], ['sc-auth-dependency', 5]]);
  });
  it('is silent on look-alikes', () => {
    for (const f of fs.readdirSync(path.join(FIXTURES, 'untouched')).filter((n) => n.includes('.input.'))) {
      expect(checkSource(fs.readFileSync(path.join(FIXTURES, 'untouched', f), 'utf8'), f.replace('.input', '')), f).toEqual([]);
    }
  });
  it('every rule id is documented once', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(8);
    expect(TRANSFORMS.map((t) => t.name).sort()).toEqual(['async-option', 'callbacks', 'imports', 'legacy-engines', 'package-json', 'sync-calls']);
  });
});

describe('mightBeRelevant', () => {
  it('is true for every fixture input that has a finding or a change', () => {
    let relevant = 0;
    for (const { file, name } of inputs) {
      const src = fs.readFileSync(file, 'utf8');
      // Bypass the pre-filter to see what a full run would find.
      const full = runSteps(src, name, [['check', checkStep]]);
      if (full.findings.length) {
        relevant++;
        expect(mightBeRelevant(src), file).toBe(true);
      }
    }
    expect(relevant).toBeGreaterThan(40);
  });
  it('is false for ordinary code', () => {
    expect(mightBeRelevant("const express = require('express');\napp.get('/', (req, res) => res.send('ok'));\n")).toBe(false);
  });
  it('is also served by dist/codemods/lib/prefilter.js, which loads no other module (the CLI requires it in every worker)', () => {
    const dist = path.resolve(__dirname, '../../dist/codemods');
    const script = `const m = require(${JSON.stringify(path.join(dist, 'lib/prefilter.js'))});
      const loaded = Object.keys(require.cache).filter((f) => !f.endsWith('prefilter.js'));
      console.log(JSON.stringify({ loaded, yes: m.mightBeRelevant('engine.signToken(t)'), no: m.mightBeRelevant('x') }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 }));
    expect(out).toEqual({ loaded: [], yes: true, no: false });
    expect(require(path.join(dist, 'pipeline.js')).mightBeRelevant).toBe(require(path.join(dist, 'lib/prefilter.js')).mightBeRelevant);
  });
});

describe('the nearest package.json decides what is a SocketCluster project', () => {
  const engineModule = "const jwt = require('jsonwebtoken');\nmodule.exports = {\n  signToken(t, k, o, callback) { jwt.sign(t, k, o, callback); },\n  verifyToken(t, k, o, callback) { jwt.verify(t, k, o, callback); },\n};\n";
  const worker = "var AuthEngine = require('sc-auth').AuthEngine;\nmodule.exports.run = function (worker) {\n  worker.scServer.setAuthEngine(new AuthEngine());\n};\n";
  function project(pkg: object | null): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-auth-bridge-project-'));
    if (pkg) fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    return dir;
  }

  it('an exported engine-shaped module is a callback engine only in a SocketCluster project (else a jsonwebtoken helper)', () => {
    const sc = project({ dependencies: { socketcluster: '^14.4.2' } });
    const express = project({ dependencies: { express: '^4.0.0' } });
    expect(checkSource(engineModule, path.join(sc, 'auth.js')).map((f) => f.rule)).toEqual(['callback-engine', 'callback-engine']);
    expect(checkSource(engineModule, path.join(express, 'auth.js'))).toEqual([]);
    expect(migrateSource(engineModule, path.join(express, 'auth.js')).changed).toBe(false);
  });

  it('an sc-auth engine handed to the server moves to ag-auth only when the project runs socketcluster-server 15+', () => {
    const modern = project({ dependencies: { 'socketcluster-server': '^17.0.0', 'sc-auth': '^5.0.2' } });
    const old = project({ dependencies: { socketcluster: '~14.4.2', 'sc-auth': '^5.0.2' } });
    const unknown = project({ dependencies: { 'sc-auth': '^5.0.2' } });
    expect(migrateSource(worker, path.join(modern, 'worker.js')).output).toContain("require('ag-auth')");
    for (const dir of [old, unknown]) {
      const r = migrateSource(worker, path.join(dir, 'worker.js'));
      expect(r.output).toContain("require('sc-auth-bridge').AuthEngine");
      expect(r.findings.map((f) => f.rule)).toEqual(['bridge-import']);
    }
  });
});

describe('migratePackageJson: the sc-auth-bridge dependency', () => {
  const pkg = '{\n  "name": "app",\n  "dependencies": {\n    "sc-auth": "^5.0.2"\n  }\n}\n';
  it('is a file: path to a source checkout that ran the migration, with an info finding', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-dep-'));
    try {
      const checkout = path.join(dir, 'tools', 'sc-auth-bridge');
      const r = migratePackageJson(pkg, path.join(dir, 'app', 'package.json'), { needsBridge: true, needsAgAuth: false, runningCopy: checkout });
      expect(JSON.parse(r.output).dependencies).toEqual({ 'sc-auth-bridge': 'file:../tools/sc-auth-bridge' });
      expect(r.findings.map((f) => [f.rule, f.severity])).toEqual([['bridge-import', 'info']]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
  it('is the version range of an installed copy (inside node_modules): never a path into node_modules', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-dep-'));
    try {
      const installed = path.join(dir, 'node_modules', 'sc-auth-bridge');
      fs.mkdirSync(installed, { recursive: true });
      fs.writeFileSync(path.join(installed, 'package.json'), JSON.stringify({ name: 'sc-auth-bridge', version: '9.8.7' }));
      const r = migratePackageJson(pkg, path.join(dir, 'package.json'), { needsBridge: true, needsAgAuth: false, runningCopy: installed });
      expect(JSON.parse(r.output).dependencies).toEqual({ 'sc-auth-bridge': '^9.8.7' });
      expect(r.findings).toEqual([]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('TypeScript imports follow the project tsconfig', () => {
  const src = "import { AuthEngine } from 'sc-auth';\nexport const e = new AuthEngine();\n";
  const project = (compilerOptions: object) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codemod-ts-'));
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
    fs.mkdirSync(path.join(dir, 'src'));
    return dir;
  };
  it('uses import = require() for CommonJS without esModuleInterop (a default import would be undefined)', () => {
    const dir = project({ module: 'commonjs' });
    try {
      expect(migrateSource(src, path.join(dir, 'src/a.ts')).output).toBe("import AuthEngine = require('ag-auth');\nexport const e = new AuthEngine();\n");
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
  it('writes the import = require() in the file\'s style: no blank line after a moved comment, no semicolon in a no-semicolon file', () => {
    const dir = project({ module: 'commonjs' });
    try {
      const withComment = "// header\nimport { AuthEngine } from 'sc-auth';\nimport * as http from 'http';\n\nexport const e = new AuthEngine(http);\n";
      expect(migrateSource(withComment, path.join(dir, 'src/a.ts')).output)
        .toBe("// header\nimport AuthEngine = require('ag-auth');\nimport * as http from 'http';\n\nexport const e = new AuthEngine(http);\n");
      const bare = 'import * as scAuth from "sc-auth"\nimport * as http from "http"\nexport const e = new scAuth.AuthEngine(http)\n';
      expect(migrateSource(bare, path.join(dir, 'src/b.ts')).output)
        .toBe('import scAuth = require("ag-auth")\nimport * as http from "http"\nexport const e = new scAuth(http)\n');
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
  it('uses the default import with esModuleInterop, and in .mts files', () => {
    const dir = project({ module: 'commonjs', esModuleInterop: true });
    try {
      expect(migrateSource(src, path.join(dir, 'src/a.ts')).output).toBe("import AuthEngine from 'ag-auth';\nexport const e = new AuthEngine();\n");
      expect(migrateSource(src, path.join(dir, 'src/a.mts')).output).toContain("import AuthEngine from 'ag-auth';");
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});

describe('standalone transforms', () => {
  it('never touch files under node_modules', () => {
    const src = "const { AuthEngine } = require('sc-auth');\n";
    expect(imports({ path: 'node_modules/x/index.js', source: src }, { report() {} } as any, {})).toBeUndefined();
    expect(imports({ path: 'lib/index.js', source: src }, { report() {} } as any, {})).toBe("const AuthEngine = require('ag-auth');\n");
  });

  const built = path.resolve(__dirname, '../../dist/codemods/imports.js');
  it.skipIf(!fs.existsSync(built))('run through the jscodeshift CLI from dist/', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codemod-cli-'));
    try {
      const file = path.join(dir, 'worker.ts');
      fs.writeFileSync(file, "import { AuthEngine } from 'sc-auth';\nexport const e: AuthEngine = new AuthEngine();\n");
      const bin = path.resolve(__dirname, '../../node_modules/jscodeshift/bin/jscodeshift.js');
      execFileSync(process.execPath, [bin, '--run-in-band', '--silent', '-t', built, file], { timeout: 60_000 });
      expect(fs.readFileSync(file, 'utf8')).toBe("import AuthEngine from 'ag-auth';\nexport const e: AuthEngine = new AuthEngine();\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
