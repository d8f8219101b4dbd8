/** Parser choice by extension and the one place where source text becomes an AST. */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Collection, JSCodeshift } from 'jscodeshift';
import { parseForPrinting } from './print-tree';

// Loaded on first parse, not with this module: the pipeline (and package-json, for ParseError) is
// required by runs whose files all fail the text pre-filter, and jscodeshift with recast, ast-types
// and babel costs ~150 ms to load.
let jscodeshiftCore: typeof import('jscodeshift') | undefined;
let babel: typeof import('@babel/parser') | undefined;
function jscodeshift(): typeof import('jscodeshift') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (jscodeshiftCore ??= require('jscodeshift') as typeof import('jscodeshift'));
}
function babelParser(): typeof import('@babel/parser') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (babel ??= require('@babel/parser') as typeof import('@babel/parser'));
}

// The ast-types of jscodeshift's recast (one instance, so that read-only and printing trees have
// the same NodePath and Scope classes), found without loading jscodeshift or recast: a read-only
// run needs neither, and they cost ~50-70 ms of a check's start-up.
let astTypesCore: { NodePath: new (value: any) => any } | undefined;
function astTypes(): { NodePath: new (value: any) => any } {
  if (!astTypesCore) {
    const fromJscodeshift = createRequire(require.resolve('jscodeshift'));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    astTypesCore = createRequire(fromJscodeshift.resolve('recast'))('ast-types');
  }
  return astTypesCore!;
}

/**
 * Loads the parsers now (the CLI does it while git lists the files): babel and ast-types for a
 * read-only run, with jscodeshift and recast for a printing one.
 */
export function preloadParsers(readOnly = false): void {
  if (!readOnly) jscodeshift();
  astTypes();
  babelParser();
}

/**
 * What parsePlain's callers get for `j`: jscodeshift, loaded on first use only. A read-only run
 * never builds nor finds anything with it.
 */
function lazyJ(filePath: string): JSCodeshift {
  return new Proxy(function lazyJscodeshift() { /* stand-in */ } as unknown as JSCodeshift, {
    get: (_target, key) => (jFor(filePath) as any)[key],
    apply: (_target, thisArg, args) => Reflect.apply(jFor(filePath) as any, thisArg, args),
  });
}

/** The two Collection methods a read-only run asks of its root (paths(), get()), on one NodePath. */
function rootOf(ast: any): Collection {
  const top = new (astTypes().NodePath)(ast);
  return { paths: () => [top], get: (...names: Array<string | number>) => top.get(...names) } as unknown as Collection;
}

export type ParserName = 'babel' | 'ts' | 'tsx';

export class ParseError extends Error {
  override name = 'ParseError';
  readonly code = 'ERR_SC_AUTH_BRIDGE_PARSE';
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  constructor(message: string, file: string, line?: number, column?: number) {
    super(message);
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

export function parserFor(filePath: string): ParserName {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.ts' || ext === '.cts' || ext === '.mts') return 'ts';
  if (ext === '.tsx') return 'tsx';
  return 'babel';
}

const COMMON_PLUGINS: any[] = [
  'asyncGenerators', 'bigInt', 'classPrivateMethods', 'classPrivateProperties', 'classProperties',
  'classStaticBlock', 'dynamicImport', 'exportDefaultFrom', 'exportNamespaceFrom', 'importMeta',
  'logicalAssignment', 'nullishCoalescingOperator', 'numericSeparator', 'objectRestSpread',
  'optionalCatchBinding', 'optionalChaining', 'topLevelAwait', 'importAttributes',
];

function pluginsFor(name: ParserName): any[] {
  if (name === 'ts') return [...COMMON_PLUGINS, 'typescript', 'decorators-legacy'];
  if (name === 'tsx') return [...COMMON_PLUGINS, 'typescript', 'jsx', 'decorators-legacy'];
  // Plain JS: JSX is allowed everywhere (React-era repos keep JSX in .js); Flow is not enabled
  // because its generics grammar misreads ordinary `a < b > c` code.
  return [...COMMON_PLUGINS, 'jsx', ['decorators', { decoratorsBeforeExport: false }]];
}

// Flow-typed JS (an @flow pragma in the comments before the first statement): the flow grammar, JSX kept.
const FLOW_PLUGINS: any[] = [...COMMON_PLUGINS, 'jsx', ['flow', { all: true, enums: true }], ['decorators', { decoratorsBeforeExport: false }]];

export function hasFlowPragma(code: string): boolean {
  const head = /^(?:\uFEFF)?(?:#![^\n]*\n)?(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(code.slice(0, 4096));
  return !!head && /@flow\b/.test(head[0]);
}

/** A jscodeshift-compatible parser object. Module first, then script (old sloppy-mode CommonJS). */
function makeParser(name: ParserName, tokens = true) {
  const plugins = pluginsFor(name);
  const base = {
    allowImportExportEverywhere: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowSuperOutsideMethod: true,
    allowUndeclaredExports: true,
    errorRecovery: false,
    startLine: 1,
    tokens,
    plugins,
  };
  const flowBase = { ...base, plugins: FLOW_PLUGINS };
  return {
    parse(code: string) {
      const options = name === 'babel' && hasFlowPragma(code) ? flowBase : base;
      try {
        return babelParser().parse(code, { ...options, sourceType: 'module' } as any);
      } catch (moduleError) {
        try {
          return babelParser().parse(code, { ...options, sourceType: 'script' } as any);
        } catch {
          throw moduleError;
        }
      }
    },
  };
}

const cache = new Map<ParserName, JSCodeshift>();
/** Trees from parsePlain: never edited nor printed (node-index.ts may cache more on them). */
const readOnlyTrees = new WeakSet<object>();

export function isReadOnlyTree(ast: unknown): boolean {
  return typeof ast === 'object' && ast !== null && readOnlyTrees.has(ast);
}
const plain = new Map<ParserName, { parse(code: string): any }>();

/**
 * A read-only parse for `check`: the same grammar, without recast's token copy and shadow tree
 * (about half the cost). Such a tree must never be printed.
 */
export function parsePlain(source: string, filePath: string): { j: JSCodeshift; root: Collection } {
  const name = parserFor(filePath);
  let parser = plain.get(name);
  if (!parser) plain.set(name, (parser = makeParser(name, false)));
  try {
    const ast = parser.parse(source);
    readOnlyTrees.add(ast);
    return { j: lazyJ(filePath), root: rootOf(ast) };
  } catch (err: any) {
    const loc = err && err.loc ? err.loc : undefined;
    throw new ParseError(String(err && err.message ? err.message : err), filePath, loc?.line, loc?.column);
  }
}

/** Syntax check only (no recast shadow tree): used to prove printed output parses again. */
export function assertParses(source: string, filePath: string): void {
  const name = parserFor(filePath);
  let parser = plain.get(name);
  if (!parser) plain.set(name, (parser = makeParser(name, false)));
  try {
    parser.parse(source);
  } catch (err: any) {
    const loc = err && err.loc ? err.loc : undefined;
    throw new ParseError(String(err && err.message ? err.message : err), filePath, loc?.line, loc?.column);
  }
}

/** jscodeshift bound to our parser for this file type. */
export function jFor(filePath: string): JSCodeshift {
  const name = parserFor(filePath);
  let j = cache.get(name);
  if (!j) {
    j = jscodeshift().withParser(makeParser(name));
    cache.set(name, j);
  }
  return j;
}

/**
 * Parses for a printing run with the lazy copy of print-tree.ts: only the nodes around `hot` offsets
 * are copied. The tree it returns has frozen parts: a step that edits one throws a TypeError, and
 * the caller repeats the run on parseSource's full copy.
 */
export function parseForEdit(source: string, filePath: string, hot: ((text: string) => number[]) | 'all'): { j: JSCodeshift; root: Collection } {
  const j = jFor(filePath);
  try {
    return { j, root: j(parseForPrinting(source, makeParser(parserFor(filePath)), hot) as any) };
  } catch (err: any) {
    if (err instanceof TypeError) throw err;
    const loc = err && err.loc ? err.loc : undefined;
    throw new ParseError(String(err && err.message ? err.message : err), filePath, loc?.line, loc?.column);
  }
}

/** Parses for a printing run with recast's full copy of the tree (the fallback of parseForEdit). */
export function parseSource(source: string, filePath: string): { j: JSCodeshift; root: Collection } {
  return parseForEdit(source, filePath, 'all');
}
