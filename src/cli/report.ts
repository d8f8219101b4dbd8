// What a run produced, independent of how it is printed.
import type { FileFailure, ReportedFinding } from './process-file';

export interface Summary {
  command: 'migrate' | 'check';
  dry: boolean;
  filesScanned: number;
  skippedWithoutParsing: number;
  parsed: number;
  changed: number;
  unchanged: number;
  failed: number;
  /** Error-severity findings: usages a human must still deal with. */
  manualFindings: number;
  infoFindings: number;
  /** With --baseline: findings the baseline accepts / entries it holds that are gone. */
  baselined?: number;
  staleBaselineEntries?: number;
  packageJsonsChanged: number;
  /** Threads that ran the pipeline (1: in-process). */
  threads: number;
  seconds: number;
}

export interface Failure extends FileFailure {
  file: string;
}

export interface RunReport {
  summary: Summary;
  /** Every finding, file paths absolute. */
  findings: ReportedFinding[];
  /** With --baseline: the findings not in it. Without: undefined (every finding counts). */
  fresh?: Set<ReportedFinding>;
  failures: Failure[];
  /** Absolute paths of files changed (or that would be, with --dry). */
  changedFiles: string[];
  cwd: string;
}

export function isFresh(report: RunReport, f: ReportedFinding): boolean {
  return report.fresh === undefined || report.fresh.has(f);
}

/** 0 when nothing needs doing, 1 when error findings (new ones, with a baseline) or failures remain. */
export function exitCodeOf(report: RunReport): 0 | 1 {
  if (report.failures.length > 0) return 1;
  if (report.summary.command === 'check') {
    return report.findings.some((f) => f.severity === 'error' && isFresh(report, f)) ? 1 : 0;
  }
  return 0;
}
