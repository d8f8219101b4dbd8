// GitHub Actions workflow commands: each finding becomes an annotation on the pull request diff.
// https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions
import { displayPath } from '../files';
import { isFresh, type RunReport } from '../report';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: RunReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    if (!isFresh(report, f)) continue;
    const kind = f.severity === 'info' ? 'notice' : 'error';
    const props = `file=${escapeProperty(displayPath(f.file, report.cwd))},line=${f.line},col=${f.column},title=${escapeProperty(`sc-auth-bridge ${f.rule}`)}`;
    lines.push(`::${kind} ${props}::${escapeData(f.message)}`);
  }
  for (const e of report.failures) {
    const loc = e.line !== undefined ? `,line=${e.line}${e.column !== undefined ? `,col=${e.column}` : ''}` : '';
    lines.push(`::error file=${escapeProperty(displayPath(e.file, report.cwd))}${loc},title=${escapeProperty('sc-auth-bridge failed')}::${escapeData(`${e.name}: ${e.message}`)}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
