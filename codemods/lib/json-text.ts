/**
 * Where things stand in a JSON text, so package.json edits can touch only the characters that
 * change (a hand-formatted file keeps every other byte). Works on text JSON.parse accepts.
 */

export interface Span { start: number; end: number }

/** Index just past the string token starting at `i` (a `"`). */
function skipString(text: string, i: number): number {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 92 /* \ */) k++;
    else if (c === 34 /* " */) return k + 1;
  }
  return text.length;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

/** Index just past the JSON value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c !== '{' && c !== '[') {
    while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    return i;
  }
  let depth = 0;
  for (let k = i; k < text.length; k++) {
    const ch = text[k];
    if (ch === '"') { k = skipString(text, k) - 1; continue; }
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') { depth--; if (depth === 0) return k + 1; }
  }
  return text.length;
}

/** The span of the value of the top-level member `name` (the last one, as JSON.parse keeps), or undefined. */
export function topLevelValue(text: string, name: string): Span | undefined {
  let i = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text[i] !== '{') return undefined;
  i++;
  let found: Span | undefined;
  for (;;) {
    i = skipWs(text, i);
    if (text[i] !== '"') return found;
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    if (text[i] !== ':') return found;
    const start = skipWs(text, i + 1);
    const end = skipValue(text, start);
    if (key === name) found = { start, end };
    i = skipWs(text, end);
    if (text[i] !== ',') return found;
    i++;
  }
}

/** 1-based line and column of a character index. */
export function positionOf(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

/** Index of the string token `"value"` inside a span, as a member name (`key: true`) or an element, or -1. */
export function tokenIn(text: string, span: Span, value: string, as: 'key' | 'element'): number {
  const token = JSON.stringify(value);
  for (let i = span.start; i < span.end; i++) {
    if (text[i] !== '"') continue;
    const end = skipString(text, i);
    if (text.slice(i, end) === token) {
      const next = skipWs(text, end);
      if ((text[next] === ':') === (as === 'key')) return i;
    }
    i = end - 1;
  }
  return -1;
}
