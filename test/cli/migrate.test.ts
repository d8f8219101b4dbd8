// migrate on temporary trees through the built binary: writes, dry runs, git safety, failures,
// package.json, and the round trip migrate -> check.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cleanup, git, gitInitCommit, read, run, tempDir, writeTree } from './helpers';
import { BROKEN, LEGACY_SIGN, LEGACY_TREE, LEGACY_VERIFY, NEEDS_REVIEW, PACKAGE_JSON } from './fixtures';

afterAll(cleanup);
// Each test runs the binary several times; on a loaded CI machine that can take a while.
vi.setConfig({ testTimeout: 120_000 });

function legacyTree(): string {
  const dir = tempDir();
  writeTree(dir, LEGACY_TREE);
  return dir;
}

function snapshot(dir: string): Map<string, { text: string; mtimeMs: number; ino: number }> {
  const out = new Map<string, { text: string; mtimeMs: number; ino: number }>();
  const visit = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else {
        const st = fs.statSync(p);
        out.set(path.relative(dir, p), { text: fs.readFileSync(p, 'utf8'), mtimeMs: st.mtimeMs, ino: st.ino });
      }
    }
  };
  visit(dir);
  return out;
}

describe('migrate', () => {
  it('rewrites legacy files and package.json, leaves the rest untouched, and check then exits 0', () => {
    const dir = legacyTree();
    fs.chmodSync(path.join(dir, 'src/sign.js'), 0o750);
    const before = snapshot(dir);
    const r = run(['migrate'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sc-auth-bridge migrate: 4 files scanned, 1 skipped without parsing, 2 changed, 1 unchanged, 0 failed, \d+ manual findings, .*1 package\.json updated in \d+\.\d\ds/);

    const after = snapshot(dir);
    for (const f of ['src/verify.js', 'src/sign.js', 'package.json']) {
      expect(after.get(f)!.text, f).not.toBe(before.get(f)!.text);
      expect(after.get(f)!.text).not.toMatch(/['"]sc-auth['"]/);
    }
    expect(read(dir, 'src/verify.js')).toMatch(/\.then\(/);
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toMatchObject({ 'ag-auth': expect.any(String), 'socketcluster-server': '^14.7.2' });
    expect(fs.statSync(path.join(dir, 'src/sign.js')).mode & 0o777).toBe(0o750);
    // Files with nothing to do are not rewritten: same inode, same mtime, same bytes.
    for (const f of ['src/helpers/jwt.js', 'src/math.ts', 'node_modules/sc-auth/index.js']) {
      expect(after.get(f), f).toEqual(before.get(f));
    }
    // No temp files left behind.
    expect([...after.keys()].filter((f) => f.includes('.tmp'))).toEqual([]);

    const check = run(['check'], dir);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    // A second migrate has nothing to do.
    const again = run(['migrate', '--json'], dir);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ changed: 0, failed: 0, packageJsonsChanged: 0 });
  });

  it('--dry writes nothing and reports what would change; --print and --diff show it', () => {
    const dir = legacyTree();
    const before = snapshot(dir);
    const dry = run(['migrate', '--dry'], dir);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/2 would change, .*1 package\.json would change/);
    expect(snapshot(dir)).toEqual(before);

    const diff = run(['migrate', '--dry', '--diff', 'src/verify.js'], dir);
    expect(diff.stdout).toMatch(/^--- a\/src\/verify\.js\n\+\+\+ b\/src\/verify\.js\n@@ -\d+,\d+ \+\d+,\d+ @@/m);
    expect(diff.stdout).toMatch(/^-  engine\.verifyToken\(signed, key, \{\}, \(err, decoded\) => \{$/m);
    expect(diff.stdout).toMatch(/^\+.*\.then\(/m);

    const print = run(['migrate', '--dry', '--print', 'src/verify.js'], dir);
    expect(print.stdout.startsWith('==> src/verify.js <==\n')).toBe(true);
    expect(print.stdout).toMatch(/\.then\(/);
    expect(snapshot(dir)).toEqual(before);

    // --print without --dry prints and writes.
    // A named file's package.json is updated too (additively: other files of it still need sc-auth).
    const printed = run(['migrate', '--print', 'src/verify.js'], dir);
    const [verifyPart, pkgPart] = printed.stdout.split('==> package.json <==\n');
    expect(verifyPart.slice('==> src/verify.js <==\n'.length)).toBe(read(dir, 'src/verify.js'));
    expect(pkgPart.startsWith(read(dir, 'package.json'))).toBe(true);
    expect(JSON.parse(read(dir, 'package.json')).dependencies).toMatchObject({ 'sc-auth': '^5.0.2', 'ag-auth': '^2.1.1' });
    expect(pkgPart).toMatch(/manual-review  'sc-auth' is kept: src\/sign\.js of this package was not in this run/);
  });

  it('--target bridge only swaps imports to sc-auth-bridge and leaves the calls', () => {
    const dir = tempDir();
    writeTree(dir, { 'verify.js': LEGACY_VERIFY });
    const r = run(['migrate', '--target', 'bridge'], dir);
    expect(r.code, r.stderr).toBe(0);
    const out = read(dir, 'verify.js');
    expect(out).toMatch(/require\('sc-auth-bridge'\)/);
    expect(out).toContain("engine.verifyToken(signed, key, {}, (err, decoded) => {");
    expect(out.split('\n').slice(1)).toEqual(LEGACY_VERIFY.split('\n').slice(1));
  });

  it('reports what needs a human in every format, and still exits 0 (--target ag-auth given explicitly)', () => {
    const files = { 'review.js': NEEDS_REVIEW };
    const text = run(['migrate', '--target', 'ag-auth', '--dry'], tempDirWith(files));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^review\.js:4:3 {2}manual-review {2}\S/m);
    expect(text.stderr).toMatch(/[1-9]\d* manual findings/);

    const gh = run(['migrate', '--format', 'github', '--dry'], tempDirWith(files));
    expect(gh.code).toBe(0);
    expect(gh.stdout).toMatch(/^::error file=review\.js,line=4,col=3,title=sc-auth-bridge manual-review::\S/m);

    const dir = tempDirWith(files);
    const sarif = run(['migrate', '--format', 'sarif', '--dry'], dir);
    expect(sarif.code).toBe(0);
    const log = JSON.parse(sarif.stdout);
    expect(log.version).toBe('2.1.0');
    const result = log.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'manual-review');
    const line = result.locations[0].physicalLocation.region.startLine;
    expect(read(dir, 'review.js').split('\n')[line - 1]).toMatch(/engine\.signToken\(/);
  });

  it('leaves a file that is not valid UTF-8 byte-identical and reports it', () => {
    const dir = tempDir();
    const latin1 = Buffer.from(LEGACY_VERIFY.replace("'use strict';", '') + '// caf\xe9\n', 'latin1');
    fs.writeFileSync(path.join(dir, 'legacy.js'), latin1);
    const r = run(['migrate', '--json'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).failures).toEqual([expect.objectContaining({ file: 'legacy.js', name: 'EncodingError', code: 'ERR_SC_AUTH_BRIDGE_ENCODING' })]);
    expect(fs.readFileSync(path.join(dir, 'legacy.js')).equals(latin1)).toBe(true);
  });

  it('keeps CRLF line endings', () => {
    const dir = tempDir();
    writeTree(dir, { 'verify.js': LEGACY_VERIFY.replace(/\n/g, '\r\n') });
    expect(run(['migrate'], dir).code).toBe(0);
    const out = read(dir, 'verify.js');
    expect(out).toMatch(/\.then\(/);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('a file that fails to parse is reported with the parser message and left byte-identical; the others are migrated', () => {
    const dir = tempDir();
    writeTree(dir, { 'broken.js': BROKEN, 'verify.js': LEGACY_VERIFY, 'package.json': PACKAGE_JSON, 'other/package.json': PACKAGE_JSON, 'other/sign.js': LEGACY_SIGN });
    const r = run(['migrate', '--json'], dir);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.failures).toEqual([
      expect.objectContaining({ file: 'broken.js', name: 'ParseError', code: 'ERR_SC_AUTH_BRIDGE_PARSE', message: expect.stringMatching(/Unexpected token/) }),
      // The package holding the broken file keeps sc-auth: its code still needs it.
      expect.objectContaining({ file: 'package.json', name: 'SkippedPackageJson', message: expect.stringMatching(/broken\.js/) }),
    ]);
    expect(doc.summary).toMatchObject({ failed: 2, changed: 2, packageJsonsChanged: 1 });
    expect(read(dir, 'broken.js')).toBe(BROKEN);
    expect(read(dir, 'package.json')).toBe(PACKAGE_JSON);
    expect(read(dir, 'other/package.json')).not.toMatch(/"sc-auth"/);
    expect(read(dir, 'verify.js')).toMatch(/\.then\(/);
    const text = run(['migrate'], tempDirWith({ 'broken.ts': BROKEN }));
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^broken\.ts:\d+:\d+ {2}failed {2}ParseError: /m);
  });

  it('worker threads (--jobs 2) give the same files as in-process (--jobs 1)', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 80; i++) files[`m${i}.js`] = (i % 2 ? LEGACY_SIGN : LEGACY_VERIFY) + `// ${i}\n`;
    const a = tempDirWith(files);
    const b = tempDirWith(files);
    const one = run(['migrate', '--jobs', '1', '--json'], a);
    const two = run(['migrate', '--jobs', '2', '--json'], b);
    expect(JSON.parse(one.stdout).summary).toMatchObject({ threads: 1, changed: 80, failed: 0 });
    expect(JSON.parse(two.stdout).summary).toMatchObject({ threads: 2, changed: 80, failed: 0 });
    for (const f of Object.keys(files)) {
      expect(read(b, f), f).toBe(read(a, f));
      expect(read(a, f)).not.toBe(files[f]);
    }
  });
});

function tempDirWith(files: Record<string, string>): string {
  const dir = tempDir();
  writeTree(dir, files);
  return dir;
}

describe('migrate in a git work tree', () => {
  it('refuses when files it would change have uncommitted changes, naming them; --force and --dry go ahead', () => {
    const dir = legacyTree();
    writeTree(dir, { '.gitignore': 'node_modules/\n' });
    gitInitCommit(dir);
    fs.appendFileSync(path.join(dir, 'src/sign.js'), '// local edit\n');
    fs.appendFileSync(path.join(dir, 'src/math.ts'), '// unrelated edit, not a file migrate touches\n');
    const before = snapshot(dir);

    const refused = run(['migrate'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^sc-auth-bridge: refusing to migrate: 1 file\(s\) .*uncommitted changes.*--force.*: src\/sign\.js$/m);
    expect(refused.stderr).not.toMatch(/math\.ts/);
    expect(snapshot(dir)).toEqual(before); // nothing written, not even the clean files

    expect(run(['migrate', '--dry'], dir).code).toBe(0);
    expect(snapshot(dir)).toEqual(before);

    const forced = run(['migrate', '--force'], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(read(dir, 'src/sign.js')).toMatch(/\/\/ local edit\n$/);
    expect(read(dir, 'src/sign.js')).not.toMatch(/['"]sc-auth['"]/);
  });

  it('an untracked file counts as uncommitted; a clean tree migrates without --force', () => {
    const dir = tempDir();
    writeTree(dir, { 'README.md': 'x\n' });
    gitInitCommit(dir);
    writeTree(dir, { 'verify.js': LEGACY_VERIFY });
    const r = run(['migrate'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/verify\.js/);
    git(dir, 'add', 'verify.js');
    git(dir, 'commit', '-q', '-m', 'add');
    expect(run(['migrate'], dir).code).toBe(0);
    expect(git(dir, 'status', '--porcelain')).toBe(' M verify.js\n');
  });

  it('refuses when git cannot report the status of the repository holding the files', () => {
    const dir = tempDirWith({ 'verify.js': LEGACY_VERIFY });
    fs.mkdirSync(path.join(dir, '.git')); // looks like a repository, but git cannot read it
    const r = run(['migrate'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^sc-auth-bridge: refusing to migrate: 'git status' failed in \., .*--force/m);
    expect(read(dir, 'verify.js')).toBe(LEGACY_VERIFY);
    expect(run(['migrate', '--force'], dir).code).toBe(0);
    expect(read(dir, 'verify.js')).not.toBe(LEGACY_VERIFY);
  });

  it('checks each repository on its own: a nested repository with a dirty file, a clean outer one', () => {
    const outer = tempDirWith({ 'a.js': LEGACY_VERIFY, 'inner/b.js': LEGACY_SIGN, '.gitignore': 'inner/\n' });
    gitInitCommit(path.join(outer, 'inner'));
    gitInitCommit(outer);
    fs.appendFileSync(path.join(outer, 'inner/b.js'), '// edit\n');
    const r = run(['migrate', '.', 'inner'], outer);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/uncommitted changes.*: inner\/b\.js$/m);
    expect(r.stderr).not.toMatch(/a\.js/);
  });
});

describe('migrate: a project still pinned to socketcluster-server 14', () => {
  // Server 14 brings sc-auth itself, so such a package.json need not list sc-auth: the Promise code
  // migrate writes for scServer.auth still needs server 15+, and the user must hear it.
  const PINNED = JSON.stringify({ name: 'app', dependencies: { socketcluster: '^14.4.2', 'socketcluster-server': '^14.7.0' } }, null, 2) + '\n';
  const WORKER = [
    "module.exports.run = function (worker) {",
    "  var scServer = worker.scServer;",
    "  scServer.on('connection', function (socket) {",
    "    socket.on('check', function (token, respond) {",
    "      scServer.auth.verifyToken(token, 'key', {}, function (err, payload) {",
    "        if (err) return respond(err);",
    "        respond(null, payload.username);",
    "      });",
    "    });",
    "  });",
    "};",
    "",
  ].join('\n');

  it('reports the pin as manual-review when calls were converted, and leaves package.json as it was', () => {
    const dir = tempDir();
    writeTree(dir, { 'package.json': PINNED, 'worker.js': WORKER });
    const r = run(['migrate', '--format', 'json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(read(dir, 'worker.js')).toMatch(/\.then\(/);
    expect(read(dir, 'package.json')).toBe(PINNED);
    const doc = JSON.parse(r.stdout);
    const pin = doc.findings.filter((f: { rule: string; file: string }) => f.rule === 'manual-review' && f.file === 'package.json');
    expect(pin).toHaveLength(1);
    expect(pin[0].message).toMatch(/socketcluster(-server)? \^14\.\S+ is left as it is: .*needs socketcluster-server 15\+/);
  });

  it('says nothing about the pin with --target bridge (the compat engine runs on 14)', () => {
    const dir = tempDir();
    writeTree(dir, { 'package.json': PINNED, 'worker.js': "var AuthEngine = require('sc-auth').AuthEngine;\n" + WORKER });
    const r = run(['migrate', '--target', 'bridge', '--format', 'json'], dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(read(dir, 'worker.js')).toMatch(/require\('sc-auth-bridge'\)/);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.filter((f: { rule: string; file: string }) => f.rule === 'manual-review' && f.file === 'package.json')).toEqual([]);
  });
});
