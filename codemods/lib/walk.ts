/** Small AST queries that stop at function boundaries where `this`/`arguments` change meaning. */

/** Visits nodes under `node`; `enterFunctions` decides whether nested non-arrow functions are entered. */
export function visit(node: any, fn: (n: any) => void, enterFunctions = true): void {
  if (!node || typeof node.type !== 'string') return;
  fn(node);
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'comments' || key === 'tokens' || key === 'start' || key === 'end' || key === 'extra') continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c.type === 'string') walkChild(c, fn, enterFunctions);
    } else if (v && typeof v.type === 'string') walkChild(v, fn, enterFunctions);
  }
}

function walkChild(c: any, fn: (n: any) => void, enterFunctions: boolean): void {
  if (!enterFunctions && /^(FunctionExpression|FunctionDeclaration|ObjectMethod|ClassMethod|ClassPrivateMethod)$/.test(c.type)) return;
  visit(c, fn, enterFunctions);
}

/** `this` / `arguments` used by this function itself (arrows see through, functions do not). */
export function usesOwn(fnBody: any, what: 'this' | 'arguments'): boolean {
  let found = false;
  visit(fnBody, (n) => {
    if (what === 'this' && n.type === 'ThisExpression') found = true;
    if (what === 'arguments' && n.type === 'Identifier' && n.name === 'arguments') found = true;
  }, false);
  return found;
}

export function references(node: any, name: string): boolean {
  let found = false;
  visit(node, (n) => {
    if (n.type === 'Identifier' && n.name === name) found = true;
  });
  return found;
}

/** Identifiers assigned anywhere under node (`x = ..`, `x++`). */
export function assignedNames(node: any): Set<string> {
  const out = new Set<string>();
  visit(node, (n) => {
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier') out.add(n.left.name);
    if (n.type === 'UpdateExpression' && n.argument.type === 'Identifier') out.add(n.argument.name);
  });
  return out;
}
