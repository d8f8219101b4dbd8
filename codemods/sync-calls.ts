/**
 * sync-calls (sc-auth 6): `const t = engine.verifyToken(token, key)` returned the value (or threw).
 * Inside an async function it becomes `await engine.verifyToken(...)`: the value and the throw land
 * where they did, so try/catch keeps working. Elsewhere it becomes `verifyTokenSync` of the compat
 * engine. Dual-mode code (`if (options.async)`, `r instanceof Promise`) keeps its calls; its file
 * moves to sc-auth-bridge, which has both modes.
 */
import type { ASTPath } from 'jscodeshift';
import { type Context, isIgnored, leaveForReview } from './lib/context';
import { asyncProperty, classifyCall, type EngineCall, hasSpread, isEngineMethodCall, stripAsyncOption } from './lib/calls';
import { isInstanceLike, unwrap } from './lib/analysis';
import { nearestFunction, syncMode } from './lib/sync-mode';
import { standalone } from './lib/run';
import { asyncCallersReason, orderQuery } from './lib/order';
import { onScAuth6 } from './lib/project';

export function syncCallsStep(ctx: Context): void {
  const { j, root } = ctx;
  const calls: EngineCall[] = [];
  ctx.nodes.callsWhere(isEngineMethodCall).forEach((p: ASTPath<any>) => {
    const c = classifyCall(ctx, p);
    if (c && c.callbackIndex < 0 && !c.ambiguous && (isInstanceLike(c.kind) || c.kind === 'named' || (c.kind === 'server' && onScAuth6(ctx)))) calls.push(c);
  });
  for (const call of calls.reverse()) {
    const mode = syncMode(ctx, call);
    if (mode !== 'promise' && isIgnored(ctx, call.path)) { ctx.needsBridge = true; continue; }
    if (call.kind === 'server') {
      // The server's engine may be created in another file, or be the server's own: which engine
      // answers (and whether it has *Sync) is not visible here.
      // A fork that creates that engine keeps it on the bridge (the CLI's project pass, which sees
      // this *Sync call): there the call keeps returning the value.
      if (mode !== 'sync') continue;
      leaveForReview(ctx, call.path, `${call.method}() on the server's engine was an sc-auth 6 synchronous call: now ${call.method}Sync(), which only sc-auth-bridge's engine has (ag-auth, the engine of socketcluster-server 15+, returns a Promise: await it there)`);
      call.path.node.callee.property = j.identifier(`${call.method}Sync`);
      ctx.changed = true; ctx.version++;
      continue;
    }
    if (mode === 'promise') continue;
    if (mode === 'dual') { ctx.needsBridge = true; continue; }
    // The result is tested for a Promise, so this code copes with both shapes. A slot the user can
    // fill with their own engine (no *Sync method) keeps the call: only the import changes.
    if (mode === 'probe' && ctx.analysis.isSharedSlot(call.path, call.path.node.callee.object)) { ctx.needsBridge = true; continue; }
    if (mode === 'probe') { probeCall(ctx, call); continue; }
    if (call.kind === 'named') {
      leaveForReview(ctx, call.path, `${call.method}() result is used synchronously (sc-auth 6); ag-auth returns a Promise`);
      continue;
    }
    const fn = nearestFunction(call.path);
    // In a parameter default `await` is a syntax error; only the body may await.
    const inBody = !!fn && isInside(call.path, fn.node.body);
    // `await` hands control back to the caller: only safe if callers await or do nothing after.
    const awaitSafe = ctx.target !== 'bridge' && fn && fn.node.async && inBody && !asyncCallersReason(orderQuery(ctx, new Set(), () => ctx.nodes.calls()), fn);
    if (awaitSafe) {
      stripAsyncOption(ctx, call);
      call.path.replace(j.awaitExpression(call.path.node));
    } else {
      call.path.node.callee.property = j.identifier(`${call.method}Sync`);
      ctx.needsBridge = true;
    }
    ctx.changed = true; ctx.version++;
  }
}

/**
 * `r = engine.signToken(t, k, opts); if (r instanceof Promise) ...`: sc-auth 6 returned the value
 * unless `opts.async` was set, the bridge without a callback always returns a Promise. The call
 * picks the same mode at run time: `opts && opts.async ? engine.signToken(..) : engine.signTokenSync(..)`,
 * which needs arguments that can be evaluated twice without effect.
 */
function probeCall(ctx: Context, call: EngineCall): void {
  const { j } = ctx;
  const node = call.path.node;
  ctx.needsBridge = true;
  const opts = call.optionsIndex >= 0 ? unwrap(node.arguments[call.optionsIndex]) : null;
  const sync = j.callExpression(j.memberExpression(node.callee.object, j.identifier(`${call.method}Sync`)), node.arguments);
  if (!opts || (opts.type === 'ObjectExpression' && !asyncProperty(opts) && !hasSpread(opts))) {
    call.path.replace(sync);
  } else if (isPure(opts) && node.arguments.every(isPure) && isPure(node.callee.object)) {
    const test = j.logicalExpression('&&', opts, j.memberExpression(opts, j.identifier('async')));
    call.path.replace(j.conditionalExpression(test, node, sync));
  } else {
    leaveForReview(ctx, call.path, `${call.method}() result is tested for a Promise (sc-auth 6 dual mode), and its options cannot be read twice safely: without a callback sc-auth-bridge always returns a Promise; use ${call.method}Sync() where 'async' is not set`);
    return;
  }
  ctx.changed = true; ctx.version++;
}

/** Identifiers, literals, `this` and plain member chains: reading them twice changes nothing. */
function isPure(node: any): boolean {
  node = unwrap(node);
  if (!node) return false;
  if (node.type === 'Identifier' || node.type === 'ThisExpression' || (/Literal$/.test(node.type) && node.type !== 'TemplateLiteral')) return true;
  if (node.type === 'MemberExpression' && !node.computed) return isPure(node.object);
  return false;
}

export default standalone('sync-calls', [['sync-calls', syncCallsStep]]);

function isInside(path: ASTPath<any>, node: any): boolean {
  for (let p: any = path; p; p = p.parentPath) if (p.node === node) return true;
  return false;
}
