// One JSON document: the summary, every finding, failures and changed files.
import { displayPath } from '../files';
import { isFresh, type RunReport } from '../report';

export function toJsonDocument(report: RunReport, version: string): unknown {
  const rel = (f: string): string => displayPath(f, report.cwd);
  return {
    tool: { name: 'sc-auth-bridge', version },
    summary: report.summary,
    findings: report.findings.map((f) => ({
      file: rel(f.file), line: f.line, column: f.column, rule: f.rule, severity: f.severity,
      message: f.message, fingerprint: f.fingerprint,
      ...(report.fresh ? { new: isFresh(report, f) } : {}),
    })),
    failures: report.failures.map((e) => ({ ...e, file: rel(e.file) })),
    changedFiles: report.changedFiles.map(rel),
  };
}

export function formatJson(report: RunReport, version: string): string {
  return JSON.stringify(toJsonDocument(report, version), null, 2) + '\n';
}
