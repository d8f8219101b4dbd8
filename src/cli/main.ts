#!/usr/bin/env node
// sc-auth-bridge command line: migrate | check | list. Exit codes: 0 done/clean, 1 findings left
// or files failed, 2 bad usage.
import fs from 'node:fs';
import path from 'node:path';
import { HELP, parseCommandLine, type CliOptions } from './args';
import { check } from './commands/check';
import { migrate } from './commands/migrate';
import { formatGithub } from './format/github';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatSummary, formatText } from './format/text';
import { pipeline } from './pipeline';
import { exitCodeOf, type RunReport } from './report';

function version(): string {
  // dist/src/cli/main.js -> package root
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function out(s: string): void {
  process.stdout.write(s);
}

function printReport(report: RunReport, opts: CliOptions): void {
  switch (opts.format) {
    case 'json':
      out(formatJson(report, version()));
      return;
    case 'sarif':
      out(formatSarif(report, version(), pipeline().RULES));
      return;
    case 'github':
      out(formatGithub(report));
      break;
    case 'text':
      out(formatText(report));
      break;
  }
  process.stderr.write(formatSummary(report.summary));
}

function list(opts: CliOptions): void {
  const { TRANSFORMS, RULES } = pipeline();
  if (opts.format === 'json') {
    out(JSON.stringify({ transforms: TRANSFORMS, rules: RULES }, null, 2) + '\n');
    return;
  }
  const width = Math.max(...TRANSFORMS.map((t) => t.name.length), ...RULES.map((r) => r.id.length));
  const lines = ['Transforms (applied in this order by migrate):'];
  for (const t of TRANSFORMS) lines.push(`  ${t.name.padEnd(width)}  ${t.description}`);
  lines.push('Rules (reported by check):');
  for (const r of RULES) lines.push(`  ${r.id.padEnd(width)}  ${r.severity.padEnd(5)}  ${r.description}`);
  out(lines.join('\n') + '\n');
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseCommandLine(argv);
  const cwd = process.cwd();
  switch (opts.command) {
    case 'help':
      out(HELP);
      return 0;
    case 'version':
      out(version() + '\n');
      return 0;
    case 'list':
      list(opts);
      return 0;
    case 'migrate': {
      const report = await migrate(opts, cwd, out);
      printReport(report, opts);
      return exitCodeOf(report);
    }
    case 'check': {
      const { report, baselineWritten } = await check(opts, cwd);
      if (baselineWritten !== undefined) {
        process.stderr.write(`sc-auth-bridge: wrote ${baselineWritten} finding(s) to ${opts.baseline}\n`);
        if (opts.format === 'json' || opts.format === 'sarif') printReport(report, opts);
        else process.stderr.write(formatSummary(report.summary));
        return report.failures.length > 0 ? 1 : 0;
      }
      printReport(report, opts);
      return exitCodeOf(report);
    }
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const exitCode = (err as { exitCode?: unknown }).exitCode;
      process.stderr.write(`sc-auth-bridge: ${oneLine(err)}\n`);
      process.exitCode = exitCode === 2 || exitCode === 1 ? exitCode : 1;
    },
  );
}
