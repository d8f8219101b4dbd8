// File selection: the way git sees the tree, with and without git.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type * as Files from '../../src/cli/files';
import { cleanup, dist, git, gitInitCommit, tempDir, writeTree } from './helpers';

const { collectFiles, startGitLists, walkTree } = dist<typeof Files>('files.js');
const EXTS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];

afterAll(cleanup);
// Each test runs the binary several times; on a loaded CI machine that can take a while.
vi.setConfig({ testTimeout: 120_000 });

function rel(root: string, files: string[]): string[] {
  return files.map((f) => path.relative(root, f).split(path.sep).join('/')).sort();
}

const TREE = {
  'a.js': '', 'b.ts': '', 'c.tsx': '', 'd.mjs': '', 'e.cjs': '', 'f.jsx': '', 'g.mts': '', 'h.cts': '',
  'readme.md': '', 'style.css': '', 'lib/x.min.js': '',
  'package.json': '{}',
  'node_modules/sc-auth/index.js': '',
  'vendor/node_modules/sc-auth/index.js': '',
  'packages/p/node_modules/q/i.js': '',
  'dist/out.js': '', 'build/out.js': '', 'coverage/lcov.js': '', '.next/x.js': '',
  'packages/p/package.json': '{}', 'packages/p/src/i.ts': '',
  'logs/debug.js': '',
  'gen/keep.js': '', 'gen/drop.js': '',
  '.gitignore': 'logs/\n/gen/*\n!/gen/keep.js\n',
  'sub/.gitignore': 'local.js\n',
  'sub/local.js': '', 'sub/other.js': '', 'local.js': '',
};

const EXPECTED_SOURCES = [
  'a.js', 'b.ts', 'c.tsx', 'd.mjs', 'e.cjs', 'f.jsx', 'g.mts', 'gen/keep.js', 'h.cts', 'local.js',
  'packages/p/src/i.ts', 'sub/other.js',
];

describe('collectFiles without git (the ignore package walk)', () => {
  it('honours nested .gitignore files and negations, skips node_modules, build output, minified files', () => {
    const root = tempDir();
    writeTree(root, TREE);
    const set = collectFiles(['.'], { extensions: EXTS, ignore: [], cwd: root });
    expect(rel(root, set.sources)).toEqual(EXPECTED_SOURCES);
    expect(rel(root, set.packageJsons)).toEqual(['package.json', 'packages/p/package.json']);
  });

  it('never follows a symlink, to a file or a directory outside the tree', () => {
    const outside = tempDir();
    writeTree(outside, { 'secret.js': 'x', 'dir/inner.js': 'y' });
    const root = tempDir();
    writeTree(root, { 'real.js': '' });
    fs.symlinkSync(path.join(outside, 'secret.js'), path.join(root, 'link.js'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'linkdir'));
    expect(rel(root, walkTree(root))).toEqual(['real.js']);
    const set = collectFiles(['.'], { extensions: EXTS, ignore: [], cwd: root });
    expect(rel(root, set.sources)).toEqual(['real.js']);
  });

  it('applies --extensions and repeatable --ignore globs relative to the working directory', () => {
    const root = tempDir();
    writeTree(root, { 'src/a.js': '', 'src/a.test.js': '', 'src/legacy/b.js': '', 'src/c.ts': '' });
    const set = collectFiles(['src'], { extensions: ['.js'], ignore: ['*.test.js', 'src/legacy/'], cwd: root });
    expect(rel(root, set.sources)).toEqual(['src/a.js']);
  });

  it('takes a file named explicitly whatever its extension, and rejects a missing path', () => {
    const root = tempDir();
    writeTree(root, { 'tool.es6': '' });
    expect(rel(root, collectFiles(['tool.es6'], { extensions: EXTS, ignore: [], cwd: root }).sources)).toEqual(['tool.es6']);
    expect(() => collectFiles(['missing'], { extensions: EXTS, ignore: [], cwd: root })).toThrow(
      expect.objectContaining({ name: 'UsageError', code: 'ERR_SC_AUTH_BRIDGE_USAGE', message: 'path not found: missing' }),
    );
  });
});

describe('collectFiles inside a git work tree', () => {
  it('lists tracked and untracked files as git does, minus ignored, deleted and symlinked ones', () => {
    const root = tempDir();
    writeTree(root, TREE);
    gitInitCommit(root);
    // The node_modules copies are committed (vendored), and still skipped.
    expect(git(root, 'ls-files')).toContain('vendor/node_modules/sc-auth/index.js');
    writeTree(root, { 'new-untracked.js': '', 'logs/ignored-untracked.js': '' });
    fs.rmSync(path.join(root, 'a.js')); // tracked but deleted from the work tree
    fs.symlinkSync('/etc/hostname', path.join(root, 'link.js'));
    const set = collectFiles(['.'], { extensions: EXTS, ignore: [], cwd: root });
    const expected = [...EXPECTED_SOURCES.filter((f) => f !== 'a.js'), 'new-untracked.js'].sort();
    expect(rel(root, set.sources)).toEqual(expected);
  });

  it('takes the same list from git when it was asked for ahead of time (scan loads the parsers meanwhile)', async () => {
    const root = tempDir();
    writeTree(root, TREE);
    gitInitCommit(root);
    writeTree(root, { 'new-untracked.js': '', 'logs/ignored-untracked.js': '' });
    const ahead = startGitLists(['.', 'a.js', 'missing-dir'], root);
    expect(ahead.asked).toBe(1); // the directory only: a file or a missing path is collectFiles' to judge
    const gitLists = await ahead.done;
    expect(gitLists.get(fs.realpathSync(root))?.length).toBeGreaterThan(10);
    const opts = { extensions: EXTS, ignore: [], cwd: root };
    expect(collectFiles(['.'], { ...opts, gitLists })).toEqual(collectFiles(['.'], opts));
    // Outside a work tree git answers null, and the walk takes over as before.
    const plain = tempDir();
    writeTree(plain, TREE);
    const none = await startGitLists(['.'], plain).done;
    expect(none.get(fs.realpathSync(plain))).toBeNull();
    expect(collectFiles(['.'], { ...opts, cwd: plain, gitLists: none }).sources.length).toBe(EXPECTED_SOURCES.length);
  });

  it('lists only the subdirectory given, from a cwd elsewhere', () => {
    const root = tempDir();
    writeTree(root, TREE);
    gitInitCommit(root);
    const set = collectFiles([path.join(root, 'packages')], { extensions: EXTS, ignore: [], cwd: tempDir() });
    expect(rel(root, set.sources)).toEqual(['packages/p/src/i.ts']);
    expect(rel(root, set.packageJsons)).toEqual(['packages/p/package.json']);
  });
});
