// A line-insensitive identity for a finding: the code on its line with whitespace collapsed, hashed.
// Baselines match on file + rule + this, so adding or removing unrelated lines above a known
// finding does not turn it into a "new" one.
import { createHash } from 'node:crypto';

/** Line `line` (1-based) of `text`, whichever line ends it uses (LF, CRLF, CR alone). */
export function lineAt(text: string, line: number): string {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const end = nextBreak(text, start);
    if (end === -1) return '';
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  const end = nextBreak(text, start);
  return text.slice(start, end === -1 ? text.length : end);
}

function nextBreak(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (cr === -1) return lf;
  return lf === -1 ? cr : Math.min(lf, cr);
}

export function fingerprintOf(codeLine: string): string {
  const normal = codeLine.replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(normal).digest('hex').slice(0, 16);
}
