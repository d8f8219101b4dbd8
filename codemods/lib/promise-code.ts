/**
 * Code that needs socketcluster-server 15+ (or sc-auth-bridge's engine on 14): Promise-style calls
 * on the server's own engine (`scServer.auth.signToken(...).then(...)`: server 14's sc-auth 5
 * engine calls an `undefined` callback and throws), and Promise engines handed to the server
 * (14 calls them with a callback that never runs: the handshake hangs). `check` reads this for a
 * package pinned below 15 (see package-json.ts); ag-auth used on its own is fine on 14.
 */
import type { ASTPath } from 'jscodeshift';
import type { Context } from './context';
import { isAgAuthInstance, isFromLegacyEngine, isFunctionNode, isLegacySource, propName, stringValue, unwrap } from './analysis';
import { classifyCall } from './calls';
import { engineArguments, unknownServerEngine } from './engines';
import { runSteps } from './run';
import { projectFacts } from './project';
import { AG_MODULE, BRIDGE_MODULE } from './types';
import { visit } from './walk';

export interface PromiseCodeFacts {
  /** The first such site in the file. */
  site?: { line: number; column: number; what: string };
  /** The file hands the server sc-auth-bridge's engine, which serves Promise calls on 14 too. */
  bridgeEngineForServer: boolean;
}

/** Cheap text test before parsing: every site mentions one of these. */
const MENTIONS = /signToken|verifyToken|authEngine|setAuthEngine/;

/** Parses the file for its facts (when the caller has no parsed tree of it). */
export function promiseCodeFacts(source: string, file: string): PromiseCodeFacts {
  if (!MENTIONS.test(source)) return { bridgeEngineForServer: false };
  let facts: PromiseCodeFacts = { bridgeEngineForServer: false };
  runSteps(source, file, [['promise-code', (ctx: Context) => { facts = promiseCodeOf(ctx); }]], { readOnly: true });
  return facts;
}

/**
 * For a run that already holds the tree (the CLI's ModuleFacts): the facts when the file's nearest
 * package.json pins the server below 15, else undefined (nothing to pay for elsewhere).
 */
export function promiseCodeIfPinned(ctx: Context): PromiseCodeFacts | undefined {
  const major = projectFacts(ctx.file).serverMajor;
  return major !== undefined && major < 15 ? promiseCodeOf(ctx) : undefined;
}

/** The facts of a parsed file. */
export function promiseCodeOf(ctx: Context): PromiseCodeFacts {
  const sites: Array<{ line: number; column: number; what: string }> = [];
  const at = (node: any, what: string) => {
    const start = node && node.loc && node.loc.start;
    if (start) sites.push({ line: start.line, column: start.column + 1, what });
  };
  // Sources this file requires sc-auth-style engines from: all the bridge means its engines are the bridge's.
  let legacy = 0;
  let bridge = 0;
  ctx.nodes.of('StringLiteral', 'Literal', 'TemplateLiteral').forEach((p: ASTPath<any>) => {
    if (!isLegacySource(p.node)) return;
    legacy++;
    if (stringValue(p.node) === BRIDGE_MODULE) bridge++;
  });
  let bridgeEngineForServer = false;
  for (const arg of engineArguments(ctx)) {
    const node = unwrap(arg.node);
    if (!node) continue;
    if (isFromLegacyEngine(node) || (ctx.analysis.engineKind(arg, node) === 'instance' && legacy > 0 && bridge === legacy)) {
      bridgeEngineForServer = true;
      continue;
    }
    const value = declaredValue(arg, node);
    if (isAgAuthInstance(arg, value)) at(node, 'hands the server an ag-auth engine');
    else if (returnsPromises(value)) at(node, 'hands the server an engine whose methods return Promises');
  }
  // The server's engine is this file's own (given from elsewhere): its calls say nothing about sc-auth.
  if (!unknownServerEngine(ctx)) {
    ctx.nodes.calls().forEach((p: ASTPath<any>) => {
      const call = classifyCall(ctx, p);
      if (!call || call.kind !== 'server' || call.callbackIndex >= 0 || call.ambiguous) return;
      at(p.node, `calls ${call.method}() on the server's engine without a callback (Promise style)`);
    });
  }
  sites.sort((a, b) => a.line - b.line || a.column - b.column);
  return { site: sites[0], bridgeEngineForServer };
}

/** What a name given to the server was declared as (`const engine = {...}`), else the node itself. */
function declaredValue(path: ASTPath<any>, node: any): any {
  if (node.type !== 'Identifier') return node;
  const scope = path.scope && path.scope.lookup(node.name);
  const decl = scope && (scope.getBindings()[node.name] || [])[0];
  const parent: any = decl && decl.parentPath && decl.parentPath.node;
  return parent && parent.type === 'VariableDeclarator' && parent.id === decl.node && parent.init ? unwrap(parent.init) : node;
}

/** An object literal / class given inline whose signToken or verifyToken is async or builds a Promise. */
function returnsPromises(node: any): boolean {
  const members = node.type === 'ObjectExpression' ? node.properties
    : node.type === 'NewExpression' && node.callee.type === 'ClassExpression' ? node.callee.body.body : [];
  return members.some((m: any) => {
    const key = m.key && !m.computed ? (m.key.name ?? m.key.value) : undefined;
    if (key !== 'signToken' && key !== 'verifyToken') return false;
    const fn = isFunctionNode(m) ? m : unwrap(m.value);
    if (!isFunctionNode(fn)) return false;
    if (fn.async) return true;
    let promise = false;
    visit(fn.body, (n) => {
      if (n.type === 'NewExpression' && n.callee.type === 'Identifier' && n.callee.name === 'Promise') promise = true;
    });
    return promise;
  });
}
