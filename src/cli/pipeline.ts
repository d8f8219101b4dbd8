// The CLI's only door to the codemods (codemods/pipeline, per CONTRACTS.md). Loaded lazily because
// it pulls in jscodeshift and its parsers (~200 ms): a run where the text pre-filter rejects every
// file, or `--help`, should not pay for that.
export type RuleId =
  | 'sc-auth-import' | 'callback-call' | 'async-option' | 'sync-call' | 'callback-engine'
  | 'sc-auth-dependency' | 'manual-review' | 'bridge-import';
export type Severity = 'error' | 'info';
export type Target = 'ag-auth' | 'bridge';
export interface Finding {
  file: string; line: number; column: number; rule: RuleId; message: string; severity: Severity;
}
export interface PipelineOptions {
  target?: Target; engineNames?: string[];
  /** Project pass: project files exporting engines -> their export names. */
  engineModules?: Record<string, string[]>;
  /** Project pass: why this file's sc-auth imports must stay on the bridge. */
  keepBridge?: string;
  /** Project pass: project files exporting callback engines -> export names (hand-offs get wrapped). */
  legacyEngineModules?: Record<string, string[]>;
  /** Project pass: this file's callback engine exports that every hand-off wraps -> where. */
  bridgedExports?: Record<string, string>;
}
export interface ModuleFacts {
  engineExports: string[];
  foreignNeeds: Array<{ line: number; column: number; method: string; receiver: 'server' | 'imported' }>;
  callbackEngineExports: string[];
  engineHandoffs: Array<{ specifier: string; name: string; wrapped: boolean; line: number }>;
}
export interface PipelineResult {
  output: string; changed: boolean; findings: Finding[]; needsBridge: boolean; needsAgAuth: boolean; facts?: ModuleFacts;
}
export interface PipelineModule {
  mightBeRelevant(source: string): boolean;
  parserFor(filePath: string): 'babel' | 'ts' | 'tsx';
  migrateSource(source: string, filePath: string, options?: PipelineOptions): PipelineResult;
  checkSource(source: string, filePath: string, options?: PipelineOptions): Finding[];
  analyzeSource(source: string, filePath: string, options?: PipelineOptions & { unfiltered?: boolean }): { findings: Finding[]; facts: ModuleFacts };
  migrateSource(source: string, filePath: string, options?: PipelineOptions & { facts?: boolean }): PipelineResult;
  migratePackageJson(text: string, filePath: string, opts: { needsBridge: boolean; needsAgAuth: boolean; promiseCode?: boolean }):
    { output: string; changed: boolean; findings: Finding[] };
  checkPackageJson(text: string, filePath: string, opts?: { files?: ReadonlyArray<{ file: string; source: string }> }): Finding[];
  TRANSFORMS: ReadonlyArray<{ name: string; description: string }>;
  RULES: ReadonlyArray<{ id: RuleId; description: string; severity: Severity }>;
}

let loaded: PipelineModule | undefined;

export function pipeline(): PipelineModule {
  loaded ??= require('../../codemods/pipeline') as PipelineModule;
  return loaded;
}
