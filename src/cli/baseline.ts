// The ratchet: a baseline records the legacy usages a team accepts today, and `check --baseline`
// fails only on findings that are not in it. Entries are keyed by file (relative to the baseline's
// own directory, so the check can run from anywhere), rule, and a fingerprint of the code line —
// not the line number, so unrelated edits above a finding do not break the build. Counts handle
// the same line appearing twice in a file.
import fs from 'node:fs';
import path from 'node:path';
import { BaselineError, UsageError } from './errors';
import type { ReportedFinding } from './process-file';

export interface BaselineEntry {
  file: string;
  rule: string;
  fingerprint: string;
  count: number;
  /** For humans reading the file; not used for matching. */
  message?: string;
}

export interface Baseline {
  version: 1;
  tool: 'sc-auth-bridge';
  findings: BaselineEntry[];
}

function relKey(baselineDir: string, absFile: string): string {
  return path.relative(baselineDir, absFile).split(path.sep).join('/');
}

function key(file: string, rule: string, fingerprint: string): string {
  return `${file}\0${rule}\0${fingerprint}`;
}

export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`baseline file not found: ${file} (create it with --update-baseline)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BaselineError(`baseline ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const b = data as Partial<Baseline>;
  if (!b || b.version !== 1 || !Array.isArray(b.findings)) {
    throw new BaselineError(`baseline ${file} is not an sc-auth-bridge baseline (expected version 1 with a findings array)`);
  }
  for (const e of b.findings) {
    if (!e || typeof e.file !== 'string' || typeof e.rule !== 'string' || typeof e.fingerprint !== 'string') {
      throw new BaselineError(`baseline ${file} has a malformed entry: ${JSON.stringify(e)}`);
    }
  }
  return b as Baseline;
}

/** Builds a baseline from findings whose `file` is absolute. Only errors are recorded. */
export function buildBaseline(findings: readonly ReportedFinding[], baselineFile: string): Baseline {
  const dir = path.dirname(path.resolve(baselineFile));
  const entries = new Map<string, BaselineEntry>();
  for (const f of findings) {
    if (f.severity !== 'error') continue;
    const file = relKey(dir, f.file);
    const k = key(file, f.rule, f.fingerprint);
    const e = entries.get(k);
    if (e) e.count++;
    else entries.set(k, { file, rule: f.rule, fingerprint: f.fingerprint, count: 1, message: f.message });
  }
  const sorted = [...entries.values()].sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.fingerprint < b.fingerprint ? -1 : 1,
  );
  return { version: 1, tool: 'sc-auth-bridge', findings: sorted };
}

export function writeBaseline(file: string, baseline: Baseline): void {
  fs.writeFileSync(file, JSON.stringify(baseline, null, 2) + '\n');
}

export interface BaselineMatch {
  /** Findings not covered by the baseline (these fail the check). */
  fresh: ReportedFinding[];
  /** Findings the baseline accepts. */
  known: ReportedFinding[];
  /** Baseline entries (counted) no longer found: fixed code; --update-baseline shrinks the file. */
  stale: number;
}

export function matchBaseline(findings: readonly ReportedFinding[], baseline: Baseline, baselineFile: string): BaselineMatch {
  const dir = path.dirname(path.resolve(baselineFile));
  const remaining = new Map<string, number>();
  for (const e of baseline.findings) {
    const k = key(e.file, e.rule, e.fingerprint);
    remaining.set(k, (remaining.get(k) ?? 0) + (Number.isInteger(e.count) && e.count > 0 ? e.count : 1));
  }
  const fresh: ReportedFinding[] = [];
  const known: ReportedFinding[] = [];
  for (const f of findings) {
    const k = key(relKey(dir, f.file), f.rule, f.fingerprint);
    const left = remaining.get(k) ?? 0;
    if (left > 0) {
      remaining.set(k, left - 1);
      known.push(f);
    } else {
      fresh.push(f);
    }
  }
  let stale = 0;
  for (const n of remaining.values()) stale += n;
  return { fresh, known, stale };
}
