/**
 * package-json: `sc-auth` -> `ag-auth` ^2.1.1 in the same dependency section (and `@types/sc-auth`
 * -> `@types/ag-auth`), plus `sc-auth-bridge` where a migrated file imports it; a bundled sc-auth
 * (`bundledDependencies`) is replaced by what replaced it. A peer sc-auth whose package now needs only the
 * bridge is dropped and the bridge becomes a dependency (a host app cannot provide a path-installed peer). `overrides` / `resolutions` are left as
 * written: they pin other packages' own sc-auth (socketcluster-server 14 depends on it). Renames are
 * edited in the text; anything else re-serialises the file with its own indentation, line ending
 * and final newline, keys in their order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseError } from './lib/parse';
import { AG_MODULE, AG_VERSION_RANGE, BRIDGE_MODULE, type Finding, LEGACY_MODULE } from './lib/types';
import { positionOf, tokenIn, topLevelValue } from './lib/json-text';
import { promiseCodeFacts, type PromiseCodeFacts } from './lib/promise-code';

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;
/** npm accepts both spellings: lists of dependency names packed into the tarball. */
const BUNDLED = ['bundledDependencies', 'bundleDependencies'] as const;
const TYPES_LEGACY = '@types/sc-auth';
const TYPES_AG = '@types/ag-auth';
const TYPES_AG_RANGE = '^1.0.3';

/** This package's own directory: dist/codemods/package-json.js (built) or codemods/package-json.ts (tests). */
function bridgeRoot(): string | undefined {
  for (const up of [['..', '..'], ['..']]) {
    const dir = path.join(__dirname, ...up);
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === BRIDGE_MODULE) return fs.realpathSync(dir);
    } catch { /* try the next */ }
  }
  return undefined;
}

function ownVersion(root: string): string {
  try { return String(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version); } catch { return '0.1.0'; }
}

/**
 * sc-auth-bridge is not on the npm registry (`^0.1.0` would fail `npm install` with E404): the
 * dependency points at the copy of this package that ran the migration, as a `file:` path relative
 * to the package.json (what `npm install /path/to/sc-auth-bridge` writes).
 */
function bridgeSpec(filePath: string, runningCopy?: string): string {
  const root = runningCopy ?? bridgeRoot();
  if (!root) return '*';
  // An installed copy (npx, a devDependency) lives in node_modules: a path there is this machine's
  // install, not something to commit; the version range is what that install came from.
  if (/(^|[\\/])node_modules([\\/]|$)/.test(root)) return `^${ownVersion(root)}`;
  const rel = path.relative(path.dirname(path.resolve(filePath)), root).split(path.sep).join('/');
  return `file:${rel || '.'}`;
}

function parse(text: string, filePath: string): any {
  try {
    const value = JSON.parse(text.replace(/^\uFEFF/, ''));
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('package.json is not a JSON object');
    return value;
  } catch (err: any) {
    throw new ParseError(`${filePath}: ${err.message}`, filePath);
  }
}

function renameKey(obj: Record<string, unknown>, from: string, to: string, value: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === from) { if (!(to in obj)) out[to] = value; }
    else out[k] = v;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Where a member name stands inside a top-level object (`"sc-auth"` in "dependencies"), else line 1. */
function locate(text: string, member: string, name: string, as: 'key' | 'element' = 'key'): { line: number; column: number } {
  const span = topLevelValue(text, member);
  const i = span ? tokenIn(text, span, name, as) : -1;
  return i < 0 ? { line: 1, column: 1 } : positionOf(text, i);
}

/**
 * What a bundled list (`bundledDependencies`) becomes: each legacy name is replaced by the packages
 * that now stand in its place, without duplicates; undefined when nothing changes.
 */
function bundledAfter(list: unknown[], standIns: Map<string, string[]>): unknown[] | undefined {
  if (!list.some((n) => typeof n === 'string' && standIns.has(n))) return undefined;
  const out: unknown[] = [];
  for (const n of list) {
    const repl = typeof n === 'string' ? standIns.get(n) : undefined;
    for (const x of repl ?? [n]) if (!out.includes(x) && (repl === undefined || !list.includes(x))) out.push(x);
  }
  return out;
}

export function migratePackageJson(text: string, filePath: string,
  opts: { needsBridge: boolean; needsAgAuth: boolean; /** some file of the package now has Promise code */ promiseCode?: boolean;
    /**
     * The package's source files as the migration leaves them: when given, whether its code needs
     * server 15+ is read from them (as check reads it), not taken from `promiseCode`.
     */
    files?: ReadonlyArray<PackageFile>; /** tests: the sc-auth-bridge directory running */ runningCopy?: string;
    /** A file of the package outside this run still requires sc-auth (partial run): keep it, add what is needed. */ keepLegacy?: string }): { output: string; changed: boolean; findings: Finding[] } {
  const pkg = parse(text, filePath);
  const before = parse(text, filePath);
  // Read before the edits below, which may add the bridge: only an entry we wrote needs the notice.
  const hadBridge = SECTIONS.some((sec) => isMap(pkg[sec]) && BRIDGE_MODULE in pkg[sec]);
  let changed = false;
  let legacySection: string | undefined;
  let renamedTo: string | undefined;
  let typesRenamed = false;
  let bridgeForPeer = false;
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!isMap(deps)) continue;
    if (LEGACY_MODULE in deps && !opts.keepLegacy) {
      // A package whose files only need the compat engine gets it in sc-auth's place, not an unused ag-auth.
      const to = opts.needsBridge && !opts.needsAgAuth ? BRIDGE_MODULE : AG_MODULE;
      if (to === BRIDGE_MODULE && section === 'peerDependencies') {
        // The host app cannot provide a path-installed bridge as a peer: the package's own files
        // import it, so it becomes a dependency of the package (added below) and the peer goes.
        const { [LEGACY_MODULE]: _dropped, ...rest } = deps;
        pkg[section] = rest;
        bridgeForPeer = true;
      } else {
        pkg[section] = renameKey(deps, LEGACY_MODULE, to, to === BRIDGE_MODULE ? bridgeSpec(filePath, opts.runningCopy) : AG_VERSION_RANGE);
        legacySection = legacySection ?? section;
        renamedTo = renamedTo ?? to;
      }
      changed = true;
    }
    if (TYPES_LEGACY in pkg[section]) {
      pkg[section] = renameKey(pkg[section], TYPES_LEGACY, TYPES_AG, TYPES_AG_RANGE);
      typesRenamed = true;
      changed = true;
    }
  }
  const has = (name: string) => SECTIONS.some((s) => isMap(pkg[s]) && name in pkg[s]);
  if (opts.needsAgAuth && !has(AG_MODULE)) {
    pkg.dependencies = { ...(pkg.dependencies || {}), [AG_MODULE]: AG_VERSION_RANGE };
    changed = true;
  }
  const bridgeIn = (section: string) => isMap(pkg[section]) && BRIDGE_MODULE in pkg[section];
  if (opts.needsBridge && pkg.name !== BRIDGE_MODULE && (bridgeForPeer ? !bridgeIn('dependencies') : !has(BRIDGE_MODULE))) {
    const section = legacySection === 'devDependencies' && !bridgeForPeer ? 'devDependencies' : 'dependencies';
    pkg[section] = { ...(pkg[section] || {}), [BRIDGE_MODULE]: bridgeSpec(filePath, opts.runningCopy) };
    changed = true;
  }
  // A bundled sc-auth (shipped inside the package tarball) is replaced by what replaced it above,
  // and by the bridge when this run added it: a bundle that lost its engine would fail offline.
  const beforeHas = (name: string) => SECTIONS.some((s) => isMap(before[s]) && name in before[s]);
  const standIns = new Map<string, string[]>();
  const legacyStandIns = [...new Set([renamedTo, ...[AG_MODULE, BRIDGE_MODULE].filter((n) => !beforeHas(n))])]
    .filter((n): n is string => !!n && has(n));
  if (legacyStandIns.length) standIns.set(LEGACY_MODULE, legacyStandIns);
  if (typesRenamed) standIns.set(TYPES_LEGACY, [TYPES_AG]);
  for (const key of BUNDLED) {
    const after = Array.isArray(pkg[key]) ? bundledAfter(pkg[key], standIns) : undefined;
    if (after) { pkg[key] = after; changed = true; }
  }
  let output = changed ? editedInPlace(text, pkg, before) : text;
  if (output === undefined) {
    const indent = /^[ \t]*\{\s*?\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    output = JSON.stringify(pkg, null, indent);
    if (eol === '\r\n') output = output.replace(/\n/g, '\r\n');
    if (/\r?\n$/.test(text)) output += eol;
    if (text.startsWith('\uFEFF')) output = '\uFEFF' + output;
  }
  const findings: Finding[] = [];
  if (opts.keepLegacy && SECTIONS.some((sec) => isMap(pkg[sec]) && LEGACY_MODULE in pkg[sec])) {
    const section = SECTIONS.find((sec) => isMap(pkg[sec]) && LEGACY_MODULE in pkg[sec])!;
    findings.push({ file: filePath, ...locate(output, section, LEGACY_MODULE), rule: 'manual-review', severity: 'error',
      message: `'sc-auth' is kept: ${opts.keepLegacy} of this package was not in this run and still requires it; migrate the whole package to drop it` });
  }
  const pinned = pinnedServer(pkg);
  // Only Promise code needs 15+: a package whose files all moved to the bridge runs on 14 as it is.
  if (pinned && (opts.files ? firstPromiseCode(opts.files) !== undefined : opts.promiseCode)) {
    findings.push({ file: filePath, ...locate(output, pinned.section, pinned.name), rule: 'manual-review', severity: 'error',
      message: `${pinned.name} ${pinned.range} is left as it is: ${SERVER_14_NOTE}` });
  }
  for (const key of BUNDLED) {
    if (!Array.isArray(pkg[key]) || !pkg[key].includes(LEGACY_MODULE)) continue;
    findings.push({ file: filePath, ...locate(output, key, LEGACY_MODULE, 'element'), rule: 'sc-auth-dependency', severity: 'error',
      message: `${key} lists '${LEGACY_MODULE}', which is not a dependency this migration replaced: bundle '${AG_MODULE}' or '${BRIDGE_MODULE}' (whichever the package's files import) instead` });
  }
  const bridgeAt = SECTIONS.find((sec) => isMap(pkg[sec]) && typeof pkg[sec][BRIDGE_MODULE] === 'string');
  const spec: string | undefined = bridgeAt && pkg[bridgeAt][BRIDGE_MODULE];
  if (bridgeAt && spec && spec.startsWith('file:') && !hadBridge) {
    findings.push({ file: filePath, ...locate(output, bridgeAt, BRIDGE_MODULE), rule: 'bridge-import', severity: 'info',
      message: `'${BRIDGE_MODULE}' is not on the npm registry: the dependency points at the copy that ran this migration (${spec}); commit a path or tarball your installs can reach` });
  }
  return { output, changed: output !== text, findings };
}

const SERVER_14_NOTE = 'the migrated code (Promise calls on the server\'s engine, Promise engines, ag-auth) needs socketcluster-server 15+; on 14, give the server sc-auth-bridge\'s engine (authEngine / setAuthEngine, fromLegacyEngine() for your own engine) until the upgrade';

/** A socketcluster-server / socketcluster dependency whose range stays below 15. */
function pinnedServer(pkg: any): { section: string; name: string; range: string } | undefined {
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!isMap(deps)) continue;
    for (const name of ['socketcluster-server', 'socketcluster']) {
      const range = deps[name];
      const m = typeof range === 'string' ? /^\s*(?:[~^]|>=?|=)?\s*v?(\d+)/.exec(range) : null;
      if (m && Number(m[1]) < 15) return { section, name, range: range as string };
    }
  }
  return undefined;
}

/**
 * The common edits, a dependency renamed where it stands and a bundled name swapped, made in the
 * text itself so that the rest of a hand-formatted file (inline objects, arrays, other mentions of
 * sc-auth such as `overrides`) stays as written. Used only when the result reads back as exactly
 * the object the full rewrite would print (keys in the same order).
 */
function editedInPlace(text: string, pkg: any, before: any): string | undefined {
  let out = text;
  const swap = (member: string, from: string, to: string, as: 'key' | 'element', value?: string) => {
    const span = topLevelValue(out, member);
    const i = span ? tokenIn(out, span, from, as) : -1;
    if (i < 0) return;
    let end = i + JSON.stringify(from).length;
    if (value !== undefined) {
      // `"from": "range"`: the range is one string token after the colon.
      const m = /^(\s*:\s*)"(?:[^"\\]|\\.)*"/.exec(out.slice(end));
      if (!m) return;
      out = out.slice(0, i) + JSON.stringify(to) + m[1] + JSON.stringify(value) + out.slice(end + m[0].length);
      return;
    }
    // A bundled name: `to` is one name or several, each written as the list separates its items.
    const sep = /[[,](\s*)$/.exec(out.slice(span!.start, i))?.[1] || ' ';
    out = out.slice(0, i) + to.split('\n').map((n) => JSON.stringify(n)).join(`,${sep}`) + out.slice(end);
  };
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!isMap(deps)) continue;
    for (const [from, to] of [[LEGACY_MODULE, AG_MODULE], [LEGACY_MODULE, BRIDGE_MODULE], [TYPES_LEGACY, TYPES_AG]]) {
      // A rename only: the new name was not there before.
      if (!(to in deps) || !isMap(before[section]) || to in before[section] || !(from in before[section])) continue;
      swap(section, from, to, 'key', String(deps[to]));
    }
  }
  for (const key of BUNDLED) {
    const was = before[key];
    const now = pkg[key];
    if (!Array.isArray(was) || !Array.isArray(now)) continue;
    for (const from of [LEGACY_MODULE, TYPES_LEGACY]) {
      if (!was.includes(from) || now.includes(from)) continue;
      // The names that took its place, in their order in the new list.
      const kept = new Set(was);
      const added = now.filter((n) => !kept.has(n));
      if (added.length) swap(key, from, added.filter((n) => (from === TYPES_LEGACY) === String(n).startsWith('@types/')).join('\n'), 'element');
    }
  }
  try {
    return JSON.stringify(JSON.parse(out.replace(/^\uFEFF/, ''))) === JSON.stringify(pkg) ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Legacy names a package lists (dependency sections, bundled lists), and, for a package pinned to
 * socketcluster(-server) below 15, the first of its files (`files`: the package's source files the
 * caller has read) whose code needs server 15+: what migrate reports when it writes such code.
 */
export function checkPackageJson(text: string, filePath: string, opts: { files?: ReadonlyArray<PackageFile> } = {}): Finding[] {
  const pkg = parse(text, filePath);
  const findings: Finding[] = [];
  const pinned = pinnedServer(pkg);
  const needs15 = pinned && opts.files ? firstPromiseCode(opts.files) : undefined;
  if (pinned && needs15) {
    const where = `${path.relative(path.dirname(path.resolve(filePath)), path.resolve(needs15.file)).split(path.sep).join('/')}:${needs15.line}`;
    findings.push({ file: filePath, ...locate(text, pinned.section, pinned.name), rule: 'manual-review', severity: 'error',
      message: `${pinned.name} ${pinned.range} is left as it is, but ${where} ${needs15.what}: ${SERVER_14_NOTE}` });
  }
  const replacement = (name: string) => (name === LEGACY_MODULE ? AG_MODULE : TYPES_AG);
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!isMap(deps)) continue;
    for (const name of [LEGACY_MODULE, TYPES_LEGACY]) {
      if (!(name in deps)) continue;
      findings.push({ file: filePath, ...locate(text, section, name), rule: 'sc-auth-dependency', severity: 'error',
        message: `${section} has '${name}': replace it with '${replacement(name)}'${name === LEGACY_MODULE && pinned ? ` (${pinned.name} ${pinned.range}: ${SERVER_14_NOTE})` : ''}` });
    }
  }
  for (const key of BUNDLED) {
    const list = pkg[key];
    if (!Array.isArray(list)) continue;
    for (const name of [LEGACY_MODULE, TYPES_LEGACY]) {
      if (!list.includes(name)) continue;
      findings.push({ file: filePath, ...locate(text, key, name, 'element'), rule: 'sc-auth-dependency', severity: 'error',
        message: `${key} lists '${name}': bundle '${replacement(name)}'${name === LEGACY_MODULE ? ` (or '${BRIDGE_MODULE}' where files import it)` : ''} instead` });
    }
  }
  return findings;
}

/**
 * A source file of the package: its facts when the caller's own parse computed them
 * (promiseCodeOf), else its text, parsed here.
 */
export interface PackageFile { file: string; source?: string; promiseCode?: PromiseCodeFacts }

/** The first Promise-style site among the files, unless one of them gives the server the bridge's engine. */
function firstPromiseCode(files: ReadonlyArray<PackageFile>): { file: string; line: number; what: string } | undefined {
  let first: { file: string; line: number; what: string } | undefined;
  for (const f of files) {
    let facts = f.promiseCode;
    // A file that does not parse is reported by the file scan itself.
    if (!facts && f.source !== undefined) { try { facts = promiseCodeFacts(f.source, f.file); } catch { continue; } }
    if (!facts) continue;
    if (facts.bridgeEngineForServer) return undefined;
    if (facts.site && !first) first = { file: f.file, line: facts.site.line, what: facts.site.what };
  }
  return first;
}
