import { isMap, isPair, isScalar, isSeq, type Node, type Pair, Scalar, type YAMLMap } from "yaml";
import type { LoadedYaml } from "./load.js";

export type PathSegment = string | number;

export interface Position {
  readonly line: number;
  readonly col: number;
}

interface Found {
  /** The deepest node reached along the path (the value, or the nearest existing ancestor). */
  readonly node: Node | undefined;
  /** The key of the pair holding `node`, when `node` is a mapping value. */
  readonly key: Node | undefined;
  /** Whether the whole path was found. */
  readonly complete: boolean;
}

/** The first pair of `map` whose scalar key reads `key`, through the file's index of pairs. */
function pairOf(loaded: LoadedYaml, map: YAMLMap, key: string): Pair | undefined {
  let index = loaded.pairs.get(map);
  if (!index) {
    const byKey = new Map<string, Pair>();
    for (const p of map.items)
      if (isPair(p) && isScalar(p.key) && !byKey.has(String(p.key.value))) byKey.set(String(p.key.value), p);
    loaded.pairs.set(map, byKey);
    index = byKey;
  }
  return index.get(key);
}

/** Walks a parsed document along a data path, stopping at the deepest node that exists. */
export function findNode(loaded: LoadedYaml, path: readonly PathSegment[]): Found {
  let node = loaded.doc.contents as Node | null;
  let key: Node | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = pairOf(loaded, node, String(seg));
      if (!pair) return { node, key, complete: false };
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
      if (node === null) return { node: key, key, complete: true };
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) return { node, key, complete: false };
      key = undefined;
      node = item;
    } else return { node: node ?? undefined, key, complete: false };
  }
  return { node: node ?? undefined, key, complete: true };
}

export function positionOfOffset(loaded: LoadedYaml, offset: number): Position {
  return loaded.lineCounter.linePos(offset);
}

/**
 * Where to point a user for the value at `path`, or the nearest existing ancestor. With "key",
 * a mapping or list is pointed at by its key (`target:`), not its first entry; a scalar still by
 * its value, which is where the mistake is.
 */
export function positionOf(
  loaded: LoadedYaml,
  path: readonly PathSegment[],
  prefer: "key" | "value" = "value",
): Position {
  const found = findNode(loaded, path);
  const collection = isMap(found.node) || isSeq(found.node);
  const target = prefer === "key" && found.key && (collection || !found.complete) ? found.key : found.node;
  return positionOfOffset(loaded, target?.range?.[0] ?? 0);
}

/** The key node of `key` inside the mapping at `path`, for "unknown key" messages. */
export function positionOfKey(loaded: LoadedYaml, path: readonly PathSegment[], key: string): Position {
  const found = findNode(loaded, path);
  if (found.complete && isMap(found.node)) {
    const pair = pairOf(loaded, found.node, key);
    if (pair?.key && (pair.key as Node).range)
      return positionOfOffset(loaded, (pair.key as Node).range?.[0] ?? 0);
  }
  return positionOf(loaded, path);
}

/**
 * Maps an offset inside a scalar's *value* to an offset in the file, so that an error inside
 * a PromQL query points at the character itself, whatever the quoting or folding style.
 */
export function offsetInScalar(loaded: LoadedYaml, path: readonly PathSegment[], index: number): number {
  const found = findNode(loaded, path);
  const node = found.node;
  if (!found.complete || !isScalar(node) || typeof node.value !== "string" || !node.range)
    return found.node?.range?.[0] ?? 0;
  const src = loaded.text;
  const value = node.value;
  let j = node.range[0];
  const end = node.range[1];
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  let indent = 0;
  if (quoted) j++;
  else if (block) {
    j = src.indexOf("\n", j) + 1; // content starts on the line after the indicator
    const lineStart = j;
    while (j < end && src[j] === " ") j++;
    indent = j - lineStart;
  }
  for (let i = 0; i < index && j < end; i++) {
    const v = value[i];
    if (block && v === "\n" && src[j] === "\n") {
      // Each content line of a block scalar starts with the block's indentation, not in the value.
      j++;
      for (let k = 0; k < indent && src[j] === " "; k++) j++;
    } else if (src[j] === v && !(node.type === Scalar.QUOTE_DOUBLE && v === "\\")) {
      j++;
    } else if (v === " " || v === "\n") {
      // Folding: one value space or newline stands for a run of source whitespace.
      while (j < end && /\s/.test(src[j] ?? "")) j++;
    } else if (node.type === Scalar.QUOTE_DOUBLE && src[j] === "\\") {
      j += escapeLength(src, j);
    } else if (node.type === Scalar.QUOTE_SINGLE && src[j] === "'") {
      j += 2;
    } else j++;
  }
  return Math.min(j, end);
}

function escapeLength(src: string, j: number): number {
  const c = src[j + 1];
  if (c === "x") return 4;
  if (c === "u") return 6;
  if (c === "U") return 10;
  return 2;
}
