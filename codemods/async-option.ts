/**
 * async-option: sc-auth used `async` to pick sync or async jsonwebtoken; ag-auth always works
 * asynchronously and its signToken rejects the option outright. It is removed from option literals
 * of Promise-style engine calls (and from an options variable declared as a literal and used only
 * there); an `async` it cannot remove safely is reported.
 */
import type { ASTPath } from 'jscodeshift';
import { type Context, report } from './lib/context';
import { asyncProperty, classifyCall, isEngineMethodCall, optionsLiteral, stripAsyncOption } from './lib/calls';
import { syncMode } from './lib/sync-mode';
import { isInstanceLike } from './lib/analysis';
import { standalone } from './lib/run';

export function asyncOptionStep(ctx: Context): void {
  const { j, root } = ctx;
  ctx.nodes.callsWhere(isEngineMethodCall).forEach((p: ASTPath<any>) => {
    const call = classifyCall(ctx, p);
    if (!call || !call.kind || call.callbackIndex >= 0 || call.ambiguous) return;
    const lit = optionsLiteral(ctx, call);
    if (!lit || !asyncProperty(lit.node)) return;
    // Only where the value is consumed as a Promise: a sync (sc-auth 6) call is sync-calls' business.
    if (isInstanceLike(call.kind) && syncMode(ctx, call) !== 'promise') return;
    if (stripAsyncOption(ctx, call) === 'unknown') {
      report(ctx, p, 'async-option', `'async' in ${call.method}() options is shared with other code; remove it by hand (ag-auth's signToken rejects it)`);
    }
  });
}

export default standalone('async-option', [['async-option', asyncOptionStep]]);
