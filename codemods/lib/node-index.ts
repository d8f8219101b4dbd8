/**
 * Node lookup for the steps. Creating an ast-types NodePath for every node (what `root.find()`
 * does) costs several times the parse itself, so the index walks the plain objects once,
 * remembers each node's parent link, and makes NodePaths only for the nodes a step asks about.
 * It is rebuilt after a step edits the tree.
 */
import type { ASTPath, Collection, JSCodeshift } from 'jscodeshift';
import { isReadOnlyTree } from './parse';

const SKIP = new Set(['loc', 'start', 'end', 'extra', 'comments', 'leadingComments', 'trailingComments',
  'innerComments', 'tokens', 'original', 'range', 'errors']);

interface Link { parent: any; key: string; index: number }

const CALLS = ['CallExpression', 'OptionalCallExpression'];

export class NodeIndex {
  private groups: Map<string, any[]> | null = null;
  private links: Map<any, Link> | null = null;
  private made = new Map<any, ASTPath<any>>();

  constructor(private readonly j: JSCodeshift, private readonly root: Collection) {}

  reset(): void {
    this.groups = null;
    this.links = null;
    this.made = new Map();
    this.sorted = new Map();
    this.callList = null;
  }

  private build(): void {
    const groups = new Map<string, any[]>();
    const links = new Map<any, Link>();
    const top = this.root.paths()[0].value;
    this.readOnly = isReadOnlyTree(top);
    const stack: any[] = [top];
    while (stack.length) {
      const node = stack.pop();
      let list = groups.get(node.type);
      if (!list) groups.set(node.type, (list = []));
      list.push(node);
      // Object.keys, not for-in: the same keys in the same order (babel's enumerable prototype
      // member is a function, skipped anyway), at about two thirds of the cost.
      const keys = Object.keys(node);
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k];
        const v = node[key];
        // Most keys hold numbers and strings: test those away before the set lookup.
        if (!v || typeof v !== 'object' || SKIP.has(key)) continue;
        if (Array.isArray(v)) {
          for (let i = v.length - 1; i >= 0; i--) {
            const c = v[i];
            if (c && typeof c.type === 'string') { links.set(c, { parent: node, key, index: i }); stack.push(c); }
          }
        } else if (typeof v.type === 'string') {
          links.set(v, { parent: node, key, index: -1 });
          stack.push(v);
        }
      }
    }
    this.groups = groups;
    this.links = links;
  }

  /**
   * A tree nobody edits (the read-only parse of check): the path of every node passed on the way
   * down is remembered too, so the next lookup starts from its nearest known ancestor instead of
   * the root. (In a tree being edited, a remembered path may no longer lead to its node: there
   * every lookup walks down from the root, as ast-types checks each step against the tree.)
   */
  private readOnly = false;

  /** The NodePath of a node reachable from the root (created on demand, parents first). */
  pathOf(node: any): ASTPath<any> | undefined {
    if (!this.links) this.build();
    const cached = this.made.get(node);
    if (cached) return cached;
    const top = this.root.paths()[0];
    if (this.readOnly) return this.pathFromNearest(node, top);
    const chain: Array<string | number> = [];
    let cur = node;
    while (cur !== top.value) {
      const link = this.links!.get(cur);
      if (!link) return undefined;
      if (link.index >= 0) chain.push(link.index);
      chain.push(link.key);
      cur = link.parent;
    }
    chain.reverse();
    const path = chain.length ? (top as any).get(...chain) : top;
    this.made.set(node, path);
    return path;
  }

  /** pathOf in a read-only tree: the same NodePath objects (ast-types caches children by name). */
  private pathFromNearest(node: any, top: ASTPath<any>): ASTPath<any> | undefined {
    const up: any[] = [];
    let cur = node;
    let base: any;
    for (;;) {
      if (cur === top.value) { base = top; break; }
      const known = this.made.get(cur);
      if (known) { base = known; break; }
      up.push(cur);
      const link = this.links!.get(cur);
      if (!link) return undefined;
      cur = link.parent;
    }
    for (let i = up.length - 1; i >= 0; i--) {
      const link = this.links!.get(up[i])!;
      base = base.get(link.key);
      if (link.index >= 0) base = base.get(link.index);
      this.made.set(up[i], base);
    }
    return base;
  }

  private sorted = new Map<string, any[]>();

  private nodesOf(types: string[]): any[] {
    if (!this.groups) this.build();
    // Steps ask for the same kinds once per call they look at: sorting every time was quadratic.
    const key = types.join(',');
    const hit = this.sorted.get(key);
    if (hit) return hit;
    const out: any[] = [];
    for (const t of types) for (const n of this.groups!.get(t) ?? []) out.push(n);
    if (types.length > 1) out.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    this.sorted.set(key, out);
    return out;
  }

  /**
   * The nodes of these types, as `of` lists them, without making their paths: for a pass that
   * looks at every node of a kind and needs the path of a few (pathOf).
   */
  nodesOfType(...types: string[]): readonly any[] {
    return this.nodesOf(types);
  }

  /** Paths of nodes of these types, in document order (as far as positions are known). */
  of(...types: string[]): ASTPath<any>[] {
    const out: ASTPath<any>[] = [];
    for (const n of this.nodesOf(types)) {
      const p = this.pathOf(n);
      // A step may have replaced a node in place (call -> await call): skip paths that changed.
      if (p && p.node === n) out.push(p);
    }
    return out;
  }

  /**
   * `of(...types)` narrowed by a test on the node itself, before any path is made: a pass that
   * wants the few calls named signToken should not pay for a NodePath of every call in the file.
   */
  where(types: readonly string[], test: (node: any) => boolean): ASTPath<any>[] {
    const out: ASTPath<any>[] = [];
    for (const n of this.nodesOf(types as string[])) {
      if (!test(n)) continue;
      const p = this.pathOf(n);
      if (p && p.node === n) out.push(p);
    }
    return out;
  }

  /** Identifiers with one name: the common query, without making paths for every identifier. */
  identifiers(name: string): ASTPath<any>[] {
    const out: ASTPath<any>[] = [];
    for (const n of this.nodesOf(['Identifier'])) {
      if (n.name !== name) continue;
      const p = this.pathOf(n);
      if (p && p.node === n) out.push(p);
    }
    return out;
  }

  calls(): ASTPath<any>[] {
    return this.of(...CALLS);
  }

  /** Calls whose node passes `test` (see where). */
  callsWhere(test: (node: any) => boolean): ASTPath<any>[] {
    return this.where(CALLS, test);
  }

  private callList: ASTPath<any>[] | null = null;

  /**
   * The calls as of the last rebuild, one array for a whole step (the order analysis indexes it by
   * identity). A call a step replaced in place shows its replacement.
   */
  callSnapshot(): ASTPath<any>[] {
    if (!this.callList) this.callList = this.calls();
    return this.callList;
  }
}
