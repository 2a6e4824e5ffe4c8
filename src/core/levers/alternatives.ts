import { isMap, isScalar, isSeq, type Node } from "yaml";
import { closest, didYouMean } from "../text/suggest.js";
import type { TargetField } from "./errors.js";
import { type FieldSegment, formatFieldPath } from "./field-path.js";
import { walk } from "./yaml-walk.js";

/**
 * What a lever that does not resolve may have meant: the nearest key, path or resource that the
 * file does have. Only consulted on the error path, so it may walk a whole values file.
 */

/** At most this many leaf paths are compared: a values file of thousands of keys stays quick. */
const MAX_PATHS = 5000;
const MAX_DEPTH = 16;

/** ` — found "resources" (keys are case-sensitive)` for a case slip, else the usual "did you mean". */
export function keyHint(missing: string, keys: readonly string[]): string {
  const lower = missing.toLowerCase();
  const sameButCase = keys.find((k) => k !== missing && k.toLowerCase() === lower);
  if (sameButCase !== undefined) return ` — found "${sameButCase}" (keys are case-sensitive)`;
  return didYouMean(missing, keys);
}

/** Every path to a scalar under `node`, as lever paths are written (`resources.requests.cpu`). */
export function leafPaths(node: Node | undefined): string[] {
  const out: string[] = [];
  const visit = (n: Node | undefined | null, at: FieldSegment[]) => {
    if (out.length >= MAX_PATHS || at.length > MAX_DEPTH) return;
    if (isMap(n)) {
      for (const p of n.items)
        if (isScalar(p.key)) visit(p.value as Node | null, [...at, String(p.key.value)]);
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        visit(item as Node, [...at, i]);
      });
    } else if (at.length > 0) out.push(formatFieldPath(at));
  };
  visit(node, []);
  return out;
}

/**
 * ` (did you mean resources.requests.cpu?)`: the whole path nearest to the one asked, among the
 * leaves under `base` and the well-known fields Governor could add; "" when none is close.
 */
export function nearestPath(
  root: Node,
  base: readonly FieldSegment[],
  wanted: readonly FieldSegment[],
  known: readonly string[],
): string {
  const asked = formatFieldPath(wanted);
  const candidates = [...new Set([...leafPaths(walk(root, base).node), ...known])].filter((c) => c !== asked);
  const near = closest(asked, candidates);
  return near === undefined ? "" : ` (did you mean ${near}?)`;
}

interface ResourceSeen {
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
}

/** Which of kind, name or namespace is wrong when no resource matches, and the nearest there is. */
export function nearResource(
  resources: readonly ResourceSeen[],
  t: { readonly kind: string; readonly name: string; readonly namespace?: string | undefined },
): { hint: string; field: TargetField } {
  const kinds = [...new Set(resources.flatMap((r) => (r.kind === undefined ? [] : [r.kind])))];
  if (!kinds.includes(t.kind)) {
    const sameButCase = kinds.find((k) => k.toLowerCase() === t.kind.toLowerCase());
    if (sameButCase !== undefined)
      return { hint: ` (kind is case-sensitive: did you mean "${sameButCase}"?)`, field: "kind" };
    return { hint: didYouMean(t.kind, kinds), field: "kind" };
  }
  const ofKind = resources.filter((r) => r.kind === t.kind);
  const names = [...new Set(ofKind.flatMap((r) => (r.name === undefined ? [] : [r.name])))];
  if (!names.includes(t.name)) return { hint: didYouMean(t.name, names), field: "name" };
  const namespaces = ofKind.filter((r) => r.name === t.name).map((r) => r.namespace ?? "(none)");
  return {
    hint: ` (${t.kind} "${t.name}" is in namespace ${namespaces.join(", ")}: fix or drop target.namespace)`,
    field: "namespace",
  };
}
