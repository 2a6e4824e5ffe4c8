import { err, ok, type Result } from "../result.js";

export type FieldSegment = string | number;

/**
 * Parses a lever path: dot-separated keys, `[n]` list indexes, and `["key.with.dots"]` for keys
 * that contain dots or brackets (`podAnnotations["prometheus.io/scrape"]`).
 */
export function parseFieldPath(path: string): Result<FieldSegment[]> {
  const out: FieldSegment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < path.length) {
    const c = path[i];
    if (c === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) return err(`"${path}": "[" at position ${i + 1} is never closed`);
      const inner = path.slice(i + 1, close);
      const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(inner) ?? /^'([^']*)'$/.exec(inner);
      if (quoted) out.push((quoted[1] ?? "").replace(/\\(.)/g, "$1"));
      else if (/^\d+$/.test(inner)) out.push(Number(inner));
      else return err(`"${path}": [${inner}] is neither a list index nor a quoted key`);
      i = close + 1;
      expectKey = false;
    } else if (c === ".") {
      if (expectKey) return err(`"${path}": empty key at position ${i + 1}`);
      i++;
      expectKey = true;
    } else {
      if (!expectKey) return err(`"${path}": expected "." or "[" at position ${i + 1}`);
      let j = i;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      out.push(path.slice(i, j));
      i = j;
      expectKey = false;
    }
  }
  if (out.length === 0 || expectKey)
    return err(`"${path}" is not a complete path (e.g. config.database.poolSize or items[0].size)`);
  return ok(out);
}

export function formatFieldPath(segments: readonly FieldSegment[]): string {
  return segments
    .map((s, i) =>
      typeof s === "number"
        ? `[${s}]`
        : /[.[\]"']/.test(s)
          ? `[${JSON.stringify(s)}]`
          : i === 0
            ? s
            : `.${s}`,
    )
    .join("");
}
