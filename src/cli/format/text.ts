// Human output: `file:line:column  rule  message`, one finding a line, then failures.
import { displayPath } from '../files';
import { isFresh, type RunReport, type Summary } from '../report';

export function formatText(report: RunReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    if (!isFresh(report, f)) continue;
    const tag = f.severity === 'info' ? ' (info)' : '';
    lines.push(`${displayPath(f.file, report.cwd)}:${f.line}:${f.column}  ${f.rule}${tag}  ${f.message}`);
  }
  for (const e of report.failures) {
    const at = e.line !== undefined ? `:${e.line}:${e.column ?? 0}` : '';
    lines.push(`${displayPath(e.file, report.cwd)}${at}  failed  ${e.name}: ${e.message}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

export function formatSummary(s: Summary): string {
  const parts = [
    `${s.filesScanned} files scanned`,
    `${s.skippedWithoutParsing} skipped without parsing`,
  ];
  if (s.command === 'migrate') {
    parts.push(`${s.changed} ${s.dry ? 'would change' : 'changed'}`, `${s.unchanged} unchanged`);
  }
  parts.push(`${s.failed} failed`, `${s.manualFindings} manual findings`);
  if (s.infoFindings > 0) parts.push(`${s.infoFindings} info`);
  if (s.baselined !== undefined) parts.push(`${s.baselined} in baseline`);
  if (s.staleBaselineEntries) parts.push(`${s.staleBaselineEntries} baseline entries fixed (shrink it with --update-baseline)`);
  if (s.packageJsonsChanged > 0) parts.push(`${s.packageJsonsChanged} package.json ${s.dry ? 'would change' : 'updated'}`);
  return `sc-auth-bridge ${s.command}${s.dry ? ' --dry' : ''}: ${parts.join(', ')} in ${s.seconds.toFixed(2)}s\n`;
}
