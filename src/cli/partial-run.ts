// A migrate run that covers only part of a package (explicit file paths, --ignore): its
// package.json must still get what the migrated files now import, and must keep sc-auth while a
// file of the package outside the run still requires it.
import fs from 'node:fs';
import path from 'node:path';
import type { CliOptions } from './args';
import { collectFiles } from './files';
import type { FileResult } from './process-file';
import { relativeSpecifiers, resolveLocal } from '../../codemods/lib/resolve';

const REQUIRES_SC_AUTH = /(['"`])sc-auth(?:\/[^'"`\n]*)?\1/;

/** The nearest package.json above each migrated file that the run did not list itself. */
export function packageJsonsOfMigratedFiles(results: readonly FileResult[], listed: readonly string[]): string[] {
  const known = new Set(listed);
  const found = new Set<string>();
  const seenDirs = new Set<string>();
  for (const r of results) {
    if (r.status !== 'changed' && !r.needsAgAuth && !r.needsBridge) continue;
    for (let dir = path.dirname(r.file); !seenDirs.has(dir); dir = path.dirname(dir)) {
      seenDirs.add(dir);
      const candidate = path.join(dir, 'package.json');
      if (fs.existsSync(candidate) && !candidate.split(path.sep).includes('node_modules')) {
        if (!known.has(candidate)) found.add(candidate);
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return [...found];
}

function coveredByRun(dir: string, opts: CliOptions, cwd: string): boolean {
  return opts.ignore.length === 0 && opts.paths.some((p) => {
    const abs = path.resolve(cwd, p);
    return dir === abs || dir.startsWith(abs + path.sep);
  });
}

function packageFiles(dir: string, opts: CliOptions, cwd: string): string[] {
  try {
    return collectFiles([dir], { extensions: opts.extensions, ignore: [], cwd }).sources.filter((f) => !insideNestedPackage(f, dir));
  } catch {
    return [];
  }
}

/**
 * Engine modules of this run that a file of the same package outside the run calls with the
 * engine API: module -> that file. Such a module must stay on the bridge (its callers there are
 * not converted).
 */
export function importersOutsideRun(results: readonly FileResult[], packageJsons: readonly string[], opts: CliOptions, cwd: string,
  scanned: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  const exporters = results.filter((r) => r.status !== 'failed' && r.facts && r.facts.engineExports.length > 0);
  if (exporters.length === 0) return out;
  const dirs = packageJsons.map((p) => path.dirname(p)).sort((a, b) => b.length - a.length);
  const filesByDir = new Map<string, string[]>();
  const isExporter = new Set(exporters.map((r) => r.file));
  for (const r of exporters) {
    const dir = dirs.find((d) => r.file.startsWith(d + path.sep));
    if (!dir || coveredByRun(dir, opts, cwd)) continue;
    let files = filesByDir.get(dir);
    if (!files) filesByDir.set(dir, (files = packageFiles(dir, opts, cwd)));
    for (const file of files) {
      if (scanned.has(file)) continue;
      let text: string;
      try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
      if (!/signToken|verifyToken|authEngine/i.test(text)) continue;
      const hit = relativeSpecifiers(text).map((spec) => resolveLocal(file, spec, (f) => isExporter.has(f))).find((f) => f === r.file);
      if (hit) { out.set(r.file, file); break; }
    }
  }
  return out;
}

/**
 * For a package the run did not cover whole: a file of it that the run skipped and that still
 * requires sc-auth (displayed by the caller), or undefined.
 */
export function legacyFileOutsideRun(packageJson: string, opts: CliOptions, cwd: string, scanned: ReadonlySet<string>): string | undefined {
  const dir = path.dirname(packageJson);
  if (coveredByRun(dir, opts, cwd)) return undefined;
  for (const file of packageFiles(dir, opts, cwd)) {
    if (scanned.has(file)) continue;
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
    if (REQUIRES_SC_AUTH.test(text)) return file;
  }
  return undefined;
}

/** A file below `dir` that belongs to a package.json deeper down. */
function insideNestedPackage(file: string, dir: string): boolean {
  for (let d = path.dirname(file); d !== dir && d.startsWith(dir + path.sep); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return true;
  }
  return false;
}
