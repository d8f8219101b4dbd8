/**
 * Where auth engines come from. Everything here is followed by scope (a binding is the scope that
 * declares a name), never by a name alone, so a local `AuthEngine` from './auth' is not sc-auth's.
 */
import type { ASTPath } from 'jscodeshift';
import type { NodeIndex } from './node-index';
import { AG_MODULE, BRIDGE_MODULE, LEGACY_MODULE } from './types';
import { resolveLocal } from './resolve';

export const LEGACY_SOURCES = new Set([LEGACY_MODULE, BRIDGE_MODULE]);
/** Receivers' objects that are SocketCluster servers: `<name>.auth`. */
const SERVER_NAMES = new Set(['scServer', 'agServer', 'server', 'socketServer', 'wsServer', 'scSocketServer', 'socketClusterServer']);

/** 'imported': an engine another file of the project exports (see PipelineOptions.engineModules). */
/** Module-interop helpers compilers put around require(): the module object passes through. */
const INTEROP_HELPERS = /^(__importDefault|__importStar|__toESM|__toCommonJS|_interopRequireDefault|_interopRequireWildcard|_interop_require_default|_interop_require_wildcard|_interopNamespace|_interopDefault)$/;

export type EngineKind = 'instance' | 'server' | 'named' | 'imported';

/** Kinds whose calls behave like an sc-auth instance's (sync mode included). */
export function isInstanceLike(kind: EngineKind | undefined): boolean {
  return kind === 'instance' || kind === 'imported';
}

type Scope = any;

class Bindings {
  private map = new Map<Scope, Map<string, string>>();
  /** Every name ever bound: most lookups are of other names and skip ast-types' scope walk. */
  private names = new Set<string>();
  add(scope: Scope, name: string, tag = ''): boolean {
    if (!scope) return false;
    this.names.add(name);
    let names = this.map.get(scope);
    if (!names) this.map.set(scope, (names = new Map()));
    if (names.has(name)) return false;
    names.set(name, tag);
    return true;
  }
  /** Was a binding of this name added anywhere (no scope lookup)? */
  mayHold(name: string): boolean {
    return this.names.has(name);
  }
  /** The tag of the binding this identifier use resolves to, or undefined. */
  lookup(path: ASTPath<any>, name: string): string | undefined {
    if (!this.names.has(name) || !path.scope) return undefined;
    // ast-types does not know every declaration form (TS `import x = require()`): those live at the top.
    const scope = path.scope.lookup(name) || path.scope.getGlobalScope();
    return this.map.get(scope)?.get(name);
  }
  remove(scope: Scope, name: string): void {
    this.map.get(scope)?.delete(name);
  }
  get size(): number {
    let n = 0;
    for (const m of this.map.values()) n += m.size;
    return n;
  }
}

/**
 * The text of a string literal, or of a template literal without `${}` (`require(\`sc-auth\`)`
 * means the same module); undefined for anything else.
 */
export function stringValue(node: any): string | undefined {
  if (!node) return undefined;
  if (node.type === 'StringLiteral' || (node.type === 'Literal' && typeof node.value === 'string')) return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0 && node.quasis.length === 1) {
    const cooked = node.quasis[0].value.cooked;
    return typeof cooked === 'string' ? cooked : undefined;
  }
  return undefined;
}

export function isStringLit(node: any, value?: string): boolean {
  const v = stringValue(node);
  return v !== undefined && (value === undefined || v === value);
}

export function isLegacySource(node: any): boolean {
  // `sc-auth/index(.js)` is the same module (its only file).
  const v = stringValue(node);
  return v !== undefined && (LEGACY_SOURCES.has(v) || /^sc-auth\/index(\.js)?$/.test(v));
}

/** `require('sc-auth')` (or the bridge) */
export function isLegacyRequire(node: any): boolean {
  return !!node && node.type === 'CallExpression' && node.callee.type === 'Identifier' &&
    node.callee.name === 'require' && node.arguments.length === 1 && isLegacySource(node.arguments[0]);
}

/** `import('sc-auth')` or `await import('sc-auth')` */
export function isLegacyDynamicImport(node: any): boolean {
  if (!node) return false;
  if (node.type === 'AwaitExpression') return isLegacyDynamicImport(node.argument);
  if (node.type === 'ImportExpression') return isLegacySource(node.source);
  return node.type === 'CallExpression' && node.callee.type === 'Import' && isLegacySource(node.arguments[0]);
}

export function unwrap(node: any): any {
  while (node && (node.type === 'TSAsExpression' || node.type === 'TSNonNullExpression' ||
    node.type === 'ParenthesizedExpression' || node.type === 'TypeCastExpression' || node.type === 'TSTypeAssertion' || node.type === 'TSSatisfiesExpression')) {
    node = node.expression;
  }
  return node;
}

export function propName(member: any): string | undefined {
  if (!member || (member.type !== 'MemberExpression' && member.type !== 'OptionalMemberExpression')) return undefined;
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.computed) return stringValue(member.property);
  return undefined;
}

export function isFunctionNode(node: any): boolean {
  return !!node && /^(FunctionExpression|ArrowFunctionExpression|FunctionDeclaration|ObjectMethod|ClassMethod|ClassPrivateMethod)$/.test(node.type);
}

export class Analysis {
  /** Bindings holding the module object (`const scAuth = require('sc-auth')`); tag = source. */
  readonly modules = new Bindings();
  /** Bindings holding the AuthEngine class. */
  readonly classes = new Bindings();
  /** Bindings holding an engine instance; tag = EngineKind. */
  readonly engines = new Bindings();
  /** Bindings of `this` aliases (`var self = this`). */
  readonly thisAliases = new Bindings();
  /** Property names x with `this.x = <engine>` somewhere in the file. */
  readonly thisMembers = new Set<string>();
  /** Property names x also assigned something that may be another engine (`this.x = authEngine`). */
  readonly sharedSlots = new Set<string>();
  /** Local classes / constructor functions -> their members that hold an engine (`this.auth = new AuthEngine()`). */
  readonly ownerMembers = new Map<string, Set<string>>();
  /** Bindings holding an instance of such a local class (`var s = new Srv()`); tag = the class name. */
  readonly instances = new Bindings();
  /** The file mentions sc-auth (or the bridge) in an import, require, mock or re-export. */
  importsLegacy = false;
  /** Bindings holding a project module that exports engines (`const lib = require('./lib')`); tag = its path. */
  readonly localModules = new Bindings();
  private readonly file: string;
  private readonly engineModules: Record<string, string[]> | undefined;

  constructor(private nodes: NodeIndex, private engineNames: string[],
    project: { file?: string; engineModules?: Record<string, string[]> } = {}) {
    this.file = project.file ?? '';
    this.engineModules = project.engineModules && Object.keys(project.engineModules).length > 0 ? project.engineModules : undefined;
    this.collectImports();
    if (this.engineModules) this.collectLocalModules();
    this.collectEngines();
  }

  /** The engine exports of the project module a string literal names, if it is one. */
  private engineModuleOf(lit: any): { file: string; exports: string[] } | undefined {
    if (!this.engineModules || !isStringLit(lit)) return undefined;
    const modules = this.engineModules;
    const file = resolveLocal(this.file, stringValue(lit)!, (f) => Object.prototype.hasOwnProperty.call(modules, f));
    return file ? { file, exports: modules[file] } : undefined;
  }

  /** `require('./engine')` / `await import('./engine')` of a project module that exports engines. */
  private requiredEngineModule(node: any): { file: string; exports: string[] } | undefined {
    node = unwrap(node);
    if (!node) return undefined;
    if (node.type === 'AwaitExpression') return this.requiredEngineModule(node.argument);
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
      return this.engineModuleOf(node.arguments[0]);
    }
    if (node.type === 'ImportExpression') return this.engineModuleOf(node.source);
    if (node.type === 'CallExpression' && node.callee.type === 'Import') return this.engineModuleOf(node.arguments[0]);
    return undefined;
  }

  /** Imports of project modules that export engines: the engine bindings and the module objects. */
  private collectLocalModules(): void {
    const bindEngine = (p: ASTPath<any>, local: string) => this.engines.add(p.scope.lookup(local) || p.scope, local, 'imported');
    this.nodes.of('ImportDeclaration').forEach((p: ASTPath<any>) => {
      const mod = this.engineModuleOf(p.node.source);
      if (!mod || p.node.importKind === 'type') return;
      for (const s of p.node.specifiers || []) {
        const local = s.local && s.local.name;
        if (!local || s.importKind === 'type') continue;
        if (s.type === 'ImportNamespaceSpecifier') this.localModules.add(p.scope, local, mod.file);
        else if (s.type === 'ImportDefaultSpecifier') {
          // A CommonJS module's default import is its module.exports.
          if (mod.exports.includes('default') || mod.exports.includes('module.exports')) bindEngine(p, local);
          else this.localModules.add(p.scope, local, mod.file);
        } else if (s.type === 'ImportSpecifier' && mod.exports.includes(s.imported.name ?? s.imported.value)) bindEngine(p, local);
      }
    });
    this.nodes.of('TSImportEqualsDeclaration').forEach((p: ASTPath<any>) => {
      const ref = p.node.moduleReference;
      const mod = ref && ref.type === 'TSExternalModuleReference' ? this.engineModuleOf(ref.expression) : undefined;
      if (!mod) return;
      const scope = p.scope.lookup(p.node.id.name) || p.scope.getGlobalScope();
      if (mod.exports.includes('module.exports')) this.engines.add(scope, p.node.id.name, 'imported');
      else this.localModules.add(scope, p.node.id.name, mod.file);
    });
    this.nodes.of('VariableDeclarator').forEach((p: ASTPath<any>) => {
      const mod = this.requiredEngineModule(p.node.init);
      const id = p.node.id;
      if (!mod) return;
      if (id.type === 'Identifier' && !mod.exports.includes('module.exports')) {
        this.localModules.add(p.scope.lookup(id.name) || p.scope, id.name, mod.file);
      } else if (id.type === 'ObjectPattern') {
        for (const prop of id.properties) {
          if ((prop.type !== 'ObjectProperty' && prop.type !== 'Property') || prop.computed || prop.value.type !== 'Identifier') continue;
          const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.value;
          if (mod.exports.includes(key)) bindEngine(p, prop.value.name);
        }
      }
    });
  }

  /** `require('./engine')`, `require('./lib').auth`, `lib.auth` for a project module exporting engines. */
  private isImportedEngine(path: ASTPath<any>, node: any): boolean {
    if (!this.engineModules) return false;
    node = unwrap(node);
    const whole = this.requiredEngineModule(node);
    if (whole) return whole.exports.includes('module.exports');
    const name = propName(node);
    if (!name) return false;
    const object = unwrap(node.object);
    const mod = this.requiredEngineModule(object);
    if (mod) return mod.exports.includes(name);
    if (object && object.type === 'Identifier') {
      const file = this.localModules.lookup(path, object.name);
      return !!file && (this.engineModules[file] ?? []).includes(name);
    }
    return false;
  }

  private collectImports(): void {
    this.nodes.of('ImportDeclaration').forEach((p: ASTPath<any>) => {
      if (!isLegacySource(p.node.source)) return;
      this.importsLegacy = true;
      for (const s of p.node.specifiers || []) {
        const local = s.local && s.local.name;
        if (!local) continue;
        const scope = p.scope;
        if (s.type === 'ImportNamespaceSpecifier' || s.type === 'ImportDefaultSpecifier') {
          this.modules.add(scope, local, p.node.source.value);
          if (p.node.source.value === BRIDGE_MODULE && s.type === 'ImportDefaultSpecifier') this.classes.add(scope, local);
        } else if (s.type === 'ImportSpecifier') {
          const imported = s.imported.name ?? s.imported.value;
          if (imported === 'AuthEngine' || (imported === 'default' && p.node.source.value === BRIDGE_MODULE)) this.classes.add(scope, local);
        }
      }
    });
    // TS: import scAuth = require('sc-auth')
    this.nodes.of('TSImportEqualsDeclaration').forEach((p: ASTPath<any>) => {
      const ref = p.node.moduleReference;
      if (ref && ref.type === 'TSExternalModuleReference' && isLegacySource(ref.expression)) {
        this.importsLegacy = true;
        this.modules.add(p.scope.lookup(p.node.id.name) || p.scope.getGlobalScope(), p.node.id.name, ref.expression.value);
        if (ref.expression.value === BRIDGE_MODULE) this.classes.add(p.scope.lookup(p.node.id.name) || p.scope.getGlobalScope(), p.node.id.name);
      }
    });
    // The passes below look at every call, declarator and assignment of the file; a path (and
    // with it ast-types' scope) is made only for the few that can name sc-auth.
    for (const n of this.nodes.nodesOfType('CallExpression', 'OptionalCallExpression')) {
      if (isLegacyRequire(n) || (n.callee.type === 'Import' && isLegacySource(n.arguments[0]))) this.importsLegacy = true;
      const callee = n.callee;
      if (callee.type === 'MemberExpression' && /^(mock|doMock|requireActual|unmock)$/.test(propName(callee) || '') && isLegacySource(n.arguments[0])) {
        this.importsLegacy = true;
      }
    }
    for (const n of this.nodes.nodesOfType('ExportNamedDeclaration')) {
      if (n.source && isLegacySource(n.source)) this.importsLegacy = true;
    }
    for (const n of this.nodes.nodesOfType('ExportAllDeclaration')) {
      if (isLegacySource(n.source)) this.importsLegacy = true;
    }
    for (const n of this.nodes.nodesOfType('VariableDeclarator')) {
      if (!n.init || !this.mayNameLegacy(n.init)) continue;
      const p = this.nodes.pathOf(n);
      if (p && p.node === n) this.bindDeclarator(p);
    }
    // CoffeeScript / compiled ES5: `var AuthEngine; AuthEngine = require('sc-auth').AuthEngine;`
    const others: any[] = [];
    for (const n of this.nodes.nodesOfType('AssignmentExpression')) {
      const left = n.left;
      if (n.operator !== '=' || left.type !== 'Identifier') continue;
      if (!this.mayNameLegacy(n.right)) { others.push(n); continue; }
      const p = this.nodes.pathOf(n);
      if (!p || p.node !== n) continue;
      const moduleSource = this.moduleSourceOf(p, p.node.right);
      const isClass = !moduleSource && this.isClassExpr(p, p.node.right);
      if (!moduleSource && !isClass) { others.push(n); continue; }
      const scope = p.scope && p.scope.lookup(left.name);
      if (!scope) continue;
      if (moduleSource) {
        this.modules.add(scope, left.name, moduleSource);
        if (moduleSource === BRIDGE_MODULE) this.classes.add(scope, left.name);
      } else this.classes.add(scope, left.name);
    }
    // `try { AuthEngine = require('sc-auth').AuthEngine } catch { AuthEngine = require('./auth').AuthEngine }`:
    // a name that may hold another engine class is not sc-auth's.
    for (const n of others) {
      const name = n.left.name;
      if (!this.classes.mayHold(name) && !this.modules.mayHold(name)) continue;
      const p = this.nodes.pathOf(n);
      if (!p || p.node !== n) continue;
      if (this.classes.lookup(p, name) === undefined && this.modules.lookup(p, name) === undefined) continue;
      const scope = p.scope && p.scope.lookup(name);
      this.classes.remove(scope, name);
      this.modules.remove(scope, name);
    }
  }

  /**
   * Could moduleSourceOf or isClassExpr find sc-auth in this expression? Their shapes, with a name
   * check in place of the scope lookup: false means both certainly find nothing.
   */
  private mayNameLegacy(node: any): boolean {
    node = unwrap(node);
    if (!node) return false;
    if (node.type === 'CallExpression' && node.arguments.length >= 1 && node.callee.type === 'Identifier' && INTEROP_HELPERS.test(node.callee.name)) {
      return this.mayNameLegacy(node.arguments[0]);
    }
    if (isLegacyRequire(node) || isLegacyDynamicImport(node)) return true;
    if (node.type === 'Identifier') return this.modules.mayHold(node.name) || this.classes.mayHold(node.name);
    const prop = propName(node);
    if (prop === 'default' || prop === 'AuthEngine') return this.mayNameLegacy(node.object);
    return false;
  }

  /** `const X = <init>` / `const { AuthEngine: X } = <init>` for module and class sources. */
  private bindDeclarator(p: ASTPath<any>): void {
    const init = unwrap(p.node.init);
    const id = p.node.id;
    if (!init) return;
    const moduleSource = this.moduleSourceOf(p, init);
    if (id.type === 'Identifier') {
      // The scope only when there is something to bind: looking it up costs ast-types a scope scan.
      const scopeOf = () => p.scope.lookup(id.name) || p.scope;
      if (moduleSource) {
        const scope = scopeOf();
        this.modules.add(scope, id.name, moduleSource);
        if (moduleSource === BRIDGE_MODULE) this.classes.add(scope, id.name);
      } else if (this.isClassExpr(p, init)) {
        this.classes.add(scopeOf(), id.name);
      }
    } else if (id.type === 'ObjectPattern' && moduleSource) {
      for (const prop of id.properties) {
        if ((prop.type === 'ObjectProperty' || prop.type === 'Property') && prop.value.type === 'Identifier') {
          const key = prop.key.type === 'Identifier' ? prop.key.name : prop.key.value;
          if (key === 'AuthEngine' || key === 'default') {
            const s = p.scope.lookup(prop.value.name) || p.scope;
            if (key === 'AuthEngine' || moduleSource === BRIDGE_MODULE) this.classes.add(s, prop.value.name);
            else this.modules.add(s, prop.value.name, moduleSource);
          }
        }
      }
    }
  }

  /** The legacy module name when `node` evaluates to the module object. */
  moduleSourceOf(path: ASTPath<any>, node: any): string | undefined {
    node = unwrap(node);
    if (!node) return undefined;
    // Compiled CommonJS: tsc's `__importDefault(require('sc-auth'))`, babel's `_interopRequireWildcard(...)`.
    if (node.type === 'CallExpression' && node.arguments.length >= 1 && node.callee.type === 'Identifier' && INTEROP_HELPERS.test(node.callee.name)) {
      return this.moduleSourceOf(path, node.arguments[0]);
    }
    if (isLegacyRequire(node)) return stringValue(node.arguments[0]);
    if (isLegacyDynamicImport(node)) {
      const call = node.type === 'AwaitExpression' ? node.argument : node;
      return stringValue(call.type === 'ImportExpression' ? call.source : call.arguments[0]);
    }
    if (node.type === 'Identifier') return this.modules.lookup(path, node.name);
    // `(await import('sc-auth')).default` is module.exports as well
    if (propName(node) === 'default') return this.moduleSourceOf(path, node.object);
    return undefined;
  }

  /** Does `node` evaluate to the AuthEngine class of sc-auth (or the bridge)? */
  isClassExpr(path: ASTPath<any>, node: any): boolean {
    node = unwrap(node);
    if (!node) return false;
    if (node.type === 'Identifier') return this.classes.lookup(path, node.name) !== undefined;
    if (propName(node) === 'AuthEngine') return this.moduleSourceOf(path, node.object) !== undefined;
    return this.moduleSourceOf(path, node) === BRIDGE_MODULE;
  }

  /** Engine instances through variables, `this.x = new AuthEngine()`, and `self`/`that` aliases. */
  private collectEngines(): void {
    // Two rounds so `const a = new AuthEngine(); const b = a;` and `self.x` after `this.x` both resolve.
    for (let round = 0; round < 2; round++) {
      this.nodes.of('VariableDeclarator').forEach((p: ASTPath<any>) => {
        const id = p.node.id;
        const init = unwrap(p.node.init);
        if (id.type !== 'Identifier' || !init) return;
        const scopeOf = () => p.scope.lookup(id.name) || p.scope;
        if (init.type === 'ThisExpression') { this.thisAliases.add(scopeOf(), id.name); return; }
        const kind = this.engineKind(p, init);
        if (kind) this.engines.add(scopeOf(), id.name, kind);
        else if (init.type === 'NewExpression' && init.callee.type === 'Identifier' && this.ownerMembers.has(init.callee.name)) {
          this.instances.add(scopeOf(), id.name, init.callee.name);
        }
      });
      this.nodes.of('AssignmentExpression').forEach((p: ASTPath<any>) => {
        const left = p.node.left;
        const right = unwrap(p.node.right);
        if (left.type === 'Identifier') {
          if (right.type === 'ThisExpression') { this.thisAliases.add(p.scope.lookup(left.name), left.name); return; }
          const kind = this.engineKind(p, right);
          if (kind) this.engines.add(p.scope.lookup(left.name) || p.scope, left.name, kind);
        } else if (left.type === 'MemberExpression' && this.isThisLike(p, left.object)) {
          const name = propName(left);
          const kind = name ? this.engineKind(p, right) : undefined;
          if (name && kind) {
            this.thisMembers.add(name);
            const owner = ownerClassName(p);
            if (owner) this.addOwnerMember(owner, name);
          }
          // `this.auth = opts.authEngine || new AuthEngine()`, `this.auth = authEngine` (setAuthEngine):
          // a slot that can hold the user's own engine too.
          if (name && (!kind || right.type === 'LogicalExpression' || right.type === 'ConditionalExpression')) this.sharedSlots.add(name);
        }
      });
      this.nodes.of('ClassProperty', 'PropertyDefinition').forEach((p: ASTPath<any>) => {
        const name = p.node.key && p.node.key.name;
        if (name && p.node.value && this.engineKind(p, unwrap(p.node.value))) {
          this.thisMembers.add(name);
          const owner = ownerClassName(p);
          if (owner) this.addOwnerMember(owner, name);
        }
      });
      // TS parameter properties (dependency injection): `constructor(private auth: AuthEngine)`,
      // `constructor(private engine = new AuthEngine())`.
      this.nodes.of('TSParameterProperty').forEach((p: ASTPath<any>) => {
        const param = p.node.parameter;
        const id = param && param.type === 'AssignmentPattern' ? param.left : param;
        if (!id || id.type !== 'Identifier') return;
        const typed = id.typeAnnotation && this.isClassType(p, id.typeAnnotation.typeAnnotation);
        const created = param.type === 'AssignmentPattern' && this.engineKind(p, unwrap(param.right));
        if (typed || created) this.thisMembers.add(id.name);
      });
    }
    // An imported engine the file assigns something else to (`let { engine } = require('./engine');
    // ... engine = custom;`) may hold another object when a call runs: not known to be the engine.
    for (const n of this.nodes.nodesOfType('AssignmentExpression')) {
      if (n.left.type !== 'Identifier' || !this.engines.mayHold(n.left.name)) continue;
      const p = this.nodes.pathOf(n);
      if (!p || p.node !== n || this.engines.lookup(p, n.left.name) !== 'imported') continue;
      if (this.engineKind(p, n.right) === 'imported') continue;
      this.engines.remove(p.scope.lookup(n.left.name) || p.scope, n.left.name);
    }
  }

  private addOwnerMember(owner: string, member: string): void {
    let set = this.ownerMembers.get(owner);
    if (!set) this.ownerMembers.set(owner, (set = new Set()));
    set.add(member);
  }

  /** `this.auth` where `auth` can hold an engine other than sc-auth's (set from options or a setter). */
  isSharedSlot(path: ASTPath<any>, node: any): boolean {
    node = unwrap(node);
    const name = propName(node);
    return !!name && this.sharedSlots.has(name) && this.isThisLike(path, node.object);
  }

  /** A TS type naming sc-auth's engine class: `AuthEngine`, `scAuth.AuthEngine`, `SCAuthEngine`. */
  private isClassType(path: ASTPath<any>, type: any): boolean {
    if (!type || type.type !== 'TSTypeReference') return false;
    const name = type.typeName;
    if (name.type === 'Identifier') return this.classes.lookup(path, name.name) !== undefined;
    return name.type === 'TSQualifiedName' && /^(AuthEngine|SCAuthEngine)$/.test(name.right.name) &&
      name.left.type === 'Identifier' && this.modules.lookup(path, name.left.name) !== undefined;
  }

  isThisLike(path: ASTPath<any>, node: any): boolean {
    node = unwrap(node);
    if (!node) return false;
    if (node.type === 'ThisExpression') return true;
    return node.type === 'Identifier' && this.thisAliases.lookup(path, node.name) !== undefined;
  }

  /** What kind of auth engine `node` is, if it is one. */
  engineKind(path: ASTPath<any>, node: any): EngineKind | undefined {
    node = unwrap(node);
    if (!node) return undefined;
    if (node.type === 'NewExpression' && this.isClassExpr(path, node.callee)) return 'instance';
    // `options.authEngine || new AuthEngine()`: either side being an engine makes it one, unless the
    // other side is visibly something else (`options.authEngine || new LocalAuthEngine()`).
    if (node.type === 'LogicalExpression' || node.type === 'ConditionalExpression') {
      const sides = node.type === 'LogicalExpression' ? [node.left, node.right] : [node.consequent, node.alternate];
      if (sides.some((s) => this.isOtherObject(path, s))) return undefined;
      return this.engineKind(path, sides[0]) || this.engineKind(path, sides[1]);
    }
    if (node.type === 'Identifier') {
      const tag = this.engines.lookup(path, node.name);
      if (tag) return tag as EngineKind;
      if (this.engineNames.includes(node.name) && !this.classes.lookup(path, node.name)) return 'named';
      return undefined;
    }
    if (node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') {
      const name = propName(node);
      if (!name) return undefined;
      if (this.isThisLike(path, node.object) && this.thisMembers.has(name)) return 'instance';
      // `var s = new Srv(); s.auth.signToken(...)`, where Srv sets `this.auth = new AuthEngine()`.
      const object = unwrap(node.object);
      if (object.type === 'Identifier') {
        const owner = this.instances.lookup(path, object.name);
        if (owner && this.ownerMembers.get(owner)?.has(name) && !this.sharedSlots.has(name)) return 'instance';
      }
      if (name === 'auth' && this.isServerExpr(node.object)) return 'server';
      // ES5 subclass engines call the legacy methods through the class prototype.
      if (name === 'prototype' && this.isClassExpr(path, node.object)) return 'instance';
      // The server option that holds an engine (socketcluster-client's authEngine has no signToken).
      if (name === 'authEngine') return 'server';
      if (this.engineNames.includes(name) || this.engineNames.includes(memberText(node))) return 'named';
    }
    if (node.type === 'CallExpression' && propName(node.callee) === 'createAuthEngine' &&
      this.moduleSourceOf(path, node.callee.object) === BRIDGE_MODULE) return 'instance';
    if (this.isImportedEngine(path, node)) return 'imported';
    return undefined;
  }

  /** A value that is certainly not an sc-auth engine: `new Other()`, a literal, a function. */
  private isOtherObject(path: ASTPath<any>, node: any): boolean {
    node = unwrap(node);
    if (!node) return false;
    if (node.type === 'NewExpression') return !this.isClassExpr(path, node.callee);
    return node.type === 'ObjectExpression' || isFunctionNode(node) || node.type === 'ClassExpression';
  }

  private isServerExpr(node: any): boolean {
    node = unwrap(node);
    // SocketCluster 5-era `worker.getSCServer().auth`
    if (node.type === 'CallExpression' && propName(node.callee) === 'getSCServer') return true;
    if (node.type === 'Identifier') return SERVER_NAMES.has(node.name);
    const name = propName(node);
    return !!name && SERVER_NAMES.has(name);
  }
}

/**
 * The local class or constructor function whose `this` a node sees: a class body, a function
 * declaration (`function Srv() { this.auth = ... }`), `Srv.prototype.init = function () {...}`,
 * `var Srv = function () {...}`. Arrows see through to their enclosing function.
 */
export function ownerClassName(path: ASTPath<any>): string | undefined {
  for (let p: any = path.parent; p; p = p.parent) {
    const n = p.node;
    if (n.type === 'ArrowFunctionExpression') continue;
    if (n.type === 'ClassBody') {
      const cls = p.parent && p.parent.node;
      if (cls && cls.id) return cls.id.name;
      const holder = p.parent && p.parent.parent && p.parent.parent.node;
      return holder && holder.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? holder.id.name : undefined;
    }
    if (!isFunctionNode(n)) continue;
    if (n.type === 'FunctionDeclaration' && n.id) return n.id.name;
    const parent = p.parent && p.parent.node;
    if (parent && parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier' && parent.init === n) return parent.id.name;
    if (parent && parent.type === 'AssignmentExpression' && parent.right === n) {
      const proto = unwrap(parent.left).object;
      if (proto && propName(proto) === 'prototype' && unwrap(proto.object).type === 'Identifier') return unwrap(proto.object).name;
    }
    // Class methods reach the ClassBody on the next step up.
    if (n.type === 'ClassMethod' || n.type === 'ClassPrivateMethod') continue;
    return undefined;
  }
  return undefined;
}

/** `fromLegacyEngine(engine)` / `bridge.fromLegacyEngine(engine)`: sc-auth-bridge's wrapper. */
export function isFromLegacyEngine(node: any): boolean {
  node = unwrap(node);
  if (!node || node.type !== 'CallExpression') return false;
  const c = unwrap(node.callee);
  return (c.type === 'Identifier' && c.name === 'fromLegacyEngine') || propName(c) === 'fromLegacyEngine';
}

function isAgRequire(node: any): boolean {
  node = unwrap(node);
  return !!node && node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require' &&
    stringValue(node.arguments[0]) === AG_MODULE;
}

/** `new X()` where X is ag-auth's class (`require('ag-auth')`, `import X from 'ag-auth'`). */
export function isAgAuthInstance(path: ASTPath<any>, node: any): boolean {
  node = unwrap(node);
  if (!node || node.type !== 'NewExpression') return false;
  const callee = unwrap(node.callee);
  if (isAgRequire(callee)) return true;
  if (callee.type !== 'Identifier') return false;
  const scope = path.scope && path.scope.lookup(callee.name);
  const decl = scope && (scope.getBindings()[callee.name] || [])[0];
  const parent: any = decl && decl.parentPath && decl.parentPath.node;
  if (!parent) return false;
  if (parent.type === 'VariableDeclarator') return isAgRequire(parent.init);
  // import X from 'ag-auth' (the binding's parent is the specifier, then the declaration)
  const declaration: any = decl.parentPath.parentPath && decl.parentPath.parentPath.node;
  return parent.type === 'ImportDefaultSpecifier' && !!declaration && stringValue(declaration.source) === AG_MODULE;
}

/** `AuthEngine.call(this)` / `.apply(...)`: the legacy class called as a function (ES5 subclassing). */
export function isClassCalledAsFunction(analysis: Analysis, path: ASTPath<any>): boolean {
  const callee = path.node.callee;
  const name = propName(callee);
  return (name === 'call' || name === 'apply') && analysis.isClassExpr(path, callee.object);
}

/** `a.b.c` for plain member chains, '' otherwise. */
export function memberText(node: any): string {
  node = unwrap(node);
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'ThisExpression') return 'this';
  if ((node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') && !node.computed) {
    const left = memberText(node.object);
    return left ? `${left}.${node.property.name}` : '';
  }
  return '';
}

