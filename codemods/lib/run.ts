/** Runs transform steps on one parsed file; shared by the pipeline and the standalone transforms. */
import type { API, Collection, FileInfo, JSCodeshift, Options } from 'jscodeshift';
import { type Context, createContext, dropMarkedSemicolons, NO_SEMI_MARK } from './context';
import { assertParses, parseForEdit, parsePlain, parseSource, ParseError } from './parse';
import { hotOffsets, lineStarts } from './print-tree';
import { detectStyle, print, retabNewLines } from './print';
import type { Finding, ModuleFacts, PipelineOptions } from './types';
import { foreignNeeds, moduleFacts } from './module-facts';
import { DROP_PLACEHOLDER, STATEMENT_PLACEHOLDER } from './calls';

export type Step = (ctx: Context) => void;

/**
 * Text written by hand instead of by recast (which prints new objects on several lines): a marker
 * identifier in the tree, swapped for the text after printing. A multi-line text replacing a
 * statement (`marker;`) takes the marker line's indentation.
 */
function substitutePlaceholders(output: string, placeholders: Map<string, string>, eol: string): string {
  for (const [marker, text] of placeholders) {
    if (marker.startsWith(DROP_PLACEHOLDER)) { output = output.replace(new RegExp(`\\s*,\\s*${marker}`, 'g'), ''); continue; }
    if (!marker.startsWith(STATEMENT_PLACEHOLDER)) { output = output.split(marker).join(text); continue; }
    output = output.replace(new RegExp(`^([ \\t]*)${marker};?`, 'm'), (_m, indent: string) =>
      text.split('\n').map((line, i) => (i === 0 ? indent + line : line ? indent + line : line)).join(eol));
  }
  return output;
}

export interface RunResult {
  output: string;
  changed: boolean;
  findings: Finding[];
  needsBridge: boolean;
  importsAgAuth: boolean;
  importsBridge: boolean;
  /** A read-only run's ModuleFacts, when asked for (opts.facts). */
  facts?: ModuleFacts;
  /** A printing run's: what the result still needs of engines it did not create (opts.facts). */
  foreignNeeds?: ModuleFacts['foreignNeeds'];
  /** A printing run's: export names of functions whose converted callback now runs later (opts.facts). */
  laterExports?: string[];
}

export function runSteps(source: string, file: string, steps: Array<[string, Step]>,
  opts: PipelineOptions & { readOnly?: boolean; facts?: boolean; hotPositions?: Array<{ line: number; column: number }> } = {}): RunResult {
  // recast splits lines at U+2028/U+2029 before parsing, which breaks a string literal holding one
  // (valid since ES2019): a private-use stand-in of the same length goes through, and comes back.
  const original = source;
  const swapSeparators = !opts.readOnly && /[\u2028\u2029]/.test(source) && !/[\uE028\uE029]/.test(source);
  if (swapSeparators) source = source.replace(/\u2028/g, '\uE028').replace(/\u2029/g, '\uE029');
  if (opts.readOnly) return runOn(parsePlain(source, file), original, source, file, steps, opts, swapSeparators);
  if (lazyCopies) {
    try {
      const hot = lazyCopies === 'nothing-hot' ? () => []
        : (text: string) => hotOffsets(text, positionsIn(text, opts.hotPositions ?? []), opts.engineNames ?? []);
      return runOn(parseForEdit(source, file, hot), original, source, file, steps, opts, swapSeparators);
    } catch (err) {
      // A step edited a part of the tree the lazy copy shared (and froze): run again on a full copy.
      if (!(err instanceof TypeError)) throw err;
      fallbacks++;
    }
  }
  return runOn(parseSource(source, file), original, source, file, steps, opts, swapSeparators);
}

export interface PreCheck { findings: Finding[]; facts: ModuleFacts }

/**
 * migrate's two runs on one tree: the read-only `check` step, then, when `wanted(pre)`, the printing
 * steps on the same lazy copy, with the node index and analysis the check built. undefined when the
 * file needs the two-parse path of analyzeSource + runSteps: recast's rendering differs from the
 * text (CRLF, tabs, line separators), so the check's columns would not be the file's, or a step of
 * the check reached into a shared part of the tree.
 */
export function checkThenRun(source: string, file: string, check: Step, steps: Array<[string, Step]>,
  opts: PipelineOptions & { facts?: boolean }, wanted: (pre: PreCheck) => boolean): { pre: PreCheck; result?: RunResult } | undefined {
  if (!lazyCopies || /[\t\r\u2028\u2029]/.test(source)) return undefined;
  let parsed: { j: JSCodeshift; root: Collection };
  let checked: Context;
  let pre: PreCheck;
  try {
    parsed = parseForEdit(source, file, lazyCopies === 'nothing-hot' ? () => [] : (text) => hotOffsets(text, [], opts.engineNames ?? []));
    checked = createContext(parsed.j, parsed.root, file, source, opts);
    checked.transform = 'check';
    check(checked);
    if (checked.changed) throw new Error(`internal: a read-only run edited ${file}`);
    checked.findings.sort((a, b) => a.line - b.line || a.column - b.column);
    pre = { findings: checked.findings, facts: moduleFacts(checked) };
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    fallbacks++;
    return undefined;
  }
  if (!wanted(pre)) return { pre };
  try {
    return { pre, result: runOn(parsed, source, source, file, steps, opts, false, checked) };
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    fallbacks++;
    return { pre, result: runOn(parseSource(source, file), source, source, file, steps, opts, false) };
  }
}

let lazyCopies: boolean | 'nothing-hot' = true;
let fallbacks = 0;
/**
 * Tests: compare the lazy copy of print-tree.ts with recast's full one ('nothing-hot' shares the
 * whole tree, so that every edit takes the fallback). Returns the previous setting.
 */
export function useLazyCopies(mode: boolean | 'nothing-hot'): boolean | 'nothing-hot' {
  const was = lazyCopies;
  lazyCopies = mode;
  return was;
}
/** How many printing runs fell back to the full copy in this thread. */
export function lazyCopyFallbacks(): number {
  return fallbacks;
}

/** Offsets of line:column positions (columns as parsed; a tab-expanded line counts from its start). */
function positionsIn(text: string, positions: Array<{ line: number; column: number }>): number[] {
  if (positions.length === 0) return [];
  const starts = lineStarts(text);
  const out: number[] = [];
  for (const p of positions) {
    const start = starts[p.line - 1];
    if (start === undefined) continue;
    out.push(start);
    const next = starts[p.line] ?? text.length;
    if (start + p.column < next) out.push(start + p.column);
  }
  return out;
}

function runOn(parsed: { j: JSCodeshift; root: Collection }, original: string, source: string, file: string,
  steps: Array<[string, Step]>, opts: PipelineOptions & { readOnly?: boolean; facts?: boolean }, swapSeparators: boolean,
  shared?: Context): RunResult {
  const { j, root } = parsed;
  const ctx = createContext(j, root, file, source, opts, shared);
  let indexed = ctx.version;
  for (const [name, step] of steps) {
    ctx.transform = name;
    if (ctx.version !== indexed) { ctx.nodes.reset(); indexed = ctx.version; }
    step(ctx);
  }
  let facts: ModuleFacts | undefined;
  let needs: ModuleFacts['foreignNeeds'] | undefined;
  if (opts.facts) {
    if (ctx.version !== indexed) ctx.nodes.reset();
    // What the file exports is read from the source as written (the read-only run); what it
    // leaves, from the result.
    if (opts.readOnly) facts = moduleFacts(ctx);
    else needs = foreignNeeds(ctx);
  }
  const laterExports = opts.facts && !opts.readOnly ? [...ctx.laterExports].sort() : undefined;
  let output = original;
  if (ctx.changed && opts.readOnly) throw new Error(`internal: a read-only run edited ${file}`);
  if (ctx.changed) {
    const style = detectStyle(source);
    output = print(root, style);
    if (style.useTabs) output = retabNewLines(output, source);
    if (ctx.prelude && ctx.prelude.length) output = insertPrelude(output, ctx.prelude, style.lineTerminator);
    output = substitutePlaceholders(output, ctx.placeholders, style.lineTerminator);
    if (output.includes(NO_SEMI_MARK)) output = dropMarkedSemicolons(output);
    if (swapSeparators) output = output.replace(/\uE028/g, '\u2028').replace(/\uE029/g, '\u2029');
    if (output === original) ctx.changed = false;
    else {
      // Never hand back text that does not parse: that would be a half-migrated file.
      try {
        assertParses(output, file);
      } catch (err) {
        const e = err as ParseError;
        throw new ParseError(`internal: the migrated output of ${file} does not parse (${e.message}); file left unchanged`, file, e.line, e.column);
      }
    }
  }
  ctx.findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return {
    output, changed: ctx.changed, findings: ctx.findings, needsBridge: ctx.needsBridge,
    importsAgAuth: ctx.importsAgAuth, importsBridge: ctx.importsBridge, facts, foreignNeeds: needs, laterExports,
  };
}

/** Lines after the shebang, leading comments and directives ('use strict'), before the first statement. */
function insertPrelude(output: string, lines: string[], eol: string): string {
  const head = /^(?:\uFEFF)?(?:#![^\n]*\n)?(?:[ \t]*(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/)?[ \t]*\r?\n)*(?:[ \t]*(['"])use strict\1;?[^\n]*\n)?/.exec(output);
  const at = head ? head[0].length : 0;
  return output.slice(0, at) + lines.join(eol) + eol + output.slice(at);
}

/** A jscodeshift Transform for one step: findings go to options.findings or api.report. */
export function standalone(name: string, steps: Array<[string, Step]>) {
  return function transform(file: FileInfo, api: API, options: Options): string | null | undefined {
    if (/(^|[\\/])node_modules[\\/]/.test(file.path)) return undefined;
    const result = runSteps(file.source, file.path, steps, {
      target: options.target === 'bridge' ? 'bridge' : 'ag-auth',
      engineNames: typeof options.engineNames === 'string' ? options.engineNames.split(',').filter(Boolean)
        : Array.isArray(options.engineNames) ? options.engineNames : [],
    });
    if (Array.isArray(options.findings)) options.findings.push(...result.findings);
    else if (api && typeof api.report === 'function') {
      for (const f of result.findings) api.report(`${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`);
    }
    void name;
    return result.changed ? result.output : undefined;
  };
}
