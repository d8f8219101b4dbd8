/**
 * package.json mentions of sc-auth outside the dependency sections: bundled lists follow the
 * rename (migrate) and are reported (check); overrides/resolutions pin other packages' own sc-auth
 * (socketcluster-server 14 depends on it) and are neither rewritten nor reported.
 */
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { checkPackageJson, migratePackageJson } from '../../codemods/pipeline';

const FILE = path.resolve(__dirname, '../../fixtures/package-json/app/package.json');
const at = (findings: Array<{ rule: string; line: number; message: string }>) => findings.map((f) => `${f.line}:${f.rule}`);

describe('checkPackageJson: bundled lists and overrides', () => {
  it('reports sc-auth in bundledDependencies / bundleDependencies on the line of the list entry', () => {
    const text = [
      '{',
      '  "name": "a",',
      '  "overrides": { "sc-auth": "5.0.2" },',
      '  "dependencies": { "ag-auth": "^2.1.1" },',
      '  "bundledDependencies": [',
      '    "ag-auth",',
      '    "sc-auth"',
      '  ],',
      '  "bundleDependencies": ["@types/sc-auth"]',
      '}',
      '',
    ].join('\n');
    const found = checkPackageJson(text, FILE);
    expect(at(found)).toEqual(['7:sc-auth-dependency', '9:sc-auth-dependency']);
    expect(found[0].message).toMatch(/bundledDependencies lists 'sc-auth': bundle 'ag-auth'/);
    expect(found[1].message).toMatch(/bundleDependencies lists '@types\/sc-auth': bundle '@types\/ag-auth'/);
  });

  it('points a dependency finding at the dependency, not at an earlier override of the same name', () => {
    const text = '{\n  "resolutions": {\n    "**/sc-auth": "5.0.2",\n    "sc-auth": "5.0.2"\n  },\n  "dependencies": {\n    "sc-auth": "^5.0.2"\n  }\n}\n';
    expect(at(checkPackageJson(text, FILE))).toEqual(['7:sc-auth-dependency']);
  });

  it('says nothing about overrides / resolutions alone (a transitive pin, not a dependency of this package)', () => {
    const text = JSON.stringify({ name: 'a', overrides: { 'socketcluster-server': { 'sc-auth': '5.0.2' } }, resolutions: { 'sc-auth': '5.0.2' }, dependencies: { 'ag-auth': '^2.1.1' } }, null, 2);
    expect(checkPackageJson(text, FILE)).toEqual([]);
  });

  it('after migrate, check finds nothing left in a package that bundled sc-auth', () => {
    const text = JSON.stringify({ name: 'a', dependencies: { 'sc-auth': '^5.0.2' }, bundledDependencies: ['sc-auth'] }, null, 2) + '\n';
    expect(at(checkPackageJson(text, FILE))).toEqual(['4:sc-auth-dependency', '7:sc-auth-dependency']);
    const r = migratePackageJson(text, FILE, { needsAgAuth: true, needsBridge: false });
    expect(JSON.parse(r.output).bundledDependencies).toEqual(['ag-auth']);
    expect(checkPackageJson(r.output, FILE)).toEqual([]);
  });
});

describe('migratePackageJson: bundled lists', () => {
  it('a bundled sc-auth that is not a dependency gets what this run added, or stays with a finding', () => {
    const text = JSON.stringify({ name: 'a', dependencies: { lodash: '^4.0.0' }, bundledDependencies: ['sc-auth', 'lodash'] }, null, 2) + '\n';
    const added = migratePackageJson(text, FILE, { needsAgAuth: true, needsBridge: false });
    expect(JSON.parse(added.output)).toMatchObject({ dependencies: { 'ag-auth': '^2.1.1' }, bundledDependencies: ['ag-auth', 'lodash'] });
    const nothing = migratePackageJson(text, FILE, { needsAgAuth: false, needsBridge: false });
    expect(nothing.output).toBe(text);
    expect(at(nothing.findings)).toEqual(['7:sc-auth-dependency']);
  });

  it('never lists a name twice: a bundled ag-auth already there absorbs the renamed sc-auth', () => {
    const text = JSON.stringify({ name: 'a', dependencies: { 'sc-auth': '^5.0.2', 'ag-auth': '^2.1.1' }, bundledDependencies: ['sc-auth', 'ag-auth'] }, null, 2) + '\n';
    const r = migratePackageJson(text, FILE, { needsAgAuth: true, needsBridge: false });
    expect(JSON.parse(r.output)).toEqual({ name: 'a', dependencies: { 'ag-auth': '^2.1.1' }, bundledDependencies: ['ag-auth'] });
  });

  it('bundledDependencies: true (bundle everything) is left as it is', () => {
    const text = '{\n  "name": "a",\n  "dependencies": { "sc-auth": "^5.0.2" },\n  "bundledDependencies": true\n}\n';
    const r = migratePackageJson(text, FILE, { needsAgAuth: true, needsBridge: false });
    expect(r.output).toBe('{\n  "name": "a",\n  "dependencies": { "ag-auth": "^2.1.1" },\n  "bundledDependencies": true\n}\n');
  });
});
