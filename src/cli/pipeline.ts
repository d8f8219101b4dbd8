// The CLI's only door to the codemods (codemods/pipeline, per CONTRACTS.md). Loaded lazily because
// it pulls in jscodeshift and its parsers (~200 ms): a run where the text pre-filter rejects every
// file, or `--help`, should not pay for that.
// Types only (erased at compile time): sharing them costs no load.
import type { Finding, ModuleFacts, PipelineOptions, RuleId, Target } from '../../codemods/lib/types';
import type { ExternalCall } from '../../codemods/lib/cross-file';
import type { PackageFile } from '../../codemods/package-json';

export type { ExternalCall, Finding, ModuleFacts, PipelineOptions, RuleId, Target };
export type Severity = Finding['severity'];
/** A package's source file for the package.json checks (see packages.ts). */
export type PackageSourceFile = PackageFile & { source: string };
export interface PipelineResult {
  output: string; changed: boolean; findings: Finding[]; needsBridge: boolean; needsAgAuth: boolean; facts?: ModuleFacts;
}
export interface PipelineModule {
  mightBeRelevant(source: string): boolean;
  parserFor(filePath: string): 'babel' | 'ts' | 'tsx';
  checkSource(source: string, filePath: string, options?: PipelineOptions): Finding[];
  analyzeSource(source: string, filePath: string, options?: PipelineOptions & { unfiltered?: boolean }): { findings: Finding[]; facts: ModuleFacts };
  externalCallsIn(source: string, filePath: string, options: PipelineOptions & { callersOf: Record<string, string[]> }): ExternalCall[];
  migrateSource(source: string, filePath: string, options?: PipelineOptions & { facts?: boolean }): PipelineResult;
  migratePackageJson(text: string, filePath: string, opts: { needsBridge: boolean; needsAgAuth: boolean; promiseCode?: boolean; keepLegacy?: string; files?: ReadonlyArray<PackageSourceFile> }):
    { output: string; changed: boolean; findings: Finding[] };
  checkPackageJson(text: string, filePath: string, opts?: { files?: ReadonlyArray<PackageSourceFile> }): Finding[];
  TRANSFORMS: ReadonlyArray<{ name: string; description: string }>;
  RULES: ReadonlyArray<{ id: RuleId; description: string; severity: Severity }>;
}

let loaded: PipelineModule | undefined;

/**
 * Loads the pipeline with the parsers (and jscodeshift, unless `readOnly`: check needs only babel
 * and ast-types), while the caller waits for something else (git). A failure here is left for the
 * first real use to report.
 */
export function preloadPipeline(readOnly: boolean): void {
  try {
    pipeline();
    (require('../../codemods/lib/parse') as { preloadParsers(readOnly: boolean): void }).preloadParsers(readOnly);
  } catch {
    // reported where the pipeline is used
  }
}

export function pipeline(): PipelineModule {
  loaded ??= require('../../codemods/pipeline') as PipelineModule;
  return loaded;
}
