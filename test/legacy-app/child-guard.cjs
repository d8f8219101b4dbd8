'use strict';
// Preloaded (node --require) into the processes the tests start: the sample app's server and the
// docs snippets. The process stops by itself when the test process goes away (its stdin pipe
// closes) or after a minute at most. Neither keeps a process alive that would otherwise exit.
setTimeout(() => process.exit(3), 60_000).unref();
process.stdin.on('end', () => process.exit(4));
process.stdin.on('error', () => process.exit(4));
process.stdin.resume();
process.stdin.unref();
