/**
 * package-json: `sc-auth` -> `ag-auth` ^2.1.1 in the same dependency section (and `@types/sc-auth`
 * -> `@types/ag-auth`), plus `sc-auth-bridge` where a migrated file imports it. The file is
 * re-serialised with its own indentation, line ending and final newline, keys in their order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParseError } from './lib/parse';
import { AG_VERSION_RANGE, BRIDGE_MODULE, type Finding, LEGACY_MODULE } from './lib/types';

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;
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

function lineOf(text: string, needle: string): { line: number; column: number } {
  const i = text.indexOf(needle);
  if (i < 0) return { line: 1, column: 1 };
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  return { line, column: i - before.lastIndexOf('\n') };
}

export function migratePackageJson(text: string, filePath: string,
  opts: { needsBridge: boolean; needsAgAuth: boolean; /** some file of the package now has Promise code */ promiseCode?: boolean; /** tests: the sc-auth-bridge directory running */ runningCopy?: string }): { output: string; changed: boolean; findings: Finding[] } {
  const pkg = parse(text, filePath);
  // Read before the edits below, which may add the bridge: only an entry we wrote needs the notice.
  const hadBridge = SECTIONS.some((sec) => pkg[sec] && typeof pkg[sec] === 'object' && BRIDGE_MODULE in pkg[sec]);
  let changed = false;
  let legacySection: string | undefined;
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!deps || typeof deps !== 'object') continue;
    if (LEGACY_MODULE in deps) {
      // A package whose files only need the compat engine gets it in sc-auth's place, not an unused ag-auth.
      pkg[section] = opts.needsBridge && !opts.needsAgAuth
        ? renameKey(pkg[section], LEGACY_MODULE, BRIDGE_MODULE, bridgeSpec(filePath, opts.runningCopy))
        : renameKey(pkg[section], LEGACY_MODULE, 'ag-auth', AG_VERSION_RANGE);
      legacySection = legacySection ?? section;
      changed = true;
    }
    if (TYPES_LEGACY in pkg[section]) {
      pkg[section] = renameKey(pkg[section], TYPES_LEGACY, TYPES_AG, TYPES_AG_RANGE);
      changed = true;
    }
  }
  const has = (name: string) => SECTIONS.some((s) => pkg[s] && typeof pkg[s] === 'object' && name in pkg[s]);
  if (opts.needsAgAuth && !has('ag-auth')) {
    pkg.dependencies = { ...(pkg.dependencies || {}), 'ag-auth': AG_VERSION_RANGE };
    changed = true;
  }
  if (opts.needsBridge && !has(BRIDGE_MODULE) && pkg.name !== BRIDGE_MODULE) {
    const section = legacySection === 'devDependencies' ? 'devDependencies' : 'dependencies';
    pkg[section] = { ...(pkg[section] || {}), [BRIDGE_MODULE]: bridgeSpec(filePath, opts.runningCopy) };
    changed = true;
  }
  let output = changed ? renamedInPlace(text, pkg) : text;
  if (output === undefined) {
    const indent = /^[ \t]*\{\s*?\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    output = JSON.stringify(pkg, null, indent);
    if (eol === '\r\n') output = output.replace(/\n/g, '\r\n');
    if (/\r?\n$/.test(text)) output += eol;
    if (text.startsWith('\uFEFF')) output = '\uFEFF' + output;
  }
  const findings: Finding[] = [];
  const pinned = pinnedServer(pkg);
  if ((legacySection || opts.promiseCode) && pinned) {
    findings.push({ file: filePath, ...lineOf(output, `"${pinned.name}"`), rule: 'manual-review', severity: 'error',
      message: `${pinned.name} ${pinned.range} is left as it is: ${SERVER_14_NOTE}` });
  }
  const spec = SECTIONS.map((sec) => pkg[sec] && pkg[sec][BRIDGE_MODULE]).find((v) => typeof v === 'string');
  if (spec && spec.startsWith('file:') && !hadBridge) {
    findings.push({ file: filePath, ...lineOf(output, `"${BRIDGE_MODULE}"`), rule: 'bridge-import', severity: 'info',
      message: `'${BRIDGE_MODULE}' is not on the npm registry: the dependency points at the copy that ran this migration (${spec}); commit a path or tarball your installs can reach` });
  }
  return { output, changed: output !== text, findings };
}

const SERVER_14_NOTE = 'the migrated code (Promise calls on the server\'s engine, Promise engines, ag-auth) needs socketcluster-server 15+; on 14, give the server sc-auth-bridge\'s engine (authEngine / setAuthEngine, fromLegacyEngine() for your own engine) until the upgrade';

/** A socketcluster-server / socketcluster dependency whose range stays below 15. */
function pinnedServer(pkg: any): { name: string; range: string } | undefined {
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!deps || typeof deps !== 'object') continue;
    for (const name of ['socketcluster-server', 'socketcluster']) {
      const range = deps[name];
      const m = typeof range === 'string' ? /^\s*(?:[~^]|>=?|=)?\s*v?(\d+)/.exec(range) : null;
      if (m && Number(m[1]) < 15) return { name, range };
    }
  }
  return undefined;
}

/**
 * The common edit, a dependency renamed where it stands, made in the text itself so that the rest
 * of a hand-formatted file (inline objects, arrays) stays as written. Used only when the result
 * reads back as exactly the object the full rewrite would print (keys in the same order).
 */
function renamedInPlace(text: string, pkg: any): string | undefined {
  let out = text;
  let before: any;
  try { before = JSON.parse(text.replace(/^\uFEFF/, '')); } catch { return undefined; }
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!deps || typeof deps !== 'object') continue;
    for (const [from, to] of [[LEGACY_MODULE, 'ag-auth'], [LEGACY_MODULE, BRIDGE_MODULE], [TYPES_LEGACY, TYPES_AG]]) {
      // A rename only: the new name was not there, and the old one appears once in the file.
      if (!(to in deps) || (before[section] && to in before[section]) || text.split(`"${from}"`).length !== 2) continue;
      const re = new RegExp(`"${from.replace(/[/]/g, '\\/')}"(\\s*:\\s*)"[^"\\\\]*"`);
      if (re.test(out)) out = out.replace(re, (_m, colon: string) => `"${to}"${colon}${JSON.stringify(deps[to])}`);
    }
  }
  try {
    return JSON.stringify(JSON.parse(out.replace(/^\uFEFF/, ''))) === JSON.stringify(pkg) ? out : undefined;
  } catch {
    return undefined;
  }
}

export function checkPackageJson(text: string, filePath: string): Finding[] {
  const pkg = parse(text, filePath);
  const findings: Finding[] = [];
  for (const section of SECTIONS) {
    const deps = pkg[section];
    if (!deps || typeof deps !== 'object') continue;
    for (const name of [LEGACY_MODULE, TYPES_LEGACY]) {
      if (!(name in deps)) continue;
      const at = lineOf(text, `"${name}"`);
      findings.push({ file: filePath, ...at, rule: 'sc-auth-dependency', severity: 'error',
        message: `${section} has '${name}': replace it with '${name === LEGACY_MODULE ? 'ag-auth' : TYPES_AG}'${name === LEGACY_MODULE && pinnedServer(pkg) ? ` (${pinnedServer(pkg)!.name} ${pinnedServer(pkg)!.range}: ${SERVER_14_NOTE})` : ''}` });
    }
  }
  return findings;
}
