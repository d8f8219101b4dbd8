/** Hand-written callback engines handed to SocketCluster (`authEngine: X`, `setAuthEngine(X)`). */
import type { ASTPath } from 'jscodeshift';
import type { Context } from './context';
import { isFunctionNode, propName, unwrap } from './analysis';
import { visit } from './walk';
import { projectFacts } from './project';

export interface EngineMethod {
  /** Path of the function node (ObjectMethod / ClassMethod / FunctionExpression). */
  path: ASTPath<any>;
  name: 'signToken' | 'verifyToken';
  label: string;
}

const METHOD_NAMES = new Set(['signToken', 'verifyToken']);
/** Code that is visibly SocketCluster's: a require/import of it, its server objects. */
const SC_CODE = /['"`](socketcluster|socketcluster-server|sc-auth)['"`/]|\b(scServer|agServer|setAuthEngine|SCWorker)\b/;

/** Expressions given to SocketCluster as its auth engine. */
export function engineArguments(ctx: Context): ASTPath<any>[] {
  const out: ASTPath<any>[] = [];
  ctx.nodes.callsWhere((n) => propName(n.callee) === 'setAuthEngine' && n.arguments.length >= 1).forEach((p: ASTPath<any>) => {
    out.push(p.get('arguments', 0));
  });
  const hasAuthEngineKey = (n: any) => n.properties.some((prop: any) => (prop.type === 'ObjectProperty' || prop.type === 'Property') && !prop.computed &&
    (prop.key.name ?? prop.key.value) === 'authEngine');
  ctx.nodes.where(['ObjectExpression'], hasAuthEngineKey).forEach((p: ASTPath<any>) => {
    p.get('properties').each((pp: any) => {
      const prop = pp.node;
      if ((prop.type === 'ObjectProperty' || prop.type === 'Property') && !prop.computed &&
        (prop.key.name ?? prop.key.value) === 'authEngine') out.push(pp.get('value'));
    });
  });
  ctx.nodes.where(['AssignmentExpression'], (n) => propName(n.left) === 'authEngine').forEach((p: ASTPath<any>) => {
    out.push(p.get('right'));
  });
  return out;
}

/** The object literal / class / constructor function an engine expression stands for. */
function definitionsOf(ctx: Context, path: ASTPath<any>, depth = 0): any[] {
  if (depth > 3) return [];
  const node = unwrap(path.node);
  if (!node) return [];
  if (node.type === 'ObjectExpression' || node.type === 'ClassExpression') return [node];
  if (node.type === 'NewExpression' && node.callee.type === 'Identifier') return declOf(ctx, path, node.callee.name, depth);
  if (node.type === 'NewExpression' && /^Class/.test(node.callee.type)) return [node.callee];
  if (node.type === 'Identifier') return declOf(ctx, path, node.name, depth);
  return [];
}

function declOf(ctx: Context, path: ASTPath<any>, name: string, depth: number): any[] {
  const scope = path.scope && path.scope.lookup(name);
  if (!scope) return [];
  const decl = (scope.getBindings()[name] || [])[0];
  if (!decl) return [];
  const parentPath: any = decl.parentPath;
  const parent = parentPath && parentPath.node;
  if (!parent) return [];
  if (parent.type === 'VariableDeclarator' && parent.init) {
    const init = unwrap(parent.init);
    if (init.type === 'ObjectExpression' || /^Class/.test(init.type)) return [init, ...prototypeOf(ctx, name)];
    if (init.type === 'FunctionExpression') return [init, ...prototypeOf(ctx, name)];
    return definitionsOf(ctx, parentPath.get('init'), depth + 1);
  }
  if (/^Class(Declaration|Expression)$/.test(parent.type) || parent.type === 'FunctionDeclaration') return [parent, ...prototypeOf(ctx, name)];
  return [];
}

/** `Name.prototype.signToken = function (...) {}` assignments. */
function prototypeOf(ctx: Context, name: string): any[] {
  const out: any[] = [];
  ctx.nodes.where(['AssignmentExpression'], (n) => METHOD_NAMES.has(propName(n.left) || '')).forEach((p: ASTPath<any>) => {
    const left = p.node.left;
    if (left.type === 'MemberExpression' && METHOD_NAMES.has(propName(left) || '') && propName(left.object) === 'prototype' &&
      unwrap(left.object.object).type === 'Identifier' && unwrap(left.object.object).name === name) out.push({ protoAssignment: p });
  });
  return out;
}

function methodsOf(ctx: Context, def: any): EngineMethod[] {
  const out: EngineMethod[] = [];
  if (def.protoAssignment) {
    const p: ASTPath<any> = def.protoAssignment;
    const fnPath = p.get('right');
    const where = propName(p.node.left.object) === 'prototype' ? 'on the prototype' : 'of the exported engine';
    if (isFunctionNode(fnPath.node)) out.push({ path: fnPath, name: propName(p.node.left) as any, label: `${propName(p.node.left)}() ${where}` });
    return out;
  }
  const members = def.type === 'ObjectExpression' ? def.properties : /^Class/.test(def.type) ? def.body.body : [];
  for (const m of members) {
    const key = m.key && !m.computed ? (m.key.name ?? m.key.value) : undefined;
    if (!key || !METHOD_NAMES.has(key)) continue;
    const fnPath = findPath(ctx, m);
    if (!fnPath) continue;
    if (isFunctionNode(m)) out.push({ path: fnPath, name: key, label: `${key}() of the auth engine` });
    else if (m.value && isFunctionNode(unwrap(m.value))) out.push({ path: fnPath.get('value'), name: key, label: `${key}() of the auth engine` });
    else if (m.value && unwrap(m.value).type === 'Identifier') {
      // `{ signToken, verifyToken }` / `{ signToken: sign }`: functions declared elsewhere in the file.
      const fn = functionNamed(ctx, unwrap(m.value).name);
      if (fn) out.push({ path: fn, name: key, label: `${key}() of the auth engine` });
    }
  }
  return out;
}

/** The path of a function declared in this file under that name (declaration or `const f = function`). */
function functionNamed(ctx: Context, name: string): ASTPath<any> | null {
  for (const p of ctx.nodes.of('FunctionDeclaration')) if (p.node.id && p.node.id.name === name) return p;
  for (const p of ctx.nodes.of('VariableDeclarator')) {
    if (p.node.id.type === 'Identifier' && p.node.id.name === name && isFunctionNode(unwrap(p.node.init))) return p.get('init');
  }
  return null;
}

function findPath(ctx: Context, node: any): ASTPath<any> | null {
  return ctx.nodes.pathOf(node) ?? null;
}

/** The callback parameter is called, or handed on as the last argument of another call. */
const CALLBACK_PARAM = /^(cb|callback|done|next|fn|cb\w*|callback\w*|done\w*)$/i;

function callsBack(fn: any, name: string): boolean {
  // Handing the parameter on as a last argument counts only when it is clearly a callback:
  // `jwt.verify(token, key, options)` passes options the same way.
  const handedOn = fn.params.length === 4 || CALLBACK_PARAM.test(name);
  let found = false;
  visit(fn.body, (n) => {
    if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return;
    if (n.callee.type === 'Identifier' && n.callee.name === name) found = true;
    const last = n.arguments[n.arguments.length - 1];
    if (handedOn && last && last.type === 'Identifier' && last.name === name) found = true;
  });
  return found;
}

/**
 * An engine method that also works without a callback (sc-auth 6 style): it tests its callback
 * (`if (callback)`, `typeof callback`, `callback && ...`) AND, on some path, returns a value of its
 * own. Testing the callback alone proves nothing: `callback && callback(err, t)` and
 * `if (!callback) throw ...` are defensive callback engines, which socketcluster-server 15+ would
 * await as `undefined` (and take as authenticated).
 */
export function testsCallback(fn: any): boolean {
  const name = fn.params[fn.params.length - 1]?.name;
  if (!name) return false;
  let found = false;
  const isName = (n: any) => n && n.type === 'Identifier' && n.name === name;
  visit(fn.body, (n) => {
    if ((n.type === 'IfStatement' || n.type === 'ConditionalExpression') && (isName(n.test) || (n.test.type === 'UnaryExpression' && isName(n.test.argument)))) found = true;
    if (n.type === 'UnaryExpression' && n.operator === 'typeof' && isName(n.argument)) found = true;
    if (n.type === 'LogicalExpression' && isName(n.left)) found = true;
  });
  return found && returnsOwnValue(fn, name);
}

/** A `return <value>` of the function itself (not of a nested function) that is not the callback's call. */
function returnsOwnValue(fn: any, callbackName: string): boolean {
  if (fn.type === 'ArrowFunctionExpression' && fn.body.type !== 'BlockStatement') return true;
  const isCallbackCall = (n: any): boolean => {
    n = unwrap(n);
    if (!n) return false;
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === callbackName) return true;
    if (n.type === 'LogicalExpression' || n.type === 'SequenceExpression') return isCallbackCall(n.type === 'LogicalExpression' ? n.right : n.expressions[n.expressions.length - 1]);
    if (n.type === 'UnaryExpression' && n.operator === 'void') return true;
    return n.type === 'Identifier' && n.name === 'undefined';
  };
  // Returns of this function only: nested functions and arrows (callbacks) return elsewhere.
  const search = (n: any): boolean => {
    if (!n || typeof n.type !== 'string') return false;
    if (n.type === 'ReturnStatement') return !!n.argument && !isCallbackCall(n.argument);
    if (isFunctionNode(n) || n.type === 'ClassBody') return false;
    for (const key of Object.keys(n)) {
      if (key === 'loc' || key === 'comments' || key === 'extra') continue;
      const v = n[key];
      if (Array.isArray(v) ? v.some(search) : v && typeof v.type === 'string' && search(v)) return true;
    }
    return false;
  };
  return search(fn.body);
}

/** A method that still uses the callback protocol: its last parameter is a callback, no Promise. */
export function isCallbackStyle(fn: any): boolean {
  if (fn.async || fn.generator || fn.params.length < 3 || fn.params.length > 4) return false;
  const last = fn.params[fn.params.length - 1];
  if (last.type !== 'Identifier') return false;
  let returnsPromise = false;
  visit(fn.body, (n) => {
    if (n.type === 'NewExpression' && n.callee.type === 'Identifier' && n.callee.name === 'Promise') returnsPromise = true;
  });
  return !returnsPromise && callsBack(fn, last.name);
}

/** The (token, key, options, callback) shape this codemod rewrites. */
export function isCallbackMethod(fn: any): boolean {
  return isCallbackStyle(fn) && fn.params.length === 4;
}

export interface EngineDef {
  methods: EngineMethod[]; convertible: boolean; dual: boolean; why?: string;
  /** Exported, not given to the server here: reported, the file itself is left as written. */
  exported?: boolean;
  /** Its export name ('module.exports', 'default' or a name), when exported. */
  exportName?: string;
}

/** `module.exports` / `exports` as an assignment target. */
function isModuleExports(node: any): boolean {
  node = unwrap(node);
  if (!node) return false;
  if (node.type === 'Identifier') return node.name === 'exports';
  return propName(node) === 'exports' && unwrap(node.object).type === 'Identifier' && unwrap(node.object).name === 'module';
}

/** One exported thing: the definitions that make it up (an object, or a constructor and its prototype methods). */
interface Exported { parts: any[]; functions?: ASTPath<any>[]; name?: string; exportName: string }

/**
 * Definitions this module exports: `module.exports = X`, `module.exports.AuthEngine = X`,
 * `module.exports.signToken = fn`, `export default X`, `export const engine = X`,
 * `export function signToken(...)`. An engine module is usually handed to the server from another
 * file, where this file cannot be seen.
 */
function exportedDefinitions(ctx: Context): Exported[] {
  const out: Exported[] = [];
  const memberAssignments: any[] = [];
  const namedFunctions: ASTPath<any>[] = [];
  ctx.nodes.of('AssignmentExpression').forEach((p: ASTPath<any>) => {
    const left = unwrap(p.node.left);
    if (isModuleExports(left)) {
      out.push({ parts: definitionsOf(ctx, p.get('right')), exportName: 'module.exports' });
      // `module.exports = { CustomEngine, other }`: each property is an export of its own name.
      const right = unwrap(p.node.right);
      if (right && right.type === 'ObjectExpression') {
        right.properties.forEach((prop: any, i: number) => {
          const key = (prop.type === 'ObjectProperty' || prop.type === 'Property') && !prop.computed ? (prop.key.name ?? prop.key.value) : undefined;
          if (typeof key !== 'string' || METHOD_NAMES.has(key)) return;
          const parts = definitionsOf(ctx, p.get('right', 'properties', i, 'value'));
          if (parts.length) out.push({ parts, name: key, exportName: key });
        });
      }
      return;
    }
    if (!isModuleExports(left.object)) return;
    const name = propName(left) || '';
    if (METHOD_NAMES.has(name)) memberAssignments.push({ protoAssignment: p });
    else out.push({ parts: definitionsOf(ctx, p.get('right')), name, exportName: name });
  });
  ctx.nodes.of('ExportDefaultDeclaration', 'ExportNamedDeclaration').forEach((p: ASTPath<any>) => {
    const decl = p.node.declaration;
    if (!decl) return;
    if (p.node.type === 'ExportDefaultDeclaration') {
      out.push({ parts: /^Class/.test(decl.type) ? [decl] : definitionsOf(ctx, p.get('declaration')), exportName: 'default' });
    } else if (decl.type === 'VariableDeclaration') {
      decl.declarations.forEach((d: any, i: number) => out.push({ parts: definitionsOf(ctx, p.get('declaration', 'declarations', i, 'init')), name: d.id && d.id.name, exportName: d.id && d.id.name }));
    } else if (/^Class/.test(decl.type)) {
      out.push({ parts: [decl, ...prototypeOf(ctx, decl.id?.name ?? '')], name: decl.id?.name, exportName: decl.id?.name ?? '' });
    } else if (decl.type === 'FunctionDeclaration' && METHOD_NAMES.has(decl.id?.name)) {
      namedFunctions.push(p.get('declaration'));
    }
  });
  // Methods assigned or exported one by one form one engine.
  if (memberAssignments.length) out.push({ parts: memberAssignments, exportName: 'module.exports' });
  if (namedFunctions.length) out.push({ parts: [], functions: namedFunctions, exportName: 'module.exports' });
  return out;
}

/**
 * An engine this module exports whose methods still take callbacks. Only an engine's shape counts:
 * both methods, and either each `(token, key, options, callback)` calling back, or a constructor
 * named like an engine (SocketCluster 1.x's own `AuthEngine.prototype.verifyToken = function
 * (token, key, callback)`). A jsonwebtoken helper `signToken(userId, role)` is not an engine. Its
 * callers live in other files and may pass callbacks, so it is never converted here.
 */
function exportedEngineDefs(ctx: Context, seen: Set<any>): EngineDef[] {
  const out: EngineDef[] = [];
  // The same shape is a common jsonwebtoken helper: only a SocketCluster project's module counts.
  if (!projectFacts(ctx.file).socketCluster && !SC_CODE.test(ctx.source)) return out;
  for (const def of exportedDefinitions(ctx)) {
    const methods: EngineMethod[] = def.functions
      ? def.functions.map((fp) => ({ path: fp, name: fp.node.id.name, label: `the exported ${fp.node.id.name}()` }))
      : def.parts.flatMap((d: any) => methodsOf(ctx, d));
    const names = new Set(methods.map((m) => m.name));
    if (!names.has('signToken') || !names.has('verifyToken') || methods.some((m) => seen.has(m.path.node))) continue;
    const ctorName = def.name ?? def.parts.map((d: any) => d.id?.name).find(Boolean) ?? '';
    const engineLike = /engine/i.test(ctorName) && def.parts.some((d: any) => d.protoAssignment);
    const callbackMethods = methods.filter((m) => isCallbackStyle(m.path.node));
    if (!(methods.every((m) => isCallbackMethod(m.path.node)) || (engineLike && callbackMethods.length))) continue;
    for (const m of methods) seen.add(m.path.node);
    const dual = callbackMethods.some((m) => testsCallback(m.path.node));
    out.push({
      methods: callbackMethods, convertible: false, dual, exported: true, exportName: def.exportName,
      why: dual ? 'it also works without a callback, returning the value synchronously'
        : "it is exported, and callers in other files may pass callbacks; where it is given to socketcluster-server 15+, wrap it in fromLegacyEngine() from 'sc-auth-bridge' or make it return Promises",
    });
  }
  return out;
}

/**
 * An engine handed to the server that this file cannot see into (`setAuthEngine(require('./x'))`,
 * an imported object): it may be a callback engine, so calls reaching the server's engine here
 * must keep their callbacks.
 */
export function unknownServerEngine(ctx: Context): string | undefined {
  for (const arg of engineArguments(ctx)) {
    const node = unwrap(arg.node);
    if (!node || ctx.analysis.engineKind(arg, node)) continue;
    if (definitionsOf(ctx, arg).length) continue;
    if (node.type === 'Identifier' && node.name === 'undefined') continue;
    const line = node.loc ? node.loc.start.line : '?';
    return `the engine given to the server at line ${line} is defined elsewhere and may still take callbacks`;
  }
  return undefined;
}

/** The socketcluster-server major this file runs on, when known. */
export function serverMajorOf(ctx: Context): number | undefined {
  // `socketcluster/scworker` exists up to SocketCluster 14 only.
  return /['"`]socketcluster\/scworker['"`]/.test(ctx.source) ? 14 : projectFacts(ctx.file).serverMajor;
}

/**
 * An sc-auth engine instance handed to the server here (`setAuthEngine(new AuthEngine())`,
 * `authEngine: new AuthEngine()`) in a project not known to run socketcluster-server 15+: ag-auth
 * there crashes server 14 on the first handshake (it rejects the `null` token 14 verifies), the
 * bridge serves 14 and 15+. Returns why, or undefined.
 */
export function engineForOldServer(ctx: Context): { why: string; node: any } | undefined {
  const major = serverMajorOf(ctx);
  if (major !== undefined && major >= 15) return undefined;
  for (const arg of engineArguments(ctx)) {
    if (ctx.analysis.engineKind(arg, arg.node) !== 'instance') continue;
    const on = major !== undefined ? `socketcluster-server ${major}` : 'a socketcluster-server whose version the nearest package.json does not give';
    return { node: arg.node, why: `the engine handed to the server at line ${arg.node.loc ? arg.node.loc.start.line : '?'} runs on ${on}; sc-auth-bridge serves 14 and 15+ (ag-auth needs 15+)` };
  }
  return undefined;
}

/** Engines given to SocketCluster in this file whose methods still take callbacks. */
export function findEngineDefs(ctx: Context): EngineDef[] {
  const seen = new Set<any>();
  const out: EngineDef[] = [];
  for (const arg of engineArguments(ctx)) {
    const methods: EngineMethod[] = [];
    for (const def of definitionsOf(ctx, arg)) {
      for (const m of methodsOf(ctx, def)) {
        if (seen.has(m.path.node) || !isCallbackStyle(m.path.node)) continue;
        seen.add(m.path.node);
        methods.push(m);
      }
    }
    if (!methods.length) continue;
    const dual = methods.some((m) => testsCallback(m.path.node));
    if (dual) {
      // Already works without a callback (returns or throws): socketcluster-server 15+ awaits that
      // fine, and its direct synchronous callers would break on a Promise. Leave it.
      out.push({ methods, convertible: false, dual: true, why: 'it also works without a callback, returning the value synchronously' });
      continue;
    }
    const odd = methods.find((m) => m.path.node.params.length !== 4);
    out.push({ methods, convertible: !odd, dual: false, why: odd ? `${odd.name}() takes ${odd.path.node.params.length} parameters, not (token, key, options, callback)` : undefined });
  }
  out.push(...exportedEngineDefs(ctx, seen));
  return out;
}

/** Callback engines that still need work (dual-mode ones already work with SocketCluster 15+). */
export function findCallbackEngines(ctx: Context): EngineMethod[] {
  return findEngineDefs(ctx).filter((d) => !d.dual && !bridgedAt(ctx, d)).flatMap((d) => d.methods);
}

/** Where every hand-off of this exported callback engine wraps it in fromLegacyEngine() (project pass). */
export function bridgedAt(ctx: Context, def: EngineDef): string | undefined {
  return def.exported && def.exportName !== undefined && ctx.bridgedExports ? ctx.bridgedExports[def.exportName] : undefined;
}

/** Export names of the callback engines this module exports (the project pass wraps their hand-offs). */
export function callbackEngineExports(ctx: Context): string[] {
  return findEngineDefs(ctx).filter((d) => d.exported && !d.dual && d.exportName).map((d) => d.exportName!);
}
