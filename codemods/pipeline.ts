/**
 * The combined pipeline the CLI uses: parse once, run every transform on the same AST in order,
 * print once, and prove the output parses again.
 */
import type { Context } from './lib/context';
import { checkThenRun, runSteps, type PreCheck, type RunResult, type Step } from './lib/run';
import type { Finding, ModuleFacts, PipelineOptions } from './lib/types';
import { callbacksStep } from './callbacks';
import { syncCallsStep } from './sync-calls';
import { asyncOptionStep } from './async-option';
import { legacyEnginesStep } from './legacy-engines';
import { importsStep } from './imports';
import { checkStep } from './lib/check';
import { mightBeRelevant } from './lib/prefilter';
import { externalCalls, type ExternalCall } from './lib/cross-file';

export type { Finding, RuleId, Target, PipelineOptions, ModuleFacts } from './lib/types';
export type { ExternalCall } from './lib/cross-file';
export { RULES, TRANSFORMS } from './lib/types';
export { ParseError, parserFor } from './lib/parse';
export { migratePackageJson, checkPackageJson } from './package-json';
/** Also in dist/codemods/lib/prefilter.js, which loads nothing else. */
export { mightBeRelevant } from './lib/prefilter';

export interface PipelineResult {
  output: string;
  changed: boolean;
  findings: Finding[];
  /** The file now imports sc-auth-bridge. */
  needsBridge: boolean;
  /** The file now imports ag-auth. */
  needsAgAuth: boolean;
  /** For the project pass, when asked for with `facts: true`. */
  facts?: ModuleFacts;
}

/** Options of one call; `facts` asks for the ModuleFacts the CLI's project pass uses. */
export type RunOptions = PipelineOptions & { facts?: boolean };

const NO_FACTS: ModuleFacts = { engineExports: [], foreignNeeds: [], callbackEngineExports: [], engineHandoffs: [] };

/** Order matters: calls are converted before imports decide between ag-auth and the bridge. */
export const PIPELINE_STEPS: ReadonlyArray<[string, Step]> = [
  ['callbacks', callbacksStep],
  ['sync-calls', syncCallsStep],
  ['async-option', asyncOptionStep],
  ['legacy-engines', legacyEnginesStep],
  ['imports', importsStep],
];


export function migrateSource(source: string, filePath: string, options: RunOptions = {}): PipelineResult {
  const unchanged = { output: source, changed: false, findings: [], needsBridge: false, needsAgAuth: false };
  if (!mightBeRelevant(source)) return options.facts ? { ...unchanged, facts: NO_FACTS } : unchanged;
  // --target bridge is the first, zero-risk step of a staged migration: only the imports move.
  // sc-auth 6 sync calls still move to *Sync there: the bridge without a callback returns a Promise.
  const steps = (options.target === 'bridge' ? PIPELINE_STEPS.filter(([name]) => name === 'imports' || name === 'sync-calls') : PIPELINE_STEPS) as Array<[string, Step]>;
  // Most files that pass the text filter are look-alikes: a read-only scan decides whether the
  // printing run is needed at all. A hand-off of a project callback engine to wrap is work even
  // where check sees nothing.
  const wanted = (pre: PreCheck) => pre.findings.length > 0 || (!!options.legacyEngineModules && pre.facts.engineHandoffs.some((h) => !h.wrapped));
  let pre: PreCheck;
  let r: RunResult | undefined;
  const onOneTree = checkThenRun(source, filePath, checkStep as Step, steps, options, wanted);
  if (onOneTree) {
    ({ pre, result: r } = onOneTree);
  } else {
    pre = analyzeSource(source, filePath, options);
    if (wanted(pre)) r = runSteps(source, filePath, steps, { ...options, hotPositions: pre.findings });
  }
  if (!r) return options.facts ? { ...unchanged, facts: pre.facts } : unchanged;
  // What the file exports is read from the source as written; what it leaves, from the result.
  const facts = options.facts && r.foreignNeeds
    ? { ...pre.facts, foreignNeeds: r.foreignNeeds, ...(r.laterExports && r.laterExports.length ? { laterExports: r.laterExports } : {}) } : undefined;
  return { output: r.output, changed: r.changed, findings: r.findings, needsBridge: r.importsBridge, needsAgAuth: r.importsAgAuth, ...(facts ? { facts } : {}) };
}

export function checkSource(source: string, filePath: string, options: PipelineOptions = {}): Finding[] {
  if (!mightBeRelevant(source)) return [];
  return runSteps(source, filePath, [['check', checkStep as (ctx: Context) => void]], { ...options, readOnly: true }).findings;
}

/**
 * The project pass's question to a file importing modules whose exported functions now call back
 * later (options.callersOf): where it calls them, and whether code after a call would notice.
 * Any file may be asked, also one the text filter skips.
 */
export function externalCallsIn(source: string, filePath: string, options: PipelineOptions & { callersOf: Record<string, string[]> }): ExternalCall[] {
  let calls: ExternalCall[] = [];
  runSteps(source, filePath, [['callers', (ctx) => { calls = externalCalls(ctx); }]], { ...options, readOnly: true });
  return calls;
}

/** checkSource plus the file's ModuleFacts (the project pass of the CLI). */
export function analyzeSource(source: string, filePath: string, options: PipelineOptions & { unfiltered?: boolean } = {}): { findings: Finding[]; facts: ModuleFacts } {
  // `unfiltered`: a module the text filter skips can still pass an engine on (`module.exports = { auth: require('./auth') }`).
  if (!options.unfiltered && !mightBeRelevant(source)) return { findings: [], facts: NO_FACTS };
  const r = runSteps(source, filePath, [['check', checkStep as (ctx: Context) => void]], { ...options, readOnly: true, facts: true });
  return { findings: r.findings, facts: r.facts ?? NO_FACTS };
}
