'use strict';
// Preloaded into the sample app's server by the test (node --require): the server stops by itself
// when the test process goes away (its stdin pipe closes) or after a minute at most.
setTimeout(() => process.exit(3), 60_000).unref();
process.stdin.on('end', () => process.exit(4));
process.stdin.on('error', () => process.exit(4));
process.stdin.resume();
