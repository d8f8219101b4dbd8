/**
 * What one file tells the project pass (src/cli/project-pass.ts): which of its exports hold an auth
 * engine, and which calls it leaves needing the compat engine on an engine it did not create. A
 * file is migrated on its own, so without these an engine exported from `engine.js` would move to
 * ag-auth while `login.js` still hands it a callback that never runs.
 */
import type { ASTPath } from 'jscodeshift';
import type { Context } from './context';
import { isInstanceLike, isStringLit, propName, unwrap } from './analysis';
import { classifyCall } from './calls';
import { AG_MODULE } from './types';
import type { ModuleFacts } from './types';
import { callbackEngineExports, engineArguments, serverMajorOf } from './engines';
import { engineHandoffs } from './handoffs';
import { promiseCodeIfPinned } from './promise-code';

/** Everything the project pass reads of one file. */
export function moduleFacts(ctx: Context): ModuleFacts {
  return {
    engineExports: engineExports(ctx),
    foreignNeeds: foreignNeeds(ctx),
    callbackEngineExports: callbackEngineExports(ctx),
    engineHandoffs: engineHandoffs(ctx),
    promiseCode: promiseCodeIfPinned(ctx),
  };
}

/** Export names whose value is an engine instance (sc-auth, the bridge, or already ag-auth). */
export function engineExports(ctx: Context): string[] {
  const out = new Set<string>();
  const isEngine = (p: ASTPath<any>, node: any) => isInstanceLike(ctx.analysis.engineKind(p, node)) || isAgAuthInstance(p, node);
  ctx.nodes.of('AssignmentExpression').forEach((p: ASTPath<any>) => {
    if (p.node.operator !== '=') return;
    const target = exportTarget(p.node.left);
    if (!target) return;
    const right = unwrap(p.node.right);
    if (isEngine(p, right)) out.add(target);
    else if (target === 'module.exports' && right.type === 'ObjectExpression') {
      for (const prop of right.properties) {
        if ((prop.type !== 'ObjectProperty' && prop.type !== 'Property') || prop.computed) continue;
        const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.value;
        if (typeof key === 'string' && isEngine(p, prop.value)) out.add(key);
      }
    }
  });
  ctx.nodes.of('ExportDefaultDeclaration').forEach((p: ASTPath<any>) => {
    if (isEngine(p, p.node.declaration)) out.add('default');
  });
  ctx.nodes.of('ExportNamedDeclaration').forEach((p: ASTPath<any>) => {
    if (p.node.source) return;
    const decl = p.node.declaration;
    if (decl && decl.type === 'VariableDeclaration') {
      for (const d of decl.declarations) {
        if (d.id.type === 'Identifier' && d.init && isEngine(p, d.init)) out.add(d.id.name);
      }
    }
    for (const s of p.node.specifiers || []) {
      if (s.type !== 'ExportSpecifier' || !s.local) continue;
      const exported = s.exported.name ?? s.exported.value;
      if (isEngine(p, s.local)) out.add(exported);
    }
  });
  return [...out].sort();
}

/** `module.exports` -> 'module.exports'; `module.exports.x` / `exports.x` -> 'x'. */
function exportTarget(left: any): string | undefined {
  left = unwrap(left);
  if (isModuleExports(left)) return 'module.exports';
  const name = propName(left);
  if (!name) return undefined;
  const object = unwrap(left.object);
  if (isModuleExports(object) || (object.type === 'Identifier' && object.name === 'exports')) return name;
  return undefined;
}

function isModuleExports(node: any): boolean {
  return !!node && propName(node) === 'exports' && unwrap(node.object).type === 'Identifier' && unwrap(node.object).name === 'module';
}

/** `new X()` where X is ag-auth's class: a module someone migrated already is still an engine. */
function isAgAuthInstance(path: ASTPath<any>, node: any): boolean {
  node = unwrap(node);
  if (!node || node.type !== 'NewExpression') return false;
  const callee = unwrap(node.callee);
  if (isAgRequire(callee)) return true;
  if (callee.type !== 'Identifier') return false;
  const scope = path.scope && path.scope.lookup(callee.name);
  const decl = scope && (scope.getBindings()[callee.name] || [])[0];
  const parent: any = decl && decl.parentPath && decl.parentPath.node;
  if (!parent) return false;
  if (parent.type === 'VariableDeclarator') return isAgRequire(unwrap(parent.init));
  // import X from 'ag-auth' (the binding's parent is the specifier, then the declaration)
  const declaration: any = decl.parentPath.parentPath && decl.parentPath.parentPath.node;
  return parent.type === 'ImportDefaultSpecifier' && !!declaration && isStringLit(declaration.source, AG_MODULE);
}

function isAgRequire(node: any): boolean {
  return !!node && node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' &&
    node.arguments.length === 1 && isStringLit(node.arguments[0], AG_MODULE);
}

/**
 * Calls on a server's `.auth` or an imported engine that, after this run, still need the compat
 * engine: a kept callback, or a *Sync call. Run on the final tree.
 */
export function foreignNeeds(ctx: Context): ModuleFacts['foreignNeeds'] {
  const out: ModuleFacts['foreignNeeds'] = [];
  ctx.nodes.calls().forEach((p: ASTPath<any>) => {
    const callee = p.node.callee;
    const name = propName(callee);
    let kind;
    let method: string | undefined;
    if (name === 'signTokenSync' || name === 'verifyTokenSync') {
      kind = ctx.analysis.engineKind(p, callee.object);
      method = name;
    } else {
      const call = classifyCall(ctx, p);
      if (!call || (call.callbackIndex < 0 && !call.ambiguous)) return;
      kind = call.kind;
      method = call.method;
    }
    // Engines of other files: the server's, an imported one, and, in a file that does not import
    // sc-auth itself, any receiver at all (an engine reached in a way the analysis does not follow:
    // kept on the bridge, its callback still runs).
    let receiver: ModuleFacts['foreignNeeds'][number]['receiver'];
    if (kind === 'server' || kind === 'imported') receiver = kind;
    else if (!ctx.analysis.importsLegacy && (kind || !ambiguousOnly(ctx, p))) receiver = 'unknown';
    else return;
    const start = p.node.loc && p.node.loc.start;
    out.push({ line: start ? start.line : 0, column: start ? start.column + 1 : 0, method, receiver });
  });
  // An engine from another module handed to a server that may be socketcluster-server 14: ag-auth
  // there fails the first handshake; the bridge serves 14 and 15+.
  const major = serverMajorOf(ctx);
  if (major === undefined || major < 15) {
    for (const arg of engineArguments(ctx)) {
      if (ctx.analysis.engineKind(arg, arg.node) !== 'imported') continue;
      const start = arg.node.loc && arg.node.loc.start;
      out.push({ line: start ? start.line : 0, column: start ? start.column + 1 : 0, method: 'hand-off', receiver: 'imported' });
    }
  }
  return out;
}

/** A call whose last argument may or may not be a callback (`verifyToken(token, cb)`): not counted. */
function ambiguousOnly(ctx: Context, p: ASTPath<any>): boolean {
  const call = classifyCall(ctx, p);
  return !call || call.callbackIndex < 0;
}
