/**
 * legacy-engines: a hand-written engine whose signToken/verifyToken take (token, key, options,
 * callback) and is given to SocketCluster becomes Promise-returning. The body stays as written; the
 * callback parameter becomes a local function that settles the Promise, so every path that called
 * back now resolves or rejects, exactly once (a Promise settles once, like sc-auth's callback).
 */
import { type Context, leaveForReview } from './lib/context';
import { findEngineDefs } from './lib/engines';
import { references, usesOwn } from './lib/walk';
import { standalone } from './lib/run';
import { parserFor } from './lib/parse';

export function legacyEnginesStep(ctx: Context): void {
  const { j } = ctx;
  const defs = findEngineDefs(ctx);
  for (const def of defs) {
    if (!def.convertible && !def.dual) {
      // All or nothing per engine: half a Promise engine would break its callback consumers.
      for (const m of def.methods) leaveForReview(ctx, m.path, `${m.label} is a callback engine this codemod cannot rewrite: ${def.why}`);
    }
  }
  for (const method of defs.filter((d) => d.convertible).flatMap((d) => d.methods)) {
    const fn = method.path.node;
    if (usesOwn(fn.body, 'arguments')) {
      leaveForReview(ctx, method.path, `${method.label} reads arguments; convert it to return a Promise by hand`);
      continue;
    }
    const cbName: string = fn.params[3].name;
    const resolveName = free(fn.body, 'resolve');
    const rejectName = free(fn.body, 'reject');
    const ts = parserFor(ctx.file) !== 'babel';
    // In TypeScript the settle function's parameters need types under `strict`.
    const param = (name: string) => {
      const id: any = j.identifier(name);
      if (ts) id.typeAnnotation = j.tsTypeAnnotation(j.tsAnyKeyword());
      if (ts && name === 'value') id.optional = true;
      return id;
    };
    const settle = j.variableDeclaration('const', [j.variableDeclarator(j.identifier(cbName),
      j.arrowFunctionExpression([param('err'), param('value')],
        j.conditionalExpression(j.identifier('err'),
          j.callExpression(j.identifier(rejectName), [j.identifier('err')]),
          j.callExpression(j.identifier(resolveName), [j.identifier('value')]))))]);
    const body = fn.body.type === 'BlockStatement' ? fn.body.body : [j.expressionStatement(fn.body)];
    const executor = j.arrowFunctionExpression([j.identifier(resolveName), j.identifier(rejectName)], j.blockStatement([settle, ...body]));
    fn.params = fn.params.slice(0, 3);
    fn.body = j.blockStatement([j.returnStatement(j.newExpression(j.identifier('Promise'), [executor]))]);
    ctx.changed = true;
  }
}

function free(body: any, base: string): string {
  let name = base;
  for (let i = 2; references(body, name); i++) name = `${base}${i}`;
  return name;
}

export default standalone('legacy-engines', [['legacy-engines', legacyEnginesStep]]);
