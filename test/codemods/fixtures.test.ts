/**
 * Fixture pairs: fixtures/<transform>/<case>.input.<ext> -> <case>.output.<ext>.
 * Each case: output matches, a second run changes nothing, the output parses, and the findings
 * equal <case>.findings.json ([{ rule, line }], absent = none).
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrateSource, migratePackageJson, type Finding } from '../../codemods/pipeline';
// The parser itself (recast's wrapper cannot read a raw U+2028 in a string, which is valid JS).
import { assertParses } from '../../codemods/lib/parse';
import imports from '../../codemods/imports';
import callbacks from '../../codemods/callbacks';
import asyncOption from '../../codemods/async-option';
import syncCalls from '../../codemods/sync-calls';
import legacyEngines from '../../codemods/legacy-engines';

const ROOT = path.resolve(__dirname, '../../fixtures');
const TRANSFORMS: Record<string, any> = {
  imports, callbacks, 'async-option': asyncOption, 'sync-calls': syncCalls, 'legacy-engines': legacyEngines,
};

interface Case { folder: string; name: string; input: string; output: string; findings?: string; options?: string }

function cases(): Case[] {
  const out: Case[] = [];
  for (const folder of fs.readdirSync(ROOT).sort()) {
    const dir = path.join(ROOT, folder);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      const m = /^(.*)\.input\.([a-z]+)$/.exec(file);
      if (!m) continue;
      const [, name, ext] = m;
      const opt = (suffix: string) => (fs.existsSync(path.join(dir, `${name}.${suffix}`)) ? path.join(dir, `${name}.${suffix}`) : undefined);
      out.push({ folder, name: `${name}.${ext}`, input: path.join(dir, file), output: path.join(dir, `${name}.output.${ext}`),
        findings: opt('findings.json'), options: opt('options.json') });
    }
  }
  return out;
}

function run(c: Case, source: string, filePath: string): { output: string; findings: Finding[] } {
  const options = c.options ? JSON.parse(fs.readFileSync(c.options, 'utf8')) : {};
  if (c.folder === 'package-json') {
    // Where the package.json sits decides the relative `file:` path to this package.
    const r = migratePackageJson(source, path.join(path.dirname(c.input), filePath), { needsBridge: !!options.needsBridge, needsAgAuth: !!options.needsAgAuth, promiseCode: !!options.promiseCode });
    return { output: r.output, findings: r.findings };
  }
  if (c.folder === 'pipeline' || c.folder === 'untouched') {
    const r = migrateSource(source, filePath, options);
    return { output: r.output, findings: r.findings };
  }
  const transform = TRANSFORMS[c.folder];
  if (!transform) throw new Error(`fixtures/${c.folder}: no transform of that name`);
  const findings: Finding[] = [];
  const result = transform({ path: filePath, source }, { report: () => {} }, { ...options, findings });
  return { output: typeof result === 'string' ? result : source, findings };
}

const all = cases();

describe('codemod fixtures', () => {
  it('has at least 80 pairs over every file type', () => {
    expect(all.length).toBeGreaterThanOrEqual(80);
    const exts = new Set(all.map((c) => path.extname(c.name)));
    for (const ext of ['.js', '.cjs', '.mjs', '.ts', '.tsx', '.jsx']) expect(exts).toContain(ext);
  });

  for (const c of all) {
    describe(`${c.folder}/${c.name}`, () => {
      const input = fs.readFileSync(c.input, 'utf8');
      const expected = fs.readFileSync(c.output, 'utf8');
      // The transform sees the real file name, so the parser follows the extension.
      const filePath = c.name;

      it('produces the expected output', () => {
        expect(run(c, input, filePath).output).toBe(expected);
      });

      it('changes nothing on a second run', () => {
        expect(run(c, expected, filePath).output).toBe(expected);
      });

      if (c.folder !== 'package-json') {
        it('output parses', () => {
          expect(() => assertParses(expected, filePath)).not.toThrow();
        });
      }

      it('reports the expected findings', () => {
        const want = c.findings ? JSON.parse(fs.readFileSync(c.findings, 'utf8')) : [];
        const got = run(c, input, filePath).findings.map((f) => ({ rule: f.rule, line: f.line }));
        expect(got).toEqual(want);
      });
    });
  }
});
