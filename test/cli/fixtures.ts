// Small legacy sources for the CLI tests, in shapes from real SocketCluster-era servers.

/** sc-auth 5 with an inline arrow callback as the last statement: fully convertible. */
export const LEGACY_VERIFY = `const scAuth = require('sc-auth');
const engine = new scAuth.AuthEngine();
exports.check = function (signed, key, cb) {
  engine.verifyToken(signed, key, {}, (err, decoded) => {
    if (err) return cb(err);
    cb(null, decoded.sub);
  });
};
`;

/** sc-auth 5, named callback forwarded. */
export const LEGACY_SIGN = `'use strict';
const { AuthEngine } = require('sc-auth');

const auth = new AuthEngine();

exports.issue = function (user, key, done) {
  auth.signToken({ sub: user.id, role: user.role }, key, { algorithm: 'HS256' }, done);
};
`;

/** Mentions signToken (passes the pre-filter) but is a jsonwebtoken helper: no findings. */
export const LOOK_ALIKE = `'use strict';
const jwt = require('jsonwebtoken');
exports.signToken = function signToken(id, role) {
  return jwt.sign({ _id: id, role: role }, 'secret', { expiresIn: 3600 });
};
`;

/** Ordinary code: skipped by the pre-filter. */
export const ORDINARY = `export function add(a: number, b: number): number {
  return a + b;
}
`;

/** Already on the compat engine: an info finding only. */
export const ON_BRIDGE = `const AuthEngine = require('sc-auth-bridge');
const engine = new AuthEngine();
module.exports = engine;
`;

/** A syntax error in a file the pre-filter lets through. */
export const BROKEN = `const { AuthEngine } = require('sc-auth');
const engine = new AuthEngine(;
engine.signToken({}, 'k', {}, () => {});
`;

export const PACKAGE_JSON = `{
  "name": "legacy-app",
  "version": "1.0.0",
  "dependencies": {
    "sc-auth": "^5.0.2",
    "socketcluster-server": "^14.7.2"
  }
}
`;

/** An unknown receiver holding an engine: only --engine-names tells the codemod about it. */
export const CUSTOM_RECEIVER = `module.exports = function (tokens, signed, key, cb) {
  tokens.verifyToken(signed, key, {}, function (err, t) {
    cb(err, t);
  });
};
`;

/** A statement after the call ran after sc-auth's synchronous callback: needs a human. */
export const NEEDS_REVIEW = `const { AuthEngine } = require('sc-auth');
const engine = new AuthEngine();
function issue(user, key, done) {
  engine.signToken({ sub: user.id }, key, {}, function (err, token) {
    done(err, token);
  });
  console.log('issued');
}
issue({ id: 1 }, 'k', () => {});
`;

/** A small project with two convertible files, a look-alike, an ordinary file and a vendored copy. */
export const LEGACY_TREE: Readonly<Record<string, string>> = {
  'package.json': PACKAGE_JSON,
  'src/verify.js': LEGACY_VERIFY,
  'src/sign.js': LEGACY_SIGN,
  'src/helpers/jwt.js': LOOK_ALIKE,
  'src/math.ts': ORDINARY,
  'node_modules/sc-auth/index.js': LEGACY_SIGN,
};
