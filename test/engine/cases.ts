// Inputs shared by the differential tests: option sets, tokens to verify, bad keys.
import { ALG_KEYS, KEYS, NOW, jwt9 } from './helpers';

/** Sign options every version of jsonwebtoken (8 and 9) accepts. */
export const SIGN_OPTION_SETS: Array<Record<string, unknown>> = [
  {},
  { expiresIn: 3600 },
  { expiresIn: '2h', notBefore: '10s' },
  { audience: 'app', issuer: 'auth-server', jwtid: 'id-1' },
  { audience: ['a', 'b'], subject: 'user-1' },
  { noTimestamp: true },
  { keyid: 'key-1', header: { typ: 'JWT', extra: 1 } },
  { mutatePayload: true, expiresIn: 60 },
  { encoding: 'utf8' },
  // rejected by jsonwebtoken itself (same error in both engines)
  { expiresIn: 'soon' },
  { expiresInMinutes: 5 },
  { algorithm: 'XX256' },
  { header: 'not an object' },
  { notBefore: {} },
];

export interface VerifyCase {
  name: string;
  token: unknown;
  key: unknown;
  options?: Record<string, unknown>;
}

function tamperPayload(token: string): string {
  const [h, , s] = token.split('.');
  return `${h}.${Buffer.from(JSON.stringify({ username: 'mallory', iat: NOW })).toString('base64url')}.${s}`;
}

function tamperSignature(token: string): string {
  const last = token[token.length - 1] === 'A' ? 'B' : 'A';
  return token.slice(0, -1) + last;
}

/** Tokens made with jsonwebtoken 9 directly, so both engines verify the very same strings. */
export function verifyCases(alg: string): VerifyCase[] {
  const [signKey, verifyKey] = ALG_KEYS[alg];
  const sign = (payload: object, options: object = {}): string =>
    jwt9.sign(payload, signKey, { algorithm: alg, ...options }) as string;
  const good = sign({ username: 'alice', iat: NOW - 5 }, { audience: 'app', issuer: 'auth', subject: 's', jwtid: 'j' });
  const expired = sign({ username: 'alice', iat: NOW - 100, exp: NOW - 10 });
  const notYet = sign({ username: 'alice', iat: NOW, nbf: NOW + 100 });
  const other = alg.startsWith('HS') ? 'another secret' : alg.startsWith('ES') ? KEYS.rsa.publicKey : KEYS.rsaOther.publicKey;
  return [
    { name: 'valid', token: good, key: verifyKey },
    { name: 'valid, complete', token: good, key: verifyKey, options: { complete: true } },
    { name: 'right audience/issuer/subject/jwtid', token: good, key: verifyKey, options: { audience: 'app', issuer: 'auth', subject: 's', jwtid: 'j' } },
    { name: 'audience as RegExp', token: good, key: verifyKey, options: { audience: /^ap/ } },
    { name: 'wrong audience', token: good, key: verifyKey, options: { audience: 'other' } },
    { name: 'wrong issuer', token: good, key: verifyKey, options: { issuer: 'evil' } },
    { name: 'wrong subject', token: good, key: verifyKey, options: { subject: 'x' } },
    { name: 'wrong jwtid', token: good, key: verifyKey, options: { jwtid: 'x' } },
    { name: 'maxAge exceeded', token: good, key: verifyKey, options: { maxAge: 2 } },
    { name: 'maxAge ok', token: good, key: verifyKey, options: { maxAge: '1h' } },
    { name: 'expired', token: expired, key: verifyKey },
    { name: 'expired within tolerance', token: expired, key: verifyKey, options: { clockTolerance: 60 } },
    { name: 'expired, ignoreExpiration', token: expired, key: verifyKey, options: { ignoreExpiration: true } },
    { name: 'expired, clockTimestamp before exp', token: expired, key: verifyKey, options: { clockTimestamp: NOW - 50 } },
    { name: 'not before', token: notYet, key: verifyKey },
    { name: 'not before, ignoreNotBefore', token: notYet, key: verifyKey, options: { ignoreNotBefore: true } },
    { name: 'tampered payload', token: tamperPayload(good), key: verifyKey },
    { name: 'tampered signature', token: tamperSignature(good), key: verifyKey },
    { name: 'wrong key', token: good, key: other },
    { name: 'algorithm not allowed', token: good, key: verifyKey, options: { algorithms: [alg.startsWith('HS') ? 'RS256' : 'HS256'] } },
    { name: 'algorithm allowed explicitly', token: good, key: verifyKey, options: { algorithms: [alg] } },
    { name: 'signature stripped', token: good.split('.').slice(0, 2).join('.') + '.', key: verifyKey },
  ];
}

const NONE_TOKEN = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(`{"u":1,"iat":${NOW}}`).toString('base64url')}.`;

/** Algorithm-independent cases: malformed input, `none`, non-string tokens. */
export const GENERIC_VERIFY_CASES: VerifyCase[] = [
  { name: 'null token', token: null, key: KEYS.hsString },
  { name: 'undefined token', token: undefined, key: KEYS.hsString },
  { name: 'empty token', token: '', key: KEYS.hsString },
  { name: 'number token', token: 123, key: KEYS.hsString },
  { name: 'object token', token: { token: 'x' }, key: KEYS.hsString },
  { name: 'array token', token: ['a.b.c'], key: KEYS.hsString },
  { name: 'boolean token', token: true, key: KEYS.hsString },
  { name: 'malformed: one part', token: 'abc', key: KEYS.hsString },
  { name: 'malformed: two parts', token: 'a.b', key: KEYS.hsString },
  { name: 'malformed: four parts', token: 'a.b.c.d', key: KEYS.hsString },
  { name: 'malformed: bad base64 json', token: 'a.b.c', key: KEYS.hsString },
  { name: 'malformed: header not json', token: `${Buffer.from('nope').toString('base64url')}.e30.sig`, key: KEYS.hsString },
  { name: 'none token, no algorithms', token: NONE_TOKEN, key: KEYS.hsString },
  { name: 'none token, no key, no algorithms', token: NONE_TOKEN, key: '' },
  { name: 'none token, algorithms [none], no key', token: NONE_TOKEN, key: '', options: { algorithms: ['none'] } },
  { name: 'none token, algorithms [HS256]', token: NONE_TOKEN, key: KEYS.hsString, options: { algorithms: ['HS256'] } },
  {
    name: 'alg confusion: HS256 signed with the RSA public PEM, algorithms [HS256]',
    token: jwt9.sign({ u: 1, iat: NOW }, KEYS.rsa.publicKey, { algorithm: 'HS256' }),
    key: KEYS.rsa.publicKey,
    options: { algorithms: ['HS256'] },
  },
  { name: 'bad option: clockTimestamp', token: 'a.b.c', key: KEYS.hsString, options: { clockTimestamp: 'x' } },
  { name: 'bad option: nonce', token: 'a.b.c', key: KEYS.hsString, options: { nonce: '' } },
];

/** Keys that jsonwebtoken 9 converts or refuses in interesting ways. */
export const KEY_CASES: Array<{ name: string; alg: string; signKey: unknown; verifyKey: unknown }> = [
  { name: 'empty string', alg: 'HS256', signKey: '', verifyKey: '' },
  { name: 'empty Buffer', alg: 'HS256', signKey: Buffer.alloc(0), verifyKey: Buffer.alloc(0) },
  { name: 'number', alg: 'HS256', signKey: 12345, verifyKey: 12345 },
  { name: 'array', alg: 'HS256', signKey: [1, 2], verifyKey: [1, 2] },
  { name: 'public PEM for RS256 signing', alg: 'RS256', signKey: KEYS.rsa.publicKey, verifyKey: KEYS.rsa.publicKey },
  { name: 'private PEM to verify RS256', alg: 'RS256', signKey: KEYS.rsa.privateKey, verifyKey: KEYS.rsa.privateKey },
  { name: 'RSA private PEM with HS256', alg: 'HS256', signKey: KEYS.rsa.privateKey, verifyKey: KEYS.rsa.publicKey },
  { name: 'RSA public PEM as HS256 secret', alg: 'HS256', signKey: KEYS.rsa.publicKey, verifyKey: KEYS.rsa.publicKey },
  { name: 'EC key with RS256', alg: 'RS256', signKey: KEYS.ec256.privateKey, verifyKey: KEYS.ec256.publicKey },
  { name: 'P-384 key with ES256', alg: 'ES256', signKey: KEYS.ec384.privateKey, verifyKey: KEYS.ec384.publicKey },
  { name: 'RSA 1024 with RS256', alg: 'RS256', signKey: KEYS.rsa1024.privateKey, verifyKey: KEYS.rsa1024.publicKey },
  { name: 'broken PEM', alg: 'RS256', signKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', verifyKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' },
  { name: 'broken PEM as HS256 secret', alg: 'HS256', signKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', verifyKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' },
  { name: 'key input object', alg: 'RS256', signKey: { key: KEYS.rsa.privateKey }, verifyKey: { key: KEYS.rsa.publicKey } },
  { name: 'key input object with bad passphrase', alg: 'RS256', signKey: { key: KEYS.rsa.privateKey, passphrase: 'x', format: 'der' }, verifyKey: { key: 'nope', format: 'der' } },
];
