// `migrate`: rewrite files in place (or not, with --dry), then their package.json files.
// Order matters: everything is computed first, then the dirty-tree check runs on exactly the files
// that would change, and only then is anything written — a refusal leaves the tree untouched.
import fs from 'node:fs';
import path from 'node:path';
import type { CliOptions } from '../args';
import { DirtyTreeError, GitStatusError } from '../errors';
import { displayPath } from '../files';
import { fingerprintOf, lineAt } from '../fingerprint';
import { gitDirtyFiles } from '../git';
import { aggregateNeeds, packageSources } from '../packages';
import { pipeline } from '../pipeline';
import { processSource, toFailure, type ReportedFinding } from '../process-file';
import type { Failure, RunReport } from '../report';
import { scan } from '../scan';
import { projectPass } from '../project-pass';
import { importersOutsideRun, LeftOutFiles, legacyFileOutsideRun, packageJsonsOfMigratedFiles } from '../partial-run';
import { writeFileAtomic } from '../write';

interface PendingWrite { file: string; before: string; after: string }

/** The nearest ancestor holding a `.git` entry (directory, or file for submodules/worktrees). */
function gitRootOf(dir: string, cache: Map<string, string | null>): string | null {
  const seen: string[] = [];
  let d = dir;
  let found: string | null = null;
  for (;;) {
    const cached = cache.get(d);
    if (cached !== undefined) {
      found = cached;
      break;
    }
    seen.push(d);
    if (fs.existsSync(path.join(d, '.git'))) {
      found = d;
      break;
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const s of seen) cache.set(s, found);
  return found;
}

/**
 * Refuses (throws) when a file about to be written differs from HEAD. The repository is found on
 * the filesystem, not by asking git, so a repository git refuses to read (for example "dubious
 * ownership") is a refusal too rather than a silent write without the safety net.
 */
function refuseDirty(files: readonly string[], cwd: string): void {
  const roots = new Map<string, string | null>();
  const statuses = new Map<string, Set<string>>();
  const dirty: string[] = [];
  for (const file of files) {
    const root = gitRootOf(path.dirname(file), roots);
    if (root === null) continue; // not in a repository: nothing to protect against
    let status = statuses.get(root);
    if (!status) {
      const read = gitDirtyFiles(root);
      if (read === null) throw new GitStatusError(displayPath(root, cwd));
      status = read;
      statuses.set(root, status);
    }
    if (status.has(file)) dirty.push(displayPath(file, cwd));
  }
  if (dirty.length > 0) throw new DirtyTreeError(dirty);
}

export async function migrate(opts: CliOptions, cwd: string, out: (s: string) => void): Promise<RunReport> {
  const started = process.hrtime.bigint();
  const s = await scan(opts, 'migrate', cwd);
  projectPass({ results: s.results, sources: s.sources, originals: s.originals, packageJsons: s.packageJsons, cwd,
    options: { mode: 'migrate', target: opts.target, engineNames: opts.engineNames } });
  // A run over part of a package: engine modules whose callers in that package were left out stay
  // on the bridge (those callers are not converted).
  // Explicit file paths: the package.json of a migrated file is updated even though it was not named.
  const packageJsons = [...s.packageJsons, ...packageJsonsOfMigratedFiles(s.results, s.packageJsons)];
  const leftOut = new LeftOutFiles(opts, cwd, new Set(s.sources));
  if (opts.target !== 'bridge') {
    for (const [exporter, importer] of importersOutsideRun(s.results, packageJsons, leftOut)) {
      const i = s.results.findIndex((r) => r.file === exporter);
      if (i < 0 || !s.results[i].needsAgAuth) continue;
      s.results[i] = processSource(exporter, s.originals.get(exporter)!, {
        mode: 'migrate', target: opts.target, engineNames: opts.engineNames,
        keepBridge: `${displayPath(importer, cwd)}, which uses this engine, is not in this run (migrate the whole package to convert it)`,
      });
    }
  }
  const failures: Failure[] = [...s.readFailures];
  const findings: ReportedFinding[] = [];
  const pending: PendingWrite[] = [];

  for (const r of s.results) {
    findings.push(...r.findings);
    if (r.status === 'failed') failures.push({ file: r.file, ...r.error! });
    else if (r.status === 'changed') pending.push({ file: r.file, before: s.originals.get(r.file)!, after: r.output! });
  }
  const unchanged = s.results.filter((r) => r.status === 'unchanged').length;

  if (packageJsons.length > 0) {
    const p = pipeline();
    // Whether a package pinned to server 14 now holds code that needs 15+ is read from its files as
    // migrated, the way check reads it afterwards (an unused import moved to ag-auth is not such code).
    const sourcesAfter = packageSources(packageJsons, s.results, s.originals, { migrated: true });
    for (const [file, needs] of aggregateNeeds(packageJsons, s.results)) {
      if (needs.failedFiles.length > 0) {
        // Dropping sc-auth from the dependencies would break the files we could not migrate.
        failures.push({
          file, name: 'SkippedPackageJson', code: 'ERR_SC_AUTH_BRIDGE_PACKAGE_SKIPPED',
          message: `not updated because ${needs.failedFiles.length} file(s) of this package failed: ${needs.failedFiles.map((f) => displayPath(f, cwd)).join(', ')}`,
        });
        continue;
      }
      try {
        const text = fs.readFileSync(file, 'utf8');
        const outside = legacyFileOutsideRun(file, leftOut);
        const r = p.migratePackageJson(text, file, {
          needsBridge: needs.needsBridge, needsAgAuth: needs.needsAgAuth, files: sourcesAfter.get(file),
          keepLegacy: outside ? displayPath(outside, cwd) : undefined,
        });
        const after = r.changed ? r.output : text;
        findings.push(...r.findings.map((f) => ({ ...f, file, fingerprint: fingerprintOf(lineAt(after, f.line)) })));
        if (r.changed && r.output !== text) {
          pending.push({ file, before: text, after: r.output });
        }
      } catch (err) {
        failures.push({ file, ...toFailure(err) });
      }
    }
  }

  if (!opts.dry && !opts.force) refuseDirty(pending.map((w) => w.file), cwd);

  const written: string[] = [];
  for (const w of pending) {
    const rel = displayPath(w.file, cwd);
    // Loaded only for --diff: requiring jsdiff costs ~15 ms, a fifth of a grep over the bench tree.
    if (opts.diff) out((require('diff') as typeof import('diff')).createTwoFilesPatch(`a/${rel}`, `b/${rel}`, w.before, w.after));
    if (opts.print) out(`==> ${rel} <==\n${w.after}${w.after.endsWith('\n') ? '' : '\n'}`);
    if (opts.dry) {
      written.push(w.file);
      continue;
    }
    try {
      // Someone may have saved the file while we worked: never overwrite what we did not read.
      if (fs.readFileSync(w.file, 'utf8') !== w.before) throw new Error('file changed on disk during the run; not written');
      writeFileAtomic(w.file, w.after);
      written.push(w.file);
    } catch (err) {
      failures.push({ file: w.file, ...toFailure(err) });
    }
  }

  const pkgSet = new Set(packageJsons);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    summary: {
      command: 'migrate', dry: opts.dry,
      filesScanned: s.sources.length,
      skippedWithoutParsing: s.skippedWithoutParsing,
      parsed: s.results.length,
      changed: written.filter((f) => !pkgSet.has(f)).length,
      unchanged,
      failed: failures.length,
      manualFindings: findings.filter((f) => f.severity === 'error').length,
      infoFindings: findings.filter((f) => f.severity === 'info').length,
      packageJsonsChanged: written.filter((f) => pkgSet.has(f)).length,
      threads: s.threads,
      seconds,
    },
    findings, failures, changedFiles: written, cwd,
  };
}
