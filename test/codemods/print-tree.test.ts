/**
 * The printing run's tree (codemods/lib/print-tree.ts): the lazy copy must print exactly what
 * recast's full copy prints, a step reaching into a shared part must fall back rather than lose an
 * edit, and node offsets must point into the file as written, CRLF and tabs included.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrateSource } from '../../codemods/pipeline';
import { lazyCopyFallbacks, useLazyCopies } from '../../codemods/lib/run';
import { offsetMapper } from '../../codemods/lib/print-tree';

const ROOT = path.resolve(__dirname, '../../fixtures');

/** Every fixture input that migrateSource changes (all transforms, as the CLI runs them). */
function inputs(): Array<{ name: string; source: string; options: any }> {
  const out: Array<{ name: string; source: string; options: any }> = [];
  for (const folder of fs.readdirSync(ROOT).sort()) {
    const dir = path.join(ROOT, folder);
    if (folder === 'package-json' || !fs.statSync(dir).isDirectory()) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      const m = /^(.*)\.input\.([a-z]+)$/.exec(file);
      if (!m) continue;
      const opts = path.join(dir, `${m[1]}.options.json`);
      out.push({ name: `${m[1]}.${m[2]}`, source: fs.readFileSync(path.join(dir, file), 'utf8'), options: fs.existsSync(opts) ? JSON.parse(fs.readFileSync(opts, 'utf8')) : {} });
    }
  }
  return out;
}

const all = inputs();
afterEach(() => { useLazyCopies(true); });

function migrate(source: string, name: string, options: any, lazy: boolean | 'nothing-hot') {
  const was = useLazyCopies(lazy);
  try {
    return migrateSource(source, name, options);
  } finally {
    useLazyCopies(was);
  }
}

describe('lazy copy', () => {
  it('prints what the full copy prints, for every fixture input', () => {
    let changed = 0;
    for (const c of all) {
      const lazy = migrate(c.source, c.name, c.options, true);
      const full = migrate(c.source, c.name, c.options, false);
      expect(lazy.output, c.name).toBe(full.output);
      expect(lazy.findings, c.name).toEqual(full.findings);
      if (full.changed) changed++;
    }
    expect(changed).toBeGreaterThan(80);
  });

  it('falls back to the full copy when a step edits a shared part, and loses nothing', () => {
    // Nothing hot: the whole tree is shared and frozen, so the first edit of every run throws.
    let changed = 0;
    for (const c of all) {
      const full = migrate(c.source, c.name, c.options, false);
      if (!full.changed) continue;
      const before = lazyCopyFallbacks();
      const shared = migrate(c.source, c.name, c.options, 'nothing-hot');
      expect(lazyCopyFallbacks(), c.name).toBeGreaterThan(before);
      expect(shared.output, c.name).toBe(full.output);
      changed++;
    }
    expect(changed).toBeGreaterThan(80);
  });

  it('a comment babel attaches to a shared statement and to the copied one after it needs no fallback', () => {
    // Real shape (socketcluster-server 14's test suite): the comment is trailing for `port++` and
    // leading for the statement that mentions an engine option.
    const source = [
      "const { AuthEngine } = require('sc-auth');",
      'const engine = new AuthEngine();',
      'function launch(port, done) {',
      '  port++;',
      '  // Intentionally make pingInterval higher than pingTimeout, that',
      '  // way the client will never receive a ping.',
      '  const server = listen(port, { wsEngine: WS_ENGINE, pingInterval: 2000 });',
      "  engine.signToken({ port }, 'k', {}, function (err, token) { done(err, server, token); });",
      '}',
      'module.exports = launch;',
      '',
    ].join('\n');
    const before = lazyCopyFallbacks();
    const lazy = migrate(source, 'launch.js', {}, true);
    expect(lazyCopyFallbacks()).toBe(before);
    expect(lazy.changed).toBe(true);
    expect(lazy.output).toBe(migrate(source, 'launch.js', {}, false).output);
  });

  it('needs no fallback on the fixtures: the hot words cover what the steps edit', () => {
    const before = lazyCopyFallbacks();
    for (const c of all) migrate(c.source, c.name, c.options, true);
    expect(lazyCopyFallbacks()).toBe(before);
  });
});

describe('offsets in a CRLF or tab-indented file', () => {
  it('map recast\'s text back to the source', () => {
    const source = 'a;\r\n\tb(x);\r\n\t\tc;\r\n';
    const text = 'a;\n    b(x);\n        c;\n';
    const map = offsetMapper(source, text);
    expect(source.slice(map(text.indexOf('b(x)')), map(text.indexOf('b(x)') + 4))).toBe('b(x)');
    expect(source[map(text.indexOf('c;'))]).toBe('c');
    expect(map(0)).toBe(0);
  });

  for (const [label, eol] of [['CRLF', '\r\n'], ['CR (classic Mac)', '\r']]) {
    it(`every fixture input with ${label} line ends migrates to its output with ${label} line ends`, () => {
      let compared = 0;
      for (const c of all) {
        if (c.source.includes('\r') || /[\u2028\u2029]/.test(c.source)) continue;
        const lf = migrate(c.source, c.name, c.options, true);
        if (!lf.changed) continue;
        const other = migrate(c.source.replace(/\n/g, eol), c.name, c.options, true);
        expect(other.output, c.name).toBe(lf.output.replace(/\n/g, eol));
        expect(other.findings.map((f) => [f.rule, f.line]), c.name).toEqual(lf.findings.map((f) => [f.rule, f.line]));
        compared++;
      }
      expect(compared).toBeGreaterThan(80);
    });
  }

  it('every fixture input indented with tabs migrates to its output indented with tabs', () => {
    const tabify = (s: string) => s.replace(/^((?:  )+)/gm, (m) => '\t'.repeat(m.length / 2));
    const untabify = (s: string) => s.replace(/^(\t+)/gm, (m) => '  '.repeat(m.length));
    let compared = 0;
    for (const c of all) {
      if (c.source.includes('\t')) continue;
      const spaces = migrate(c.source, c.name, c.options, true);
      if (!spaces.changed) continue;
      const tabs = migrate(tabify(c.source), c.name, c.options, true);
      expect(untabify(tabs.output), c.name).toBe(untabify(tabify(spaces.output)));
      compared++;
    }
    expect(compared).toBeGreaterThan(80);
  });

  it('a hand-off wrapped next to a require in a CRLF file keeps the file parseable (was: failed to parse)', () => {
    const source = [
      "'use strict';",
      "const http = require('http');",
      "const socketClusterServer = require('socketcluster-server');",
      'const scServer = socketClusterServer.attach(http.createServer(), {',
      "  authEngine: require('./lib/auth-engine')",
      '});',
      '',
    ].join('\r\n');
    const r = migrateSource(source, '/app/server.js', { legacyEngineModules: { '/app/lib/auth-engine.js': ['module.exports'] } });
    expect(r.changed).toBe(true);
    expect(r.output).toContain("const socketClusterServer = require('socketcluster-server');\r\nconst { fromLegacyEngine } = require('sc-auth-bridge');\r\n");
    expect(r.output).toContain("authEngine: fromLegacyEngine(require('./lib/auth-engine'))");
  });
});
