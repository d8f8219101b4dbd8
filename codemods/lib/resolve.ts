/**
 * Relative module specifiers to project files, the way Node and TypeScript find them, without
 * touching the disk: the project pass knows the files already, so a candidate is a hit only when
 * it is one of them.
 */
import * as path from 'node:path';

const EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'];
// TypeScript ESM imports name the emitted file: './engine.js' is './engine.ts' in the sources.
const EMITTED: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.cjs': ['.cts'], '.mjs': ['.mts'], '.jsx': ['.tsx'] };

export function isRelativeSpecifier(spec: string): boolean {
  return spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../');
}

/** The known file a relative specifier in `fromFile` names, or undefined. */
export function resolveLocal(fromFile: string, spec: string, known: (file: string) => boolean): string | undefined {
  if (!isRelativeSpecifier(spec)) return undefined;
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))];
  const ext = path.extname(base);
  for (const alt of EMITTED[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alt);
  return candidates.find(known);
}

const SPECIFIER = /(?:\brequire\s*\(\s*|\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"`])(\.{1,2}(?:\/[^'"`\n]*)?)\1/g;

/** The relative specifiers a source text mentions in require/import forms (a cheap text scan). */
export function relativeSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(SPECIFIER)) out.push(m[2]);
  return out;
}

/** Does an export `name` of a module (as the importer sees it) reach `exported` (as the module wrote it)? */
export function sameExport(name: string, exported: string): boolean {
  if (name === exported) return true;
  // A CommonJS module's default import, and an ES namespace, are its module.exports.
  return exported === 'module.exports' && (name === 'default' || name === '*');
}
