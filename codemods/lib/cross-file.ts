/**
 * Callers in other files of a function whose callback the migration makes later.
 *
 * sc-auth 4/5 called most callbacks before signToken/verifyToken returned; ag-auth's Promise
 * settles on a later tick. order.ts keeps a callback where code that runs after the call, in its
 * function or in that function's callers in the same file, could see the difference. An exported
 * function is also called from other files: the project pass (src/cli/project-pass.ts) asks the
 * files that import it where they call it (`externalCalls`, given `callersOf`), and runs the
 * exporting file again with the reasons (`externalCallers`), where order.ts then keeps the call.
 *
 * Followed: functions exported as `exports.x = ...`, `module.exports = ...` (and its object's
 * members), `export function x`, `export const x = ...`, `export default`, `export { x }`, called
 * (or constructed with `new`) in the importing file through the binding of a require or import of
 * that module, or `require('./m').x(...)`. The project pass maps names that modules in between pass
 * on back to the exporter, and follows callers of callers (passesOn) from file to file. Not
 * followed (MIGRATION.md lists them): other re-export forms, aliases (`const f = auth.sign`),
 * `.call`/`.apply`, TypeScript `import x = require()`, members of `export default {...}`, methods
 * of exported classes.
 */
import type { ASTPath } from 'jscodeshift';
import type { Context } from './context';
import { propName, stringValue, unwrap } from './analysis';
import { resolveLocal, sameExport } from './resolve';
import { orderQuery, statementOf } from './order';
import { assignedNames } from './walk';

/** `module.exports` -> 'module.exports'; `module.exports.x` / `exports.x` -> 'x'. */
export function exportTarget(left: any): string | undefined {
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

/** The names other modules reach this function by (see exportTarget), or none. */
export function exportNamesOf(ctx: Context, fnPath: ASTPath<any>): string[] {
  const fn = fnPath.node;
  const parent: any = fnPath.parent && fnPath.parent.node;
  if (!parent) return [];
  const out = new Set<string>();
  if (parent.type === 'AssignmentExpression' && parent.right === fn) {
    const target = exportTarget(parent.left);
    if (target) out.add(target);
  }
  if (parent.type === 'ExportNamedDeclaration' && fn.id) out.add(fn.id.name);
  if (parent.type === 'ExportDefaultDeclaration') out.add('default');
  // A member of the exported object: `module.exports = { sign(payload, cb) {...} }`.
  const member = fn.type === 'ObjectMethod' ? fnPath : (parent.type === 'ObjectProperty' && parent.value === fn ? fnPath.parent : null);
  if (member && !member.node.computed) {
    const object: any = member.parent && member.parent.node;
    const assignment: any = member.parent && member.parent.parent && member.parent.parent.node;
    const key = member.node.key.type === 'Identifier' ? member.node.key.name : stringValue(member.node.key);
    if (key && object && object.type === 'ObjectExpression' && assignment && assignment.type === 'AssignmentExpression' &&
      unwrap(assignment.right) === object && exportTarget(assignment.left) === 'module.exports') out.add(key);
  }
  // A top-level function exported by name elsewhere in the file (a nested one of the same name is not it).
  const local = fn.type === 'FunctionDeclaration' && fn.id && isTopLevel(fnPath) ? fn.id.name
    : parent.type === 'VariableDeclarator' && parent.init === fn && parent.id.type === 'Identifier' && isTopLevel(fnPath.parent.parent) ? parent.id.name : undefined;
  if (local) for (const name of exportsOfLocal(ctx, local)) out.add(name);
  return [...out];
}

/** A declaration of the module's top level (possibly inside `export`). */
function isTopLevel(decl: ASTPath<any> | undefined): boolean {
  let p: any = decl && decl.parent;
  if (p && /^Export(Named|Default)Declaration$/.test(p.node.type)) p = p.parent;
  return !!p && p.node.type === 'Program';
}

/** Export names the top-level binding `local` is given. */
function exportsOfLocal(ctx: Context, local: string): string[] {
  const out: string[] = [];
  const isLocal = (n: any) => { n = unwrap(n); return !!n && n.type === 'Identifier' && n.name === local; };
  for (const n of ctx.nodes.nodesOfType('AssignmentExpression')) {
    if (n.operator !== '=') continue;
    const target = exportTarget(n.left);
    if (!target) continue;
    if (isLocal(n.right)) out.push(target);
    const right = unwrap(n.right);
    if (target === 'module.exports' && right.type === 'ObjectExpression') {
      for (const prop of right.properties) {
        if (prop.type !== 'ObjectProperty' || prop.computed || !isLocal(prop.value)) continue;
        const key = prop.key.type === 'Identifier' ? prop.key.name : stringValue(prop.key);
        if (key) out.push(key);
      }
    }
  }
  for (const n of ctx.nodes.nodesOfType('ExportNamedDeclaration')) {
    if (n.source) continue;
    const decl = n.declaration;
    if (decl && decl.type === 'FunctionDeclaration' && decl.id && decl.id.name === local) out.push(local);
    if (decl && decl.type === 'VariableDeclaration' && decl.declarations.some((d: any) => d.id.type === 'Identifier' && d.id.name === local)) out.push(local);
    for (const s of n.specifiers || []) {
      if (s.type === 'ExportSpecifier' && s.local && s.local.name === local) out.push(s.exported.name ?? s.exported.value);
    }
  }
  for (const n of ctx.nodes.nodesOfType('ExportDefaultDeclaration')) if (isLocal(n.declaration)) out.push('default');
  return out;
}

/** A call of an exported function of `module` (its name as the importer reaches it), and why code after it would notice a later callback. */
export interface ExternalCall {
  module: string; name: string; line: number; reason: string | null;
  /** No reason here, but the call is the tail of functions this file exports under these names: their callers decide. */
  passesOn: string[];
}

/** What an import binding stands for: the whole module object, or one of its exports. */
interface Imported { module: string; name: string | null }

/**
 * Calls in this file of the functions `ctx.callersOf` names (module path -> export names), and
 * why the code after each would see the callback run later (null: nothing can).
 */
export function externalCalls(ctx: Context): ExternalCall[] {
  const callersOf = ctx.callersOf;
  if (!callersOf) return [];
  const moduleOf = (lit: any): string | undefined => {
    const spec = stringValue(lit);
    return spec === undefined ? undefined : resolveLocal(ctx.file, spec, (f) => Object.prototype.hasOwnProperty.call(callersOf, f));
  };
  const requiredModule = (node: any): string | undefined => {
    node = unwrap(node);
    if (node && node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) return moduleOf(node.arguments[0]);
    return undefined;
  };
  // Bindings by name (the import declarations of a module are top-level; a require may be nested,
  // which the scope check below accounts for).
  const bindings = new Map<string, Array<{ imported: Imported; scope: any }>>();
  const bind = (p: ASTPath<any>, local: string, imported: Imported) => {
    const scope = p.scope && (p.scope.lookup(local) || p.scope);
    const list = bindings.get(local) ?? [];
    list.push({ imported, scope });
    bindings.set(local, list);
  };
  for (const p of ctx.nodes.of('ImportDeclaration')) {
    const module = moduleOf(p.node.source);
    if (!module || p.node.importKind === 'type') continue;
    for (const s of p.node.specifiers || []) {
      if (!s.local) continue;
      if (s.type === 'ImportNamespaceSpecifier') bind(p, s.local.name, { module, name: null });
      // A CommonJS module's default import is its module.exports; an ES module's, its default export.
      else if (s.type === 'ImportDefaultSpecifier') bind(p, s.local.name, { module, name: 'default' });
      else if (s.type === 'ImportSpecifier') bind(p, s.local.name, { module, name: s.imported.name ?? s.imported.value });
    }
  }
  for (const p of ctx.nodes.where(['VariableDeclarator'], (n) => !!requiredModule(n.init))) {
    const module = requiredModule(p.node.init)!;
    const id = p.node.id;
    if (id.type === 'Identifier') bind(p, id.name, { module, name: null });
    else if (id.type === 'ObjectPattern') {
      for (const prop of id.properties) {
        if (prop.type !== 'ObjectProperty' || prop.computed || prop.value.type !== 'Identifier') continue;
        const key = prop.key.type === 'Identifier' ? prop.key.name : stringValue(prop.key);
        if (key) bind(p, prop.value.name, { module, name: key });
      }
    }
  }
  const lookup = (p: ASTPath<any>, name: string): Imported | undefined => {
    const list = bindings.get(name);
    if (!list) return undefined;
    const scope = p.scope && p.scope.lookup(name);
    return list.find((b) => b.scope === scope)?.imported;
  };
  /** The export a callee reaches, as the exporting module names it. */
  const calleeExport = (p: ASTPath<any>, callee: any): { module: string; name: string } | undefined => {
    callee = unwrap(callee);
    if (callee.type === 'Identifier') {
      const b = lookup(p, callee.name);
      if (!b) return undefined;
      // The module object called as a function: its module.exports.
      return { module: b.module, name: b.name ?? 'module.exports' };
    }
    const member = propName(callee);
    if (!member || (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression')) return undefined;
    const object = unwrap(callee.object);
    const direct = requiredModule(object);
    if (direct) return { module: direct, name: member };
    if (object.type !== 'Identifier') return undefined;
    const b = lookup(p, object.name);
    if (!b) return undefined;
    if (b.name === null || b.name === 'default') return { module: b.module, name: member };
    return undefined;
  };
  const reaches = (module: string, name: string) => callersOf[module].some((exported) => sameExport(name, exported));
  const out: ExternalCall[] = [];
  const mayCall = (n: any) => {
    const callee = unwrap(n.callee);
    return !!callee && (callee.type === 'Identifier' ? bindings.has(callee.name) : !!propName(callee));
  };
  // `new Session()` runs an exported ES5 constructor like a call.
  for (const p of ctx.nodes.where(['CallExpression', 'OptionalCallExpression', 'NewExpression'], mayCall)) {
    const target = calleeExport(p, p.node.callee);
    if (!target || !reaches(target.module, target.name)) continue;
    const written = new Set<string>();
    for (const a of p.node.arguments) for (const n of assignedNames(a)) written.add(n);
    const start = p.node.loc && p.node.loc.start;
    const passesOn = new Set<string>();
    const query = orderQuery(ctx, written);
    query.exported = (fnPath) => { for (const name of exportNamesOf(ctx, fnPath)) passesOn.add(name); return null; };
    const reason = statementOf(query, p, 1);
    out.push({ module: target.module, name: target.name, line: start ? start.line : 0, reason, passesOn: reason ? [] : [...passesOn] });
  }
  return out;
}
