// A floor for migrate --dry in the CLI bench: a fresh process that does, with sc-auth-bridge's own
// parse and print functions, only what any recast-printing run must do, and none of the analysis.
// Every file named in the list file argv[2] is parsed for printing (babel with tokens, the lazy
// copy of print-tree.ts); in each file of the list argv[3] (the files migrate changes), one
// sc-auth-related name is changed, the tree is printed by recast, and the output is parsed again.
// migrate --dry does all of this and, on top, decides what to change: it cannot be faster.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const lib = path.join(__dirname, '..', 'dist', 'codemods', 'lib');
const { assertParses, parseForEdit } = require(path.join(lib, 'parse.js'));
const { hotOffsets } = require(path.join(lib, 'print-tree.js'));
const { detectStyle, print } = require(path.join(lib, 'print.js'));

const SKIP = new Set(['loc', 'tokens', 'original', 'comments', 'leadingComments', 'trailingComments', 'extra']);

/** The first node (depth first) that `test` accepts. */
function find(node, test) {
  const stack = [node];
  while (stack.length) {
    const n = stack.pop();
    if (test(n)) return n;
    for (const key of Object.keys(n).reverse()) {
      if (SKIP.has(key)) continue;
      const v = n[key];
      if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) { if (v[i] && typeof v[i].type === 'string') stack.push(v[i]); }
      else if (v && typeof v.type === 'string') stack.push(v);
    }
  }
  return undefined;
}

/** One edit a migration would make: the module name, else a method name. Frozen (shared) nodes are skipped. */
function editOnce(program) {
  const isWritable = (n) => !Object.isFrozen(n);
  const lit = find(program, (n) => n.type === 'StringLiteral' && /^sc-auth/.test(n.value) && isWritable(n));
  if (lit) { lit.value = lit.value.replace(/^sc-auth/, 'ag-auth'); return true; }
  const id = find(program, (n) => n.type === 'Identifier' && /^(signToken|verifyToken)$/.test(n.name) && isWritable(n));
  if (id) { id.name = `${id.name}Async`; return true; }
  return false;
}

const [listFile, changedFile] = process.argv.slice(2, 4);
const changed = new Set(changedFile ? fs.readFileSync(changedFile, 'utf8').split('\n').filter(Boolean) : []);
let printed = 0;
for (const file of fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean)) {
  const source = fs.readFileSync(file, 'utf8');
  const { root } = parseForEdit(source, file, (text) => hotOffsets(text));
  if (!changed.has(file) || !editOnce(root.paths()[0].value)) continue;
  assertParses(print(root, detectStyle(source)), file);
  printed++;
}
process.stdout.write(`${printed}\n`);
