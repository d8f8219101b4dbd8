/** Printing that keeps the file's own conventions (line endings, quote style). */
import type { Collection } from 'jscodeshift';

export interface Style {
  lineTerminator: '\n' | '\r\n';
  quote: 'single' | 'double';
}

/** Majority vote: a file with mostly CRLF lines stays CRLF, new string literals follow the usual quote. */
export function detectStyle(source: string): Style {
  let crlf = 0;
  let lf = 0;
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) {
    if (i > 0 && source.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  const singles = countMatches(source, /'(?:[^'\\\n]|\\.)*'/g);
  const doubles = countMatches(source, /"(?:[^"\\\n]|\\.)*"/g);
  return { lineTerminator: crlf > lf ? '\r\n' : '\n', quote: doubles > singles ? 'double' : 'single' };
}

function countMatches(source: string, re: RegExp): number {
  let n = 0;
  // Bounded: a 5,000-file repo must not pay for megabyte bundles twice.
  const text = source.length > 200_000 ? source.slice(0, 200_000) : source;
  while (re.exec(text)) n++;
  return n;
}

export function print(root: Collection, style: Style): string {
  return root.toSource({
    quote: style.quote,
    lineTerminator: style.lineTerminator,
    arrowParensAlways: true,
    reuseWhitespace: true,
  } as any);
}
