/** Read-only scan for every legacy usage left in a file (the CLI's `check`), and the bridge decision. */
import type { ASTPath } from 'jscodeshift';
import { type Context, report } from './context';
import { asyncProperty, classifyCall, type EngineCall, isEngineMethodCall, optionsFromEngineMethod, optionsLiteral } from './calls';
import { isClassCalledAsFunction, isLegacySource, isLegacyRequire, isLegacyDynamicImport, propName, stringValue, isInstanceLike } from './analysis';

export const SUBCLASS_MESSAGE = 'convert the subclass to return Promises (ag-auth\'s methods take no callback) by hand';
export const CLASS_CALLED_MESSAGE = 'AuthEngine is called as a function (ES5 subclassing); sc-auth-bridge\'s AuthEngine is a class and needs `new`, and ag-auth\'s inherited methods return Promises: rewrite the subclass as `class X extends AuthEngine` returning Promises';
import { syncMode } from './sync-mode';
import { onScAuth6 } from './project';
import { bridgedAt, engineForOldServer, findCallbackEngines, findEngineDefs, unknownServerEngine } from './engines';
import { BRIDGE_MODULE, LEGACY_MODULE } from './types';

/** signToken / verifyToken: the names a member expression or a stub names an engine method by. */
export const isMethodName = (name: string | undefined): boolean => name === 'signToken' || name === 'verifyToken';
/** `X.call(...)` / `X.apply(...)`: the calls isClassCalledAsFunction looks at. */
export const isCallOrApply = (node: any): boolean => { const name = propName(node.callee); return name === 'call' || name === 'apply'; };

function engineCalls(ctx: Context): EngineCall[] {
  const out: EngineCall[] = [];
  ctx.nodes.callsWhere(isEngineMethodCall).forEach((p: ASTPath<any>) => {
    const c = classifyCall(ctx, p);
    if (c) out.push(c);
  });
  return out;
}

/**
 * Test doubles of sc-auth that a migration silently defeats: a proxyquire / mock-require stub keyed
 * 'sc-auth' (the module under test now requires another name), and a stub or spy on an engine's
 * signToken/verifyToken (`sinon.stub(AuthEngine.prototype, 'verifyToken').yields(..)`: ag-auth
 * calls no callback, the stub must resolve/reject).
 */
export function testDoubleSites(ctx: Context): Array<{ path: ASTPath<any>; message: string }> {
  const out: Array<{ path: ASTPath<any>; message: string }> = [];
  const mayBeDouble = (n: any) => n.arguments.some((a: any, i: number) => (i > 0 && isMethodName(stringValue(a))) || (a && a.type === 'ObjectExpression'));
  ctx.nodes.callsWhere(mayBeDouble).forEach((p: ASTPath<any>) => {
    const args = p.node.arguments;
    for (let i = 0; i + 1 < args.length; i++) {
      const name = stringValue(args[i + 1]);
      if (name !== 'signToken' && name !== 'verifyToken') continue;
      if (!ctx.analysis.engineKind(p, args[i])) continue;
      out.push({ path: p, message: `${name}() is stubbed or spied on: ag-auth's method returns a Promise and calls no callback, so a callback-style double (.yields, .callsArg, a fake calling back) must resolve or reject instead` });
    }
    for (const a of args) {
      if (!a || a.type !== 'ObjectExpression') continue;
      const key = a.properties.find((pr: any) => (pr.type === 'ObjectProperty' || pr.type === 'Property') && !pr.computed && isLegacySource(pr.key) && pr.key.value !== BRIDGE_MODULE);
      if (key) out.push({ path: p, message: "a module stub keyed 'sc-auth' no longer replaces anything once the code under test requires ag-auth or sc-auth-bridge; stub that name with that module's shape" });
    }
  });
  return out;
}

/** Does what is left in the file still need the compat engine's callback or sync mode? */
export function leftoversNeedBridge(ctx: Context): boolean {
  for (const call of engineCalls(ctx)) {
    if (!call.kind) { if (call.callbackIndex >= 0) return true; continue; }
    if (call.callbackIndex >= 0 || call.ambiguous) return true;
    if (isInstanceLike(call.kind) && syncMode(ctx, call) !== 'promise') return true;
    // options handed on from the server (an engine wrapping this one): 14 sets `async`, ag-auth rejects it
    if (call.method === 'signToken' && isInstanceLike(call.kind) && optionsFromEngineMethod(call)) return true;
  }
  let sync = false;
  const isSyncName = (n: any) => { const name = propName(n.callee); return name === 'signTokenSync' || name === 'verifyTokenSync'; };
  ctx.nodes.callsWhere(isSyncName).forEach((p: ASTPath<any>) => {
    if (ctx.analysis.engineKind(p, p.node.callee.object)) sync = true;
  });
  return sync;
}

export function checkStep(ctx: Context): void {
  const { j, root } = ctx;
  // Imports
  const importSite = (p: ASTPath<any>, lit: any) => {
    if (stringValue(lit) !== BRIDGE_MODULE) report(ctx, p, 'sc-auth-import', importAdvice(), lit);
    else report(ctx, p, 'bridge-import', "imports the compat engine 'sc-auth-bridge'", lit);
  };
  // Where migrate would pick the bridge (an engine handed to a server 14), say so rather than ag-auth.
  let advice: string | undefined;
  const importAdvice = (): string => {
    if (advice) return advice;
    const old = engineForOldServer(ctx);
    advice = old ? `imports 'sc-auth': ${old.why}, so use sc-auth-bridge until the upgrade, then ag-auth's default export`
      : "imports 'sc-auth': use ag-auth's default export (the class itself)";
    return advice;
  };
  ctx.nodes.of('ImportDeclaration').forEach((p: ASTPath<any>) => { if (isLegacySource(p.node.source)) importSite(p, p.node.source); });
  ctx.nodes.of('ExportNamedDeclaration').forEach((p: ASTPath<any>) => { if (p.node.source && isLegacySource(p.node.source)) importSite(p, p.node.source); });
  ctx.nodes.of('ExportAllDeclaration').forEach((p: ASTPath<any>) => { if (isLegacySource(p.node.source)) importSite(p, p.node.source); });
  ctx.nodes.of('TSImportEqualsDeclaration').forEach((p: ASTPath<any>) => {
    const ref = p.node.moduleReference;
    if (ref && ref.expression && isLegacySource(ref.expression)) importSite(p, ref.expression);
  });
  const mayImport = (n: any) => isLegacyRequire(n) || isLegacyDynamicImport(n) ||
    (n.callee.type === 'MemberExpression' && /^(mock|doMock|resolve)$/.test(propName(n.callee) || '') && isLegacySource(n.arguments[0]));
  ctx.nodes.callsWhere(mayImport).forEach((p: ASTPath<any>) => {
    const n = p.node;
    if (isLegacyRequire(n)) importSite(p, n.arguments[0]);
    else if (isLegacyDynamicImport(n)) importSite(p, n.type === 'ImportExpression' ? n.source : n.arguments[0]);
    else if (n.callee.type === 'MemberExpression' && /^(mock|doMock|resolve)$/.test(propName(n.callee) || '') && isLegacySource(n.arguments[0])) importSite(p, n.arguments[0]);
  });
  // Calls. Server receivers whose engine is the project's own (given from elsewhere, no sc-auth here) are look-alikes.
  const foreignServer = !ctx.analysis.importsLegacy && !!unknownServerEngine(ctx);
  for (const call of engineCalls(ctx)) {
    if (foreignServer && call.kind === 'server') continue;
    if (!call.kind) {
      if (call.callbackIndex >= 0 && ctx.analysis.importsLegacy) {
        report(ctx, call.path, 'manual-review', `${call.method}() with a callback on a receiver not known to be an sc-auth engine`);
      }
      continue;
    }
    if (call.callbackIndex >= 0 || call.ambiguous) {
      report(ctx, call.path, 'callback-call', `${call.method}() passes a callback; ag-auth returns a Promise and never calls it (sc-auth-bridge still does)`);
      continue;
    }
    const mode = isInstanceLike(call.kind) || (call.kind === 'server' && onScAuth6(ctx)) ? syncMode(ctx, call) : 'promise';
    if (mode === 'probe' && ctx.analysis.isSharedSlot(call.path, call.path.node.callee.object)) continue;
    if (mode === 'sync' || mode === 'probe') report(ctx, call.path, 'sync-call', `${call.method}() is used as an sc-auth 6 synchronous call; ag-auth returns a Promise`);
    const opts = optionsLiteral(ctx, call);
    const a = opts && asyncProperty(opts.node);
    if (a && call.method === 'signToken') report(ctx, call.path, 'async-option', "'async' in signToken() options: ag-auth rejects it (\"async\" is not allowed in \"options\")", a.prop);
  }
  ctx.nodes.where(['MemberExpression', 'OptionalMemberExpression'], (n) => isMethodName(propName(n))).forEach((p: ASTPath<any>) => {
    const name = propName(p.node);
    const parent = p.parent && p.parent.node;
    if (parent && (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression') && parent.callee === p.node) return;
    if (parent && parent.type === 'AssignmentExpression' && parent.left === p.node) return;
    if (!ctx.analysis.engineKind(p, p.node.object)) return;
    if (propName(p.node.object) === 'prototype') return report(ctx, p, 'manual-review', `${name} is called through the AuthEngine prototype (a subclass engine): ${SUBCLASS_MESSAGE}`);
    report(ctx, p, 'manual-review', `${name} is used as a value (bound, promisified or stored): its callers pass callbacks`);
  });
  ctx.nodes.callsWhere(isCallOrApply).forEach((p: ASTPath<any>) => {
    if (isClassCalledAsFunction(ctx.analysis, p)) report(ctx, p, 'manual-review', CLASS_CALLED_MESSAGE);
  });
  for (const site of testDoubleSites(ctx)) report(ctx, site.path, 'manual-review', site.message);
  for (const engine of findCallbackEngines(ctx)) {
    report(ctx, engine.path, 'callback-engine', `${engine.label} takes a callback; socketcluster-server 15+ awaits a Promise`, engine.path.node);
  }
  reportBridgedEngines(ctx);
}

/** Exported callback engines every hand-off wraps in fromLegacyEngine(): they work, on the compat engine. */
export function reportBridgedEngines(ctx: Context): void {
  for (const def of findEngineDefs(ctx)) {
    const where = bridgedAt(ctx, def);
    if (!where || def.dual || !def.methods.length) continue;
    const first = def.methods[0];
    report(ctx, first.path, 'bridge-import',
      `${def.methods.map((m) => m.label).join(' and ')} take${def.methods.length > 1 ? '' : 's'} a callback; the server gets this engine through fromLegacyEngine() (${where}), which serves socketcluster-server 14 and 15+: make it return Promises to drop the compat engine`,
      first.path.node);
  }
}
