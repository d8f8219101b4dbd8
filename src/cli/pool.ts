// Spreads relevant files over worker threads. A thread costs its start-up plus loading jscodeshift
// and the parsers (a few hundred ms), so small runs stay in-process; larger ones get one worker per
// ~MIN_FILES_PER_WORKER relevant files, capped by --jobs. Tasks are handed out one at a time as
// workers free up, so a few large files do not leave the other threads idle.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { processSource, toFailure, type FileResult, type ProcessOptions } from './process-file';
import type { Answer, Task } from './worker';

export const MIN_FILES_PER_WORKER = 24;

export interface SourceTask { file: string; source: string }

export function workerCount(relevant: number, jobs: number): number {
  if (jobs <= 1) return 0;
  const wanted = Math.floor(relevant / MIN_FILES_PER_WORKER);
  return wanted < 2 ? 0 : Math.min(jobs, wanted);
}

export async function runAll(
  tasks: readonly SourceTask[],
  opts: ProcessOptions,
  jobs: number,
  onResult: (r: FileResult) => void,
): Promise<FileResult[]> {
  const results: FileResult[] = new Array(tasks.length);
  const n = workerCount(tasks.length, jobs);
  if (n === 0) {
    tasks.forEach((t, i) => {
      results[i] = processSource(t.file, t.source, opts);
      onResult(results[i]);
    });
    return results;
  }

  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next >= tasks.length) return;
        const id = next++;
        const task: Task = { id, file: tasks[id].file, source: tasks[id].source };
        w.postMessage(task);
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(path.join(__dirname, 'worker.js'), { workerData: opts });
        workers.push(w);
        w.on('message', (a: Answer) => {
          results[a.id] = a.result;
          onResult(a.result);
          if (++done === tasks.length) resolve();
          else feed(w);
        });
        w.on('error', (err) => reject(err));
        feed(w);
      }
    });
  } catch (err) {
    // A worker died (out of memory, a bug): finish its files in-process, each failing on its own.
    for (let i = 0; i < tasks.length; i++) {
      if (results[i]) continue;
      try {
        results[i] = processSource(tasks[i].file, tasks[i].source, opts);
      } catch (inner) {
        results[i] = { file: tasks[i].file, status: 'failed', findings: [], needsBridge: false, needsAgAuth: false, error: toFailure(inner ?? err) };
      }
      onResult(results[i]);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
