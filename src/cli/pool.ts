// Spreads relevant files over threads. A worker thread costs its start-up plus loading jscodeshift
// and the parsers (a few hundred ms of CPU), so small runs stay in-process; larger ones use one
// thread per ~MIN_FILES_PER_WORKER relevant files, capped by --jobs. The main thread, which has
// the pipeline loaded already (for the pre-filter), is one of those threads: it processes files
// itself between handing tasks to the workers, so `--jobs 2` costs one extra thread, not two.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { processSource, type FileResult, type ProcessOptions } from './process-file';
import type { Answer, Task } from './worker';

export const MIN_FILES_PER_WORKER = 40;
/** Tasks kept queued at each worker, so it does not idle while the main thread is busy parsing. */
const IN_FLIGHT = 2;

export interface SourceTask { file: string; source: string }

/** Threads to use, the main one included; 0 means in-process only. */
export function workerCount(relevant: number, jobs: number): number {
  if (jobs <= 1) return 0;
  const wanted = Math.floor(relevant / MIN_FILES_PER_WORKER);
  return wanted < 2 ? 0 : Math.min(jobs, wanted);
}

function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function runAll(
  tasks: readonly SourceTask[],
  opts: ProcessOptions,
  jobs: number,
  onResult: (r: FileResult) => void,
): Promise<{ results: FileResult[]; threads: number }> {
  const results: FileResult[] = new Array(tasks.length);
  const threads = workerCount(tasks.length, jobs);
  let next = 0;
  const runHere = (id: number): void => {
    results[id] = processSource(tasks[id].file, tasks[id].source, opts);
    onResult(results[id]);
  };
  if (threads === 0) {
    for (; next < tasks.length; next++) runHere(next);
    return { results, threads: 1 };
  }

  const workers: Worker[] = [];
  const pending = new Map<Worker, Set<number>>();
  // Resolved by the next worker event when the main thread has nothing left to do but wait.
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const feed = (w: Worker): void => {
    const mine = pending.get(w);
    if (!mine) return;
    while (mine.size < IN_FLIGHT && next < tasks.length) {
      const id = next++;
      mine.add(id);
      const task: Task = { id, file: tasks[id].file, source: tasks[id].source };
      w.postMessage(task);
    }
  };
  for (let i = 0; i < threads - 1; i++) {
    const w = new Worker(path.join(__dirname, 'worker.js'), { workerData: opts });
    workers.push(w);
    pending.set(w, new Set());
    w.on('message', (a: Answer) => {
      pending.get(w)?.delete(a.id);
      results[a.id] = a.result;
      onResult(a.result);
      feed(w);
      notify();
    });
    // A worker that dies (out of memory, a bug) gives its files back to the main thread.
    const reclaim = (): void => {
      const lost = pending.get(w);
      if (!lost) return;
      pending.delete(w);
      for (const id of lost) if (!results[id]) runHere(id);
      notify();
    };
    w.on('error', reclaim);
    w.on('exit', reclaim);
    feed(w);
  }
  try {
    for (;;) {
      if (next < tasks.length) {
        runHere(next++);
        await yieldToEvents(); // let worker answers in, so they get their next tasks
        continue;
      }
      if (![...pending.values()].some((ids) => ids.size > 0)) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results, threads };
}
