// A floor for the CLI bench: a fresh process that only parses, once each, the files named in the
// list file argv[2], with the parser and options sc-auth-bridge's check uses (babel, no recast, no
// analysis). Any tool that reads these files through babel/jscodeshift pays at least this.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { assertParses } = require(path.join(__dirname, '..', 'dist', 'codemods', 'lib', 'parse.js'));

let parsed = 0;
for (const file of fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)) {
  assertParses(fs.readFileSync(file, 'utf8'), file);
  parsed++;
}
process.stdout.write(`${parsed}\n`);
