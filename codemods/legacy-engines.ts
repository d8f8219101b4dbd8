/**
 * legacy-engines: a hand-written engine whose signToken/verifyToken take (token, key, options,
 * callback) and is given to SocketCluster becomes Promise-returning. The body stays as written; the
 * callback parameter becomes a local function that settles the Promise, so every path that called
 * back now resolves or rejects, exactly once (a Promise settles once, like sc-auth's callback).
 */
import { type Context, followSemicolonStyle, leaveForReview, report, usesSemicolons } from './lib/context';
import { bridgedAt, findEngineDefs } from './lib/engines';
import { wrapLegacyHandoffs } from './lib/handoffs';
import { reportBridgedEngines } from './lib/check';
import { references, usesOwn } from './lib/walk';
import { standalone } from './lib/run';
import { parserFor } from './lib/parse';
import { detectStyle } from './lib/print';
import { DROP_PLACEHOLDER, STATEMENT_PLACEHOLDER } from './lib/calls';

export function legacyEnginesStep(ctx: Context): void {
  const { j } = ctx;
  wrapLegacyHandoffs(ctx);
  const defs = findEngineDefs(ctx);
  reportBridgedEngines(ctx);
  for (const def of defs) {
    if (bridgedAt(ctx, def)) continue;
    if (def.exported && !def.dual) {
      // The project's own engine module: its users are elsewhere (and a look-alike may never reach
      // SocketCluster), so the file stays as written and the finding says what to do.
      for (const m of def.methods) report(ctx, m.path, 'callback-engine', `${m.label} takes a callback: ${def.why}`, m.path.node);
    } else if (!def.convertible && !def.dual) {
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
    const style = detectStyle(ctx.source);
    const q = style.quote === 'double' ? '"' : "'";
    const unit = /^( +|\t)\S/m.exec(ctx.source)?.[1] ?? '  ';
    const params = ts ? '(err: any, value?: any)' : '(err, value)';
    const body = fn.body.type === 'BlockStatement' ? fn.body.body : [j.expressionStatement(fn.body)];
    // No-semicolon files: none in the new lines either, unless the body's first line would continue them.
    // (recast drops a guarding `;[a].forEach()` EmptyStatement when it reprints the body)
    const first = body.find((st: any) => st.type !== 'EmptyStatement');
    const firstChar = first && typeof first.start === 'number' ? ctx.source[first.start] : '';
    const end = usesSemicolons(ctx) || /[([`+\-/]/.test(firstChar) ? ';' : '';
    const inner = usesSemicolons(ctx) ? ';' : '';
    // socketcluster-server 15+ authenticates on ANY resolved value, where SocketCluster 14 treated
    // a falsy token as "not authenticated": a verify that calls back without a token rejects, with
    // the error jsonwebtoken gives for a missing token (the server maps errors by name).
    const text = method.name === 'verifyToken'
      ? [
        `const ${cbName} = ${params} => {`,
        `${unit}if (err) ${rejectName}(err)${inner}`,
        `${unit}// sc-auth-bridge: server 15+ treats any resolved value as authenticated, so no token rejects`,
        `${unit}else if (!value) ${rejectName}(Object.assign(new Error(${q}jwt must be provided${q}), { name: ${q}JsonWebTokenError${q} }))${inner}`,
        `${unit}else ${resolveName}(value)${inner}`,
        `}${end}`,
      ].join('\n')
      : `const ${cbName} = ${params} => (err ? ${rejectName}(err) : ${resolveName}(value))${end}`;
    const marker = `${STATEMENT_PLACEHOLDER}${ctx.placeholders.size}__`;
    ctx.placeholders.set(marker, text);
    const settle = j.expressionStatement(j.identifier(marker));
    const executor = j.arrowFunctionExpression([j.identifier(resolveName), j.identifier(rejectName)], j.blockStatement([settle, ...body]));
    // The callback parameter is dropped after printing (see DROP_PLACEHOLDER): removing it from the
    // list would make recast reprint the whole signature (`function (` becomes `function(`).
    const drop = `${DROP_PLACEHOLDER}${ctx.placeholders.size}__`;
    ctx.placeholders.set(drop, '');
    fn.params[3] = j.identifier(drop);
    fn.body = j.blockStatement([followSemicolonStyle(ctx, j.returnStatement(j.newExpression(j.identifier('Promise'), [executor])))]);
    ctx.changed = true; ctx.version++;
  }
}

function free(body: any, base: string): string {
  let name = base;
  for (let i = 2; references(body, name); i++) name = `${base}${i}`;
  return name;
}

export default standalone('legacy-engines', [['legacy-engines', legacyEnginesStep]]);
