/**
 * Whether a TypeScript file may use a default import of a CommonJS module. `import X from 'ag-auth'`
 * compiles to `require('ag-auth').default` without esModuleInterop / allowSyntheticDefaultImports,
 * which is undefined for ag-auth (`module.exports = AuthEngine`). Many SocketCluster-era TS projects
 * predate `tsc --init` turning esModuleInterop on, so the nearest tsconfig.json decides.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const cache = new Map<string, boolean>();

/** true: `import X = require('ag-auth')` is the form that works; false: a default import is fine. */
export function needsImportEquals(filePath: string): boolean {
  const ext = path.extname(filePath).toLowerCase();
  if (ext === '.cts') return true;
  if (ext !== '.ts' && ext !== '.tsx') return false; // .mts is ESM: default import
  if (!path.isAbsolute(filePath) && !fs.existsSync(path.dirname(path.resolve(filePath)))) return false;
  return lookup(path.dirname(path.resolve(filePath)));
}

function lookup(dir: string): boolean {
  const hit = cache.get(dir);
  if (hit !== undefined) return hit;
  let result = false;
  const file = path.join(dir, 'tsconfig.json');
  if (fs.existsSync(file)) {
    result = decide(fs.readFileSync(file, 'utf8'));
  } else {
    const parent = path.dirname(dir);
    result = parent !== dir && !fs.existsSync(path.join(dir, 'package.json')) ? lookup(parent) : false;
  }
  cache.set(dir, result);
  return result;
}

function decide(text: string): boolean {
  let config: any;
  try {
    // tsconfig allows comments and trailing commas
    config = JSON.parse(text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"'])\/\/.*$/gm, '$1').replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return false;
  }
  const o = (config && config.compilerOptions) || {};
  if (o.esModuleInterop === true || o.allowSyntheticDefaultImports === true) return false;
  // An inherited config may set the flags: do not guess against it.
  if (config.extends && o.esModuleInterop === undefined && o.allowSyntheticDefaultImports === undefined) return false;
  const mod = String(o.module ?? 'commonjs').toLowerCase();
  return mod === 'commonjs' || mod === 'amd' || mod === 'umd';
}
