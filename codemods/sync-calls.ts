/**
 * sync-calls (sc-auth 6): `const t = engine.verifyToken(token, key)` returned the value (or threw).
 * Inside an async function it becomes `await engine.verifyToken(...)`: the value and the throw land
 * where they did, so try/catch keeps working. Elsewhere it becomes `verifyTokenSync` of the compat
 * engine. Dual-mode code (`if (options.async)`, `r instanceof Promise`) keeps its calls; its file
 * moves to sc-auth-bridge, which has both modes.
 */
import type { ASTPath } from 'jscodeshift';
import { type Context, leaveForReview } from './lib/context';
import { classifyCall, type EngineCall, stripAsyncOption } from './lib/calls';
import { nearestFunction, syncMode } from './lib/sync-mode';
import { standalone } from './lib/run';
import { asyncCallersReason } from './lib/order';

export function syncCallsStep(ctx: Context): void {
  const { j, root } = ctx;
  const calls: EngineCall[] = [];
  ctx.nodes.calls().forEach((p: ASTPath<any>) => {
    const c = classifyCall(ctx, p);
    if (c && c.callbackIndex < 0 && !c.ambiguous && (c.kind === 'instance' || c.kind === 'named')) calls.push(c);
  });
  for (const call of calls.reverse()) {
    const mode = syncMode(ctx, call);
    if (mode === 'promise') continue;
    if (mode === 'dual') { ctx.needsBridge = true; continue; }
    if (call.kind === 'named') {
      leaveForReview(ctx, call.path, `${call.method}() result is used synchronously (sc-auth 6); ag-auth returns a Promise`);
      continue;
    }
    const fn = nearestFunction(call.path);
    // In a parameter default `await` is a syntax error; only the body may await.
    const inBody = !!fn && isInside(call.path, fn.node.body);
    // `await` hands control back to the caller: only safe if callers await or do nothing after.
    const awaitSafe = ctx.target !== 'bridge' && fn && fn.node.async && inBody && !asyncCallersReason({ j, root, written: new Set(), calls: () => ctx.nodes.calls() }, fn);
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

export default standalone('sync-calls', [['sync-calls', syncCallsStep]]);

function isInside(path: ASTPath<any>, node: any): boolean {
  for (let p: any = path; p; p = p.parentPath) if (p.node === node) return true;
  return false;
}
