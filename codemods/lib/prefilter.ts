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
