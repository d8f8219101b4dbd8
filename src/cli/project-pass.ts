// The project pass: the pipeline migrates one file at a time, but an engine can be created in one
// file and called in another. After the first pass over every relevant file it
//   1. re-runs the files that import a project module exporting an engine, telling the pipeline
//      which of their bindings are engines (so `engine.signToken(..., cb)` in login.js is converted,
//      or reported, when engine.js exports `new AuthEngine()`), until no new exporter appears;
//   2. (migrate) keeps a package's sc-auth imports on sc-auth-bridge while any of its files still
//      calls an engine it did not create the legacy way (a kept callback on `scServer.auth` or on an
//      imported engine, a *Sync call): on plain ag-auth that callback would never run.
// Re-runs happen in this thread: they are few, and the first pass's workers are gone.
import path from 'node:path';
import { displayPath } from './files';
import { nearestPackage } from './packages';
import { processSource, type FileResult, type ProcessOptions } from './process-file';
import { relativeSpecifiers, resolveLocal } from '../../codemods/lib/resolve';

/** Exporters re-exporting imported engines are found a round later: a chain this deep is plenty. */
const MAX_ROUNDS = 4;

export interface ProjectPassInput {
  results: FileResult[];
  originals: ReadonlyMap<string, string>;
  packageJsons: readonly string[];
  options: ProcessOptions;
  cwd: string;
}

export interface ProjectPassOutcome {
  /** Files run again with the engines they import. */
  rerunForImports: number;
  /** Files whose sc-auth imports were kept on the bridge for another file's sake. */
  keptOnBridge: number;
}

export function projectPass(input: ProjectPassInput): ProjectPassOutcome {
  const { results, originals, options } = input;
  const index = new Map<string, number>();
  results.forEach((r, i) => index.set(r.file, i));
  const known = (f: string) => index.has(f);
  const specifiers = new Map<string, string[]>();
  const importsOf = (file: string): string[] => {
    let out = specifiers.get(file);
    if (!out) {
      out = [];
      for (const spec of relativeSpecifiers(originals.get(file) ?? '')) {
        const target = resolveLocal(file, spec, known);
        if (target && target !== file) out.push(target);
      }
      specifiers.set(file, out);
    }
    return out;
  };

  let engineModules: Record<string, string[]> = {};
  const rerun = new Set<string>();
  let rerunForImports = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = exportersOf(results);
    const fresh = Object.keys(next).filter((f) => String(next[f]) !== String(engineModules[f]));
    if (fresh.length === 0) break;
    engineModules = next;
    const freshSet = new Set(fresh);
    for (const r of results) {
      if (r.status === 'failed' || !importsOf(r.file).some((t) => freshSet.has(t))) continue;
      results[index.get(r.file)!] = processSource(r.file, originals.get(r.file)!, { ...options, engineModules });
      if (!rerun.has(r.file)) rerunForImports++;
      rerun.add(r.file);
    }
  }

  let keptOnBridge = 0;
  if (options.mode === 'migrate' && options.target !== 'bridge') {
    for (const [files, reason] of bridgeKeepers(results, importsOf, engineModules, input)) {
      for (const file of files) {
        const r = results[index.get(file)!];
        if (r.status === 'failed' || !r.needsAgAuth) continue;
        results[index.get(file)!] = processSource(file, originals.get(file)!, { ...options, engineModules, keepBridge: reason });
        keptOnBridge++;
      }
    }
  }
  return { rerunForImports, keptOnBridge };
}

function exportersOf(results: readonly FileResult[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of results) {
    if (r.status !== 'failed' && r.facts && r.facts.engineExports.length > 0) out[r.file] = r.facts.engineExports;
  }
  return out;
}

/**
 * Files that must keep the compat engine, each group with the reason: the files of a package with
 * a call left on a server's engine, and the modules whose exported engine is still called back.
 */
function bridgeKeepers(results: readonly FileResult[], importsOf: (file: string) => string[],
  engineModules: Record<string, string[]>, input: ProjectPassInput): Array<[string[], string]> {
  const packageDirs = new Set(input.packageJsons.map((p) => path.dirname(p)));
  const packageOf = (file: string) => nearestPackage(file, packageDirs) ?? '';
  const groups: Array<[string[], string]> = [];
  const reasonFor = (r: FileResult, need: NonNullable<FileResult['facts']>['foreignNeeds'][number]) => {
    const how = need.method.endsWith('Sync') ? `${need.method}()` : `${need.method}() with a callback`;
    const whose = need.receiver === 'server' ? "on the server's engine" : 'on the engine it imports from here';
    return `${displayPath(r.file, input.cwd)}:${need.line} still calls ${how} ${whose} (works on sc-auth-bridge, never called back by ag-auth)`;
  };
  const packagesDone = new Set<string>();
  for (const r of results) {
    if (r.status === 'failed' || !r.facts) continue;
    for (const need of r.facts.foreignNeeds) {
      if (need.receiver === 'imported') {
        const exporters = importsOf(r.file).filter((t) => t in engineModules);
        if (exporters.length > 0) groups.push([exporters, reasonFor(r, need)]);
      }
      const pkg = packageOf(r.file);
      if (packagesDone.has(pkg)) continue;
      packagesDone.add(pkg);
      groups.push([results.filter((o) => packageOf(o.file) === pkg).map((o) => o.file), reasonFor(r, need)]);
    }
  }
  return groups;
}
