// `check`: read-only. Every legacy usage left, optionally measured against a baseline.
import fs from 'node:fs';
import type { CliOptions } from '../args';
import { buildBaseline, matchBaseline, readBaseline, writeBaseline } from '../baseline';
import { fingerprintOf, lineAt } from '../fingerprint';
import { pipeline } from '../pipeline';
import { toFailure, type ReportedFinding } from '../process-file';
import type { Failure, RunReport } from '../report';
import { scan } from '../scan';
import { projectPass } from '../project-pass';
import { packageSources } from '../packages';

export interface CheckOutcome {
  report: RunReport;
  /** Set when --update-baseline wrote the file: the number of entries written. */
  baselineWritten?: number;
}

export async function check(opts: CliOptions, cwd: string): Promise<CheckOutcome> {
  const started = process.hrtime.bigint();
  // Read the baseline before the scan, so a bad path fails fast.
  const baseline = opts.baseline !== undefined && !opts.updateBaseline ? readBaseline(opts.baseline) : undefined;
  const s = await scan(opts, 'check', cwd);
  projectPass({ results: s.results, sources: s.sources, originals: s.originals, packageJsons: s.packageJsons, cwd,
    options: { mode: 'check', target: opts.target, engineNames: opts.engineNames } });
  const failures: Failure[] = [...s.readFailures];
  const findings: ReportedFinding[] = [];
  for (const r of s.results) {
    findings.push(...r.findings);
    if (r.status === 'failed') failures.push({ file: r.file, ...r.error! });
  }
  if (s.packageJsons.length > 0) {
    const p = pipeline();
    const sources = packageSources(s.packageJsons, s.results, s.originals);
    for (const file of s.packageJsons) {
      try {
        const text = fs.readFileSync(file, 'utf8');
        findings.push(...p.checkPackageJson(text, file, { files: sources.get(file) }).map((f) => ({ ...f, file, fingerprint: fingerprintOf(lineAt(text, f.line)) })));
      } catch (err) {
        failures.push({ file, ...toFailure(err) });
      }
    }
  }

  let baselineWritten: number | undefined;
  let match;
  if (opts.updateBaseline && opts.baseline !== undefined) {
    const b = buildBaseline(findings, opts.baseline);
    writeBaseline(opts.baseline, b);
    baselineWritten = b.findings.reduce((n, e) => n + e.count, 0);
  } else if (baseline && opts.baseline !== undefined) {
    match = matchBaseline(findings, baseline, opts.baseline);
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report: RunReport = {
    summary: {
      command: 'check', dry: false,
      filesScanned: s.sources.length,
      skippedWithoutParsing: s.skippedWithoutParsing,
      parsed: s.results.length,
      changed: 0,
      unchanged: s.results.length,
      failed: failures.length,
      manualFindings: findings.filter((f) => f.severity === 'error').length,
      infoFindings: findings.filter((f) => f.severity === 'info').length,
      ...(match ? { baselined: match.known.length, staleBaselineEntries: match.stale } : {}),
      packageJsonsChanged: 0,
      threads: s.threads,
      seconds,
    },
    findings, failures, changedFiles: [], cwd,
    fresh: match ? new Set(match.fresh) : undefined,
  };
  return { report, baselineWritten };
}
