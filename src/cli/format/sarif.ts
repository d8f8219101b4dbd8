// SARIF 2.1.0 for code scanning (github/codeql-action/upload-sarif). Baseline state is carried in
// `baselineState`, and the same line fingerprint the baseline uses goes in partialFingerprints so
// code scanning tracks a finding across commits the way our ratchet does.
import { displayPath } from '../files';
import { isFresh, type RunReport } from '../report';
import type { RuleId, Severity } from '../pipeline';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFO_URI = 'https://www.npmjs.com/package/sc-auth-bridge';

function encodeUri(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

function level(sev: Severity): 'error' | 'note' {
  return sev === 'error' ? 'error' : 'note';
}

export function toSarif(
  report: RunReport,
  version: string,
  rules: ReadonlyArray<{ id: RuleId; description: string; severity: Severity }>,
): unknown {
  const ruleIndex = new Map<string, number>(rules.map((r, i) => [r.id, i]));
  const results: unknown[] = report.findings.map((f) => ({
    ruleId: f.rule,
    ...(ruleIndex.has(f.rule) ? { ruleIndex: ruleIndex.get(f.rule) } : {}),
    level: level(f.severity),
    message: { text: f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: encodeUri(displayPath(f.file, report.cwd)), uriBaseId: '%SRCROOT%' },
        region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
      },
    }],
    partialFingerprints: { 'scAuthBridgeLine/v1': f.fingerprint },
    ...(report.fresh ? { baselineState: isFresh(report, f) ? 'new' : 'unchanged' } : {}),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'sc-auth-bridge',
          version,
          semanticVersion: version,
          informationUri: INFO_URI,
          rules: rules.map((r) => ({
            id: r.id,
            name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
            shortDescription: { text: r.description },
            fullDescription: { text: r.description },
            defaultConfiguration: { level: level(r.severity) },
            helpUri: INFO_URI,
          })),
        },
      },
      invocations: [{
        executionSuccessful: report.failures.length === 0,
        toolExecutionNotifications: report.failures.map((e) => ({
          level: 'error',
          message: { text: `${e.name}: ${e.message}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(displayPath(e.file, report.cwd)), uriBaseId: '%SRCROOT%' } } }],
        })),
      }],
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

export function formatSarif(report: RunReport, version: string, rules: Parameters<typeof toSarif>[2]): string {
  return JSON.stringify(toSarif(report, version, rules), null, 2) + '\n';
}
