// The project pass: the pipeline migrates one file at a time, but an engine can be created in one
// file and used in another. After the first pass over every relevant file it
//   1. re-runs the files that import a project module exporting an engine, telling the pipeline
//      which of their bindings are engines (so `engine.signToken(..., cb)` in login.js is converted,
//      or reported, when engine.js exports `new AuthEngine()`), until no new exporter appears;
//   2. (migrate) wraps hand-offs to the server of a hand-written callback engine another module
//      exports (`authEngine: require('./auth-engine')`) in the bridge's fromLegacyEngine(), and
//      then reports that engine as served through the bridge rather than as broken;
//   3. (migrate) keeps a converted callback as it was where the function holding it is exported
//      and a file importing it runs code after calling it, which would see the callback run later
//      (codemods/lib/cross-file.ts);
//   4. (migrate) keeps a package's sc-auth imports on sc-auth-bridge while any of its files still
//      calls an engine it did not create the legacy way (a kept callback on `scServer.auth` or on an
//      imported engine, a *Sync call): on plain ag-auth that callback would never run.
// Re-runs happen in this thread: they are few, and the first pass's workers are gone.
import fs from 'node:fs';
import path from 'node:path';
import { displayPath } from './files';
import { pipeline } from './pipeline';
import { nearestPackage } from './packages';
import { processSource, type FileResult, type ProcessOptions } from './process-file';
import type { ExternalCall, ModuleFacts } from './pipeline';
import { relativeSpecifiers, resolveLocal, sameExport } from '../../codemods/lib/resolve';

/**
 * Exporters re-exporting imported engines are found a round later, one link of a chain per round:
 * the rounds go on until no exporter is new, bounded by the number of files (each round must find
 * a new one) and this floor.
 */
const MIN_ROUNDS = 4;

export interface ProjectPassInput {
  results: FileResult[];
  /** Every source file of the run, the ones the text filter skipped included. */
  sources?: readonly string[];
  originals: ReadonlyMap<string, string>;
  packageJsons: readonly string[];
  options: ProcessOptions;
  cwd: string;
}

type PerFile = Pick<ProcessOptions, 'keepBridge' | 'legacyEngineModules' | 'bridgedExports' | 'externalCallers'>;

export function projectPass(input: ProjectPassInput): void {
  const { results, originals, options, cwd } = input;
  const index = new Map<string, number>();
  results.forEach((r, i) => index.set(r.file, i));
  const known = (f: string) => index.has(f);
  const specifiers = new Map<string, string[]>();
  const importsOf = (file: string): string[] => {
    let out = specifiers.get(file);
    if (!out) {
      out = [];
      for (const spec of relativeSpecifiers(originals.get(file) ?? '')) {
        const target = resolveLocal(file, spec, (f) => known(f) || Object.prototype.hasOwnProperty.call(outside, f));
        if (target && target !== file) out.push(target);
      }
      specifiers.set(file, out);
    }
    return out;
  };
  const resultOf = (file: string) => results[index.get(file)!];
  const factsOf = (r: FileResult): ModuleFacts | undefined => (r.status === 'failed' ? undefined : r.facts);
  // check of part of a project (`check src/login.js`, the files a change touched): an engine that
  // login.js imports from a file outside the run is still an engine. (migrate does not convert
  // such calls: the engine's module would stay on sc-auth, which needs the callback.)
  const outside: Record<string, string[]> = options.mode === 'check' ? outsideEngineModules(input, results, known, factsOf) : {};

  let engineModules: Record<string, string[]> = {};
  const perFile = new Map<string, PerFile>();
  const rerun = (file: string, extra: PerFile = {}): FileResult => {
    const merged = { ...perFile.get(file), ...extra };
    perFile.set(file, merged);
    results[index.get(file)!] = processSource(file, originals.get(file)!, { ...options, engineModules, ...merged });
    return resultOf(file);
  };

  // 1. Engines imported from project modules, also through modules the text filter skipped
  // (`lib/index.js`: `module.exports = { auth: require('./auth') }`), which pass them on.
  const relays = relayModules(input, results, factsOf);
  const maxRounds = Math.max(MIN_ROUNDS, results.length + 1);
  for (let round = 0; round < maxRounds; round++) {
    const next: Record<string, string[]> = { ...outside };
    for (const r of results) {
      const facts = factsOf(r);
      if (facts && facts.engineExports.length > 0) next[r.file] = facts.engineExports;
    }
    for (const [file, exports] of relays.exportsWith(next)) next[file] = exports;
    const fresh = new Set(Object.keys(next).filter((f) => String(next[f]) !== String(engineModules[f])));
    if (fresh.size === 0) break;
    engineModules = next;
    for (const r of [...results]) {
      if (r.status !== 'failed' && (importsOf(r.file).some((t) => fresh.has(t)) || relays.importsOf(r.file).some((t) => fresh.has(t)))) rerun(r.file);
    }
  }

  if (options.mode === 'migrate' && options.target !== 'bridge') {
    followExternalCallers(input, results, rerun, factsOf);
    wrapLegacyHandoffs(results, known, cwd, rerun, factsOf);
    for (const [files, reason] of bridgeKeepers(results, importsOf, engineModules, input)) {
      for (const file of files) {
        const r = resultOf(file);
        if (r.status === 'failed' || !r.needsAgAuth) continue;
        rerun(file, { keepBridge: reason });
      }
    }
  } else if (options.mode === 'check') {
    wrapLegacyHandoffs(results, known, cwd, rerun, factsOf, /* wrapNow */ false);
  }
}

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * Engine modules that files of the run import directly from outside it (not among the run's
 * sources, not in node_modules, not a symlink): read and analysed, never reported on.
 */
function outsideEngineModules(input: ProjectPassInput, results: readonly FileResult[], known: (f: string) => boolean,
  factsOf: (r: FileResult) => ModuleFacts | undefined): Record<string, string[]> {
  const inRun = new Set(input.sources ?? []);
  const isOutsideSource = (f: string): boolean => {
    if (known(f) || inRun.has(f) || !SOURCE_FILE.test(f) || /[\\/]node_modules[\\/]/.test(f)) return false;
    try {
      return fs.lstatSync(f).isFile();
    } catch {
      return false;
    }
  };
  const out: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const r of results) {
    if (!factsOf(r)) continue;
    for (const spec of relativeSpecifiers(input.originals.get(r.file) ?? '')) {
      const target = resolveLocal(r.file, spec, isOutsideSource);
      if (!target || seen.has(target)) continue;
      seen.add(target);
      try {
        const facts = pipeline().analyzeSource(fs.readFileSync(target, 'utf8'), target, { target: input.options.target, engineNames: input.options.engineNames });
        if (facts.facts.engineExports.length > 0) out[target] = facts.facts.engineExports;
      } catch {
        // unreadable or unparsable: not known to export an engine
      }
    }
  }
  return out;
}

/**
 * Modules outside the parsed set that relevant files import: each may re-export an engine of a
 * module it imports. Read and parsed only when one of their own imports is an engine module.
 */
function relayModules(input: ProjectPassInput, results: readonly FileResult[], factsOf: (r: FileResult) => ModuleFacts | undefined) {
  const all = new Set(input.sources ?? []);
  const parsed = new Set(results.map((r) => r.file));
  const candidates = new Map<string, string[]>();
  const textOf = new Map<string, string>();
  const relayImports = new Map<string, string[]>();
  const isRelay = (f: string) => all.has(f) && !parsed.has(f);
  const importsOf = (file: string): string[] => {
    let out = relayImports.get(file);
    if (!out) {
      out = relativeSpecifiers(input.originals.get(file) ?? '').map((spec) => resolveLocal(file, spec, isRelay)).filter((f): f is string => !!f);
      relayImports.set(file, out);
    }
    return out;
  };
  for (const r of results) {
    if (!factsOf(r)) continue;
    for (const relay of importsOf(r.file)) {
      if (candidates.has(relay)) continue;
      let text = '';
      try { text = fs.readFileSync(relay, 'utf8'); } catch { /* unreadable: not a relay */ }
      textOf.set(relay, text);
      candidates.set(relay, relativeSpecifiers(text).map((spec) => resolveLocal(relay, spec, (f) => all.has(f))).filter((f): f is string => !!f));
    }
  }
  const known = new Map<string, string[]>();
  return {
    importsOf,
    /** Relays whose imports include one of these engine modules, with what they export (cached per input). */
    exportsWith(engineModules: Record<string, string[]>): Array<[string, string[]]> {
      const out: Array<[string, string[]]> = [];
      for (const [relay, targets] of candidates) {
        const hit = targets.filter((t) => t in engineModules);
        if (hit.length === 0) continue;
        const key = `${relay}\0${hit.map((t) => `${t}=${engineModules[t]}`).join('|')}`;
        let exports = known.get(key);
        if (!exports) {
          try {
            exports = pipeline().analyzeSource(textOf.get(relay) ?? '', relay, { target: input.options.target, engineModules, unfiltered: true }).facts.engineExports;
          } catch {
            exports = [];
          }
          known.set(key, exports);
        }
        if (exports.length > 0) out.push([relay, exports]);
      }
      return out;
    },
  };
}

/**
 * Exported functions whose converted callback now runs later (facts.laterExports): every source
 * file of the run that imports their module, the ones the text filter skipped included (the
 * callers of an auth helper rarely name sc-auth), says where it calls them. An exporting file with
 * a caller that runs code after the call is run again, keeping those callbacks. Modules that re-export
 * the functions, and exported functions that end by calling one, pass the question on to their own
 * importers, round by round (bounded by the number of files).
 */
function followExternalCallers(input: ProjectPassInput, results: readonly FileResult[],
  rerun: (file: string, extra?: PerFile) => FileResult, factsOf: (r: FileResult) => ModuleFacts | undefined): void {
  const callersOf: Record<string, string[]> = {};
  for (const r of results) {
    const later = factsOf(r)?.laterExports;
    if (later && later.length > 0) callersOf[r.file] = later;
  }
  if (Object.keys(callersOf).length === 0) return;
  const isExporter = (f: string) => Object.prototype.hasOwnProperty.call(callersOf, f);
  const sources = input.sources ?? results.map((r) => r.file);
  const texts = new Map<string, string | null>();
  const textOf = (file: string): string | null => {
    let text = input.originals.get(file) ?? texts.get(file);
    if (text === undefined) {
      try { text = fs.readFileSync(file, 'utf8'); } catch { text = null; }
      texts.set(file, text);
    }
    return text;
  };
  // Names of other modules that lead back to an exporter's function: re-exports of modules in
  // between, and functions that end by calling it (`issue()` in helper.js, calling auth's sign()).
  const origin = new Map<string, Map<string, { module: string; name: string; via: string[] }>>();
  const pass = (file: string, as: string, module: string, name: string, hop?: string): boolean => {
    const known = callersOf[file] ?? [];
    if (known.includes(as)) return false;
    callersOf[file] = [...known, as];
    const from = origin.get(module)?.get(name) ?? { module, name, via: [] };
    const byName = origin.get(file) ?? new Map();
    byName.set(as, { ...from, via: hop ? [...from.via, hop] : from.via });
    origin.set(file, byName);
    return true;
  };
  const reasons = new Map<string, Record<string, string>>();
  // Files to ask again: those importing a module whose names grew (all of them at first).
  let grown = new Set(Object.keys(callersOf));
  for (let round = 0; grown.size > 0 && round <= sources.length; round++) {
    for (let added = true; added;) {
      added = false;
      for (const file of sources) {
        const text = textOf(file);
        if (!text || !/\bexport|\bexports\b/.test(text)) continue;
        for (const r of reexportsOf(text)) {
          const module = resolveLocal(file, r.spec, isExporter);
          if (!module || module === file) continue;
          for (const name of callersOf[module]) {
            if (r.name !== '*' && !sameExport(r.name, name)) continue;
            if (r.name === '*' && r.as === '*' && r.esm && (name === 'default' || name === 'module.exports')) continue;
            if (pass(file, r.as === '*' ? name : r.as, module, name)) { added = true; grown.add(file); }
          }
        }
      }
    }
    const next = new Set<string>();
    for (const file of sources) {
      const text = textOf(file);
      if (text === null) continue;
      if (!relativeSpecifiers(text).some((spec) => { const t = resolveLocal(file, spec, (f) => grown.has(f)); return !!t && t !== file; })) continue;
      let calls: ExternalCall[];
      try {
        calls = pipeline().externalCallsIn(text, file, { target: input.options.target, engineNames: input.options.engineNames, callersOf });
      } catch {
        continue; // a file that does not parse calls nothing we can see
      }
      const where = displayPath(file, input.cwd);
      for (const call of calls) {
        const reached = callersOf[call.module].find((exported) => sameExport(call.name, exported)) ?? call.name;
        if (!call.reason) {
          for (const as of call.passesOn) if (pass(file, as, call.module, reached, `${as === 'module.exports' || as === 'default' ? 'the exported function' : `${as}()`} of ${where}`)) next.add(file);
          continue;
        }
        const { module, name, via } = origin.get(call.module)?.get(reached) ?? { module: call.module, name: reached, via: [] };
        const label = name === 'module.exports' || name === 'default' ? 'the exported function' : `${name}()`;
        const byName = reasons.get(module) ?? {};
        // The reason's lines are the caller's: say so.
        byName[name] ??= `${label}${via.length ? ` (through ${via.join(', then ')})` : ''} is called at ${where}:${call.line} and, in ${where}, ${call.reason}`;
        reasons.set(module, byName);
      }
    }
    grown = next;
  }
  for (const [file, externalCallers] of reasons) rerun(file, { externalCallers });
}

/**
 * Re-exports a module writes as text: `module.exports = require('./auth')` and `export * from
 * './auth'` (as '*', every name), `exports.sign = require('./auth').sign` and
 * `export { sign, verify as check } from './auth'` (one name each).
 */
function reexportsOf(text: string): Array<{ spec: string; name: string; as: string; esm: boolean }> {
  const out: Array<{ spec: string; name: string; as: string; esm: boolean }> = [];
  const q = `(['"])(\\.{1,2}(?:/[^'"\\n]*)?)`;
  for (const m of text.matchAll(new RegExp(`\\bmodule\\.exports\\s*=\\s*require\\(\\s*${q}\\1\\s*\\)\\s*(?:;|$)`, 'gm'))) out.push({ spec: m[2], name: '*', as: '*', esm: false });
  for (const m of text.matchAll(new RegExp(`\\bexport\\s*\\*\\s*from\\s*${q}\\1`, 'g'))) out.push({ spec: m[2], name: '*', as: '*', esm: true });
  for (const m of text.matchAll(new RegExp(`\\b(?:module\\.)?exports\\.([A-Za-z_$][\\w$]*)\\s*=\\s*require\\(\\s*${q}\\2\\s*\\)\\.([A-Za-z_$][\\w$]*)`, 'g'))) {
    out.push({ spec: m[3], name: m[4], as: m[1], esm: false });
  }
  for (const m of text.matchAll(new RegExp(`\\bexport\\s*\\{([^}]*)\\}\\s*from\\s*${q}\\2`, 'g'))) {
    for (const part of m[1].split(',')) {
      const [name, as] = part.trim().split(/\s+as\s+/);
      if (name) out.push({ spec: m[3], name, as: as ?? name, esm: true });
    }
  }
  return out;
}

/**
 * Hand-offs of exported callback engines: wrapped in fromLegacyEngine() (migrate), and the engine's
 * own module re-run knowing that every hand-off of it goes through the bridge.
 */
function wrapLegacyHandoffs(results: FileResult[], known: (f: string) => boolean, cwd: string,
  rerun: (file: string, extra?: PerFile) => FileResult, factsOf: (r: FileResult) => ModuleFacts | undefined, wrapNow = true): void {
  const legacyEngineModules: Record<string, string[]> = {};
  for (const r of results) {
    const facts = factsOf(r);
    if (facts && facts.callbackEngineExports.length > 0) legacyEngineModules[r.file] = facts.callbackEngineExports;
  }
  if (Object.keys(legacyEngineModules).length === 0) return;
  const isLegacyModule = (f: string) => known(f) && f in legacyEngineModules;
  // exporter -> export name -> hand-offs (where, wrapped?)
  const handoffs = new Map<string, Map<string, Array<{ where: string; wrapped: boolean }>>>();
  for (const r of [...results]) {
    const facts = factsOf(r);
    if (!facts) continue;
    let wrapsHere = false;
    const found: Array<{ target: string; name: string; where: string; wrapped: boolean }> = [];
    for (const h of facts.engineHandoffs) {
      const target = resolveLocal(r.file, h.specifier, isLegacyModule);
      const name = target && legacyEngineModules[target].find((e) => sameExport(h.name, e));
      if (!target || !name) continue;
      found.push({ target, name, where: `${displayPath(r.file, cwd)}:${h.line}`, wrapped: h.wrapped });
      if (!h.wrapped) wrapsHere = true;
    }
    if (found.length === 0) continue;
    const wrapped = wrapsHere && wrapNow ? rerun(r.file, { legacyEngineModules }).status !== 'failed' : false;
    for (const f of found) {
      let byName = handoffs.get(f.target);
      if (!byName) handoffs.set(f.target, (byName = new Map()));
      const list = byName.get(f.name) ?? [];
      list.push({ where: f.where, wrapped: f.wrapped || wrapped });
      byName.set(f.name, list);
    }
  }
  for (const [exporter, byName] of handoffs) {
    const bridgedExports: Record<string, string> = {};
    for (const [name, list] of byName) {
      if (list.every((h) => h.wrapped)) bridgedExports[name] = list.map((h) => h.where).join(', ');
    }
    if (Object.keys(bridgedExports).length > 0) rerun(exporter, { bridgedExports });
  }
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
  const reasonFor = (r: FileResult, need: ModuleFacts['foreignNeeds'][number]) => {
    const where = `${displayPath(r.file, input.cwd)}:${need.line}`;
    if (need.method === 'hand-off') return `${where} hands this engine to a socketcluster-server that may be 14 (sc-auth-bridge serves 14 and 15+, ag-auth only 15+)`;
    const how = need.method.endsWith('Sync') ? `${need.method}()` : `${need.method}() with a callback`;
    const whose = need.receiver === 'server' ? "on the server's engine"
      : need.receiver === 'imported' ? 'on the engine it imports from here' : 'on an engine this codemod cannot trace to its module';
    const why = need.method.endsWith('Sync') ? 'sc-auth-bridge has it, ag-auth does not' : 'works on sc-auth-bridge, never called back by ag-auth';
    return `${where} still calls ${how} ${whose} (${why})`;
  };
  const packagesDone = new Set<string>();
  for (const r of results) {
    if (r.status === 'failed' || !r.facts) continue;
    for (const need of r.facts.foreignNeeds) {
      if (need.receiver === 'imported') {
        const exporters = importsOf(r.file).filter((t) => t in engineModules);
        if (exporters.length > 0) groups.push([exporters, reasonFor(r, need)]);
      }
      // The server's engine, or one the analysis cannot trace, may come from any package of the run
      // (a monorepo's shared auth package, a workspace imported by name): all of them keep the bridge.
      const pkg = need.receiver === 'imported' ? packageOf(r.file) : '*';
      if (packagesDone.has(pkg)) continue;
      packagesDone.add(pkg);
      groups.push([results.filter((o) => pkg === '*' || packageOf(o.file) === pkg).map((o) => o.file), reasonFor(r, need)]);
    }
  }
  return groups;
}
