// Worker thread entry: receives { id, file, source } tasks, answers { id, result }.
import { parentPort, workerData } from 'node:worker_threads';
import { processSource, type FileResult, type ProcessOptions } from './process-file';

export interface Task { id: number; file: string; source: string }
export interface Answer { id: number; result: FileResult }

const options = workerData as ProcessOptions;
const port = parentPort;
if (port) {
  port.on('message', (task: Task) => {
    const answer: Answer = { id: task.id, result: processSource(task.file, task.source, options) };
    port.postMessage(answer);
  });
}
