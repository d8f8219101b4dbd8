/**
 * One traversal per step instead of one per query: ast-types' path visitor dominates the cost of a
 * run (a 30 KB file took over a second with a `root.find()` per question). The index is rebuilt at
 * the start of every step, since steps rewrite the tree.
 */
import type { ASTPath, Collection, JSCodeshift } from 'jscodeshift';

export class NodeIndex {
  private groups: Map<string, ASTPath<any>[]> | null = null;
  private paths: Map<any, ASTPath<any>> | null = null;

  constructor(private readonly j: JSCodeshift, private readonly root: Collection) {}

  reset(): void {
    this.groups = null;
    this.paths = null;
  }

  private build(): void {
    const groups = new Map<string, ASTPath<any>[]>();
    const paths = new Map<any, ASTPath<any>>();
    this.root.find(this.j.Node).forEach((p: ASTPath<any>) => {
      const node = p.node;
      if (node !== p.value || !node || typeof node.type !== 'string') return;
      let list = groups.get(node.type);
      if (!list) groups.set(node.type, (list = []));
      list.push(p);
      paths.set(node, p);
    });
    this.groups = groups;
    this.paths = paths;
  }

  /** Paths of nodes of these types, in document order per type. */
  of(...types: string[]): ASTPath<any>[] {
    if (!this.groups) this.build();
    // A step may have replaced a node in place (call -> await call): skip paths that changed type.
    const out: ASTPath<any>[] = [];
    for (const t of types) for (const p of this.groups!.get(t) ?? []) if (p.node && p.node.type === t) out.push(p);
    if (types.length > 1) out.sort((a, b) => (a.node.start ?? 0) - (b.node.start ?? 0));
    return out;
  }

  calls(): ASTPath<any>[] {
    return this.of('CallExpression', 'OptionalCallExpression');
  }

  pathOf(node: any): ASTPath<any> | undefined {
    if (!this.paths) this.build();
    return this.paths!.get(node);
  }
}
