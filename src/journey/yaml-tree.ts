/**
 * The parsed YAML node tree: one walker, and what the loader asks of the tree (guards,
 * the path of a node, the node a problem points at).
 *
 * Hazards the walker handles once for everyone: aliases are never followed (an alias bomb
 * cannot make a walk large), depth is bounded (a deep file cannot overflow the stack), and
 * map keys become path segments as written.
 */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';
import type { LocatedProblem } from './diagnostics.js';

/** What a visitor tells the walk: skip this node's children, or stop the whole walk. */
export type WalkControl = 'skip' | 'stop' | undefined;

/**
 * Visits every node under `root` (pair values of maps, items of sequences), depth first,
 * with its field path and depth. Aliases are visited as nodes, never followed.
 */
export function walkYaml(root: unknown, maxDepth: number, visit: (node: unknown, path: readonly PropertyKey[], depth: number) => WalkControl | void): void {
  let stopped = false;
  const step = (node: unknown, path: readonly PropertyKey[], depth: number): void => {
    if (stopped || node === null || node === undefined) return;
    const control = visit(node, path, depth);
    if (control === 'stop') {
      stopped = true;
      return;
    }
    if (control === 'skip' || depth >= maxDepth || isAlias(node)) return;
    if (isMap(node)) {
      for (const pair of node.items) if (isPair(pair)) step(pair.value, [...path, keyOf(pair.key) ?? '?'], depth + 1);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => step(item, [...path, index], depth + 1));
    }
  };
  step(root, [], 0);
}

export interface NodeProblem {
  readonly node: Node;
  readonly message: string;
  readonly path: readonly PropertyKey[];
}

/** Depth and alias guards: nesting deeper than `maxDepth`, an alias with no anchor before it. */
export function structuralProblems(doc: Document.Parsed, root: Node, maxDepth: number): NodeProblem[] {
  const problems: NodeProblem[] = [];
  walkYaml(root, maxDepth + 1, (node, path, depth) => {
    if (depth > maxDepth && (isMap(node) || isSeq(node))) {
      // The full path would be 64 segments long; the top-level field says where to look.
      problems.push({ node: node as Node, path: path.slice(0, 1), message: `nesting is deeper than ${maxDepth} levels` });
      return 'stop';
    }
    if (isAlias(node) && node.resolve(doc) === undefined) {
      problems.push({ node, path, message: `alias *${node.source} has no anchor &${node.source} before it` });
    }
    return undefined;
  });
  return problems;
}

/** The first alias in the tree (where an alias bomb is reported). */
export function firstAlias(root: Node, maxDepth: number): Node | undefined {
  let found: Node | undefined;
  walkYaml(root, maxDepth, (node) => {
    if (!isAlias(node)) return undefined;
    found = node;
    return 'stop';
  });
  return found;
}

/** The field path of a node (for interpolation problems), found by identity. */
export function pathOfNode(root: Node, target: Node, maxDepth: number): PropertyKey[] {
  let found: PropertyKey[] | undefined;
  walkYaml(root, maxDepth, (node, path) => {
    if (node !== target) return undefined;
    found = [...path];
    return 'stop';
  });
  return found ?? [];
}

/**
 * The node a problem points at: the value at its path; for an unknown key, the key; for a
 * missing field, the key under which the incomplete object sits (or the object itself).
 */
export function nodeFor(doc: Document.Parsed, root: Node, problem: LocatedProblem): Node | undefined {
  let node: unknown = root;
  let keyNode: Node | undefined;
  const segments = problem.at === 'missing' ? problem.path.slice(0, -1) : problem.path;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value ?? keyNode;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      keyNode = undefined;
      node = item;
    } else break;
  }
  if (isAlias(node)) node = node.resolve(doc) ?? node;
  if (problem.at === 'key' && problem.key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === problem.key);
    if (pair?.key) return pair.key as Node;
  }
  if (problem.at === 'missing' && keyNode) return keyNode;
  return hasRange(node) ? node : keyNode;
}

export function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

export function hasRange(node: unknown): node is Node & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}
