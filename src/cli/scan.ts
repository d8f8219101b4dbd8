// The shared front half of migrate and check: list files, read them, let the text pre-filter skip
// most without parsing, and run the pipeline on the rest (in workers when there are enough).
import fs from 'node:fs';
import type { CliOptions } from './args';
import { collectFiles } from './files';
import { pipeline } from './pipeline';
import { runAll, type SourceTask } from './pool';
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

export async function scan(opts: CliOptions, mode: Mode, cwd: string): Promise<ScanResult> {
  const { sources, packageJsons } = collectFiles(opts.paths, { extensions: opts.extensions, ignore: opts.ignore, cwd });
  const progress = createProgress(sources.length, mode === 'migrate' ? 'migrating' : 'checking', process.stderr);
  const tasks: SourceTask[] = [];
  const originals = new Map<string, string>();
  const readFailures: Failure[] = [];
  let skipped = 0;
  try {
    const { mightBeRelevant } = pipeline();
    for (const file of sources) {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (err) {
        readFailures.push({ file, ...toFailure(err) });
        progress.tick();
        continue;
      }
      const source = bytes.toString('utf8');
      if (mightBeRelevant(source)) {
        // Decoding replaced invalid bytes with U+FFFD: writing it back would corrupt the file.
        if (source.includes('\uFFFD') && !Buffer.from(source, 'utf8').equals(bytes)) {
          readFailures.push({ file, name: 'EncodingError', code: 'ERR_SC_AUTH_BRIDGE_ENCODING', message: 'not valid UTF-8; left as it is' });
          progress.tick();
          continue;
        }
        tasks.push({ file, source });
        originals.set(file, source);
      } else {
        skipped++;
        progress.tick();
      }
    }
    const { results, threads } = await runAll(tasks, { mode, target: opts.target, engineNames: opts.engineNames }, opts.jobs, () =>
      progress.tick(),
    );
    return { sources, packageJsons, results, originals, skippedWithoutParsing: skipped, readFailures, threads };
  } finally {
    progress.done();
  }
}
