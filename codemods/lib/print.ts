/** Printing that keeps the file's own conventions (line endings, quote style). */
import type { Collection } from 'jscodeshift';

export interface Style {
  lineTerminator: '\n' | '\r\n' | '\r';
  quote: 'single' | 'double';
  /** Most indented lines start with a tab: new lines are indented with tabs too. */
  useTabs: boolean;
}

/** Majority vote: a file with mostly CRLF lines stays CRLF (CR alone stays CR), new string literals follow the usual quote. */
export function detectStyle(source: string): Style {
  let crlf = 0;
  let lf = 0;
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) {
    if (i > 0 && source.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  const singles = countMatches(source, /'(?:[^'\\\n]|\\.)*'/g);
  const doubles = countMatches(source, /"(?:[^"\\\n]|\\.)*"/g);
  const tabs = countMatches(source, /^\t/gm);
  const spaces = countMatches(source, /^ +\S/gm);
  // Classic Mac line ends (CR alone): no LF at all, and a CR that ends a line.
  const lineTerminator = crlf > lf ? '\r\n' : lf === 0 && /\r(?!\n)/.test(source) ? '\r' : '\n';
  return { lineTerminator, quote: doubles > singles ? 'double' : 'single', useTabs: tabs > spaces };
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
    ...(style.useTabs ? { useTabs: true, tabWidth: 4 } : {}),
    arrowParensAlways: true,
    reuseWhitespace: true,
  } as any);
}

/**
 * recast indents the lines it moves with spaces after the tabs it keeps (`\t\t    x`): in a tab-
 * indented file, the new lines (those not in the source as written) get tabs for each 4 spaces.
 */
export function retabNewLines(output: string, source: string): string {
  const original = new Set(source.split(/\r\n|\r|\n/));
  // Split keeping each line's own end (LF, CRLF, or CR alone).
  return output.replace(/[^\r\n]*(?:\r\n|\r|\n|$)/g, (whole) => {
    const line = whole.replace(/(?:\r\n|\r|\n)$/, '');
    if (line === '' || original.has(line)) return whole;
    return whole.replace(/^(\t*)((?: {4})+)(?=\S)/, (_m, tabs: string, spaces: string) => tabs + '\t'.repeat(spaces.length / 4));
  });
}
