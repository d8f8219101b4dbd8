/**
 * What the nearest package.json says about the project a file belongs to: whether it is a
 * SocketCluster/sc-auth project at all, and which socketcluster-server major it runs. Files the
 * CLI migrates live in such a project; a loose file (no package.json up the tree) says nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ProjectFacts {
  /** The package depends on sc-auth, ag-auth, sc-auth-bridge, socketcluster or socketcluster-server. */
  socketCluster: boolean;
  /** Lowest major its socketcluster-server / socketcluster range allows; undefined when absent or unreadable. */
  serverMajor: number | undefined;
  /** Lowest major its sc-auth range allows (6: engines return values synchronously). */
  scAuthMajor: number | undefined;
}

const NONE: ProjectFacts = { socketCluster: false, serverMajor: undefined, scAuthMajor: undefined };
const SC_PACKAGES = new Set(['sc-auth', 'ag-auth', 'sc-auth-bridge', 'socketcluster', 'socketcluster-server', '@types/sc-auth']);
const cache = new Map<string, ProjectFacts>();

export function projectFacts(filePath: string): ProjectFacts {
  if (!path.isAbsolute(filePath) && !fs.existsSync(path.dirname(path.resolve(filePath)))) return NONE;
  return lookup(path.dirname(path.resolve(filePath)));
}

function lookup(dir: string): ProjectFacts {
  const hit = cache.get(dir);
  if (hit) return hit;
  let result = NONE;
  const file = path.join(dir, 'package.json');
  if (fs.existsSync(file)) result = read(file);
  else {
    const parent = path.dirname(dir);
    if (parent !== dir) result = lookup(parent);
  }
  cache.set(dir, result);
  return result;
}

function read(file: string): ProjectFacts {
  let pkg: any;
  try { pkg = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')); } catch { return NONE; }
  const deps: Record<string, unknown> = {};
  for (const s of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    if (pkg && pkg[s] && typeof pkg[s] === 'object') Object.assign(deps, pkg[s]);
  }
  const names = Object.keys(deps);
  const range = deps['socketcluster-server'] ?? deps.socketcluster;
  return { socketCluster: names.some((n) => SC_PACKAGES.has(n)), serverMajor: majorOf(range), scAuthMajor: majorOf(deps['sc-auth']) };
}

/** `^14.4.2`, `~14.7`, `14.x`, `>=15` -> 14, 14, 14, 15; tags, URLs and paths -> undefined. */
function majorOf(range: unknown): number | undefined {
  if (typeof range !== 'string') return undefined;
  const m = /^\s*(?:[~^]|>=?|=)?\s*v?(\d+)(?:[.\s]|$|\.x)/.exec(range);
  return m ? Number(m[1]) : undefined;
}

/** The file's package depends on sc-auth 6, whose engine methods return values without a callback. */
export function onScAuth6(ctx: { file: string }): boolean {
  return projectFacts(ctx.file).scAuthMajor === 6;
}
