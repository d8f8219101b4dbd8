// A line-insensitive identity for a finding: the code on its line with whitespace collapsed, hashed.
// Baselines match on file + rule + this, so adding or removing unrelated lines above a known
// finding does not turn it into a "new" one.
import { createHash } from 'node:crypto';

export function lineAt(text: string, line: number): string {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) return '';
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}

export function fingerprintOf(codeLine: string): string {
  const normal = codeLine.replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(normal).digest('hex').slice(0, 16);
}
