/** Shared vocabulary of the codemods: findings, rule ids, targets. */
import type { PromiseCodeFacts } from './promise-code';

export type RuleId =
  | 'sc-auth-import'
  | 'callback-call'
  | 'async-option'
  | 'sync-call'
  | 'callback-engine'
  | 'sc-auth-dependency'
  | 'manual-review'
  | 'bridge-import';

export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: RuleId;
  message: string;
  severity: 'error' | 'info';
}

export type Target = 'ag-auth' | 'bridge';

export interface PipelineOptions {
  target?: Target;
  engineNames?: string[];
  /**
   * Project pass: modules of the same project that export auth engines, by absolute file path,
   * with the export names that hold one ('module.exports' for the whole CommonJS export, 'default',
   * or a named export). Bindings that import them are engines in this file too.
   */
  engineModules?: Record<string, string[]>;
  /**
   * Project pass: another file of the package still calls this package's engine the legacy way
   * (the reason names it), so sc-auth imports here go to sc-auth-bridge, never to ag-auth.
   */
  keepBridge?: string;
  /**
   * Project pass: modules of the project that export hand-written callback engines (absolute
   * path -> export names). Hand-offs of them to the server here are wrapped in fromLegacyEngine().
   */
  legacyEngineModules?: Record<string, string[]>;
  /**
   * Project pass: this file's exported callback engines that every hand-off to the server wraps
   * in fromLegacyEngine() (export name -> where): reported as information, not as legacy code.
   */
  bridgedExports?: Record<string, string>;
  /**
   * Project pass, for a file that imports these modules: their exported functions (absolute path
   * -> export names) whose callback the migration makes later. The file reports where it calls
   * them (pipeline's externalCallsIn).
   */
  callersOf?: Record<string, string[]>;
  /**
   * Project pass: this file's exported functions (export name -> why) that another file calls with
   * code after the call that would see their callback run later: their callbacks are kept.
   */
  externalCallers?: Record<string, string>;
}

/** What a file tells the project pass about itself. */
export interface ModuleFacts {
  /** Export names holding an auth engine instance ('module.exports', 'default' or a name). */
  engineExports: string[];
  /**
   * Calls left needing the compat engine on an engine this file did not create (a server's
   * `.auth`, an imported engine): a callback call kept as it is, or a *Sync call.
   */
  foreignNeeds: Array<{ line: number; column: number; method: string; receiver: 'server' | 'imported' | 'unknown' }>;
  /** Export names holding a hand-written callback engine ('module.exports', 'default' or a name). */
  callbackEngineExports: string[];
  /** Engines handed to the server that come from a relative module (`authEngine: require('./x')`). */
  engineHandoffs: Array<{ specifier: string; name: string; wrapped: boolean; line: number }>;
  /** Only for a file whose package pins socketcluster(-server) below 15 (check's pin finding). */
  promiseCode?: PromiseCodeFacts;
  /** A printing run's: export names of functions whose converted callback now runs later (cross-file.ts). */
  laterExports?: string[];
}

export const RULES: ReadonlyArray<{ id: RuleId; description: string; severity: 'error' | 'info' }> = [
  { id: 'sc-auth-import', severity: 'error', description: "require/import of 'sc-auth' (ag-auth exports the class itself, not { AuthEngine })" },
  { id: 'callback-call', severity: 'error', description: 'signToken/verifyToken call on an auth engine that passes a callback (ag-auth returns a Promise and ignores callbacks)' },
  { id: 'async-option', severity: 'error', description: "'async' in the options of an engine call (ag-auth's signToken rejects it: \"async\" is not allowed in \"options\")" },
  { id: 'sync-call', severity: 'error', description: 'sc-auth 6 synchronous signToken/verifyToken call whose value is used directly (ag-auth returns a Promise)' },
  { id: 'callback-engine', severity: 'error', description: 'hand-written auth engine whose signToken/verifyToken take a callback (socketcluster-server 15+ awaits a Promise)' },
  { id: 'sc-auth-dependency', severity: 'error', description: "package.json depends on 'sc-auth' or '@types/sc-auth'" },
  { id: 'manual-review', severity: 'error', description: 'left as it is because an automatic rewrite could change its meaning; the file uses sc-auth-bridge and has a TODO(sc-auth-bridge) comment' },
  { id: 'bridge-import', severity: 'info', description: "file imports the compat engine 'sc-auth-bridge' (works, but is not yet on plain ag-auth)" },
];

export const RULE_SEVERITY: Record<RuleId, 'error' | 'info'> = Object.fromEntries(
  RULES.map((r) => [r.id, r.severity]),
) as Record<RuleId, 'error' | 'info'>;

export const TRANSFORMS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'callbacks', description: 'signToken/verifyToken calls with a callback on known auth engines become Promise calls (.then), keeping this, return, error branches and call order' },
  { name: 'sync-calls', description: "sc-auth 6 synchronous calls become 'await' inside async functions, otherwise signTokenSync/verifyTokenSync of sc-auth-bridge" },
  { name: 'async-option', description: "removes 'async' from option literals of Promise-style engine calls; reports options it cannot see" },
  { name: 'legacy-engines', description: 'hand-written callback engines given as authEngine or to setAuthEngine() return Promises; the callback is routed to resolve/reject' },
  { name: 'imports', description: "require/import of 'sc-auth' in every form becomes ag-auth's default export (or 'sc-auth-bridge' when something is left for the compat engine)" },
  { name: 'package-json', description: "package.json: sc-auth -> ag-auth ^2.1.1, @types/sc-auth -> @types/ag-auth, adds sc-auth-bridge where a file needs it" },
];

export const TODO_PREFIX = 'TODO(sc-auth-bridge):';
export const IGNORE_MARK = 'sc-auth-bridge-ignore';
export const LEGACY_MODULE = 'sc-auth';
export const AG_MODULE = 'ag-auth';
export const BRIDGE_MODULE = 'sc-auth-bridge';
export const AG_VERSION_RANGE = '^2.1.1';
