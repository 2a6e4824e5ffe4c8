import { isMap, isScalar, isSeq } from "yaml";
import type { z } from "zod";
import type { Diagnostic } from "../diagnostics.js";
import { suggestion } from "../text/suggest.js";
import type { LoadedYaml } from "../yaml/load.js";
import {
  findNode,
  offsetInScalar,
  type PathSegment,
  positionOf,
  positionOfKey,
  positionOfOffset,
} from "../yaml/locate.js";

/** "levers[0].target.file" */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out === "" ? seg : `.${seg}`;
  return out === "" ? "(top level)" : out;
}

/** Turns zod issues into diagnostics that point at the offending YAML node, with messages for people. */
export function issuesToDiagnostics(
  loaded: LoadedYaml,
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (p: { line: number; col: number }, path: readonly PathSegment[], message: string) =>
    out.push({ file: loaded.path, line: p.line, col: p.col, message: `${formatPath(path)}: ${message}` });
  for (const issue of issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
    const found = findNode(loaded, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys(schema, path, loaded.data);
        for (const key of issue.keys) {
          at(
            positionOfKey(loaded, path, key),
            [...path, key],
            `unknown key "${key}"${suggestion(key, allowed)}`,
          );
        }
        break;
      }
      case "invalid_type":
        if (!found.complete) {
          const missing = String(path[path.length - 1]);
          at(
            positionOf(loaded, path.slice(0, -1), "key"),
            path.slice(0, -1),
            `missing required field "${missing}"`,
          );
        } else
          at(
            positionOf(loaded, path),
            path,
            `${issue.message.replace(/^Invalid input: /, "")}, found ${describe(found.node)}`,
          );
        break;
      case "invalid_value": {
        const values = issue.values.map(String);
        const actual = scalarText(found.node);
        const hint = actual !== undefined && values.length > 1 ? suggestion(actual, values) : "";
        const expected =
          values.length === 1 ? `expected ${values[0]}` : `expected one of: ${values.join(" | ")}`;
        const shown = actual !== undefined ? `, found ${JSON.stringify(actual)}` : "";
        at(
          positionOf(loaded, path),
          path,
          hint.startsWith(" (did")
            ? `unknown value "${actual}"${hint}`
            : issue.message.startsWith("Invalid")
              ? `${expected}${shown}`
              : issue.message,
        );
        break;
      }
      case "invalid_union": {
        const message = issue.message === "Invalid input" ? "does not match any allowed form" : issue.message;
        at(positionOf(loaded, path), path, message);
        break;
      }
      case "custom": {
        const offset = (issue.params as { offset?: unknown } | undefined)?.offset;
        const p =
          typeof offset === "number"
            ? positionOfOffset(loaded, offsetInScalar(loaded, path, offset))
            : positionOf(loaded, path, "key");
        at(p, path, issue.message);
        break;
      }
      default:
        at(positionOf(loaded, path, "key"), path, issue.message);
    }
  }
  return out;
}

function scalarText(node: unknown): string | undefined {
  const v = (node as { value?: unknown } | undefined)?.value;
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

function describe(node: unknown): string {
  if (isSeq(node)) return "a list";
  if (isMap(node)) return "a mapping";
  if (!isScalar(node)) return "nothing";
  const v = node.value;
  if (v === null) return "null";
  return typeof v === "string" ? `"${v}"` : String(v);
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  in?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys a strict object at `path` accepts, found by walking the schema alongside the data. */
export function allowedKeys(schema: z.ZodType, path: readonly PathSegment[], data: unknown): string[] {
  let s: z.ZodType | undefined = schema;
  let d: unknown = data;
  const step = (seg: PathSegment | undefined) => {
    for (let guard = 0; s && guard < 20; guard++) {
      const def = defOf(s);
      if (def.innerType) s = def.innerType;
      else if (def.type === "pipe" && def.in) s = def.in;
      else if (def.type === "union" && def.options) {
        const tag = (d as { type?: unknown } | undefined)?.type;
        s =
          def.options.find(
            (o) =>
              defOf(o).shape?.type &&
              (defOf(defOf(o).shape?.type as z.ZodType) as { values?: unknown[] }).values?.includes(tag),
          ) ?? def.options[0];
      } else break;
    }
    if (seg === undefined || !s) return;
    const def = defOf(s);
    if (def.type === "object" && typeof seg === "string") s = def.shape?.[seg];
    else if (def.type === "array") s = def.element;
    else if (def.type === "record") s = def.valueType;
    else s = undefined;
    d = (d as Record<string | number, unknown> | undefined)?.[seg];
  };
  for (const seg of path) step(seg);
  step(undefined);
  return s && defOf(s).type === "object" ? Object.keys(defOf(s).shape ?? {}) : [];
}
