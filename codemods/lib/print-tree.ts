/**
 * The tree the printing run edits, made the way recast.parse makes it but without copying all of it.
 *
 * recast prints only what changed by comparing the edited tree with a copy of the original, node by
 * node: copying every node and comparing every node was about half of what `migrate` cost per file.
 * Here only the parts of the tree an edit can reach are copied: the nodes around the words the steps
 * look for (and around the findings of the read-only pass). Every other subtree is shared by the
 * original and the edited tree, so recast sees at once that it is unchanged and keeps its text.
 *
 * A shared subtree is frozen. A step that reaches into one anyway fails with a TypeError instead of
 * making an edit recast would never print; run.ts then repeats the whole run on a full copy. The
 * guess of what is hot can only cost time, never change the output.
 */
import { createRequire } from 'node:module';

// The recast that jscodeshift prints with: its Lines objects must be the ones the printer knows.
let recastParts: { lines: any; comments: any; util: any; options: any } | undefined;
function recast() {
  if (!recastParts) {
    const fromJscodeshift = createRequire(require.resolve('jscodeshift'));
    recastParts = {
      lines: fromJscodeshift('recast/lib/lines'),
      comments: fromJscodeshift('recast/lib/comments'),
      util: fromJscodeshift('recast/lib/util'),
      options: fromJscodeshift('recast/lib/options'),
    };
  }
  return recastParts;
}

/**
 * What the steps look for, anywhere in a node's text: such a node is copied, never shared. `async`
 * only as the option (`async: true`, `opts.async`, `'async'`), not the keyword of every async
 * function. Imports and requires: a new import is written next to the last one.
 */
const HOT_WORDS = /sc-auth|ag-auth|signtoken|verifytoken|decodetoken|engine|\basync\s*:|\.\s*async\b|['"`]async['"`]|\brequire\s*\(|\bimport\b/gi;

/** Sorted offsets (in `text`) of hot words and of the given extra positions. */
export function hotOffsets(text: string, extra: number[] = [], names: string[] = []): number[] {
  const out: number[] = [];
  HOT_WORDS.lastIndex = 0;
  for (let m = HOT_WORDS.exec(text); m; m = HOT_WORDS.exec(text)) out.push(m.index);
  for (const name of names) {
    if (!name) continue;
    for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + name.length)) out.push(i);
  }
  out.push(...extra);
  return out.sort((a, b) => a - b);
}

/**
 * recast.parse for a parser that returns a babel File, with the lazy copy. `hot` gets the text of
 * the file and returns the hot offsets in it; 'all' copies the whole tree, as recast does.
 *
 * recast parses its own rendering of the text: CRLF as LF, leading tabs as spaces. Node offsets
 * (`start`/`end`) are moved back to the file as written, so that the steps can slice the source
 * with them; recast itself prints from `loc`, which stays in its own rendering.
 */
export function parseForPrinting(source: string, parser: { parse(code: string): any }, hot: ((text: string) => number[]) | 'all'): any {
  const { lines: linesModule, comments: commentsModule, util, options: optionsModule } = recast();
  const options = optionsModule.normalize({ parser });
  const lines = linesModule.fromString(source, options);
  const text: string = lines.toString({ tabWidth: options.tabWidth, reuseWhitespace: false, useTabs: false, lineTerminator: '\n' });
  const file = parser.parse(text);
  if (!file || file.type !== 'File') throw new Error('internal: the parser did not return a File');
  const tokens: any[] = file.tokens;
  delete file.tokens;
  // What recast's lines.sliceString(token.loc) gives, from the text the parser saw.
  for (const token of tokens) if (typeof token.value !== 'string') token.value = text.slice(token.start, token.end);
  const comments: any[] = Array.isArray(file.comments) ? file.comments : [];
  if (text !== source) {
    const toSource = offsetMapper(source, text);
    remapOffsets([file, comments], toSource);
  }
  delete file.comments;
  util.fixFaultyLocations(file, lines);
  file.loc.lines = lines;
  file.loc.indent = 0;
  file.tokens = tokens;
  const program = file.program;
  const trueProgramLoc = util.getTrueLoc({ type: program.type, loc: program.loc, body: [], comments }, lines);
  program.loc.start = trueProgramLoc.start;
  program.loc.end = trueProgramLoc.end;
  commentsModule.attach(comments, program.body.length ? program : file, lines);
  if (hot === 'all') return new LazyCopier(lines, tokens, [], new Set([file]), util).copy(file);
  const offsets = hot(source);
  return new LazyCopier(lines, tokens, offsets, deepRootsOf(program, offsets), util).copy(file);
}

const LINE_BREAK = /\r\n|\r(?!\n)|\n|\u2028|\u2029/g;

/** Offset of each line's first character (index 0 is line 1), line breaks as recast counts them. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  LINE_BREAK.lastIndex = 0;
  for (let m = LINE_BREAK.exec(text); m; m = LINE_BREAK.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

/**
 * Offsets in recast's rendering -> offsets in the source. Lines match one to one; only the leading
 * whitespace of a line (tabs expanded) and the line breaks differ.
 */
export function offsetMapper(source: string, text: string): (offset: number) => number {
  const textStarts = lineStarts(text);
  const sourceStarts = lineStarts(source);
  // Leading whitespace of each line, measured once per line (every node offset asks).
  const textLeads: number[] = [];
  const sourceLeads: number[] = [];
  const leadOf = (s: string, from: number) => { let i = from; while (i < s.length && /[^\S\r\n\u2028\u2029]/.test(s[i])) i++; return i - from; };
  return (offset: number) => {
    let lo = 0;
    let hi = textStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (textStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    const sourceStart = sourceStarts[lo];
    if (sourceStart === undefined) return offset;
    const column = offset - textStarts[lo];
    const textLead = (textLeads[lo] ??= leadOf(text, textStarts[lo]));
    const sourceLead = (sourceLeads[lo] ??= leadOf(source, sourceStart));
    return column >= textLead ? sourceStart + sourceLead + (column - textLead) : sourceStart + Math.min(column, sourceLead);
  };
}

/** Each object once: a comment is reachable from two nodes and from the file's list. */
function remapOffsets(roots: any[], map: (offset: number) => number): void {
  const stack = [...roots];
  const seen = new Set<any>();
  while (stack.length) {
    const v = stack.pop();
    if (seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const c of v) if (c && typeof c === 'object') stack.push(c);
      continue;
    }
    if (typeof v.start === 'number') v.start = map(v.start);
    if (typeof v.end === 'number') v.end = map(v.end);
    for (const key of Object.keys(v)) {
      if (key === 'loc' || key === 'start' || key === 'end') continue;
      const c = v[key];
      if (c && typeof c === 'object') stack.push(c);
    }
  }
}

/**
 * The kinds of node an edit replaces or rewrites as a whole: the innermost one around a hot offset
 * is copied with everything in it (a callback call's statement, an engine's method).
 */
function isEditUnit(node: any): boolean {
  const t: string = node.type;
  return t.endsWith('Statement') || t.endsWith('Declaration') || t === 'ClassMethod' || t === 'ClassPrivateMethod'
    || t === 'ClassProperty' || t === 'ObjectProperty' || t === 'ObjectMethod' || t === 'TSDeclareMethod';
}

const NOT_CHILDREN = new Set(['loc', 'tokens', 'comments', 'leadingComments', 'trailingComments', 'innerComments', 'extra', 'original']);

function deepRootsOf(program: any, offsets: number[]): Set<any> {
  const roots = new Set<any>();
  let last = -1;
  for (const at of offsets) {
    if (at === last) continue;
    last = at;
    let unit: any;
    let node = program;
    // Down the chain of nodes whose text holds the offset; the last edit unit on it is the root.
    for (let depth = 0; node && depth < 500; depth++) {
      if (node !== program && isEditUnit(node)) unit = node;
      let next: any;
      for (const key of Object.keys(node)) {
        if (NOT_CHILDREN.has(key)) continue;
        const v = node[key];
        if (!v || typeof v !== 'object') continue;
        if (Array.isArray(v)) {
          for (const c of v) {
            if (!c || typeof c.type !== 'string') continue;
            if (c.start > at) break;
            if (at < c.end) { next = c; break; }
          }
        } else if (typeof v.type === 'string' && v.start <= at && at < v.end) next = v;
        if (next) break;
      }
      node = next;
    }
    if (unit) roots.add(unit);
  }
  return roots;
}

const originalProperty = { configurable: false, enumerable: false, writable: true };

class LazyCopier {
  private startTokenIndex = 0;
  private endTokenIndex: number;
  private indent = 0;
  private readonly seen = new Map<any, any>();

  constructor(private readonly lines: any, private readonly tokens: any[], private readonly hot: number[],
    private readonly deepRoots: Set<any>, private readonly util: any) {
    this.endTokenIndex = tokens.length;
  }

  private touchesHot(node: any): boolean {
    const { start, end } = node;
    if (typeof start !== 'number' || typeof end !== 'number') return true;
    // First hot offset >= start.
    let lo = 0;
    let hi = this.hot.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.hot[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.hot.length && this.hot[lo] < end;
  }

  copy(node: any, deep = false): any {
    if (typeof node !== 'object' || node === null) return node;
    const known = this.seen.get(node);
    if (known !== undefined) return known;
    if (Array.isArray(node)) {
      const out = node.slice();
      this.seen.set(node, out);
      for (let i = 0; i < node.length; i++) out[i] = this.copy(node[i], deep);
      return out;
    }
    const isNode = typeof node.type === 'string';
    if (isNode && !deep) {
      if (this.deepRoots.has(node)) deep = true;
      else if (!this.touchesHot(node)) return this.share(node);
    }
    // A plain object inside a copied node (`extra`): copied whole.
    if (!isNode) deep = true;
    this.util.fixFaultyLocations(node, this.lines);
    const out = Object.create(Object.getPrototypeOf(node));
    Object.defineProperty(out, 'original', originalProperty);
    out.original = node;
    this.seen.set(node, out);
    const loc = node.loc;
    const oldIndent = this.indent;
    if (loc) this.annotate(node, loc);
    const oldStart = this.startTokenIndex;
    const oldEnd = this.endTokenIndex;
    for (const key of Object.keys(node)) {
      if (key === 'loc') out.loc = loc;
      else if (key === 'tokens' && node.type === 'File') out.tokens = node.tokens;
      else out[key] = this.copy(node[key], deep);
    }
    this.indent = oldIndent;
    this.startTokenIndex = oldStart;
    this.endTokenIndex = oldEnd;
    return out;
  }

  /** What recast's copy records on every .loc: the source lines, tokens, indentation, token range. */
  private annotate(node: any, loc: any): void {
    const t = node.type;
    if (t === 'Block' || t === 'Line' || t === 'CommentBlock' || t === 'CommentLine' || this.lines.isPrecededOnlyByWhitespace(loc.start)) {
      this.indent = loc.start.column;
    }
    loc.lines = this.lines;
    loc.tokens = this.tokens;
    loc.indent = this.indent;
    this.findTokenRange(loc);
  }

  /** The same node in both trees: its own original, annotated like a copy, and frozen. */
  private share(node: any): any {
    // A comment babel attached to two statements may be frozen already, with the one shared
    // before: only its .loc (never frozen) is annotated here.
    const frozen = Object.isFrozen(node);
    const oldIndent = this.indent;
    if (!frozen) this.util.fixFaultyLocations(node, this.lines);
    if (node.loc) this.annotate(node, node.loc);
    this.indent = oldIndent;
    this.seen.set(node, node);
    if (frozen) return node;
    if (!Object.prototype.hasOwnProperty.call(node, 'original')) {
      Object.defineProperty(node, 'original', originalProperty);
      node.original = node;
    }
    deepFreeze(node);
    return node;
  }

  // Token positions move forward with the walk; each node's range is found by small adjustments.
  private findTokenRange(loc: any): void {
    const cmp = this.util.comparePos;
    const tokens = this.tokens;
    while (this.startTokenIndex > 0 && cmp(loc.start, tokens[this.startTokenIndex].loc.start) < 0) this.startTokenIndex--;
    while (this.endTokenIndex < tokens.length && cmp(tokens[this.endTokenIndex].loc.end, loc.end) <= 0) this.endTokenIndex++;
    while (this.startTokenIndex < this.endTokenIndex && cmp(tokens[this.startTokenIndex].loc.start, loc.start) < 0) this.startTokenIndex++;
    loc.start.token = this.startTokenIndex;
    while (this.endTokenIndex > this.startTokenIndex && cmp(loc.end, tokens[this.endTokenIndex - 1].loc.end) < 0) this.endTokenIndex--;
    loc.end.token = this.endTokenIndex;
  }
}

/** Freezes a shared subtree: nodes, arrays, comments and `extra`; never `loc` (recast annotates it). */
function deepFreeze(root: any): void {
  const stack = [root];
  while (stack.length) {
    const v = stack.pop();
    if (Object.isFrozen(v)) continue;
    Object.freeze(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { const c = v[i]; if (c && typeof c === 'object') stack.push(c); }
      continue;
    }
    const keys = Object.keys(v);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key === 'loc' || key === 'tokens') continue;
      const c = v[key];
      if (c && typeof c === 'object') stack.push(c);
    }
  }
}
