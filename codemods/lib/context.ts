/** Per-file state shared by the transforms of one run: the AST, findings, and what the file now needs. */
import type { ASTPath, Collection, JSCodeshift } from 'jscodeshift';
import { Analysis } from './analysis';
import { NodeIndex } from './node-index';
import { type Finding, IGNORE_MARK, type PipelineOptions, type RuleId, RULE_SEVERITY, TODO_PREFIX, type Target } from './types';

export interface Context {
  j: JSCodeshift;
  root: Collection;
  file: string;
  source: string;
  target: Target;
  engineNames: string[];
  findings: Finding[];
  analysis: Analysis;
  /** All node paths by type; reset before each step. */
  nodes: NodeIndex;
  /** Something in the file is left for the compat engine (callback call, *Sync call, dual-mode code). */
  needsBridge: boolean;
  /** Import rewrites happened and the file now imports ag-auth. */
  importsAgAuth: boolean;
  importsBridge: boolean;
  changed: boolean;
  /** Bumped on every edit: the node index is rebuilt only when the tree changed. */
  version: number;
  /** Which transform is running (for messages). */
  transform: string;
  /** Marker identifier -> source text, substituted after printing (keeps edited literals as written). */
  placeholders: Map<string, string>;
  /** Project pass: why this file's sc-auth imports must go to the bridge (another file calls back). */
  keepBridge?: string;
  /** Project pass: see PipelineOptions.legacyEngineModules / bridgedExports. */
  legacyEngineModules?: Record<string, string[]>;
  bridgedExports?: Record<string, string>;
  /** Lines to add at the top of the printed file, after a shebang and the directive prologue. */
  prelude?: string[];
  /** Project pass: see PipelineOptions.callersOf / externalCallers. */
  callersOf?: Record<string, string[]>;
  externalCallers?: Record<string, string>;
  /** Export names of functions whose converted callback now runs later (filled by order.ts). */
  laterExports: Set<string>;
  /** Statements that hold a TODO of this run (leaveForReview). */
  todoAnchors: Set<any>;
}

/**
 * `shared`: the node index and analysis of an earlier context on the same tree, not edited since
 * (migrate's read-only pass, then the printing run on one tree).
 */
export function createContext(j: JSCodeshift, root: Collection, file: string, source: string,
  opts: PipelineOptions = {}, shared?: { nodes: NodeIndex; analysis: Analysis }): Context {
  const engineNames = opts.engineNames ?? [];
  const nodes = shared ? shared.nodes : new NodeIndex(j, root);
  return {
    j, root, file, source,
    target: opts.target ?? 'ag-auth',
    engineNames,
    findings: [],
    analysis: shared ? shared.analysis : new Analysis(nodes, engineNames, { file, engineModules: opts.engineModules }),
    nodes,
    needsBridge: false,
    importsAgAuth: false,
    importsBridge: false,
    changed: false,
    version: 0,
    transform: '',
    placeholders: new Map(),
    keepBridge: opts.keepBridge,
    legacyEngineModules: opts.legacyEngineModules,
    bridgedExports: opts.bridgedExports,
    callersOf: opts.callersOf,
    externalCallers: opts.externalCallers,
    laterExports: new Set(),
    todoAnchors: new Set(),
  };
}

const SEMI_STATEMENTS = ['ExpressionStatement', 'VariableDeclaration', 'ReturnStatement', 'ThrowStatement', 'ImportDeclaration'];
const semicolonCache = new WeakMap<Context, boolean>();

/**
 * Does the file end its statements with semicolons? Majority of the statements as written (a file
 * with none at all is "standard" style): new statements follow it.
 */
export function usesSemicolons(ctx: Context): boolean {
  const hit = semicolonCache.get(ctx);
  if (hit !== undefined) return hit;
  let semi = 0;
  let bare = 0;
  for (const p of ctx.nodes.of(...SEMI_STATEMENTS)) {
    const n: any = p.node;
    if (typeof n.end !== 'number' || !n.loc) continue;
    if (n.type === 'VariableDeclaration' && /^For/.test(p.parent?.node?.type ?? '')) continue;
    if (ctx.source.charCodeAt(n.end - 1) === 59 /* ; */) semi++;
    else bare++;
  }
  const result = semi >= bare;
  semicolonCache.set(ctx, result);
  return result;
}

/** `;` or '' by the file's style. */
export function semi(ctx: Context): string {
  return usesSemicolons(ctx) ? ';' : '';
}

/** Marker comment: the `;` recast prints before it is dropped after printing (no-semicolon files). */
export const NO_SEMI_MARK = '__scAuthBridgeNoSemi__';

/** A statement this run creates: in a no-semicolon file, printed without its `;`. */
export function followSemicolonStyle(ctx: Context, stmt: any): any {
  if (!usesSemicolons(ctx)) stmt.comments = [...(stmt.comments || []), ctx.j.commentBlock(NO_SEMI_MARK, false, true)];
  return stmt;
}

/** After printing: drop marked semicolons, except where the next line would continue the statement (ASI). */
export function dropMarkedSemicolons(output: string): string {
  return output.replace(new RegExp(`(;?)[ \\t]*/\\*${NO_SEMI_MARK}\\*/`, 'g'), (_m, semicolon: string, offset: number, all: string) => {
    const next = /\S/.exec(all.slice(offset + _m.length))?.[0] ?? '';
    return semicolon && /[([`+\-/]/.test(next) ? ';' : '';
  });
}

function locOf(node: any): { line: number; column: number } {
  const start = node && node.loc && node.loc.start;
  return start ? { line: start.line, column: start.column + 1 } : { line: 0, column: 0 };
}

/** The statement (or class member / property) that a TODO comment goes above. */
export function enclosingStatement(path: ASTPath<any>): ASTPath<any> {
  let p: any = path;
  while (p) {
    if (p.node === p.value && p.parentPath && Array.isArray(p.parentPath.value) && /Statement$|Declaration$/.test(p.node.type)) {
      return p;
    }
    p = p.parentPath;
  }
  return path;
}

/** The statement a TODO about the call at `path` goes above. */
export function todoAnchor(path: ASTPath<any>): ASTPath<any> {
  let stmt = enclosingStatement(path);
  // A one-line body (`function F() { AuthEngine.call(this); }`): the comment goes above the line.
  for (let up = stmt.parentPath && stmt.parentPath.parentPath; up && sameLineAsBlock(stmt, up);) {
    const outer = enclosingStatement(up);
    if (outer === stmt || outer === up && !/Statement$|Declaration$/.test(up.node.type)) break;
    stmt = outer;
    up = stmt.parentPath && stmt.parentPath.parentPath;
  }
  return stmt;
}

/** The TODOs convert() leaves (callbacks.ts), with the method they name. */
const STALE_TODO = new RegExp(`^\\s*${TODO_PREFIX.replace(/[()]/g, '\\$&')} (signToken|verifyToken)\\(\\) (?:callback left as it is|options may carry 'async')`);

/**
 * A call converted now that an earlier run left with a TODO (its caller was changed since, or the
 * codemod learned better): the TODO that said it was left as it is goes, unless another call of
 * this run keeps a TODO on the same statement. Only comments read from the file, never this run's.
 */
export function dropStaleTodos(ctx: Context, converted: ReadonlyArray<{ anchor: any; method: string }>): void {
  for (const { anchor, method } of converted) {
    if (ctx.todoAnchors.has(anchor) || !Array.isArray(anchor.comments)) continue;
    const stale = (c: any) => c.leading && typeof c.start === 'number' && STALE_TODO.exec(String(c.value))?.[1] === method;
    if (!anchor.comments.some(stale)) continue;
    anchor.comments = anchor.comments.filter((c: any) => !stale(c));
    ctx.changed = true; ctx.version++;
  }
}

/** The statement starts on the line its block opens (`{ stmt; }`). */
function sameLineAsBlock(stmt: ASTPath<any>, block: ASTPath<any>): boolean {
  const a = stmt.node.loc && stmt.node.loc.start.line;
  const b = block.node && block.node.type === 'BlockStatement' && block.node.loc && block.node.loc.start.line;
  return !!a && a === b;
}

function leadingComments(node: any): any[] {
  return (node.comments || []).filter((c: any) => c.leading);
}

const sourceLines = new WeakMap<Context, string[]>();

/**
 * `// sc-auth-bridge-ignore` silences the findings and TODOs of a call: a comment that starts with
 * the mark, at the end of the call's line or its statement's, or among the comment lines right
 * above either (a reason may follow on more comment lines: `// sc-auth-bridge-ignore` then
 * `// (its caller reads req.user at once)`, or one block comment). A comment that only mentions
 * the mark in passing does not count. Read from the text, not from the comments attached to the
 * tree: check's tree and migrate's attach comments differently.
 */
export function isIgnored(ctx: Context, path: ASTPath<any>): boolean {
  let lines = sourceLines.get(ctx);
  if (!lines) sourceLines.set(ctx, (lines = ctx.source.split(/\r\n|\r|\n/)));
  const marked = (line: number) => line > 0 && (TRAILING_MARK.test(lines![line - 1] ?? '') || markedAbove(lines!, line));
  if (marked(positionOf(ctx, path.node).line)) return true;
  const stmt = enclosingStatement(path);
  return stmt.node !== path.node && marked(positionOf(ctx, stmt.node).line);
}

const TRAILING_MARK = new RegExp(`(?://|/\\*)\\s*${IGNORE_MARK}`);
const startsWithMark = (text: string) => text.trim().startsWith(IGNORE_MARK);

/** The comment-only lines right above `line` (1-based): does one of their comments start with the mark? */
function markedAbove(lines: string[], line: number): boolean {
  let inBlock = false;
  // Bounded: a licence header is not a reason to read the whole file.
  for (let i = line - 2, seen = 0; i >= 0 && seen < 40; i--, seen++) {
    const t = lines[i].trim();
    if (inBlock) {
      const open = t.lastIndexOf('/*');
      if (open === -1) { if (startsWithMark(t.replace(/^\*+/, ''))) return true; continue; }
      inBlock = false;
      if (open > 0 && !/^\s*$/.test(t.slice(0, open))) return false;
      if (startsWithMark(t.slice(open + 2))) return true;
      continue;
    }
    if (t.startsWith('//')) { if (startsWithMark(t.slice(2))) return true; continue; }
    if (t.endsWith('*/')) {
      const open = t.indexOf('/*');
      if (open === 0) { if (startsWithMark(t.slice(2))) return true; continue; }
      if (open > 0) return false;
      inBlock = true;
      if (startsWithMark(t.replace(/^\*+/, ''))) return true;
      continue;
    }
    return false;
  }
  return false;
}

/** recast drops `loc` on some nodes (an exported declaration): the parser's offset still holds. */
function positionOf(ctx: Context, node: any): { line: number; column: number } {
  const loc = locOf(node);
  if (loc.line || !node || typeof node.start !== 'number') return loc;
  const before = ctx.source.slice(0, node.start);
  const line = before.split(/\r\n|\r|\n/).length;
  return { line, column: node.start - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) };
}

export function report(ctx: Context, path: ASTPath<any> | null, rule: RuleId, message: string, node?: any): void {
  if (path && isIgnored(ctx, path)) return;
  const loc = positionOf(ctx, node ?? path?.node);
  ctx.findings.push({ file: ctx.file, line: loc.line, column: loc.column, rule, message, severity: RULE_SEVERITY[rule] });
}

/**
 * Leaves a call for a human: one TODO comment above its statement (never twice), a manual-review
 * finding, and the file keeps working through sc-auth-bridge.
 */
export function leaveForReview(ctx: Context, path: ASTPath<any>, message: string): void {
  ctx.needsBridge = true;
  if (isIgnored(ctx, path)) return;
  report(ctx, path, 'manual-review', message);
  const node = todoAnchor(path).node;
  ctx.todoAnchors.add(node);
  // One TODO per left call: two calls in one statement (a JSX expression) get a line each.
  // (Messages name lines, which the inserted comments shift: compared without numbers.)
  const bare = (text: string) => text.replace(/\d+/g, '#');
  const has = leadingComments(node).some((c: any) => bare(String(c.value)).includes(bare(`${TODO_PREFIX} ${message}`)));
  if (has) return;
  const comment = ctx.j.commentLine(` ${TODO_PREFIX} ${message}`, true, false);
  node.comments = [...(node.comments || []), comment];
  ctx.changed = true; ctx.version++;
}
