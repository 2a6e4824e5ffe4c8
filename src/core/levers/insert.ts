import { isMap, isScalar, type Node, type Pair } from "yaml";
import { err, ok, type Result } from "../result.js";

export interface Insertion {
  readonly text: string;
}

/** Column (0-based) of an offset within its line. */
function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** The indentation step the file uses for nested mappings (2 when it does not tell). */
export function indentStep(text: string): number {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^(\s*)(- )?[^\s#-][^:#]*:\s*(#.*)?$/.exec(lines[i] ?? "");
    const next = /^(\s*)\S/.exec(lines[i + 1] ?? "");
    if (m && next) {
      const parentCol = (m[1]?.length ?? 0) + (m[2]?.length ?? 0);
      const step = (next[1]?.length ?? 0) - parentCol;
      if (step > 0 && step <= 8) return step;
    }
  }
  return 2;
}

/**
 * Adds the missing keys `keys` (the last one holding `value`) under `parent`, the deepest
 * mapping that exists, touching nothing else: block mappings get new lines indented like their
 * siblings, flow mappings a new `key: value` entry, and an empty key (`resources:`) a block.
 */
export function insertKeys(
  text: string,
  parent: Node,
  parentKey: Node | undefined,
  keys: readonly string[],
  value: string,
): Result<Insertion, string> {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  if (isMap(parent) && parent.flow) return ok({ text: insertFlow(text, parent, keys, value) });
  let indent: number;
  let at: number;
  if (isMap(parent) && parent.items.length > 0) {
    const first = (parent.items[0] as Pair).key as Node;
    indent = column(text, first.range?.[0] ?? 0);
    const last = parent.items[parent.items.length - 1] as Pair;
    at = endOfLine(text, ((last.value as Node | null)?.range ?? (last.key as Node).range ?? [0, 0])[1]);
  } else if (isScalar(parent) && parent.value === null && parentKey?.range) {
    indent = column(text, parentKey.range[0]) + indentStep(text);
    at = endOfLine(text, parentKey.range[1]);
  } else {
    return err("the place where it belongs is not a mapping");
  }
  const step = indentStep(text);
  const lines = keys.map(
    (k, i) => `${" ".repeat(indent + i * step)}${k}:${i === keys.length - 1 ? ` ${value}` : ""}`,
  );
  if (at >= text.length) {
    // No newline after the last line: keep it that way, so the end of the file is unchanged.
    const sep = text.endsWith("\n") ? "" : eol;
    return ok({ text: text + sep + lines.join(eol) + (text.endsWith("\n") ? eol : "") });
  }
  return ok({ text: text.slice(0, at) + lines.map((l) => l + eol).join("") + text.slice(at) });
}

/**
 * Offset just past the newline ending the line where a node ends. `end` is exclusive, and a
 * block collection's range ends *after* its last newline, hence the search from `end - 1`.
 */
function endOfLine(text: string, end: number): number {
  const nl = text.indexOf("\n", Math.max(0, end - 1));
  return nl < 0 ? text.length : nl + 1;
}

function insertFlow(
  text: string,
  parent: Node & { items: unknown[] },
  keys: readonly string[],
  value: string,
): string {
  const entry = keys.slice(1).reduceRight((inner, k) => `{${k}: ${inner}}`, value);
  const first = `${keys[0]}: ${entry}`;
  const range = parent.range ?? [0, 0];
  if (parent.items.length === 0) {
    const open = text.indexOf("{", range[0]);
    return `${text.slice(0, open + 1)}${first}${text.slice(open + 1)}`;
  }
  const last = parent.items[parent.items.length - 1] as Pair;
  const end = ((last.value as Node | null)?.range ?? (last.key as Node).range ?? [0, 0])[1];
  return `${text.slice(0, end)}, ${first}${text.slice(end)}`;
}
