/**
 * Engines handed to SocketCluster from another module of the project (`authEngine:
 * require('./auth-engine')`, `setAuthEngine(new CustomEngine())` with CustomEngine imported). When
 * the project pass knows that module exports a callback engine, the hand-off is wrapped in the
 * bridge's fromLegacyEngine(), which serves socketcluster-server 14 (callbacks) and 15+ (Promises)
 * and rejects a falsy result (server 15+ would take it as authenticated). The engine module itself
 * stays as written: its other callers may still pass callbacks.
 */
import type { ASTPath } from 'jscodeshift';
import { detectStyle } from './print';
import type { Context } from './context';
import { followSemicolonStyle, report, usesSemicolons } from './context';
import { isFromLegacyEngine, propName, stringValue, unwrap } from './analysis';
import { engineArguments } from './engines';
import { resolveLocal, sameExport } from './resolve';
import { parserFor } from './parse';
import { PLACEHOLDER_PREFIX } from './calls';
import { BRIDGE_MODULE } from './types';
import type { ModuleFacts } from './types';

const WRAPPER = 'fromLegacyEngine';

export interface ExportRef { specifier: string; name: string }

/** Where a hand-off's value comes from: a relative module and the export name, if it is one. */
export function exportRefOf(path: ASTPath<any>, node: any, depth = 0): ExportRef | undefined {
  node = unwrap(node);
  if (!node || depth > 4) return undefined;
  if (node.type === 'NewExpression') return exportRefOf(path, node.callee, depth + 1);
  const spec = relativeRequire(node);
  if (spec) return { specifier: spec, name: 'module.exports' };
  const name = propName(node);
  if (name) {
    const object = unwrap(node.object);
    const objectSpec = relativeRequire(object);
    if (objectSpec) return { specifier: objectSpec, name };
    const whole = object && object.type === 'Identifier' ? exportRefOf(path, object, depth + 1) : undefined;
    return whole && (whole.name === 'module.exports' || whole.name === '*') ? { specifier: whole.specifier, name } : undefined;
  }
  if (node.type !== 'Identifier') return undefined;
  const scope = path.scope && path.scope.lookup(node.name);
  const decl = scope && (scope.getBindings()[node.name] || [])[0];
  const parent: any = decl && decl.parentPath && decl.parentPath.node;
  if (!parent) return undefined;
  if (parent.type === 'VariableDeclarator' && parent.id === decl.node) return exportRefOf(decl.parentPath, parent.init, depth + 1);
  if (parent.type === 'ObjectProperty' || parent.type === 'Property') {
    // const { CustomEngine } = require('./engines')
    const pattern: any = decl.parentPath.parent; // ObjectProperty -> ObjectPattern (node-level parent)
    const declarator: any = pattern && pattern.parent && pattern.parent.node;
    const key = !parent.computed && (parent.key.name ?? parent.key.value);
    const spec = declarator && declarator.type === 'VariableDeclarator' ? relativeRequire(unwrap(declarator.init)) : undefined;
    return spec && typeof key === 'string' ? { specifier: spec, name: key } : undefined;
  }
  const declaration: any = decl.parentPath.parentPath && decl.parentPath.parentPath.node;
  const source = declaration && declaration.type === 'ImportDeclaration' && declaration.importKind !== 'type' ? stringValue(declaration.source) : undefined;
  if (source === undefined || !source.startsWith('.')) return undefined;
  if (parent.type === 'ImportDefaultSpecifier') return { specifier: source, name: 'default' };
  if (parent.type === 'ImportNamespaceSpecifier') return { specifier: source, name: '*' };
  if (parent.type === 'ImportSpecifier') return { specifier: source, name: parent.imported.name ?? parent.imported.value };
  return undefined;
}

function relativeRequire(node: any): string | undefined {
  if (!node || node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return undefined;
  const value = node.arguments.length === 1 ? stringValue(node.arguments[0]) : undefined;
  return value !== undefined && value.startsWith('.') ? value : undefined;
}

function isWrapped(path: ASTPath<any>): { inner: ASTPath<any> } | undefined {
  return isFromLegacyEngine(path.node) && unwrap(path.node).arguments.length === 1 ? { inner: path.get('arguments', 0) } : undefined;
}

/** Every engine handed to SocketCluster here that comes from a relative module. */
export function engineHandoffs(ctx: Context): ModuleFacts['engineHandoffs'] {
  const out: ModuleFacts['engineHandoffs'] = [];
  for (const arg of engineArguments(ctx)) {
    const wrapped = isWrapped(arg);
    const target = wrapped ? wrapped.inner : arg;
    const ref = exportRefOf(target, target.node);
    if (!ref) continue;
    const start = arg.node.loc && arg.node.loc.start;
    out.push({ ...ref, wrapped: !!wrapped, line: start ? start.line : 0 });
  }
  return out;
}

/**
 * Wraps hand-offs of callback engines the project pass found (ctx.legacyEngineModules) in
 * fromLegacyEngine(), importing it from the bridge.
 */
export function wrapLegacyHandoffs(ctx: Context): void {
  const modules = ctx.legacyEngineModules;
  if (!modules || Object.keys(modules).length === 0) return;
  const known = (f: string) => Object.prototype.hasOwnProperty.call(modules, f);
  let wrappedAny = false;
  for (const arg of engineArguments(ctx)) {
    if (isWrapped(arg)) continue;
    const ref = exportRefOf(arg, arg.node);
    const file = ref && resolveLocal(ctx.file, ref.specifier, known);
    if (!ref || !file || !modules[file].some((e) => sameExport(ref.name, e))) continue;
    arg.replace(ctx.j.callExpression(ctx.j.identifier(WRAPPER), [arg.node]));
    report(ctx, arg, 'bridge-import',
      `the engine handed to the server here (${ref.specifier}) takes callbacks: wrapped in fromLegacyEngine() from '${BRIDGE_MODULE}', which serves socketcluster-server 14 and 15+; make it return Promises to drop the compat engine`,
      arg.node.arguments[0]);
    wrappedAny = true;
  }
  if (!wrappedAny) return;
  importWrapper(ctx);
  ctx.importsBridge = true;
  ctx.changed = true; ctx.version++;
}

/** `const { fromLegacyEngine } = require('sc-auth-bridge');` (or the import) after the file's own imports. */
function importWrapper(ctx: Context): void {
  const body: any[] = ctx.root.paths()[0].value.program.body;
  if (hasTopLevelBinding(ctx, WRAPPER)) return;
  const esm = body.some((s) => /^(ImportDeclaration|ExportNamedDeclaration|ExportDefaultDeclaration|ExportAllDeclaration)$/.test(s.type)) ||
    /\.m[jt]s$/.test(ctx.file);
  const q = /"/.test(quoteSample(ctx)) ? '"' : "'";
  const kw = /\b(const|let)\s/.test(ctx.source) || parserFor(ctx.file) !== 'babel' ? 'const' : 'var';
  // Written as text at the end of the file's last other import, inside that statement: a new
  // statement in the program body makes recast reprint the program (`'use strict';;`). Only the
  // file's own imports: the earlier steps never edit them, and sc-auth's are the imports step's.
  let at = -1;
  body.forEach((st, i) => {
    const isImport = st.type === 'ImportDeclaration' || (st.type === 'VariableDeclaration' && st.declarations.some((d: any) => containsRequire(d.init)));
    if (isImport && typeof st.start === 'number' && !/sc-auth/.test(ctx.source.slice(st.start, st.end))) at = i;
  });
  const anchor = at >= 0 ? body[at] : undefined;
  // A no-semicolon file still needs one where the next line would continue this statement (ASI).
  const following = body[at + 1];
  const continues = !!following && typeof following.start === 'number' && /[([`+\-/]/.test(ctx.source[following.start] ?? '');
  const semi = usesSemicolons(ctx) || continues ? ';' : '';
  const text = esm ? `import { ${WRAPPER} } from ${q}${BRIDGE_MODULE}${q}${semi}` : `${kw} { ${WRAPPER} } = require(${q}${BRIDGE_MODULE}${q})${semi}`;
  const eol = detectStyle(ctx.source).lineTerminator;
  if (!anchor) {
    // No other import to write next to: the line goes after the shebang and directives, as text
    // added to the printed file (a new first statement would make recast reprint the program).
    (ctx.prelude ??= []).push(text);
    return;
  }
  const endsWithSemicolon = ctx.source.slice(anchor.start, anchor.end).trimEnd().endsWith(';');
  // recast reprints the anchor with a `;`: a statement without one keeps it that way.
  if (!endsWithSemicolon) followSemicolonStyle(ctx, anchor);
  const next = endsWithSemicolon ? text.replace(/;$/, '') : text;
  if (anchor.type === 'ImportDeclaration') {
    const lit = anchor.source;
    anchor.source = ctx.j.identifier(placeholder(ctx, `${ctx.source.slice(lit.start, lit.end)}${endsWithSemicolon ? ';' : ''}${eol}${next}`));
  } else {
    const d = anchor.declarations[anchor.declarations.length - 1];
    d.init = ctx.j.identifier(placeholder(ctx, `${ctx.source.slice(d.init.start, d.init.end)}${endsWithSemicolon ? ';' : ''}${eol}${next}`));
  }
}

function placeholder(ctx: Context, text: string): string {
  const marker = `${PLACEHOLDER_PREFIX}${ctx.placeholders.size}__`;
  ctx.placeholders.set(marker, text);
  return marker;
}

function quoteSample(ctx: Context): string {
  const m = /require\((['"])|from\s+(['"])/.exec(ctx.source);
  return m ? (m[1] ?? m[2]) : "'";
}

function containsRequire(node: any): boolean {
  node = unwrap(node);
  if (!node) return false;
  if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require') return true;
  if (node.type === 'MemberExpression') return containsRequire(node.object);
  if (node.type === 'CallExpression') return containsRequire(node.callee);
  return false;
}

function hasTopLevelBinding(ctx: Context, name: string): boolean {
  const program = ctx.nodes.of('Program')[0];
  const scope = program && program.scope;
  return !!scope && !!scope.getBindings()[name];
}
