import { isAlias, isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { MAX_DEPTH } from "./prescan.js";

/** Keys that could reach an object's prototype in code that copies data around. */
export const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Problems reported for one file at most: a user fixes the first few and runs again. */
const MAX_PROBLEMS = 20;

export interface StructureProblem {
  readonly offset: number;
  readonly message: string;
}

/** 1-based line and column of an offset; only called on the way to an error. */
export function offsetPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * One iterative walk over a parsed document (so a hostile depth cannot overflow the stack):
 * nesting deeper than MAX_DEPTH, keys that could pollute prototypes, and keys that appear twice
 * in one mapping. The `yaml` package's own duplicate check compares each key with every earlier
 * one (quadratic: 80,000 keys took 82 s); a Set per mapping makes it linear.
 * `line(offset)` names the first occurrence of a duplicate key in its message.
 */
export function checkStructure(contents: unknown, line: (offset: number) => number): StructureProblem[] {
  const out: StructureProblem[] = [];
  const stack: Array<{ node: unknown; depth: number }> = [{ node: contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    const offset = (node as Node).range?.[0] ?? 0;
    if (depth > MAX_DEPTH) {
      out.push({
        offset,
        message: `nesting deeper than ${MAX_DEPTH} levels: Governor refuses a file this deep; flatten this structure`,
      });
      return out;
    }
    const seen = isMap(node) ? new Map<string, number>() : undefined;
    for (const item of node.items) {
      if (!isPair(item)) {
        if (!isAlias(item)) stack.push({ node: item, depth: depth + 1 });
        continue;
      }
      const key = item.key;
      if (isScalar(key)) {
        const at = key.range?.[0] ?? offset;
        if (typeof key.value === "string" && FORBIDDEN_KEYS.has(key.value))
          out.push({ offset: at, message: `the key "${key.value}" is not allowed: rename or remove it` });
        if (out.length >= MAX_PROBLEMS) return out;
        // The identity the yaml package compares: the scalar's value (1 and 1.0 are one key, "1" another).
        const identity = `${typeof key.value}:${String(key.value)}`;
        const first = seen?.get(identity);
        if (first !== undefined) {
          out.push({
            offset: at,
            message: `not valid YAML: Map keys must be unique; "${String(key.value)}" is already a key of this mapping at line ${line(first)}`,
          });
          return out; // the first duplicate is enough, and naming its line costs a scan
        } else seen?.set(identity, at);
      }
      if (!isAlias(item.value)) stack.push({ node: item.value, depth: depth + 1 });
    }
  }
  return out;
}
