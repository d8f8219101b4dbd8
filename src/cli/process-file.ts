// The work done on one file, identical in the main thread and in a worker: pre-filter, then parse
// once through the pipeline. Never throws: a failure becomes part of the result, so one bad file
// cannot stop a run.
import { fingerprintOf, lineAt } from './fingerprint';
import { pipeline, type Finding, type ModuleFacts, type Target } from './pipeline';

export type Mode = 'migrate' | 'check';

export interface ReportedFinding extends Finding {
  fingerprint: string;
}

export interface FileFailure {
  name: string;
  code?: string;
  message: string;
  line?: number;
  column?: number;
}

export interface FileResult {
  /** The path as given to the task (absolute). */
  file: string;
  status: 'changed' | 'unchanged' | 'failed';
  /** New text, only when changed. */
  output?: string;
  findings: ReportedFinding[];
  needsBridge: boolean;
  needsAgAuth: boolean;
  /** What the project pass needs to know of this file (absent when it failed). */
  facts?: ModuleFacts;
  error?: FileFailure;
}

export interface ProcessOptions {
  mode: Mode;
  target: Target;
  engineNames: string[];
  /** Project pass (re-runs only): see PipelineOptions. */
  engineModules?: Record<string, string[]>;
  keepBridge?: string;
  legacyEngineModules?: Record<string, string[]>;
  bridgedExports?: Record<string, string>;
  externalCallers?: Record<string, string>;
}

function withFingerprints(findings: Finding[], text: string, file: string): ReportedFinding[] {
  return findings.map((f) => ({ ...f, file, fingerprint: fingerprintOf(lineAt(text, f.line)) }));
}

export function toFailure(err: unknown): FileFailure {
  if (err instanceof Error) {
    const e = err as Error & { code?: unknown; line?: unknown; column?: unknown };
    return {
      name: e.name,
      code: typeof e.code === 'string' ? e.code : undefined,
      message: e.message.split('\n')[0] ?? e.message,
      line: typeof e.line === 'number' ? e.line : undefined,
      column: typeof e.column === 'number' ? e.column : undefined,
    };
  }
  return { name: 'Error', message: String(err) };
}

/** Runs the pipeline on a source the pre-filter already judged relevant. */
export function processSource(file: string, source: string, opts: ProcessOptions): FileResult {
  const p = pipeline();
  const pipelineOptions = {
    target: opts.target, engineNames: opts.engineNames, engineModules: opts.engineModules, keepBridge: opts.keepBridge,
    legacyEngineModules: opts.legacyEngineModules, bridgedExports: opts.bridgedExports,
    externalCallers: opts.externalCallers,
  };
  try {
    if (opts.mode === 'check') {
      const { findings, facts } = p.analyzeSource(source, file, pipelineOptions);
      return {
        file, status: 'unchanged', findings: withFingerprints(findings, source, file),
        needsBridge: false, needsAgAuth: false, facts,
      };
    }
    const r = p.migrateSource(source, file, { ...pipelineOptions, facts: true });
    const changed = r.changed && r.output !== source;
    return {
      file,
      status: changed ? 'changed' : 'unchanged',
      output: changed ? r.output : undefined,
      // The pipeline's lines refer to the source it was given.
      findings: withFingerprints(r.findings, source, file),
      needsBridge: r.needsBridge,
      needsAgAuth: r.needsAgAuth,
      facts: r.facts,
    };
  } catch (err) {
    return { file, status: 'failed', findings: [], needsBridge: false, needsAgAuth: false, error: toFailure(err) };
  }
}
