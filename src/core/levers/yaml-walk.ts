import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from "yaml";
import type { FieldSegment } from "./field-path.js";

export interface Walk {
  /** The node at the end of the path, when the whole path exists. */
  readonly node: Node | undefined;
  /** How many segments were resolved. */
  readonly depth: number;
  /** The deepest node that exists along the path (the document root at worst). */
  readonly last: Node;
  /** The key of `last`'s pair, when `last` is a mapping value. */
  readonly lastKey: Node | undefined;
  /** Set when the path runs through something that cannot be edited in place. */
  readonly blocked?: "alias" | "merge";
}

export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
}

/** Whether a `<<: *anchor` merge in `map` brings in `key`. */
function mergedHas(map: YAMLMap, key: string, doc: Document | undefined): boolean {
  for (const p of map.items) {
    if (!isScalar(p.key) || p.key.value !== "<<") continue;
    const sources = isSeq(p.value) ? p.value.items : [p.value];
    for (const s of sources) {
      const target = isAlias(s) && doc ? s.resolve(doc) : s;
      if (isMap(target) && (pairOf(target, key) || mergedHas(target, key, doc))) return true;
      if (!doc && isAlias(s)) return true; // cannot tell without the document: assume it does
    }
  }
  return false;
}

/** Follows keys and indexes through the YAML nodes (not the data), so source ranges stay at hand. */
export function walk(root: Node, path: readonly FieldSegment[], doc?: Document): Walk {
  let node: Node = root;
  let key: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as FieldSegment;
    if (isAlias(node)) return { node: undefined, depth: i, last: node, lastKey: key, blocked: "alias" };
    let next: Node | undefined;
    let nextKey: Node | undefined;
    if (isMap(node) && typeof seg === "string") {
      const pair = pairOf(node, seg);
      if (!pair && mergedHas(node, seg, doc)) {
        return { node: undefined, depth: i, last: node, lastKey: key, blocked: "merge" };
      }
      next = (pair?.value as Node | null | undefined) ?? undefined;
      nextKey = pair?.key as Node | undefined;
      if (pair && next === undefined)
        return { node: undefined, depth: i + 1, last: nextKey as Node, lastKey: nextKey };
    } else if (isSeq(node) && typeof seg === "number") {
      next = node.items[seg] as Node | undefined;
    }
    if (next === undefined) return { node: undefined, depth: i, last: node, lastKey: key };
    node = next;
    key = nextKey;
  }
  if (isAlias(node))
    return { node: undefined, depth: path.length, last: node, lastKey: key, blocked: "alias" };
  return { node, depth: path.length, last: node, lastKey: key };
}

/** The keys of a mapping, for "it has: …" in error messages. */
export function keysOf(node: Node | undefined): string[] {
  return isMap(node) ? node.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : [])) : [];
}
