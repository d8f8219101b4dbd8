/** Recognising engine method calls and their callback / options arguments. */
import type { ASTPath } from 'jscodeshift';
import type { Context } from './context';
import { type EngineKind, isFunctionNode, propName, unwrap } from './analysis';

export const METHODS = new Set(['signToken', 'verifyToken']);
/** Stand-in identifiers for edited option literals, replaced by their text after printing. */
export const PLACEHOLDER_PREFIX = '__scAuthBridgeKeep';
/** The same for whole statements (`marker;` on its own line). */
export const STATEMENT_PLACEHOLDER = '__scAuthBridgeStmt';
/** A list element to delete after printing, with the comma before it. */
export const DROP_PLACEHOLDER = '__scAuthBridgeDrop';
const CALLBACK_NAME = /^(cb|callback|done|next|fn|cb\w*|callback\w*|done\w*|on[A-Z]\w*|respond|res(olve)?|reply)$/;

export interface EngineCall {
  path: ASTPath<any>;
  method: 'signToken' | 'verifyToken';
  kind: EngineKind | undefined;
  /** Index of the callback argument, -1 when none. */
  callbackIndex: number;
  /** Index of the options argument, -1 when absent. */
  optionsIndex: number;
  /** The last argument might be a callback but we cannot tell. */
  ambiguous: boolean;
}

/** A function value: inline function/arrow, `function(){}.bind(x)`. */
export function isFunctionValue(node: any): boolean {
  node = unwrap(node);
  if (!node) return false;
  if (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') return true;
  return node.type === 'CallExpression' && propName(node.callee) === 'bind' && isFunctionValue(node.callee.object);
}

/** Does this identifier name a function (by its binding) or a callback parameter? */
function identifierIsFunction(path: ASTPath<any>, name: string): boolean | undefined {
  const scope = path.scope && path.scope.lookup(name);
  if (scope) {
    const bindings = scope.getBindings()[name] as ASTPath<any>[] | undefined;
    const decl = bindings && bindings[0];
    if (decl) {
      const parent: any = decl.parentPath && decl.parentPath.node;
      if (parent && parent.type === 'FunctionDeclaration' && parent.id === decl.node) return true;
      if (parent && parent.type === 'VariableDeclarator' && parent.id === decl.node) {
        const init = unwrap(parent.init);
        if (isFunctionValue(init) || isFunctionNode(init)) return true;
        if (init && (init.type === 'ObjectExpression' || /Literal$/.test(init.type))) return false;
      }
      if (parent && isFunctionNode(parent) && CALLBACK_NAME.test(name)) return true;
    }
  }
  return CALLBACK_NAME.test(name) ? true : undefined;
}

/** A call classifyCall can classify at all: `x.signToken(...)` and the other engine methods. */
export function isEngineMethodCall(node: any): boolean {
  const callee = node.callee;
  if (!callee || (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression')) return false;
  const method = propName(callee);
  return !!method && METHODS.has(method);
}

export function classifyCall(ctx: Context, path: ASTPath<any>): EngineCall | null {
  const node = path.node;
  const callee = node.callee;
  if (!callee || (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression')) return null;
  const method = propName(callee);
  if (!method || !METHODS.has(method)) return null;
  const args = node.arguments;
  if (args.some((a: any) => a.type === 'SpreadElement')) {
    return { path, method: method as any, kind: ctx.analysis.engineKind(path, callee.object), callbackIndex: -1, optionsIndex: -1, ambiguous: true };
  }
  let callbackIndex = -1;
  let optionsIndex = args.length >= 3 ? 2 : -1;
  let ambiguous = false;
  if (args.length >= 4) {
    callbackIndex = 3;
  } else if (args.length === 3) {
    const last = unwrap(args[2]);
    if (isFunctionValue(last)) { callbackIndex = 2; optionsIndex = -1; }
    else if (last.type === 'Identifier' && last.name.startsWith(PLACEHOLDER_PREFIX)) {
      // an options literal this run already edited (see stripAsyncOption)
    } else if (last.type === 'Identifier') {
      const isFn = identifierIsFunction(path, last.name);
      if (isFn === true) { callbackIndex = 2; optionsIndex = -1; }
      else if (isFn === undefined && /^(options|opts|.*Options|.*Opts|config|.*Config)$/.test(last.name) === false) ambiguous = true;
    }
  } else if (args.length === 2 && isFunctionValue(args[1])) {
    // verifyToken(token, callback): no key at all — never seen working; leave it to a human
    ambiguous = true;
  }
  return { path, method: method as any, kind: ctx.analysis.engineKind(path, callee.object), callbackIndex, optionsIndex, ambiguous };
}

/** The options object literal of a call, following `const opts = {...}` in the same scope used only there. */
export function optionsLiteral(ctx: Context, call: EngineCall): { node: any; viaVariable: boolean; single: boolean; replace: (n: any) => void } | null {
  if (call.optionsIndex < 0) return null;
  const arg = unwrap(call.path.node.arguments[call.optionsIndex]);
  if (!arg) return null;
  if (arg.type === 'ObjectExpression') {
    const args = call.path.node.arguments;
    const at = call.optionsIndex;
    return { node: arg, viaVariable: false, single: true, replace: (n: any) => { args[at] = n; } };
  }
  if (arg.type !== 'Identifier') return null;
  const scope = call.path.scope && call.path.scope.lookup(arg.name);
  if (!scope) return null;
  const decl = (scope.getBindings()[arg.name] || [])[0];
  const declarator: any = decl && decl.parentPath && decl.parentPath.node;
  if (!declarator || declarator.type !== 'VariableDeclarator' || declarator.id !== decl.node) return null;
  const init = unwrap(declarator.init);
  if (!init || init.type !== 'ObjectExpression') return null;
  // Used only here (and nowhere reassigned or mutated): count references in its scope.
  let refs = 0;
  ctx.nodes.identifiers(arg.name).forEach((p: ASTPath<any>) => {
    const parent = p.parent && p.parent.node;
    if (parent && (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === p.node && !parent.computed) return;
    if (parent && (parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === p.node && !parent.computed && parent.value !== p.node) return;
    if (p.scope && p.scope.lookup(arg.name) !== scope) return;
    refs++;
  });
  return { node: init, viaVariable: true, single: refs === 2, replace: (n: any) => { declarator.init = n; } };
}

/** The `async` property of an options literal, and whether the literal hides more (spread). */
export function asyncProperty(obj: any): { prop: any; value: boolean | undefined } | null {
  for (const p of obj.properties || []) {
    if ((p.type === 'ObjectProperty' || p.type === 'Property') && !p.computed) {
      const key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
      if (key === 'async') {
        const v = unwrap(p.value);
        const value = v && (v.type === 'BooleanLiteral' || (v.type === 'Literal' && typeof v.value === 'boolean')) ? v.value : undefined;
        return { prop: p, value };
      }
    }
  }
  return null;
}

export function hasSpread(obj: any): boolean {
  return (obj.properties || []).some((p: any) => p.type === 'SpreadElement' || p.type === 'SpreadProperty');
}

/** Removes `async` from the options at a call that becomes Promise-style. Returns false if it could not see. */
export function stripAsyncOption(ctx: Context, call: EngineCall): 'removed' | 'none' | 'unknown' {
  if (call.optionsIndex < 0 || call.optionsIndex >= call.path.node.arguments.length) return 'none';
  const lit = optionsLiteral(ctx, call);
  if (!lit) return 'unknown';
  const found = asyncProperty(lit.node);
  if (!found) return hasSpread(lit.node) ? 'unknown' : 'none';
  if (lit.viaVariable && !lit.single) return 'unknown';
  const props: any[] = lit.node.properties;
  const rest = props.filter((p: any) => p !== found.prop);
  ctx.changed = true; ctx.version++;
  // `{ async: false }` alone becomes `{}`: drop it when it is the last argument of the call.
  const args = call.path.node.arguments;
  if (!lit.viaVariable && rest.length === 0 && call.optionsIndex === args.length - 1) {
    args.splice(call.optionsIndex, 1);
    return 'removed';
  }
  const text = textWithout(ctx, lit.node, found.prop);
  if (text === undefined) {
    lit.node.properties = rest;
    return 'removed';
  }
  // recast would reprint an edited object on several lines; cut the property out of the source text instead
  const marker = `${PLACEHOLDER_PREFIX}${ctx.placeholders.size}__`;
  ctx.placeholders.set(marker, text);
  lit.replace(ctx.j.identifier(marker));
  return 'removed';
}

/** The object's source text minus one property (with its comma), or undefined for synthesized nodes. */
function textWithout(ctx: Context, obj: any, prop: any): string | undefined {
  const ok = (n: any) => n && typeof n.start === 'number' && typeof n.end === 'number' && n.loc;
  const props: any[] = obj.properties;
  if (!ok(obj) || !props.every(ok)) return undefined;
  if (ctx.source.slice(obj.start, obj.end)[0] !== '{') return undefined;
  const i = props.indexOf(prop);
  let from: number; let to: number;
  if (props.length === 1) return '{}';
  if (i < props.length - 1) { from = prop.start; to = props[i + 1].start; }
  else { from = props[i - 1].end; to = prop.end; }
  const text = ctx.source.slice(obj.start, from) + ctx.source.slice(to, obj.end);
  return text.includes('\n') && ctx.source.includes('\r\n') ? text.replace(/\r?\n/g, '\r\n') : text;
}


/**
 * The options argument is a parameter of a callback-style engine method this call sits in
 * (`signToken(token, key, options, callback) { this.base.signToken(token, key, options, ...) }`): an
 * engine wrapping another passes on what the server gives it, and socketcluster-server 14 (which
 * calls such engines) sets `async`, which ag-auth rejects and the bridge drops. A wrapper that the
 * legacy-engines step turned into a Promise engine is for 15+ and has three parameters: not counted.
 */
export function optionsFromEngineMethod(call: EngineCall): boolean {
  const arg = call.optionsIndex >= 0 ? unwrap(call.path.node.arguments[call.optionsIndex]) : null;
  if (!arg || arg.type !== 'Identifier') return false;
  let fnPath: any = call.path.parent;
  while (fnPath && !/^(FunctionExpression|FunctionDeclaration|ObjectMethod|ClassMethod)$/.test(fnPath.node.type)) fnPath = fnPath.parent;
  if (!fnPath) return false;
  const fn = fnPath.node;
  // (legacy-engines leaves a dropped callback parameter as a marker until printing)
  const params = fn.params.filter((p: any) => !(p.type === 'Identifier' && p.name.startsWith(DROP_PLACEHOLDER)));
  if (params.length !== 4 || !params.some((p: any) => p.type === 'Identifier' && p.name === arg.name)) return false;
  const owner = fnPath.parent && fnPath.parent.node;
  const name = fn.key ? (fn.key.name ?? fn.key.value)
    : owner && owner.type === 'AssignmentExpression' ? propName(owner.left)
      : owner && (owner.type === 'ObjectProperty' || owner.type === 'Property') ? (owner.key.name ?? owner.key.value) : fn.id?.name;
  return name === 'signToken';
}

