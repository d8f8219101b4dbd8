// package.json handling: each source file belongs to its nearest enclosing package.json among those
// the run found (the one Node's resolution starts from), and that package gets ag-auth and/or
// sc-auth-bridge if any of its migrated files now imports them.
import path from 'node:path';
import type { PackageSourceFile } from './pipeline';
import type { FileResult } from './process-file';

export interface PackageNeeds {
  needsBridge: boolean;
  needsAgAuth: boolean;
  /** Files of this package the pipeline could not migrate: they may still require sc-auth. */
  failedFiles: string[];
}

export function nearestPackage(file: string, packageDirs: ReadonlySet<string>): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    if (packageDirs.has(dir)) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Maps each package.json path to what its files need. */
export function aggregateNeeds(packageJsons: readonly string[], results: Iterable<FileResult>): Map<string, PackageNeeds> {
  const byDir = new Map<string, PackageNeeds>();
  for (const p of packageJsons) byDir.set(path.dirname(p), { needsBridge: false, needsAgAuth: false, failedFiles: [] });
  const dirs = new Set(byDir.keys());
  for (const r of results) {
    if (r.status !== 'failed' && r.status !== 'changed' && !r.needsBridge && !r.needsAgAuth) continue;
    const dir = nearestPackage(r.file, dirs);
    if (dir === undefined) continue;
    const needs = byDir.get(dir)!;
    if (r.status === 'failed') {
      needs.failedFiles.push(r.file);
      continue;
    }
    needs.needsBridge ||= r.needsBridge;
    needs.needsAgAuth ||= r.needsAgAuth;
  }
  const out = new Map<string, PackageNeeds>();
  for (const p of packageJsons) out.set(p, byDir.get(path.dirname(p))!);
  return out;
}

/**
 * The source files of each package.json's package (nearest enclosing one), as read by the scan:
 * what `check` hands checkPackageJson to tell whether a package pinned to server 14 already holds
 * code that needs 15+. A file's `promiseCode` facts, when its parse in the scan computed them,
 * spare a second parse. Files that failed are left out (they are reported on their own). With
 * `migrated`, a changed file is given as the migration leaves it (what migrate reports on).
 */
export function packageSources(packageJsons: readonly string[], results: Iterable<FileResult>,
  originals: ReadonlyMap<string, string>, opts: { migrated?: boolean } = {}): Map<string, PackageSourceFile[]> {
  const byDir = new Map<string, PackageSourceFile[]>();
  for (const p of packageJsons) byDir.set(path.dirname(p), []);
  const dirs = new Set(byDir.keys());
  for (const r of results) {
    const source = originals.get(r.file);
    if (r.status === 'failed' || source === undefined) continue;
    const dir = nearestPackage(r.file, dirs);
    if (dir === undefined) continue;
    // migrate: the text the migration leaves; the scan's facts describe the text as it was.
    if (opts.migrated && r.status === 'changed' && r.output !== undefined) {
      byDir.get(dir)!.push({ file: r.file, source: r.output });
      continue;
    }
    const promiseCode = r.facts?.promiseCode;
    byDir.get(dir)!.push(promiseCode ? { file: r.file, source, promiseCode } : { file: r.file, source });
  }
  const out = new Map<string, PackageSourceFile[]>();
  for (const p of packageJsons) out.set(p, byDir.get(path.dirname(p))!);
  return out;
}
