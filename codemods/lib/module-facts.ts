/**
 * What one file tells the project pass (src/cli/project-pass.ts): which of its exports hold an auth
 * engine, and which calls it leaves needing the compat engine on an engine it did not create. A
 * file is migrated on its own, so without these an engine exported from `engine.js` would move to
 * ag-auth while `login.js` still hands it a callback that never runs.
 */
import type { ASTPath } from 'jscodeshift';
import type { Context } from './context';
import { isAgAuthInstance, isInstanceLike, propName, unwrap } from './analysis';
import { classifyCall } from './calls';
import type { ModuleFacts } from './types';
import { callbackEngineExports, engineArguments, serverMajorOf } from './engines';
import { engineHandoffs } from './handoffs';
import { promiseCodeIfPinned } from './promise-code';
import { exportTarget } from './cross-file';

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
  for (const n of ctx.nodes.nodesOfType('AssignmentExpression')) {
    // Paths (and scope lookups) only for assignments to an export.
    const target = n.operator === '=' ? exportTarget(n.left) : undefined;
    if (!target) continue;
    const p = ctx.nodes.pathOf(n);
    if (!p || p.node !== n) continue;
    const right = unwrap(n.right);
    if (isEngine(p, right)) out.add(target);
    else if (target === 'module.exports' && right.type === 'ObjectExpression') {
      for (const prop of right.properties) {
        if ((prop.type !== 'ObjectProperty' && prop.type !== 'Property') || prop.computed) continue;
        const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.value;
        if (typeof key === 'string' && isEngine(p, prop.value)) out.add(key);
      }
    }
  }
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
    let callback = false;
    if (name === 'signTokenSync' || name === 'verifyTokenSync') {
      kind = ctx.analysis.engineKind(p, callee.object);
      method = name;
    } else {
      const call = classifyCall(ctx, p);
      if (!call || (call.callbackIndex < 0 && !call.ambiguous)) return;
      kind = call.kind;
      method = call.method;
      callback = call.callbackIndex >= 0;
    }
    // Engines of other files: the server's, an imported one, and, in a file that does not import
    // sc-auth itself, any receiver at all (an engine reached in a way the analysis does not follow:
    // kept on the bridge, its callback still runs).
    let receiver: ModuleFacts['foreignNeeds'][number]['receiver'];
    if (kind === 'server' || kind === 'imported') receiver = kind;
    // (a receiver of unknown kind counts only with a certain callback: `verifyToken(token, cb)` may be anything)
    else if (!ctx.analysis.importsLegacy && (kind || callback)) receiver = 'unknown';
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

