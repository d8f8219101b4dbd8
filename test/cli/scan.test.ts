// The fast path of a run (scan.ts, pool.ts): the byte-level pre-filter must agree with the string
// one on every input, files read without an lstat must still never be followed through symlinks,
// and files streamed to workers while the tree is still being read give the in-process answer.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Prefilter from '../../codemods/lib/prefilter';
import { LEGACY_SIGN, LEGACY_VERIFY, LOOK_ALIKE, ORDINARY } from './fixtures';
import { cleanup, git, gitInitCommit, ROOT, run, tempDir, writeTree } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { mightBeRelevant, mightBeRelevantBytes } = require(path.join(ROOT, 'dist', 'codemods', 'lib', 'prefilter.js')) as typeof Prefilter;

afterAll(cleanup);

interface JsonDoc {
  summary: { filesScanned: number; skippedWithoutParsing: number; parsed: number; threads: number; changed: number; failed: number };
  findings: Array<{ file: string; line: number; column: number; rule: string }>;
  failures: Array<{ file: string; name: string }>;
}

describe('byte pre-filter', () => {
  const WORDS = ['sc-auth', 'signToken', 'verifyToken', 'authEngine', 'setAuthEngine', 'AuthEngine'];
  // Bytes around a word that could, wrongly handled, hide or fake it: multi-byte characters,
  // broken UTF-8 (lone continuation bytes, truncated sequences), latin1 letters that fold to
  // ASCII-looking ones under toUpperCase (U+00FF, U+00B5, U+017F in UTF-8), NUL.
  const NOISE = [
    '', ' ', 'é', '\u017f', '\u212a', 'ÿ', 'µ', '\u00e9\u00e8',
    Buffer.from([0xc3]), Buffer.from([0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x9f, 0x98]),
    Buffer.from([0xff]), Buffer.from([0x00]), Buffer.from([0xc5]), Buffer.from([0xe2, 0x84]),
  ].map((x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x));

  function variants(word: string): string[] {
    return [word, word.toLowerCase(), word.toUpperCase(), word.replace(/[a-z]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c)),
      word.slice(0, -1), word.slice(1), word.replace('-', '_'), word.replace(/k/i, '\u212a'), word.replace(/s/i, '\u017f')];
  }

  it('says what mightBeRelevant(bytes decoded as UTF-8) says, on every combination', () => {
    let relevant = 0;
    let total = 0;
    for (const word of WORDS) {
      for (const v of variants(word)) {
        for (const before of NOISE) {
          for (const after of NOISE) {
            const bytes = Buffer.concat([Buffer.from('x = '), before, Buffer.from(v, 'utf8'), after, Buffer.from(';\n')]);
            const expected = mightBeRelevant(bytes.toString('utf8'));
            expect(mightBeRelevantBytes(bytes), JSON.stringify([...bytes])).toBe(expected);
            // The reader hands a longer reused buffer and the length read.
            const padded = Buffer.concat([bytes, Buffer.from('signToken')]);
            expect(mightBeRelevantBytes(padded, bytes.length)).toBe(expected);
            relevant += expected ? 1 : 0;
            total++;
          }
        }
      }
    }
    // Both answers occur, so the comparison above was not one-sided.
    expect(relevant).toBeGreaterThan(100);
    expect(total - relevant).toBeGreaterThan(100);
  });

  it('agrees on random byte soup seeded with the words', () => {
    let s = 7;
    const rand = (n: number): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s % n;
    };
    for (let i = 0; i < 3000; i++) {
      const parts: Buffer[] = [];
      for (let k = rand(6); k >= 0; k--) {
        const r = rand(4);
        if (r === 0) parts.push(Buffer.from(variants(WORDS[rand(WORDS.length)])[rand(9)], 'utf8'));
        else parts.push(Buffer.from(Array.from({ length: rand(5) }, () => (r === 1 ? rand(256) : 0x41 + rand(58)))));
      }
      const bytes = Buffer.concat(parts);
      expect(mightBeRelevantBytes(bytes), JSON.stringify([...bytes])).toBe(mightBeRelevant(bytes.toString('utf8')));
    }
  });
});

describe('reading the files git lists', () => {
  it('skips symlinks and deleted tracked files without counting them, and reads the rest', () => {
    const root = tempDir();
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'secret.js'), LEGACY_SIGN);
    writeTree(root, { 'sign.js': LEGACY_SIGN, 'gone.js': LEGACY_VERIFY, 'plain.ts': ORDINARY, 'helper.js': LOOK_ALIKE });
    fs.symlinkSync(path.join(outside, 'secret.js'), path.join(root, 'link.js'));
    fs.symlinkSync('sign.js', path.join(root, 'inside-link.js'));
    gitInitCommit(root);
    expect(git(root, 'ls-files')).toContain('link.js');
    fs.rmSync(path.join(root, 'gone.js'));
    const r = run(['check', '--json'], root);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    expect(doc.summary).toMatchObject({ filesScanned: 3, parsed: 2, skippedWithoutParsing: 1, failed: 0 });
    expect(new Set(doc.findings.map((f) => f.file))).toEqual(new Set(['sign.js']));
    expect(doc.failures).toEqual([]);
    // migrate writes through neither link
    const m = run(['migrate', '--json', '--force'], root);
    expect(m.code).toBe(0);
    expect(fs.readFileSync(path.join(outside, 'secret.js'), 'utf8')).toBe(LEGACY_SIGN);
    expect(fs.lstatSync(path.join(root, 'inside-link.js')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'sign.js'), 'utf8')).not.toBe(LEGACY_SIGN);
  });

  it('reads a file larger than the reader buffer whole', () => {
    const root = tempDir();
    const filler = `// ${'x'.repeat(200)}\n`.repeat(8000); // ~1.6 MB, over the 1 MiB buffer
    writeTree(root, { 'big.js': filler + LEGACY_SIGN, 'small.js': LEGACY_SIGN });
    const doc = JSON.parse(run(['check', '--json'], root).stdout) as JsonDoc;
    const big = doc.findings.filter((f) => f.file === 'big.js').map((f) => [f.line - 8000, f.column, f.rule]);
    const small = doc.findings.filter((f) => f.file === 'small.js').map((f) => [f.line, f.column, f.rule]);
    expect(small.length).toBeGreaterThan(0);
    expect(big).toEqual(small);
  });
});

describe('files streamed to workers while reading', () => {
  it('gives the in-process findings whatever the number of threads, with relevant files spread through the tree', () => {
    const root = tempDir();
    const files: Record<string, string> = {};
    // Relevant files interleaved with ordinary ones, so workers start while reading goes on.
    for (let i = 0; i < 120; i++) {
      files[`src/a${String(i).padStart(3, '0')}.js`] = i % 3 !== 2 ? (i % 2 ? LEGACY_SIGN : LEGACY_VERIFY) + `// ${i}\n` : `module.exports = ${i};\n`;
      files[`src/b${String(i).padStart(3, '0')}.ts`] = ORDINARY;
    }
    files['src/z-look.js'] = LOOK_ALIKE;
    writeTree(root, files);
    const one = JSON.parse(run(['check', '--json', '-j', '1'], root).stdout) as JsonDoc;
    const two = JSON.parse(run(['check', '--json', '-j', '2'], root).stdout) as JsonDoc;
    const three = JSON.parse(run(['check', '--json', '-j', '3'], root).stdout) as JsonDoc;
    expect(one.summary).toMatchObject({ filesScanned: 241, parsed: 81, threads: 1 });
    expect(two.summary).toMatchObject({ parsed: 81, threads: 2 });
    expect(three.summary).toMatchObject({ parsed: 81, threads: 3 });
    expect(one.findings.length).toBeGreaterThanOrEqual(80);
    expect(two.findings).toEqual(one.findings);
    expect(three.findings).toEqual(one.findings);
  });
});
