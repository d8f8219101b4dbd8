/**
 * callbacks: `engine.signToken(t, k, opts, cb)` -> `engine.signToken(t, k, opts).then(...)` on known
 * auth engines, keeping what the callback meant. Anything whose meaning could change is left for the
 * compat engine with a TODO (see lib/order.ts for the synchronous-callback hazard).
 */
import type { ASTPath } from 'jscodeshift';
import { type Context, dropStaleTodos, isIgnored, leaveForReview, todoAnchor } from './lib/context';
import { classifyCall, isEngineMethodCall, isFunctionValue, type EngineCall, optionsLiteral, asyncProperty, stripAsyncOption, hasSpread } from './lib/calls';
import { isClassCalledAsFunction, propName, unwrap } from './lib/analysis';
import { CLASS_CALLED_MESSAGE, isCallOrApply, isMethodName, SUBCLASS_MESSAGE, testDoubleSites } from './lib/check';
import { laterCodeReason, orderQuery, statementOf } from './lib/order';
import { assignedNames, references, usesOwn, visit } from './lib/walk';
import { findEngineDefs, unknownServerEngine } from './lib/engines';
import { standalone } from './lib/run';

export function callbacksStep(ctx: Context): void {
  const { j, root } = ctx;
  const calls: EngineCall[] = [];
  ctx.nodes.callsWhere(isEngineMethodCall).forEach((p: ASTPath<any>) => {
    const c = classifyCall(ctx, p);
    if (c) calls.push(c);
  });
  // A callback engine given to the server here that cannot become a Promise engine: calls that
  // reach the server's engine must keep their callbacks.
  const stuck = findEngineDefs(ctx).find((d) => !d.convertible)?.why ?? unknownServerEngine(ctx);
  methodsUsedAsValues(ctx);
  const converted: Array<{ anchor: any; method: string }> = [];
  // Innermost first: converting an outer call moves inner calls, which must already be final.
  for (const call of calls.reverse()) {
    if (stuck && call.kind === 'server' && call.callbackIndex >= 0) {
      // No sc-auth in this file and the server's engine comes from elsewhere: the project's own
      // engine, whose module is reported where it is defined; its callers are left as written.
      if (!ctx.analysis.importsLegacy) continue;
      leaveForReview(ctx, call.path, `${call.method}() keeps its callback: it reaches the server's engine, and ${stuck}`);
      continue;
    }
    if (call.callbackIndex < 0 && !call.ambiguous) continue;
    // `// sc-auth-bridge-ignore`: the user keeps this call as written; the bridge keeps it working.
    if (call.kind && isIgnored(ctx, call.path)) { ctx.needsBridge = true; continue; }
    if (!call.kind) {
      if (ctx.analysis.importsLegacy && call.callbackIndex >= 0) {
        leaveForReview(ctx, call.path, `${call.method}() with a callback on a receiver that is not known to be an sc-auth engine; if it is one, convert it to a Promise call (or pass --engine-names)`);
      }
      continue;
    }
    if (call.ambiguous) {
      leaveForReview(ctx, call.path, `cannot tell whether the last argument of ${call.method}() is options or a callback`);
      continue;
    }
    const anchor = todoAnchor(call.path).node;
    if (convert(ctx, call)) converted.push({ anchor, method: call.method });
  }
  dropStaleTodos(ctx, converted);
}

/** `util.promisify(engine.signToken)`, `engine.verifyToken.bind(engine)`: callers we cannot see. */
function methodsUsedAsValues(ctx: Context): void {
  ctx.nodes.callsWhere(isCallOrApply).forEach((p: ASTPath<any>) => {
    if (isClassCalledAsFunction(ctx.analysis, p)) leaveForReview(ctx, p, CLASS_CALLED_MESSAGE);
  });
  for (const site of testDoubleSites(ctx)) leaveForReview(ctx, site.path, site.message);
  ctx.nodes.where(['MemberExpression', 'OptionalMemberExpression'], (n) => isMethodName(propName(n))).forEach((p: ASTPath<any>) => {
    const name = propName(p.node);
    const parent = p.parent && p.parent.node;
    if (parent && (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.callee === p.node) return;
    if (parent && (parent.type === 'AssignmentExpression') && parent.left === p.node) return;
    if (!ctx.analysis.engineKind(p, p.node.object)) return;
    if (propName(p.node.object) === 'prototype') return leaveForReview(ctx, p, `${name} is called through the AuthEngine prototype (a subclass engine): ${SUBCLASS_MESSAGE}`);
    leaveForReview(ctx, p, `${name} is used as a value (bound, promisified or stored): its callers pass callbacks this codemod cannot see`);
  });
}

/**
 * An `async` that might reach signToken but cannot be removed here: set by assignment
 * (`opts.async = x`), merged in (`Object.assign({}, { async })`), hidden in a spread, or in a
 * literal shared with other code. An opaque parameter is converted and reported instead.
 */
function asyncOutOfReach(ctx: Context, call: EngineCall): boolean {
  if (call.method !== 'signToken' || call.optionsIndex < 0) return false;
  const arg = unwrap(call.path.node.arguments[call.optionsIndex]);
  if (!arg) return false;
  const mentionsAsync = (node: any) => {
    let found = false;
    visit(node, (n) => {
      if ((n.type === 'ObjectProperty' || n.type === 'Property') && !n.computed && (n.key.name ?? n.key.value) === 'async') found = true;
      if (n.type === 'SpreadElement' || n.type === 'SpreadProperty') found = true;
    });
    return found;
  };
  if (arg.type === 'ObjectExpression') return hasSpread(arg);
  if (arg.type !== 'Identifier') return mentionsAsync(arg);
  const scope = call.path.scope && call.path.scope.lookup(arg.name);
  if (!scope) return false;
  let assigned = false;
  ctx.nodes.where(['AssignmentExpression'], (n) => propName(unwrap(n.left)) === 'async').forEach((p: ASTPath<any>) => {
    const left = unwrap(p.node.left);
    if (unwrap(left.object).type === 'Identifier' && unwrap(left.object).name === arg.name) assigned = true;
  });
  if (assigned) return true;
  const lit = optionsLiteral(ctx, call);
  // `var opts = cond ? { async: true } : {}`, `opts = base || { async: true }`: not one literal to edit.
  if (!lit) return initializers(call.path, arg.name).some(mentionsAsync);
  if (hasSpread(lit.node)) return true;
  return !!asyncProperty(lit.node) && !lit.single;
}

/** The values a variable is declared or assigned with (in its own scope). */
function initializers(path: ASTPath<any>, name: string): any[] {
  const scope = path.scope && path.scope.lookup(name);
  if (!scope) return [];
  const out: any[] = [];
  for (const decl of (scope.getBindings()[name] || []) as ASTPath<any>[]) {
    const parent: any = decl.parentPath && decl.parentPath.node;
    if (parent && parent.type === 'VariableDeclarator' && parent.id === decl.node && parent.init) out.push(parent.init);
  }
  visit(scope.node, (n) => {
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && n.left.name === name) out.push(n.right);
  });
  return out;
}

/** leaveForReview, for convert(): false, the call was not converted. */
function keep(ctx: Context, path: ASTPath<any>, message: string): false {
  leaveForReview(ctx, path, message);
  return false;
}

/** true: converted; false: left for review. */
function convert(ctx: Context, call: EngineCall): boolean {
  const { j } = ctx;
  const node = call.path.node;
  const cbArg = node.arguments[call.callbackIndex];
  const position = positionReason(call.path);
  if (position) return keep(ctx, call.path, `${call.method}() callback left as it is: ${position}`);

  if (asyncOutOfReach(ctx, call)) return keep(ctx, call.path, `${call.method}() options may carry 'async', which ag-auth's signToken rejects, and this codemod cannot remove it`);
  const handlers = buildHandlers(ctx, call, cbArg);
  if (typeof handlers === 'string') return keep(ctx, call.path, `${call.method}() callback left as it is: ${handlers}`);

  // sc-auth 5 signs asynchronously only with `async: true`; otherwise the callback ran before the
  // method returned, and code after the call observed its effects.
  const opts = call.optionsIndex >= 0 && call.optionsIndex !== call.callbackIndex ? optionsLiteral(ctx, call) : null;
  const asyncSign = call.method === 'signToken' && !!opts && asyncProperty(opts.node)?.value === true;
  if (!asyncSign && !onlySettlesExecutor(call, cbArg)) {
    const stmt = statementPath(call.path);
    const query = orderQuery(ctx, assignedNames(cbArg), undefined, cbArg);
    const reason = stmt ? laterCodeReason(query, stmt) : statementOf(query, call.path, 0);
    if (reason) return keep(ctx, call.path, `${call.method}() callback left as it is: sc-auth called it synchronously and ${reason}`);
  }

  node.arguments = node.arguments.filter((_: any, i: number) => i !== call.callbackIndex);
  if (call.callbackIndex < call.optionsIndex) call.optionsIndex = -1;
  // Options this codemod cannot see into (a parameter, a shared object) were checked by
  // asyncOutOfReach for a visible `async`; an opaque parameter is not reported: most come from
  // socketcluster-server 15+, which never sets `async`.
  stripAsyncOption(ctx, call);
  const promiseCall = j.callExpression(node.callee, node.arguments);
  (promiseCall as any).loc = null;
  let replacement: any = j.callExpression(j.memberExpression(promiseCall, j.identifier(handlers.method)), handlers.args);
  for (const next of handlers.chain) replacement = j.callExpression(j.memberExpression(replacement, j.identifier('then')), [next]);
  call.path.replace(replacement);
  ctx.changed = true; ctx.version++;
  return true;
}

/**
 * A hand-written promisify: `new Promise((resolve, reject) => engine.signToken(.., (err, t) =>
 * err ? reject(err) : resolve(t)))`. A callback that only settles the executor's Promise is
 * order-insensitive: nothing can observe a settlement before the handlers run on a later tick.
 */
function onlySettlesExecutor(call: EngineCall, cbArg: any): boolean {
  const cb = unwrap(cbArg);
  if (!cb || (cb.type !== 'ArrowFunctionExpression' && cb.type !== 'FunctionExpression')) return false;
  let exec: any = call.path.parent;
  while (exec && !/Function/.test(exec.node.type)) exec = exec.parent;
  const owner = exec && exec.parent && exec.parent.node;
  if (!owner || owner.type !== 'NewExpression' || owner.callee.type !== 'Identifier' || owner.callee.name !== 'Promise' || owner.arguments[0] !== exec.node) return false;
  const settle = new Set(exec.node.params.filter((p: any) => p.type === 'Identifier').map((p: any) => p.name));
  if (!settle.size) return false;
  let ok = true;
  visit(cb.body, (n) => {
    if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
      if (n.callee.type !== 'Identifier' || !settle.has(n.callee.name)) ok = false;
    } else if (n.type === 'NewExpression') {
      if (n.callee.type !== 'Identifier' || !/Error$/.test(n.callee.name)) ok = false;
    } else if (/^(AssignmentExpression|UpdateExpression|AwaitExpression|YieldExpression|TaggedTemplateExpression|ThrowStatement|FunctionExpression|ArrowFunctionExpression|ClassExpression)$/.test(n.type)) ok = false;
    else if (n.type === 'UnaryExpression' && n.operator === 'delete') ok = false;
  });
  // Shadowed names (`(err, resolve) =>`) would settle something else.
  return ok && !cb.params.some((p: any) => p.type !== 'Identifier' || settle.has(p.name));
}

/** Only a statement or a tail `return` may change from returning undefined to returning a Promise. */
function positionReason(path: ASTPath<any>): string | null {
  const parent = path.parent && path.parent.node;
  if (!parent) return 'unexpected position';
  if (parent.type === 'ExpressionStatement') return null;
  const fn = enclosingFunction(path);
  if (parent.type === 'ReturnStatement' || (parent.type === 'ArrowFunctionExpression' && parent.body === path.node)) {
    if (fn && fn.async) return 'it is returned from an async function, which would now wait for it';
    return null;
  }
  return 'its return value is used';
}

function enclosingFunction(path: ASTPath<any>): any {
  for (let p: any = path.parent; p; p = p.parent) {
    if (/Function|Method/.test(p.node.type)) return p.node;
  }
  return null;
}

function statementPath(path: ASTPath<any>): ASTPath<any> | null {
  const parent: any = path.parent;
  if (parent && /^(ExpressionStatement|ReturnStatement)$/.test(parent.node.type)) return parent;
  return null;
}

interface Handlers { method: 'then' | 'catch'; args: any[]; chain: any[] }

function buildHandlers(ctx: Context, call: EngineCall, cbArg: any): Handlers | string {
  const { j } = ctx;
  const valueName = call.method === 'signToken' ? 'signedToken' : 'decodedToken';
  let cb = unwrap(cbArg);
  if (cb.type === 'Identifier') return namedCallback(ctx, cb.name, valueName, call);

  const bound = boundMethodCallback(ctx, cb, valueName, call);
  if (bound) return bound;
  if (!isFunctionValue(cb)) return 'the callback is not an inline function or a plain name (it is computed), so it cannot be split safely';
  let boundToThis = false;
  if (cb.type === 'CallExpression') { // function () {}.bind(x)
    if (cb.arguments.length !== 1) return 'the callback is bound with extra arguments';
    boundToThis = unwrap(cb.arguments[0]).type === 'ThisExpression';
    const target = cb.arguments[0];
    cb = unwrap(cb.callee.object);
    if (!boundToThis && usesOwn(cb.body, 'this')) return `the callback is bound to ${target.type === 'Identifier' ? target.name : 'another object'} and uses this`;
  }
  if (cb.generator) return 'the callback is a generator';
  if (cb.params.length > 2 || cb.params.some((p: any) => p.type !== 'Identifier')) return 'the callback takes other parameters than (err, token)';
  if (cb.type === 'FunctionExpression' && usesOwn(cb.body, 'arguments')) return 'the callback reads arguments';
  if (cb.type === 'FunctionExpression' && cb.id && references(cb.body, cb.id.name)) return 'the callback refers to itself by name';
  const keepFunction = cb.type === 'FunctionExpression' && !boundToThis && usesOwn(cb.body, 'this');
  const E: string | undefined = cb.params[0]?.name;
  const T: string | undefined = cb.params[1]?.name;
  const mk = (params: any[], body: any): any => {
    const block = body.type === 'BlockStatement' ? body : body;
    const f: any = keepFunction ? j.functionExpression(null, params, block) : j.arrowFunctionExpression(params, block);
    f.async = !!cb.async;
    return f;
  };
  const id = (name: string) => j.identifier(name);

  // `(err, token) => done(err, token)` is the named-callback case.
  if (cb.type === 'ArrowFunctionExpression' && cb.body.type === 'CallExpression' && cb.body.callee.type === 'Identifier' && E && !cb.async) {
    const a = cb.body.arguments;
    const passThrough = a.length >= 1 && a.length <= 2 && a[0].type === 'Identifier' && a[0].name === E &&
      (a.length === 1 || (T && a[1].type === 'Identifier' && a[1].name === T)) && cb.body.callee.name !== E && cb.body.callee.name !== T;
    if (passThrough && a.length === 2) return namedCallback(ctx, cb.body.callee.name, valueName, call);
  }

  const body = cb.body.type === 'BlockStatement' ? cb.body : null;
  if (body && E) {
    const split = splitErrorBranch(body.body, E, T);
    if (split) {
      const okBlock = split.okBlock ?? j.blockStatement(split.ok);
      const errBlock = split.errBlock ?? j.blockStatement(split.err);
      // The original parameter nodes keep their TypeScript annotations (`(token: string) =>`).
      const errParams = references(errBlock, E) ? [cb.params[0]] : [];
      if (okBlock.body.length === 0) return { method: 'catch', args: [mk([cb.params[0]], errBlock)], chain: [] };
      return { method: 'then', args: [mk(T ? [payloadParam(ctx, call, cb.params[1])] : [], okBlock), mk(errParams, errBlock)], chain: [] };
    }
  }
  // One body for both outcomes: turn the outcome back into (err, token) and keep the body whole.
  if (!E) {
    return { method: 'then', args: [j.arrowFunctionExpression([], id('undefined')), j.arrowFunctionExpression([], id('undefined'))], chain: [mk([], cb.body)] };
  }
  const tuple = T ? [j.literal(null), id(T)] : [j.literal(null)];
  // TypeScript needs both tuples the same length to destructure [err, token].
  const errTuple = T && ctx.file && /\.[cm]?tsx?$/.test(ctx.file) ? [id(E), id('undefined')] : [id(E)];
  return {
    method: 'then',
    args: [
      j.arrowFunctionExpression(T ? [payloadParam(ctx, call, id(T))] : [], j.arrayExpression(tuple as any)),
      j.arrowFunctionExpression([id(E)], j.arrayExpression(errTuple)),
    ],
    chain: [mk([j.arrayPattern(T ? [id(E), id(T)] : [id(E)])], cb.body)],
  };
}

/**
 * The payload parameter of a converted verifyToken in TypeScript: @types/sc-auth gave the callback
 * `any`, @types/ag-auth types the Promise as `Jwt` (it really resolves the payload), so casts and
 * property reads that compiled would not. An unannotated parameter keeps `any`.
 */
function payloadParam(ctx: Context, call: EngineCall, param: any): any {
  if (call.method !== 'verifyToken' || param.type !== 'Identifier' || param.typeAnnotation || !/\.[cm]?tsx?$/.test(ctx.file)) return param;
  const typed: any = ctx.j.identifier(param.name);
  typed.typeAnnotation = ctx.j.tsTypeAnnotation(ctx.j.tsAnyKeyword());
  return typed;
}

/**
 * `this.onVerified.bind(this, socket)` / `finish.bind(null, res)`: a method or function bound with
 * leading arguments, common in SocketCluster-era servers. It becomes
 * `.then((t) => this.onVerified(socket, null, t), (err) => this.onVerified(socket, err))`. The bound
 * arguments are read when the Promise settles instead of at the call; the order check that follows
 * makes sure nothing runs in between, and only plain names, `this` and literals are accepted.
 */
function boundMethodCallback(ctx: Context, cb: any, valueName: string, call: EngineCall): Handlers | undefined {
  const { j } = ctx;
  if (cb.type !== 'CallExpression' || propName(cb.callee) !== 'bind' || cb.arguments.length < 1) return undefined;
  const target = unwrap(cb.callee.object);
  const thisArg = unwrap(cb.arguments[0]);
  const rest = cb.arguments.slice(1);
  const plain = (n: any) => {
    n = unwrap(n);
    return n.type === 'Identifier' || n.type === 'ThisExpression' || (/Literal$/.test(n.type) && n.type !== 'TemplateLiteral');
  };
  if (!rest.every(plain)) return undefined;
  let callee: any;
  if (target.type === 'MemberExpression' && !target.computed && unwrap(target.object).type === 'ThisExpression' && thisArg.type === 'ThisExpression') {
    callee = target; // this.method.bind(this, ...): arrows keep `this`
  } else if (target.type === 'Identifier' && (thisArg.type === 'NullLiteral' || (thisArg.type === 'Literal' && thisArg.value === null) ||
    (thisArg.type === 'Identifier' && thisArg.name === 'undefined'))) {
    callee = target; // fn.bind(null, ...): a plain call
  } else {
    return undefined;
  }
  const taken = new Set(rest.map((n: any) => unwrap(n)).filter((n: any) => n.type === 'Identifier').map((n: any) => n.name));
  if (callee.type === 'Identifier') taken.add(callee.name);
  const free = (base: string) => { let name = base; for (let i = 2; taken.has(name); i++) name = `${base}${i}`; return name; };
  const valueId = free(valueName);
  const v = j.identifier(valueId);
  const e = j.identifier(free('err'));
  return {
    method: 'then',
    args: [
      j.arrowFunctionExpression([payloadParam(ctx, call, j.identifier(valueId))], j.callExpression(callee, [...rest, j.literal(null), v])),
      j.arrowFunctionExpression([e], j.callExpression(callee, [...rest, e])),
    ],
    chain: [],
  };
}

function namedCallback(ctx: Context, name: string, valueName: string, call?: EngineCall): Handlers | string {
  const { j } = ctx;
  if (name === 'arguments' || name === 'undefined') return `the callback ${name} is not a function name`;
  const v = name === valueName ? `${valueName}Value` : valueName;
  return {
    method: 'then',
    args: [j.arrowFunctionExpression([call ? payloadParam(ctx, call, j.identifier(v)) : j.identifier(v)], j.callExpression(j.identifier(name), [j.literal(null), j.identifier(v)])), j.identifier(name)],
    chain: [],
  };
}

const POSITIVE = (t: any, E: string) => {
  t = unwrap(t);
  if (t.type === 'Identifier') return t.name === E;
  if (t.type === 'UnaryExpression' && t.operator === '!' && unwrap(t.argument).type === 'UnaryExpression') return NEGATIVE(unwrap(t.argument), E);
  if (t.type === 'BinaryExpression' && (t.operator === '!=' || t.operator === '!==') && unwrap(t.left).type === 'Identifier' && unwrap(t.left).name === E) {
    const r = unwrap(t.right);
    return (r.type === 'NullLiteral' || (r.type === 'Literal' && r.value === null)) || (t.operator === '!=' && r.type === 'Identifier' && r.name === 'undefined');
  }
  return false;
};
const NEGATIVE = (t: any, E: string): boolean => {
  t = unwrap(t);
  if (t.type === 'UnaryExpression' && t.operator === '!') return POSITIVE(t.argument, E) || unwrap(t.argument).type === 'Identifier' && unwrap(t.argument).name === E;
  if (t.type === 'BinaryExpression' && (t.operator === '==' || t.operator === '===') && unwrap(t.left).type === 'Identifier' && unwrap(t.left).name === E) {
    const r = unwrap(t.right);
    return (r.type === 'NullLiteral' || (r.type === 'Literal' && r.value === null)) || (t.operator === '==' && r.type === 'Identifier' && r.name === 'undefined');
  }
  return false;
};

function terminates(stmts: any[]): boolean {
  const last = stmts[stmts.length - 1];
  return !!last && (last.type === 'ReturnStatement' || last.type === 'ThrowStatement');
}

function asList(s: any): any[] {
  return s.type === 'BlockStatement' ? s.body : [s];
}

/** `if (err) { ...; return } rest` / `if (err) {..} else {..}` / `if (!err) {..} else {..}` */
function splitErrorBranch(stmts: any[], E: string, T: string | undefined):
  { ok: any[]; err: any[]; okBlock?: any; errBlock?: any } | null {
  const first = stmts[0];
  if (!first || first.type !== 'IfStatement') return null;
  let errStmt: any; let okStmts: any[]; let okBlock: any;
  if (POSITIVE(first.test, E)) {
    errStmt = first.consequent;
    if (first.alternate) {
      if (stmts.length > 1) return null;
      okStmts = asList(first.alternate);
      okBlock = first.alternate.type === 'BlockStatement' ? first.alternate : undefined;
    } else {
      if (!terminates(asList(first.consequent))) return null;
      okStmts = stmts.slice(1);
    }
  } else if (NEGATIVE(first.test, E) && first.alternate && stmts.length === 1) {
    errStmt = first.alternate;
    okStmts = asList(first.consequent);
    okBlock = first.consequent.type === 'BlockStatement' ? first.consequent : undefined;
  } else {
    return null;
  }
  const errStmts = asList(errStmt).slice();
  if (okStmts.some((s) => references(s, E))) return null;
  if (T && errStmts.some((s) => references(s, T))) return null;
  // A bare trailing `return;` only ended the callback early; the handler ends there anyway.
  const last = errStmts[errStmts.length - 1];
  if (last && last.type === 'ReturnStatement' && !last.argument && !(last.comments && last.comments.length)) errStmts.pop();
  const errBlock = errStmt.type === 'BlockStatement' && errStmts.length === errStmt.body.length ? errStmt : undefined;
  // Comments written on the `if (err)` line travel with the error branch.
  if (first.comments && first.comments.length && errStmts.length) {
    errStmts[0].comments = [...first.comments, ...(errStmts[0].comments || [])];
  }
  return { ok: okStmts, err: errStmts, okBlock, errBlock };
}

export default standalone('callbacks', [['callbacks', callbacksStep]]);
void propName;
