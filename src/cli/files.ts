// Which files a run looks at: chosen the way git sees them. Inside a work tree, git itself lists
// them (exact .gitignore semantics); outside one, a walk reads .gitignore files at every level with
// the `ignore` package. Either way node_modules (vendored copies too), build output, minified
// bundles and symlinks are skipped: a symlink is never followed, so nothing outside the tree is
// read or written.
import fs from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { UsageError } from './errors';
import { gitListFiles, gitListFilesAsync } from './git';

type IgnoreModule = typeof import('ignore');
let ignoreModule: IgnoreModule | undefined;
/** The `ignore` package, loaded when first needed: a git tree without --ignore never needs it. */
function ignore(): IgnoreModule {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (ignoreModule ??= require('ignore') as IgnoreModule);
}

/** Directory names never descended into below a path the user gave. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules', 'bower_components', 'jspm_packages', '.git', '.hg', '.svn',
  'dist', 'build', 'coverage', '.nyc_output', '.next', '.nuxt', '.svelte-kit', '.output',
  '.turbo', '.cache', '.parcel-cache', '.vercel', '.serverless', '.yarn',
]);

export interface CollectOptions {
  extensions: readonly string[];
  /** gitignore-style patterns from --ignore, matched against paths relative to `cwd`. */
  ignore: readonly string[];
  cwd: string;
  /**
   * false: git's list is taken without an lstat per file, for a caller that opens each file
   * without following symlinks and skips what is not a regular file (scan.ts: one syscall less
   * per file). Default true.
   */
  checkFileType?: boolean;
  /** git's lists of the given directories (by real path), asked for ahead of time (startGitLists). */
  gitLists?: ReadonlyMap<string, string[] | null>;
}

export interface FileSet {
  /** Absolute paths of source files, sorted. */
  sources: string[];
  /** Absolute paths of package.json files, sorted. */
  packageJsons: string[];
}

function isMinified(name: string): boolean {
  return /\.min\.[cm]?js$/i.test(name);
}

function hasSkippedSegment(relFromRoot: string): boolean {
  const segments = relFromRoot.split(/[\\/]/);
  segments.pop(); // the file name itself
  return segments.some((s) => SKIPPED_DIRS.has(s));
}

/** Walks `root` without git, honouring .gitignore files at every level (nearest wins, like git). */
export function walkTree(root: string): string[] {
  const out: string[] = [];
  const rules: Array<{ base: string; ig: Ignore }> = [];

  const ignoredBy = (abs: string, isDir: boolean): boolean => {
    let ignored = false;
    for (const { base, ig } of rules) {
      const rel = path.relative(base, abs).split(path.sep).join('/') + (isDir ? '/' : '');
      const { ignored: i, unignored: u } = ig.test(rel);
      if (i) ignored = true;
      else if (u) ignored = false;
    }
    return ignored;
  };

  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable directory: nothing in it can be migrated anyway
    }
    const hasRules = entries.some((e) => e.name === '.gitignore' && e.isFile());
    if (hasRules) {
      try {
        rules.push({ base: dir, ig: ignore()().add(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')) });
      } catch {
        /* unreadable .gitignore: treat as absent */
      }
    }
    for (const e of entries) {
      if (e.isSymbolicLink()) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIPPED_DIRS.has(e.name) || ignoredBy(abs, true)) continue;
        visit(abs);
      } else if (e.isFile() && !ignoredBy(abs, false)) {
        out.push(abs);
      }
    }
    if (hasRules) rules.pop();
  };

  visit(root);
  return out;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A path for messages and reports: relative to cwd when inside it, posix separators. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  return toPosix(rel === '' ? '.' : rel);
}

/**
 * Starts git's listing of every directory among `paths` (real path -> list, as collectFiles takes
 * them); `asked` is how many were started, `lists` is complete once `done` resolves. A path that
 * does not exist or is a file is left to collectFiles.
 */
export function startGitLists(paths: readonly string[], cwd: string): { asked: number; done: Promise<Map<string, string[] | null>> } {
  const pending: Array<Promise<void>> = [];
  const lists = new Map<string, string[] | null>();
  for (const given of paths) {
    let real: string;
    try {
      real = fs.realpathSync(path.resolve(cwd, given));
      if (!fs.statSync(real).isDirectory() || lists.has(real)) continue;
    } catch {
      continue;
    }
    lists.set(real, null);
    pending.push(gitListFilesAsync(real).then((files) => { lists.set(real, files); }));
  }
  return { asked: pending.length, done: Promise.all(pending).then(() => lists) };
}

export function collectFiles(paths: readonly string[], opts: CollectOptions): FileSet {
  const exts = new Set(opts.extensions.map((e) => e.toLowerCase()));
  const userIgnore = opts.ignore.length > 0 ? ignore()().add([...opts.ignore]) : null;
  const sources = new Set<string>();
  const packageJsons = new Set<string>();

  const userIgnored = (abs: string, root: string): boolean => {
    if (!userIgnore) return false;
    let rel = path.relative(opts.cwd, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) rel = path.relative(root, abs);
    rel = toPosix(rel);
    return rel !== '' && ignore().isPathValid(rel) && userIgnore.ignores(rel);
  };

  for (const given of paths) {
    const abs = path.resolve(opts.cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new UsageError(`path not found: ${given}`);
    }
    const real = fs.realpathSync(abs);
    if (stat.isFile()) {
      // A file named explicitly is taken whatever its extension: the user asked for it.
      (path.basename(real) === 'package.json' ? packageJsons : sources).add(real);
      continue;
    }
    if (!stat.isDirectory()) throw new UsageError(`not a file or directory: ${given}`);

    const listed = opts.gitLists?.has(real) ? opts.gitLists.get(real)! : gitListFiles(real);
    // The walk never yields symlinks or special files; git's list can (and deleted tracked files).
    const verify = listed !== null && opts.checkFileType !== false;
    const candidates = listed ?? walkTree(real);

    const prefix = real.endsWith(path.sep) ? real : real + path.sep;
    for (const file of candidates) {
      // Both lists hold paths joined onto `real`: slicing is path.relative without its cost.
      const relFromRoot = file.startsWith(prefix) ? file.slice(prefix.length) : path.relative(real, file);
      if (hasSkippedSegment(relFromRoot)) continue;
      const name = path.basename(file);
      const isPkg = name === 'package.json';
      if (!isPkg && (!exts.has(path.extname(name).toLowerCase()) || isMinified(name))) continue;
      if (userIgnored(file, real)) continue;
      if (verify) {
        // git lists symlinks and deleted-but-tracked files; neither is read or written.
        let lst: fs.Stats;
        try {
          lst = fs.lstatSync(file);
        } catch {
          continue;
        }
        if (!lst.isFile()) continue;
      }
      (isPkg ? packageJsons : sources).add(file);
    }
  }
  return { sources: [...sources].sort(), packageJsons: [...packageJsons].sort() };
}
