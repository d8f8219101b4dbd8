// Git queries, through the git binary: its own answer to "which files does this repository have"
// and "which of them differ from HEAD" is the only exact one (.gitignore, info/exclude, global
// excludes, negations, submodules). Every call is bounded; no git, or not a repository, means null.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

const GIT_TIMEOUT_MS = 60_000;
const MAX_BUFFER = 256 * 1024 * 1024;

function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_BUFFER,
    });
  } catch {
    return null;
  }
}

/** Absolute path of the work tree holding `dir`, or null when `dir` is not inside one. */
export function gitTopLevel(dir: string): string | null {
  const out = git(dir, ['rev-parse', '--show-toplevel']);
  return out === null ? null : path.resolve(out.trim());
}

/**
 * Absolute paths of tracked and untracked-but-not-ignored files under `dir`, or null when `dir` is
 * not inside a work tree (or git is missing). Run from `dir` itself, git prints paths relative to
 * it, which saves asking for the top level first.
 */
export function gitListFiles(dir: string): string[] | null {
  const out = git(dir, LS_FILES);
  return out === null ? null : listedPaths(dir, out);
}

/** gitListFiles without blocking: the caller has work to do while git reads the tree. */
export function gitListFilesAsync(dir: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    execFile('git', LS_FILES, { cwd: dir, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, maxBuffer: MAX_BUFFER }, (err, out) => {
      resolve(err ? null : listedPaths(dir, out));
    }).stdin?.end();
  });
}

// -x node_modules: a repository that forgot to ignore node_modules would otherwise list every
// untracked dependency file, all of which the CLI skips anyway.
const LS_FILES = ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '-x', 'node_modules'];

function listedPaths(dir: string, out: string): string[] {
  const files = new Set<string>();
  // git prints normalised '/'-separated paths: on POSIX a concatenation is path.join without its
  // cost (measurable on tens of thousands of files).
  const base = dir.endsWith(path.sep) ? dir : dir + path.sep;
  const posix = path.sep === '/';
  for (const entry of out.split('\0')) {
    // A nested repository shows up as "dir/"; its files are not ours to list.
    if (entry === '' || entry.endsWith('/')) continue;
    files.add(posix ? base + entry : path.join(dir, entry));
  }
  return [...files];
}

/**
 * Absolute paths of files in the work tree `top` that differ from HEAD: modified, staged, added,
 * deleted, renamed, or untracked (an untracked file has no committed copy to go back to).
 */
export function gitDirtyFiles(top: string): Set<string> | null {
  const out = git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=no']);
  if (out === null) return null;
  const dirty = new Set<string>();
  const entries = out.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!entry || entry.length < 4) continue;
    const status = entry.slice(0, 2);
    dirty.add(path.join(top, entry.slice(3)));
    // Renames and copies carry the original path as the next NUL-separated field.
    if (status.includes('R') || status.includes('C')) i++;
  }
  return dirty;
}
