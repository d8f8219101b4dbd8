/**
 * The sc-auth 4/5 hazard: with `async` falsy the callback ran synchronously, before the method
 * returned. After the rewrite it runs on a later tick. That is only invisible when nothing else runs
 * in between: the call is the last thing its function does, and whoever called that function also
 * does nothing after it. This module answers "what could run in between?" conservatively.
 */
import type { ASTPath, Collection, JSCodeshift } from 'jscodeshift';
import { isFunctionNode, ownerClassName, propName, unwrap } from './analysis';
import { visit } from './walk';
import type { Context } from './context';
import { exportNamesOf } from './cross-file';

/** Calls that invoke their function argument synchronously, before they return. */
const SYNC_INVOKERS = new Set([
  'forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex',
  'findLast', 'findLastIndex', 'flatMap', 'sort', 'call', 'apply', 'each', 'times', 'tap', 'from',
]);

/** The `async` library (async 1-3): with tasks that call back synchronously it finishes before it returns. */
const ASYNC_LIB = new Set([
  'series', 'parallel', 'parallelLimit', 'waterfall', 'auto', 'autoInject', 'each', 'eachSeries', 'eachLimit',
  'eachOf', 'eachOfSeries', 'forEach', 'forEachSeries', 'forEachOf', 'map', 'mapSeries', 'mapLimit', 'mapValues',
  'filter', 'filterSeries', 'reject', 'detect', 'some', 'every', 'reduce', 'concat', 'sortBy', 'times', 'timesSeries',
  'whilst', 'doWhilst', 'until', 'doUntil', 'retry', 'applyEach', 'applyEachSeries', 'tryEach', 'race', 'groupBy',
]);

const MAX_DEPTH = 8;

export interface OrderQuery {
  j: JSCodeshift;
  root: Collection;
  /** Identifiers the callback assigns: a later `return x` reads them. */
  written: Set<string>;
  /**
   * The callback is a function written at the call that calls nothing but console methods: it
   * cannot schedule a timer of its own, which a timer set after the call would now overtake.
   * (Asked only when a timer follows the call.)
   */
  quietCallback: () => boolean;
  /** Every call in the file (from the step's node index). */
  calls: () => ASTPath<any>[];
  /** Every `new X()` in the file, in document order (from the node index: a visit of the whole tree would write ast-types' defaults into it). */
  newExpressions: () => ASTPath<any>[];
  /**
   * A function the walk ended at, with no caller in this file that matters: if other modules can
   * call it, why one of them would notice (cross-file.ts), else null.
   */
  exported?: (fnPath: ASTPath<any>) => string | null;
}

/** The query of one call's check, on the step's node index. */
export function orderQuery(ctx: Context, written: Set<string>, calls: () => ASTPath<any>[] = () => ctx.nodes.callSnapshot(), callback?: any): OrderQuery {
  let quiet: boolean | undefined;
  return {
    j: ctx.j, root: ctx.root, written, calls,
    quietCallback: () => (quiet ??= isQuiet(callback)),
    newExpressions: () => ctx.nodes.of('NewExpression').sort((a, b) => (a.node.start ?? 0) - (b.node.start ?? 0)),
    // Only the callbacks step makes a callback later; its decisions are what other files may see.
    exported: ctx.transform === 'callbacks' ? (fnPath) => {
      const names = exportNamesOf(ctx, fnPath);
      for (const name of names) ctx.laterExports.add(name);
      const known = ctx.externalCallers;
      return (known && names.map((name) => known[name]).find(Boolean)) || null;
    } : undefined,
  };
}

/** null when nothing observable runs between the call and its callback; else why not. */
export function laterCodeReason(q: OrderQuery, stmt: ASTPath<any>, depth = 0): string | null {
  if (depth > MAX_DEPTH) return 'its callers are nested too deeply to follow';
  let cur: any = stmt;
  while (cur) {
    const container = cur.parentPath;
    if (!container) return null;
    if (cur !== stmt && cur.node && isFunctionNode(cur.node) && cur.node === cur.value) return functionReason(q, cur, depth);
    if (cur.node && cur.node.type === 'Program' && cur.node === cur.value) return null;
    const node = cur.node === cur.value ? cur.node : null;
    if (node && node !== stmt.node) {
      if (/^(ForStatement|ForInStatement|ForOfStatement|WhileStatement|DoWhileStatement)$/.test(node.type)) {
        return 'it runs inside a loop, so later iterations run before the callback';
      }
      if (/^(ConditionalExpression|LogicalExpression|SequenceExpression)$/.test(node.type)) return 'it is part of a larger expression';
    }
    if (cur.name === 'block' && container.node && container.node.type === 'TryStatement') {
      return 'it is inside try: an exception thrown by the callback was caught by the catch block';
    }
    if (Array.isArray(container.value)) {
      const owner = container.parentPath && container.parentPath.node;
      const siblings: any[] = container.value;
      const later = siblings.slice(Number(cur.name) + 1);
      if (owner && owner.type === 'SwitchCase') {
        if (!later.length || !later.every((s) => isInert(s, q))) return 'statements run after it in the same switch case';
        const last = later[later.length - 1];
        if (!last || !/^(BreakStatement|ReturnStatement|ThrowStatement)$/.test(last.type)) return 'a switch case falls through after it';
        cur = container.parentPath.parentPath.parentPath; // SwitchCase -> cases array -> SwitchStatement
        continue;
      }
      for (const s of later) {
        if (!isInert(s, q)) return `statements after it (line ${s.loc ? s.loc.start.line : '?'}) run before the callback`;
      }
      const endsWithExit = later.some((s) => /^(ReturnStatement|ThrowStatement)$/.test(s.type));
      if (endsWithExit) {
        let f: any = container;
        while (f && !(f.node && f.node === f.value && (isFunctionNode(f.node) || f.node.type === 'Program'))) f = f.parentPath;
        return !f || f.node.type === 'Program' ? null : functionReason(q, f, depth);
      }
      cur = container.parentPath; // the block / program / case owner
      continue;
    }
    cur = container;
  }
  return null;
}

/** `signToken(t, k, { async: true }, cb)`: sc-auth 5 called this callback later anyway. */
function signsAsync(call: any): boolean {
  const opts = call.arguments.length === 4 ? call.arguments[2] : null;
  return propName(call.callee) === 'signToken' && !!opts && opts.type === 'ObjectExpression' && opts.properties.some((p: any) =>
    (p.type === 'ObjectProperty' || p.type === 'Property') && !p.computed && (p.key.name ?? p.key.value) === 'async' &&
    (p.value.type === 'BooleanLiteral' || p.value.type === 'Literal') && p.value.value === true);
}

/** Statements that cannot observe what the callback did. */
function isInert(s: any, q: OrderQuery): boolean {
  const written = q.written;
  switch (s.type) {
    case 'EmptyStatement':
    case 'BreakStatement':
    case 'FunctionDeclaration':
    // Module syntax runs nothing where it stands: `export { x }`, re-exports, imports (hoisted).
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'TSInterfaceDeclaration':
    case 'TSTypeAliasDeclaration':
      return true;
    case 'ExportNamedDeclaration':
      return !s.declaration || /^(FunctionDeclaration|TSInterfaceDeclaration|TSTypeAliasDeclaration)$/.test(s.declaration.type);
    case 'ExportDefaultDeclaration':
      return /^(Identifier|FunctionDeclaration)$/.test(s.declaration.type);
    case 'ExpressionStatement':
      return schedulesTimer(s.expression) && q.quietCallback();
    case 'ReturnStatement': {
      const a = s.argument;
      if (!a) return true;
      if (a.type === 'Identifier') return !written.has(a.name) && a.name !== 'arguments';
      return /Literal$/.test(a.type) && a.type !== 'TemplateLiteral';
    }
    default:
      return false;
  }
}

/** A function literal whose body calls nothing but `console.x()` (and awaits nothing). */
function isQuiet(callback: any): boolean {
  const fn = unwrap(callback);
  if (!fn || (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression')) return false;
  let quiet = true;
  visit(fn.body, (n) => {
    if (!quiet) return;
    if (n.type === 'NewExpression' || n.type === 'TaggedTemplateExpression' || n.type === 'AwaitExpression' || n.type === 'YieldExpression') quiet = false;
    else if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
      const callee = unwrap(n.callee);
      const object = callee && (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') ? unwrap(callee.object) : null;
      if (!object || object.type !== 'Identifier' || object.name !== 'console') quiet = false;
    }
  });
  return quiet;
}

/**
 * `setTimeout(() => ..., 100)`: only creates a function and reads literals, and a timer (or an
 * immediate) fires after the converted callback, which runs once the Promise settles (microtasks
 * and process.nextTick, within the same turn). process.nextTick itself is not one: it runs first.
 * Only with a quiet callback (OrderQuery.quietCallback): a timer the callback sets itself was
 * registered before this one, and would now come after it.
 */
function schedulesTimer(e: any): boolean {
  if (!e || e.type !== 'CallExpression' || e.callee.type !== 'Identifier' || !/^(setTimeout|setImmediate|setInterval)$/.test(e.callee.name)) return false;
  const [fn, ...rest] = e.arguments;
  return !!fn && (fn.type === 'ArrowFunctionExpression' || fn.type === 'FunctionExpression') &&
    rest.every((a: any) => /Literal$/.test(a.type) && a.type !== 'TemplateLiteral');
}

/** The call is last in its function: what does the function's caller do afterwards? */
function functionReason(q: OrderQuery, fnPath: ASTPath<any>, depth: number): string | null {
  const fn = fnPath.node;
  if (!isFunctionNode(fn)) {
    // Program-level `return`, or an unusual container: be safe
    return fnPath.node && fnPath.node.type === 'Program' ? null : 'could not follow its enclosing function';
  }
  if (fn.generator) return null;
  const parentPath: any = fnPath.parentPath;
  const parent = parentPath && parentPath.node;
  // Passed to another call: a handler (later, safe) or a synchronous iterator (its statement matters).
  const owner: any = fnPath.parent && fnPath.parent.node;
  if (owner && (owner.type === 'CallExpression' || owner.type === 'NewExpression') && parentPath && parentPath.name === 'arguments') {
    const invoker = owner.type === 'NewExpression' ? (owner.callee.name === 'Promise' ? 'Promise' : '') : propName(owner.callee) || owner.callee.name;
    if (invoker && (SYNC_INVOKERS.has(invoker) || invoker === 'Promise')) {
      return statementOf(q, fnPath.parent, depth);
    }
    // The callback of another engine call: sc-auth (and the bridge, when that call is left as it is)
    // calls it before returning, so what runs after that call runs before this one's callback.
    const args: any[] = owner.arguments;
    if ((invoker === 'signToken' || invoker === 'verifyToken') && args[args.length - 1] === fn && !signsAsync(owner)) {
      const r = statementOf(q, fnPath.parent, depth);
      return r ? `it is inside the callback of the ${invoker}() call at line ${owner.loc ? owner.loc.start.line : '?'}, and ${r}` : null;
    }
    // async.waterfall([...], done), async.each(list, task, done): tasks that call back synchronously.
    const lib = owner.callee.type === 'MemberExpression' ? owner.callee.object : null;
    if (invoker && ASYNC_LIB.has(invoker) && lib && lib.type === 'Identifier' && /^async$/i.test(lib.name)) {
      return statementOf(q, fnPath.parent, depth);
    }
    // An event handler: `emit()` calls it synchronously, so every emit of that event in this file
    // is a caller whose next statements matter.
    if (invoker && /^(on|once|addListener|prependListener|prependOnceListener)$/.test(invoker) && owner.arguments[0] && /Literal$/.test(owner.arguments[0].type)) {
      const event = owner.arguments[0].value;
      let reason: string | null = null;
      q.calls().forEach((c: ASTPath<any>) => {
        if (reason || propName(c.node.callee) !== 'emit') return;
        const first = c.node.arguments[0];
        if (!first || !/Literal$/.test(first.type) || first.value !== event) return;
        const r = statementOf(q, c, depth + 1);
        if (r) reason = `the '${event}' event is emitted at line ${c.node.loc ? c.node.loc.start.line : '?'} and ${r}`;
      });
      return reason;
    }
    return null;
  }
  // An IIFE: its own statement decides.
  if (owner && owner.type === 'CallExpression' && fnPath.parent.node.callee === fn) return statementOf(q, fnPath.parent, depth);
  // A task in the list handed to the async library: `async.waterfall([function (next) {...}], done)`.
  const list = fnPath.parent && fnPath.parent.node;
  const listOwner: any = list && list.type === 'ArrayExpression' && fnPath.parent.parent && fnPath.parent.parent.node;
  if (listOwner && listOwner.type === 'CallExpression' && listOwner.callee.type === 'MemberExpression' &&
    listOwner.callee.object.type === 'Identifier' && /^async$/i.test(listOwner.callee.object.name) && ASYNC_LIB.has(propName(listOwner.callee) ?? '')) {
    return statementOf(q, fnPath.parent.parent, depth);
  }
  // A constructor: `new X()` calls it, synchronously, like any caller.
  const ctorName = constructorName(fnPath);
  if (ctorName) {
    let reason: string | null = null;
    q.newExpressions().forEach((c: ASTPath<any>) => {
      if (reason || c.node.callee.type !== 'Identifier' || c.node.callee.name !== ctorName || isInside(c, fn)) return;
      const r = statementOf(q, c, depth + 1);
      if (r) reason = `new ${ctorName}() at line ${c.node.loc ? c.node.loc.start.line : '?'} runs it and ${r}`;
    });
    if (reason) return reason;
    if (fn.type === 'ClassMethod') return null;
  }
  // A named function: every call in this file must itself be in tail position.
  const name = functionName(fnPath);
  if (!name) return q.exported ? q.exported(fnPath) : null;
  const isName = (n: any) => !!n && n.type === 'Identifier' && n.name === name;
  const callers = callsMentioning(q, name).filter((c: ASTPath<any>) => {
    const callee = c.node.callee;
    if ((callee.type === 'Identifier' && callee.name === name) || propName(callee) === name) return true;
    // `verifyOne.call(null, t)`, `[a, b].forEach(verifyOne)`: called here as well, synchronously.
    const invoker = propName(callee);
    if ((invoker === 'call' || invoker === 'apply') && (isName(callee.object) || propName(callee.object) === name)) return true;
    return !!invoker && SYNC_INVOKERS.has(invoker) && c.node.arguments.some((a: any) => isName(a) || propName(a) === name);
  });
  let reason: string | null = null;
  callers.forEach((c: ASTPath<any>) => {
    if (reason) return;
    if (isInside(c, fn)) return; // recursion
    const r = statementOf(q, c, depth + 1);
    if (r) reason = `${name}() is called at line ${c.node.loc ? c.node.loc.start.line : '?'} and ${r}`;
  });
  return reason ?? (q.exported ? q.exported(fnPath) : null);
}

const byName = new WeakMap<ASTPath<any>[], Map<string, ASTPath<any>[]>>();

/**
 * Calls whose callee or arguments name `name` (a superset of its callers), indexed once per list of
 * calls: scanning every call for every converted call was quadratic in big files.
 */
function callsMentioning(q: OrderQuery, name: string): ASTPath<any>[] {
  const all = q.calls();
  let index = byName.get(all);
  if (!index) {
    index = new Map();
    const add = (key: string | undefined, c: ASTPath<any>) => {
      if (!key) return;
      const list = index!.get(key);
      if (!list) index!.set(key, [c]);
      else if (list[list.length - 1] !== c) list.push(c);
    };
    const keyOf = (n: any) => (n && n.type === 'Identifier' ? n.name : propName(n));
    for (const c of all) {
      const callee = c.node.callee;
      if (!callee) continue; // replaced in place by a step (call -> await call)
      add(keyOf(callee), c);
      if (callee && (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression')) add(keyOf(callee.object), c);
      for (const a of c.node.arguments) add(keyOf(a), c);
    }
    byName.set(all, index);
  }
  return index.get(name) ?? [];
}

export function statementOf(q: OrderQuery, exprPath: ASTPath<any>, depth: number): string | null {
  let p: any = exprPath;
  while (p && p.parentPath && !Array.isArray(p.parentPath.value)) {
    const parent = p.parentPath.node;
    if (parent.type === 'ExpressionStatement' || parent.type === 'ReturnStatement') { p = p.parentPath; break; }
    if (parent.type === 'AwaitExpression') { p = p.parentPath; continue; }
    if (isFunctionNode(parent)) return functionReason(q, p.parentPath, depth + 1);
    if (parent.type === 'VariableDeclarator' || parent.type === 'AssignmentExpression') return 'its result is used';
    p = p.parentPath;
  }
  if (!p || !p.node || !/Statement$|Declaration$/.test(p.node.type)) return 'could not follow where it is called';
  return laterCodeReason(q, p, depth + 1);
}

/** The class a `constructor` method belongs to, or a plain function's own name (ES5 constructors). */
function constructorName(fnPath: ASTPath<any>): string | undefined {
  const fn = fnPath.node;
  if (fn.type === 'ClassMethod' && fn.kind === 'constructor') return ownerClassName(fnPath);
  if (fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') return functionName(fnPath);
  return undefined;
}

function functionName(fnPath: ASTPath<any>): string | undefined {
  const fn = fnPath.node;
  if (fn.id && fn.id.name) return fn.id.name;
  if ((fn.type === 'ObjectMethod' || fn.type === 'ClassMethod') && fn.key && !fn.computed) return fn.key.name ?? fn.key.value;
  const parent: any = fnPath.parent && fnPath.parent.node;
  if (!parent) return undefined;
  if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if ((parent.type === 'ObjectProperty' || parent.type === 'Property' || parent.type === 'ClassProperty') && !parent.computed && parent.key) return parent.key.name ?? parent.key.value;
  if (parent.type === 'AssignmentExpression') return propName(parent.left) || (parent.left.type === 'Identifier' ? parent.left.name : undefined);
  return undefined;
}

function isInside(p: ASTPath<any>, fn: any): boolean {
  for (let c: any = p; c; c = c.parentPath) if (c.node === fn) return true;
  return false;
}

/**
 * For `x = engine.verifyToken()` -> `x = await engine.verifyToken()` in an async function: the
 * function's callers in this file must await it or do nothing after calling it.
 */
export function asyncCallersReason(q: OrderQuery, fnPath: ASTPath<any>): string | null {
  const name = functionName(fnPath);
  // Anonymous: a handler, an array callback or an IIFE, followed like a callback's function.
  if (!name) return functionReason(q, fnPath, 1);
  let reason: string | null = null;
  q.calls().forEach((c: ASTPath<any>) => {
    if (reason) return;
    const callee = c.node.callee;
    if (!((callee.type === 'Identifier' && callee.name === name) || propName(callee) === name)) return;
    if (isInside(c, fnPath.node)) return;
    const parent: any = c.parent && c.parent.node;
    if (parent && parent.type === 'AwaitExpression') return;
    const r = statementOf(q, c, 1);
    if (r) reason = `${name}() is called without await at line ${c.node.loc ? c.node.loc.start.line : '?'} and ${r}`;
  });
  return reason;
}
