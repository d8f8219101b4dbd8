// The shared front half of migrate and check: list files, read them, let the text pre-filter skip
// most without parsing, and run the pipeline on the rest (in workers when there are enough).
//
// Speed: most files are read, rejected by the pre-filter and forgotten, so that path does no more
// than open/fstat/read/close into one reused buffer and a regex over its bytes; only files that
// pass are decoded. The pipeline (jscodeshift, recast, babel: ~150 ms to load) is loaded by
// whichever thread first parses a file, never for the pre-filter.
import fs from 'node:fs';
import { mightBeRelevantBytes } from '../../codemods/lib/prefilter';
import type { CliOptions } from './args';
import { collectFiles, startGitLists } from './files';
import { preloadPipeline } from './pipeline';
import { Pool } from './pool';
import { toFailure, type FileResult, type Mode } from './process-file';
import { createProgress } from './progress';
import type { Failure } from './report';

export interface ScanResult {
  sources: string[];
  packageJsons: string[];
  /** Pipeline results for the files the pre-filter let through. */
  results: FileResult[];
  /** The text each relevant file had when read (to diff against and to detect races). */
  originals: Map<string, string>;
  skippedWithoutParsing: number;
  readFailures: Failure[];
  /** Threads that ran the pipeline (1: in-process). */
  threads: number;
}

// O_NOFOLLOW: a symlink (git lists them) fails to open instead of being followed out of the tree.
// O_NONBLOCK: a FIFO does not hang the run (it is then skipped as not a regular file).
const C = fs.constants;
const NO_FOLLOW = typeof C.O_NOFOLLOW === 'number' ? C.O_NOFOLLOW : undefined;
const OPEN_FLAGS = C.O_RDONLY | (NO_FOLLOW ?? 0) | (typeof C.O_NONBLOCK === 'number' ? C.O_NONBLOCK : 0);

/**
 * Not a regular file any more (or never was): skipped like collectFiles' lstat would skip it, not
 * a failure. git lists regular files, symlinks (ELOOP) and submodule directories (EISDIR on read);
 * the walk lists regular files only; EAGAIN is a FIFO or socket opened non-blocking.
 */
const NOT_A_FILE = new Set(['ENOENT', 'ELOOP', 'EISDIR', 'ENOTDIR', 'EAGAIN', 'ENXIO']);

class FileReader {
  private buf = Buffer.allocUnsafe(1 << 20);

  /** The file's bytes, in a buffer reused by the next call; null when it is not a regular file. */
  read(file: string): { bytes: Buffer; length: number } | null {
    if (NO_FOLLOW === undefined && !fs.lstatSync(file).isFile()) return null;
    const fd = fs.openSync(file, OPEN_FLAGS);
    try {
      // No fstat (a Stats object per file costs more than the read): read until the end, growing
      // the buffer when a file fills it; a directory fails the read with EISDIR.
      let length = 0;
      for (;;) {
        if (length === this.buf.length) {
          const bigger = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(bigger, 0, 0, length);
          this.buf = bigger;
        }
        const n = fs.readSync(fd, this.buf, length, this.buf.length - length, null);
        if (n === 0) break;
        length += n;
      }
      return { bytes: this.buf, length };
    } finally {
      fs.closeSync(fd);
    }
  }
}

export async function scan(opts: CliOptions, mode: Mode, cwd: string): Promise<ScanResult> {
  // git reads the tree in its own process; meanwhile this thread loads the parsers, which it needs
  // as soon as one file passes the text filter (the main thread always takes files too).
  const git = startGitLists(opts.paths, cwd);
  if (git.asked > 0) preloadPipeline(mode === 'check');
  const listed = collectFiles(opts.paths, { extensions: opts.extensions, ignore: opts.ignore, cwd, checkFileType: false, gitLists: await git.done });
  const progress = createProgress(listed.sources.length, mode === 'migrate' ? 'migrating' : 'checking', process.stderr);
  const sources: string[] = [];
  const originals = new Map<string, string>();
  const readFailures: Failure[] = [];
  const pool = new Pool({ mode, target: opts.target, engineNames: opts.engineNames }, opts.jobs, () => progress.tick());
  const reader = new FileReader();
  let skipped = 0;
  try {
    for (const file of listed.sources) {
      let got: { bytes: Buffer; length: number } | null;
      try {
        got = reader.read(file);
      } catch (err) {
        if (NOT_A_FILE.has((err as NodeJS.ErrnoException).code ?? '')) got = null;
        else {
          sources.push(file);
          readFailures.push({ file, ...toFailure(err) });
          progress.tick();
          continue;
        }
      }
      if (got === null) {
        progress.tick();
        continue;
      }
      sources.push(file);
      const { bytes, length } = got;
      if (!mightBeRelevantBytes(bytes, length)) {
        skipped++;
        progress.tick();
        continue;
      }
      const source = bytes.toString('utf8', 0, length);
      // Decoding replaced invalid bytes with U+FFFD: writing it back would corrupt the file.
      if (source.includes('\uFFFD') && !Buffer.from(source, 'utf8').equals(bytes.subarray(0, length))) {
        readFailures.push({ file, name: 'EncodingError', code: 'ERR_SC_AUTH_BRIDGE_ENCODING', message: 'not valid UTF-8; left as it is' });
        progress.tick();
        continue;
      }
      pool.add({ file, source });
      originals.set(file, source);
    }
  } catch (err) {
    await pool.close();
    progress.done();
    throw err;
  }
  try {
    const { results, threads } = await pool.finish();
    return { sources, packageJsons: listed.packageJsons, results, originals, skippedWithoutParsing: skipped, readFailures, threads };
  } finally {
    progress.done();
  }
}
