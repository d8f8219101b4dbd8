// Worker thread entry (see pool.ts): receives the files it may take, takes the next one by bumping
// the shared counter, answers { id, result } for each it processed, and 'done' once the counter
// is past the end.
import { parentPort, workerData } from 'node:worker_threads';
import { pipeline } from './pipeline';
import { processSource, type FileResult, type ProcessOptions } from './process-file';

export interface WorkerSetup { options: ProcessOptions; counter: Int32Array }
export type ToWorker =
  | { kind: 'task'; id: number; file: string; source: string }
  | { kind: 'end'; total: number };
export type FromWorker = { kind: 'result'; id: number; result: FileResult } | { kind: 'done' };

const setup = workerData as WorkerSetup | undefined;
const port = parentPort;
if (port && setup) {
  const received = new Map<number, { file: string; source: string }>();
  let total: number | undefined;
  /** The index this thread took and has not processed yet (its file may still be on the way). */
  let taken: number | undefined;
  let done = false;

  const drain = (): void => {
    while (!done) {
      taken ??= Atomics.add(setup.counter, 0, 1);
      if (total !== undefined && taken >= total) {
        done = true;
        const bye: FromWorker = { kind: 'done' };
        port.postMessage(bye);
        return;
      }
      const task = received.get(taken);
      if (!task) return; // still being read by the main thread: wait for its message
      received.delete(taken);
      const answer: FromWorker = { kind: 'result', id: taken, result: processSource(task.file, task.source, setup.options) };
      taken = undefined;
      port.postMessage(answer);
    }
  };

  port.on('message', (m: ToWorker) => {
    if (m.kind === 'task') received.set(m.id, { file: m.file, source: m.source });
    else total = m.total;
    drain();
  });
  // Started because files are coming: load the parsers now, while the main thread reads on (a
  // comment naming a word of the pre-filter gets parsed; the answer is thrown away).
  try {
    pipeline().checkSource('// signToken\n', '__sc-auth-bridge-warm-up__.js');
  } catch {
    /* a real file will report whatever this was */
  }
}
