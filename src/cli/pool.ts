// Spreads relevant files over threads while they are still being read. A worker thread costs its
// start-up, loading jscodeshift and the parsers, and a second JIT warm-up, which pays once a few
// dozen files need parsing and a core is free: the first worker starts when MIN_FILES_PER_WORKER
// relevant files have been found, so it loads while the main thread is still reading the rest of
// the tree and is already parsing when the reading ends. The main thread then loads the pipeline
// and works too.
//
// Balancing: every thread takes the next file by bumping one shared counter (Atomics), so no thread
// waits for another to hand it work: the main thread is busy (reading, loading, parsing) and could
// not answer a worker asking for more. Each worker is sent every file from the counter's value at
// its start on (it may take any of them) and stops at the total sent with the 'end' message.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { processSource, type FileResult, type Mode, type ProcessOptions } from './process-file';
import type { FromWorker, ToWorker, WorkerSetup } from './worker';

/**
 * Relevant files that justify one more thread (the first worker starts at this count). A worker
 * costs several hundred ms of CPU before it is as fast as the main thread (start-up, loading, and
 * above all warming up the JIT for babel and ast-types a second time: a cold parse is ~5x a warm
 * one); a file costs ~5-10 ms to check and 3-4 times that to migrate (recast, printing, the syntax
 * check of the output), so migrate pays for a worker sooner. On a 25-file tree, a worker made check
 * slower and migrate faster. Whether a core is free at all is --jobs' business (args.ts).
 */
export const MIN_FILES_PER_WORKER: Readonly<Record<Mode, number>> = { check: 40, migrate: 16 };

export interface SourceTask { file: string; source: string }

/** Threads to use for `relevant` files, the main one included; 0 means in-process only. */
export function workerCount(relevant: number, jobs: number, mode: Mode = 'migrate'): number {
  if (jobs <= 1) return 0;
  const wanted = 1 + Math.floor(relevant / MIN_FILES_PER_WORKER[mode]);
  return wanted < 2 ? 0 : Math.min(jobs, wanted);
}

interface WorkerState {
  worker: Worker;
  /** Said 'done' (took an index past the end) or exited. */
  finished: boolean;
}

/**
 * Feed it with add() as relevant files are found, then finish(). Results come back in the order
 * the files were added.
 */
export class Pool {
  private readonly tasks: SourceTask[] = [];
  private readonly results: (FileResult | undefined)[] = [];
  /** [0]: next task index to take. */
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private readonly workers: WorkerState[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly opts: ProcessOptions,
    private readonly jobs: number,
    private readonly onResult: (r: FileResult) => void,
  ) {}

  add(task: SourceTask): void {
    const id = this.tasks.length;
    this.tasks.push(task);
    for (const w of this.workers) this.send(w, { kind: 'task', id, file: task.file, source: task.source });
    if (this.workers.length + 1 < workerCount(this.tasks.length, this.jobs, this.opts.mode)) this.spawn();
  }

  /** Processes what is left on this thread too; resolves when every file has a result. */
  async finish(): Promise<{ results: FileResult[]; threads: number }> {
    this.ended = true;
    for (const w of this.workers) this.send(w, { kind: 'end', total: this.tasks.length });
    try {
      for (;;) {
        const id = Atomics.add(this.counter, 0, 1);
        if (id >= this.tasks.length) break;
        this.runHere(id);
      }
      while (this.workers.some((w) => !w.finished)) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
      // A worker that died (out of memory, a bug) leaves files without results: do them here.
      for (let id = 0; id < this.tasks.length; id++) if (!this.results[id]) this.runHere(id);
    } finally {
      await Promise.all(this.workers.map((w) => w.worker.terminate()));
    }
    return { results: this.results as FileResult[], threads: 1 + this.workers.length };
  }

  /** Stops the workers without waiting for results (after an error in the caller). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private runHere(id: number): void {
    const r = processSource(this.tasks[id].file, this.tasks[id].source, this.opts);
    this.results[id] = r;
    this.onResult(r);
  }

  private send(w: WorkerState, message: ToWorker): void {
    if (!w.finished) w.worker.postMessage(message);
  }

  private spawn(): void {
    const setup: WorkerSetup = { options: this.opts, counter: this.counter };
    const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: setup });
    const state: WorkerState = { worker, finished: false };
    this.workers.push(state);
    const settle = (): void => {
      state.finished = true;
      const w = this.wake;
      this.wake = undefined;
      w?.();
    };
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'done') settle();
      else if (!this.results[m.id]) {
        this.results[m.id] = m.result;
        this.onResult(m.result);
      }
    });
    worker.on('error', settle);
    worker.on('exit', settle);
    // Every file it might take: those not taken yet (the counter only grows).
    const from = Math.min(Atomics.load(this.counter, 0), this.tasks.length);
    for (let id = from; id < this.tasks.length; id++) {
      this.send(state, { kind: 'task', id, file: this.tasks[id].file, source: this.tasks[id].source });
    }
    if (this.ended) this.send(state, { kind: 'end', total: this.tasks.length });
  }
}

/** All tasks at once (the pool without streaming). */
export async function runAll(
  tasks: readonly SourceTask[],
  opts: ProcessOptions,
  jobs: number,
  onResult: (r: FileResult) => void,
): Promise<{ results: FileResult[]; threads: number }> {
  const pool = new Pool(opts, jobs, onResult);
  for (const t of tasks) pool.add(t);
  return pool.finish();
}
