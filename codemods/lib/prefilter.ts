/**
 * The text pre-filter, in a module that loads nothing: the CLI requires it in every worker before
 * it knows whether any file needs the parser (loading jscodeshift costs ~140 ms).
 */

// Every legacy usage mentions one of these words; anything else cannot need migrating.
const RELEVANT = /sc-auth|signToken|verifyToken|authEngine|setAuthEngine/i;

/** Cheap text pre-filter: false means the file certainly has nothing to migrate or report. */
export function mightBeRelevant(source: string): boolean {
  return RELEVANT.test(source);
}

/**
 * The same answer as `mightBeRelevant(bytes.toString('utf8'))`, without decoding UTF-8 or making a
 * string per file (most files are rejected here). Every word of RELEVANT is ASCII, and:
 * - in UTF-8 an ASCII byte is always that character (the decoder turns a broken sequence into
 *   U+FFFD and re-reads the ASCII byte that broke it, never swallowing it), and other bytes never
 *   decode to ASCII; so runs of ASCII characters in the decoded text are exactly runs of ASCII bytes;
 * - reading the bytes as latin1 keeps every byte as one character (non-ASCII ones as U+0080..U+00FF);
 * - a non-unicode /i regex folds case by toUpperCase but never folds a non-ASCII character to an
 *   ASCII one (ECMA-262 Canonicalize), so those characters match no letter of the pattern either way:
 *   the answer is "do the bytes hold one of the words, ASCII case ignored".
 * test/cli/prefilter.test.ts checks the equivalence on mixed-case, multi-byte and broken input.
 */
export function mightBeRelevantBytes(bytes: Uint8Array, length = bytes.length): boolean {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Lower-casing a latin1 string folds exactly A-Z (a latin1 character never lower-cases to ASCII
  // nor changes length), and a case-sensitive scan of it is ~1/3 cheaper than the /i one.
  return RELEVANT_LOWER.test(b.toString('latin1', 0, length).toLowerCase());
}

/** RELEVANT lower-cased (setAuthEngine contains authEngine). */
const RELEVANT_LOWER = /sc-auth|signtoken|verifytoken|authengine/;
