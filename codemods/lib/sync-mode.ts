/** How a call without callback was meant under sc-auth 6: value now, Promise, or both (dual-mode code). */
import type { ASTPath } from 'jscodeshift';
import type { Context } from './context';
import { asyncProperty, type EngineCall, optionsLiteral } from './calls';
import { isFunctionNode, propName, unwrap } from './analysis';
import { visit } from './walk';

/**
 * 'dual': in the async branch of dual-mode code, a Promise either way; 'probe': the result is
 * tested (`r instanceof Promise`, `typeof r.then`), so sc-auth 6 gave a value unless `async` was set.
 */
export type SyncMode = 'promise' | 'sync' | 'dual' | 'probe';

export function nearestFunction(path: ASTPath<any>): ASTPath<any> | null {
  for (let p: any = path.parent; p; p = p.parent) if (isFunctionNode(p.node)) return p;
  return null;
}

export function syncMode(ctx: Context, call: EngineCall): SyncMode {
  const opts = optionsLiteral(ctx, call);
  if (opts && asyncProperty(opts.node)?.value === true) return 'promise';
  let p: any = call.path;
  while (p.parent && /^(ParenthesizedExpression|TSAsExpression|TSNonNullExpression)$/.test(p.parent.node.type)) p = p.parent;
  const parent = p.parent && p.parent.node;
  if (parent && parent.type === 'AwaitExpression') return 'promise';
  if (parent && parent.type === 'MemberExpression' && parent.object === p.node && /^(then|catch|finally)$/.test(propName(parent) || '')) return 'promise';
  if (parent && parent.type === 'CallExpression' && parent.arguments.includes(p.node) &&
    /^(resolve|all|allSettled|race|any)$/.test(propName(parent.callee) || '') && unwrap(parent.callee.object)?.name === 'Promise') return 'promise';
  const fn = nearestFunction(call.path);
  if (parent && (parent.type === 'ReturnStatement' || (parent.type === 'ArrowFunctionExpression' && parent.body === p.node)) && fn && fn.node.async) return 'promise';
  // Returned from a .then/.catch handler: the value flows into a Promise chain either way.
  if (parent && (parent.type === 'ReturnStatement' || (parent.type === 'ArrowFunctionExpression' && parent.body === p.node)) && fn) {
    const owner: any = fn.parent && fn.parent.node;
    if (owner && owner.type === 'CallExpression' && owner.arguments.includes(fn.node) && /^(then|catch|finally)$/.test(propName(owner.callee) || '')) return 'promise';
  }
  // Dual-mode consumers: `if (options.async) { promise } else { value }` and `r instanceof Promise`.
  for (let a: any = call.path, child: any = null; a && a !== fn; child = a.node, a = a.parent) {
    const n = a.node;
    if ((n.type === 'IfStatement' || n.type === 'ConditionalExpression') && child && child !== n.test && mentionsAsync(n.test)) {
      // `if (options.async) {promise} else {value}`: the else branch is the synchronous mode
      const negated = n.test.type === 'UnaryExpression' && n.test.operator === '!';
      const inElse = child === n.alternate;
      return inElse !== negated ? 'sync' : 'dual';
    }
  }
  const assigned = assignedName(p);
  if (assigned && fn && testsInstanceOfPromise(fn.node.body, assigned)) return 'probe';
  if (assigned && !fn && testsInstanceOfPromise(ctx.root.get().node, assigned)) return 'probe';
  return 'sync';
}

function mentionsAsync(test: any): boolean {
  let found = false;
  visit(test, (n) => { if (propName(n) === 'async' || (n.type === 'Identifier' && /^(async|isAsync|useAsync)$/.test(n.name))) found = true; });
  return found;
}

function assignedName(p: any): string | undefined {
  const parent = p.parent && p.parent.node;
  if (parent && parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent && parent.type === 'AssignmentExpression' && parent.left.type === 'Identifier') return parent.left.name;
  return undefined;
}

function testsInstanceOfPromise(body: any, name: string): boolean {
  let found = false;
  visit(body, (n) => {
    if (n.type === 'BinaryExpression' && n.operator === 'instanceof' && n.left.type === 'Identifier' && n.left.name === name) found = true;
    // `typeof r.then === 'function'`
    if (n.type === 'MemberExpression' && propName(n) === 'then' && n.object.type === 'Identifier' && n.object.name === name) found = true;
  });
  return found;
}
