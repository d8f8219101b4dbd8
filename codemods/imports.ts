/**
 * imports: every `require`/`import` of 'sc-auth' becomes ag-auth's default export, keeping the
 * user's local names. ag-auth exports the class itself, so `X.AuthEngine` becomes `X`. When anything
 * in the file still needs the compat engine (a call left for review, a *Sync call, a module object
 * used in a way we cannot follow), every sc-auth source becomes 'sc-auth-bridge' instead: the bridge
 * is a drop-in (it is the class and has `.AuthEngine`), so only the string changes.
 */
import type { ASTPath } from 'jscodeshift';
import { type Context, leaveForReview, report, semi } from './lib/context';
import { STATEMENT_PLACEHOLDER } from './lib/calls';
import { isLegacyDynamicImport, isLegacyRequire, isLegacySource, propName, stringValue, unwrap } from './lib/analysis';
import { leftoversNeedBridge } from './lib/check';
import { standalone } from './lib/run';
import { AG_MODULE, BRIDGE_MODULE } from './lib/types';
import { needsImportEquals } from './lib/tsconfig';
import { engineForOldServer } from './lib/engines';

type Edit = () => void;

export function importsStep(ctx: Context): void {
  if (!ctx.analysis.importsLegacy) return;
  const plan = planAgAuth(ctx);
  const oldServer = engineForOldServer(ctx);
  const bridge = ctx.target === 'bridge' || ctx.needsBridge || !plan.ok || leftoversNeedBridge(ctx) || !!oldServer || !!ctx.keepBridge;
  if (bridge) {
    toBridge(ctx);
    ctx.importsBridge = true;
    if (!plan.ok && plan.why) report(ctx, null, 'bridge-import', `imports sc-auth-bridge: ${plan.why}`, plan.node);
    else if (oldServer && ctx.target !== 'bridge') report(ctx, null, 'bridge-import', `imports sc-auth-bridge: ${oldServer.why}`, oldServer.node);
    else if (ctx.keepBridge && ctx.target !== 'bridge' && !ctx.needsBridge && !leftoversNeedBridge(ctx)) {
      report(ctx, null, 'bridge-import', `imports sc-auth-bridge: ${ctx.keepBridge}`, firstLegacySource(ctx));
    }
    return;
  }
  for (const edit of plan.edits) edit();
  ctx.importsAgAuth = true;
  ctx.changed = true; ctx.version++;
}

const STRINGS = ['StringLiteral', 'Literal', 'TemplateLiteral'];

/** The first sc-auth module string of the file (where a file-level finding points). */
function firstLegacySource(ctx: Context): any {
  let first: any;
  for (const n of ctx.nodes.nodesOfType(...STRINGS)) if (isLegacySource(n) && (!first || n.start < first.start)) first = n;
  return first;
}

function setSource(ctx: Context, lit: any, value: string): void {
  if (stringValue(lit) === value) return;
  if (lit.type === 'TemplateLiteral') {
    // `require(\`sc-auth\`)` keeps its backticks: only the one quasi's text changes.
    lit.quasis = [ctx.j.templateElement({ raw: value, cooked: value }, true)];
    ctx.changed = true; ctx.version++;
    return;
  }
  // Keep the literal's own quote: recast reuses `raw` only if untouched, so rebuild it explicitly.
  const raw: string | undefined = lit.extra?.raw ?? lit.raw;
  const q = raw && raw[0] === '"' ? '"' : raw && raw[0] === '`' ? '`' : "'";
  lit.value = value;
  if (lit.extra) lit.extra = { ...lit.extra, raw: `${q}${value}${q}`, rawValue: value };
  if ('raw' in lit) lit.raw = `${q}${value}${q}`;
  ctx.changed = true; ctx.version++;
}

/** Drop-in switch: only the module string changes. */
function toBridge(ctx: Context): void {
  const { j, root } = ctx;
  ctx.nodes.where(STRINGS, (n) => isLegacySource(n) && stringValue(n) !== BRIDGE_MODULE).forEach((p: ASTPath<any>) => {
    const parent = p.parent.node;
    const ok = /^(ImportDeclaration|ExportNamedDeclaration|ExportAllDeclaration|TSExternalModuleReference|ImportExpression)$/.test(parent.type) ||
      (parent.type === 'CallExpression' && parent.arguments[0] === p.node);
    if (!ok) return;
    if (parent.type === 'CallExpression' && !isModuleCall(parent)) return;
    // Only the string: the bridge exports every name sc-auth's types do (SCAuthEngine included).
    setSource(ctx, p.node, BRIDGE_MODULE);
  });
}

function isModuleCall(call: any): boolean {
  const c = call.callee;
  if (c.type === 'Identifier' && c.name === 'require') return true;
  if (c.type === 'Import') return true;
  const name = propName(c);
  return !!name && /^(resolve|mock|doMock|unmock|requireActual|requireMock|importActual|importMock|setMock)$/.test(name);
}

interface Plan { ok: boolean; edits: Edit[]; why?: string; node?: any }

/** Works out the ag-auth rewrite without touching the AST; ok=false if some use cannot be followed. */
function planAgAuth(ctx: Context): Plan {
  const { j, root } = ctx;
  const edits: Edit[] = [];
  let why: string | undefined;
  let whyNode: any;
  const fail = (reason: string, node: any) => { if (!why) { why = reason; whyNode = node; } };
  const handled = new Set<any>();

  // A module object: every use must be `M.AuthEngine`, which becomes `M` (or `M.default` for import()).
  const rewriteModuleUses = (declPath: ASTPath<any>, name: string, dynamic: boolean) => {
    const scope = declPath.scope.lookup(name) || declPath.scope.getGlobalScope();
    ctx.nodes.identifiers(name).forEach((p: ASTPath<any>) => {
      if (p.scope && (p.scope.lookup(name) || p.scope.getGlobalScope()) !== scope) return;
      const parent = p.parent.node;
      if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.property === p.node && !parent.computed) return;
      if ((parent.type === 'ObjectProperty' || parent.type === 'Property') && parent.key === p.node && parent.value !== p.node) return;
      if (isDeclaration(p)) return;
      if ((parent.type === 'MemberExpression' || parent.type === 'TSQualifiedName') && (parent.object === p.node || parent.left === p.node)) {
        const prop = parent.type === 'TSQualifiedName' ? parent.right.name : propName(parent);
        if (prop === 'AuthEngine' || prop === 'SCAuthEngine') {
          const parentPath = p.parent;
          edits.push(() => {
            if (dynamic) parentPath.replace(j.memberExpression(j.identifier(name), j.identifier('default')));
            else parentPath.replace(j.identifier(name));
          });
          return;
        }
      }
      fail(`the module object '${name}' is used as a whole (line ${p.node.loc?.start.line ?? '?'}), and ag-auth's export has another shape`, p.node);
    });
  };

  ctx.nodes.of('ImportDeclaration').forEach((p: ASTPath<any>) => {
    const src = p.node.source;
    if (!isLegacySource(src)) return;
    handled.add(src);
    const specs = p.node.specifiers || [];
    if (specs.length === 0) { edits.push(() => setSource(ctx, src, AG_MODULE)); return; }
    if (specs.length > 1) {
      // `import { AuthEngine, SCAuthEngine } from 'sc-auth'` (@types/sc-auth): one import per name,
      // each of ag-auth's class (SCAuthEngine is an interface: a type-only import).
      const names = specs.map((x: any) => (x.type === 'ImportSpecifier' ? (x.imported.name ?? x.imported.value) : ''));
      if (!names.every((n: string) => n === 'AuthEngine' || n === 'SCAuthEngine')) return fail('several names are imported from sc-auth', p.node);
      const q = quoteOf(src);
      const equals = needsImportEquals(ctx.file);
      const end = semi(ctx);
      const lines = specs.map((x: any, i: number) => {
        const typeOnly = names[i] === 'SCAuthEngine' || x.importKind === 'type' || p.node.importKind === 'type';
        if (equals && !typeOnly) return `import ${x.local.name} = require(${q}${AG_MODULE}${q})${end}`;
        return `import ${typeOnly ? 'type ' : ''}${x.local.name} from ${q}${AG_MODULE}${q}${end}`;
      });
      edits.push(() => replaceWithText(ctx, p, lines.join('\n')));
      return;
    }
    const s = specs[0];
    const local = s.local.name;
    if (s.type === 'ImportSpecifier') {
      const imported = s.imported.name ?? s.imported.value;
      if (imported !== 'AuthEngine' && imported !== 'SCAuthEngine') return fail(`'${imported}' is not exported by ag-auth`, s);
      const typeOnly = s.importKind === 'type' || p.node.importKind === 'type';
      if (!typeOnly && needsImportEquals(ctx.file)) {
        // CommonJS TypeScript without esModuleInterop: `import X = require()` is what works.
        edits.push(() => replaceWithText(ctx, p, `import ${local} = require(${quoteOf(src)}${AG_MODULE}${quoteOf(src)})${semi(ctx)}`));
        return;
      }
      edits.push(() => {
        const def = j.importDefaultSpecifier(j.identifier(local));
        p.node.specifiers = [def];
        if (s.importKind === 'type') (p.node as any).importKind = 'type';
        setSource(ctx, src, AG_MODULE);
      });
    } else {
      // import * as M / import M from 'sc-auth': M is module.exports
      rewriteModuleUses(p, local, false);
      if (s.type === 'ImportNamespaceSpecifier' && needsImportEquals(ctx.file)) {
        edits.push(() => replaceWithText(ctx, p, `import ${local} = require(${quoteOf(src)}${AG_MODULE}${quoteOf(src)})${semi(ctx)}`));
        return;
      }
      edits.push(() => {
        if (s.type === 'ImportNamespaceSpecifier') p.node.specifiers = [j.importDefaultSpecifier(j.identifier(local))];
        setSource(ctx, src, AG_MODULE);
      });
    }
  });

  ctx.nodes.of('TSImportEqualsDeclaration').forEach((p: ASTPath<any>) => {
    const ref = p.node.moduleReference;
    if (!ref || ref.type !== 'TSExternalModuleReference' || !isLegacySource(ref.expression)) return;
    handled.add(ref.expression);
    rewriteModuleUses(p, p.node.id.name, false);
    edits.push(() => setSource(ctx, ref.expression, AG_MODULE));
  });

  ctx.nodes.of('ExportNamedDeclaration').forEach((p: ASTPath<any>) => {
    const src = p.node.source;
    if (!src || !isLegacySource(src)) return;
    handled.add(src);
    for (const s of p.node.specifiers || []) {
      const local = s.local ? (s.local.name ?? s.local.value) : undefined;
      if (s.type !== 'ExportSpecifier' || local !== 'AuthEngine') return fail(`re-export of '${local ?? '*'}' from sc-auth`, p.node);
    }
    edits.push(() => {
      // New specifier nodes: patching `local` in place would reuse the shorthand's source text.
      p.node.specifiers = p.node.specifiers.map((s: any) => {
        const exported = s.exported ?? s.local;
        return j.exportSpecifier.from({ local: j.identifier('default'), exported: j.identifier(exported.name ?? exported.value) });
      });
      setSource(ctx, src, AG_MODULE);
    });
  });
  ctx.nodes.of('ExportAllDeclaration').forEach((p: ASTPath<any>) => {
    if (isLegacySource(p.node.source)) fail('export * from sc-auth', p.node);
  });

  // Only calls that name sc-auth (require, import(), jest.mock, require.resolve) are looked at.
  ctx.nodes.callsWhere((n) => n.arguments.length > 0 && isLegacySource(n.arguments[0])).forEach((p: ASTPath<any>) => {
    const n = p.node;
    const dynamic = isLegacyDynamicImport(n);
    if (!isLegacyRequire(n) && !dynamic) {
      // jest.mock('sc-auth', factory) / require.resolve('sc-auth')
      if (isModuleCall(n) && n.callee.type === 'MemberExpression' && isLegacySource(n.arguments[0])) {
        const lit = n.arguments[0];
        handled.add(lit);
        if (n.arguments.length > 1 && /mock/i.test(propName(n.callee) || '')) {
          fail("a mock factory returns sc-auth's shape", n);
          leaveForReview(ctx, p, "the mock factory returns sc-auth's shape ({ AuthEngine }); after the move to ag-auth the mocked module is the class itself");
        }
        edits.push(() => setSource(ctx, lit, AG_MODULE));
      }
      return;
    }
    const lit = dynamic ? (n.type === 'ImportExpression' ? n.source : n.arguments[0]) : n.arguments[0];
    handled.add(lit);
    // Walk out of parentheses / await to the expression that uses the module.
    let user: any = p;
    while (user.parent && /^(AwaitExpression|ParenthesizedExpression|TSAsExpression|TSNonNullExpression)$/.test(user.parent.node.type)) user = user.parent;
    const parent = user.parent.node;
    if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === user.node) {
      if (propName(parent) !== 'AuthEngine') return fail(`'${propName(parent) ?? '[computed]'}' read from sc-auth`, parent);
      const memberPath = user.parent;
      edits.push(() => {
        setSource(ctx, lit, AG_MODULE);
        if (user.node.type === 'AwaitExpression' || dynamic) memberPath.replace(j.memberExpression(user.node, j.identifier('default')));
        else {
          const outer = memberPath.parent && memberPath.parent.node;
          if (outer && outer.type === 'NewExpression' && outer.callee === memberPath.node) {
            // `new (require('sc-auth').AuthEngine)()`: a fresh node, or the old parentheses double up
            memberPath.parent.replace(j.newExpression(user.node, outer.arguments));
          } else memberPath.replace(user.node);
        }
      });
      return;
    }
    if (parent.type === 'VariableDeclarator' && parent.init === user.node) {
      const id = parent.id;
      if (id.type === 'Identifier') {
        rewriteModuleUses(user.parent, id.name, dynamic);
        edits.push(() => setSource(ctx, lit, AG_MODULE));
        return;
      }
      if (id.type === 'ObjectPattern' && id.properties.length === 1) {
        const prop = id.properties[0];
        const key = prop.key && (prop.key.name ?? prop.key.value);
        if ((prop.type === 'ObjectProperty' || prop.type === 'Property') && key === 'AuthEngine' && unwrap(prop.value).type === 'Identifier') {
          const local = unwrap(prop.value).name;
          const declPath = user.parent;
          edits.push(() => {
            setSource(ctx, lit, AG_MODULE);
            declPath.node.id = j.identifier(local);
            // `const { AuthEngine } = await import(..)` -> `const AuthEngine = (await import(..)).default`
            if (dynamic) declPath.node.init = j.memberExpression(declPath.node.init, j.identifier('default'));
          });
          return;
        }
      }
      const bridgeOwn = id.type === 'ObjectPattern' && id.properties.map((pr: any) => pr.key && (pr.key.name ?? pr.key.value))
        .find((k: string) => /^(fromLegacyEngine|createAuthEngine|signToken|verifyToken)$/.test(k));
      if (bridgeOwn) return fail(`'${bridgeOwn}' is sc-auth-bridge's own API, which ag-auth does not have`, id);
      return fail('a destructuring of sc-auth this codemod does not follow', id);
    }
    // `module.exports = require('sc-auth')`, passing the module around, bare `require('sc-auth')`...
    if (parent.type === 'ExpressionStatement') { edits.push(() => setSource(ctx, lit, AG_MODULE)); return; }
    fail('the sc-auth module object is used as a whole', user.node);
  });

  return { ok: !why, edits, why, node: whyNode };
}

/** The quote the file used for this module string. */
function quoteOf(lit: any): string {
  return (lit.extra?.raw ?? lit.raw ?? "'")[0] === '"' ? '"' : "'";
}

/**
 * Replaces an import statement with text written here: recast reprints a new declaration with a
 * semicolon whatever the file's style, and with a blank line around a moved comment.
 */
function replaceWithText(ctx: Context, p: ASTPath<any>, text: string): void {
  const marker = `${STATEMENT_PLACEHOLDER}${ctx.placeholders.size}__`;
  ctx.placeholders.set(marker, text);
  // The same node object becomes the placeholder statement: a new node would carry the comments
  // above it with a blank line recast adds.
  const node: any = p.node;
  for (const key of Object.keys(node)) if (!['comments', 'loc', 'start', 'end', 'original'].includes(key)) delete node[key];
  node.type = 'ExpressionStatement';
  node.expression = ctx.j.identifier(marker);
  ctx.changed = true; ctx.version++;
}

function isDeclaration(p: ASTPath<any>): boolean {
  const parent = p.parent.node;
  if (parent.type === 'VariableDeclarator' && parent.id === p.node) return true;
  if (/^Import(Default|Namespace)?Specifier$/.test(parent.type)) return true;
  if (parent.type === 'TSImportEqualsDeclaration' && parent.id === p.node) return true;
  return false;
}

export default standalone('imports', [['imports', importsStep]]);
