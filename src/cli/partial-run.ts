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

/**
 * The files of a package that a run left out (named files, --ignore), with their text: listed and
 * read once per package, for both checks below. Empty for a package the run covered whole.
 */
export class LeftOutFiles {
  private byDir = new Map<string, Array<{ file: string; text: string }>>();

  constructor(private readonly opts: CliOptions, private readonly cwd: string, private readonly scanned: ReadonlySet<string>) {}

  of(dir: string): Array<{ file: string; text: string }> {
    let out = this.byDir.get(dir);
    if (out) return out;
    out = [];
    if (!this.covered(dir)) {
      let files: string[] = [];
      try {
        files = collectFiles([dir], { extensions: this.opts.extensions, ignore: [], cwd: this.cwd }).sources;
      } catch { /* an unreadable package: nothing left out that we could see */ }
      for (const file of files) {
        if (this.scanned.has(file) || insideNestedPackage(file, dir)) continue;
        try { out.push({ file, text: fs.readFileSync(file, 'utf8') }); } catch { /* unreadable: skipped */ }
      }
    }
    this.byDir.set(dir, out);
    return out;
  }

  private covered(dir: string): boolean {
    return this.opts.ignore.length === 0 && this.opts.paths.some((p) => {
      const abs = path.resolve(this.cwd, p);
      return dir === abs || dir.startsWith(abs + path.sep);
    });
  }
}

/**
 * Engine modules of this run that a file of the same package outside the run calls with the
 * engine API: module -> that file. Such a module must stay on the bridge (its callers there are
 * not converted).
 */
export function importersOutsideRun(results: readonly FileResult[], packageJsons: readonly string[], leftOut: LeftOutFiles): Map<string, string> {
  const out = new Map<string, string>();
  const exporters = results.filter((r) => r.status !== 'failed' && r.facts && r.facts.engineExports.length > 0);
  if (exporters.length === 0) return out;
  const dirs = packageJsons.map((p) => path.dirname(p)).sort((a, b) => b.length - a.length);
  const isExporter = new Set(exporters.map((r) => r.file));
  for (const r of exporters) {
    const dir = dirs.find((d) => r.file.startsWith(d + path.sep));
    if (!dir) continue;
    for (const { file, text } of leftOut.of(dir)) {
      if (!/signToken|verifyToken|authEngine/i.test(text)) continue;
      const hit = relativeSpecifiers(text).map((spec) => resolveLocal(file, spec, (f) => isExporter.has(f))).find((f) => f === r.file);
      if (hit) { out.set(r.file, file); break; }
    }
  }
  return out;
}

/** A file of the package that the run left out and that still requires sc-auth, or undefined. */
export function legacyFileOutsideRun(packageJson: string, leftOut: LeftOutFiles): string | undefined {
  return leftOut.of(path.dirname(packageJson)).find((f) => REQUIRES_SC_AUTH.test(f.text))?.file;
}

/** A file below `dir` that belongs to a package.json deeper down. */
function insideNestedPackage(file: string, dir: string): boolean {
  for (let d = path.dirname(file); d !== dir && d.startsWith(dir + path.sep); d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return true;
  }
  return false;
}
