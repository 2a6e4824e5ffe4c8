import { type Document, parseDocument, Scalar } from "yaml";
import { compareValues, type LeverValue, parseValue } from "../values/value.js";
import { MAX_ALIAS_COUNT } from "../yaml/load.js";
import type { LeverReading } from "./edit.js";
import { parseEnvValue } from "./env-units.js";
import type { Located } from "./parsed-file.js";

/** Plain tokens Governor writes: digits, letters, dots and signs — never an indicator, a space or a quote. */
const SAFE_PLAIN = /^[+-]?[0-9A-Za-z.]+$/;

export function verifyToken(
  written: string,
  node: Scalar,
  value: LeverValue,
  env = false,
): string | undefined {
  // A plain value may become a double-quoted one (a string that must stay a string), of the same safe alphabet.
  const token = node.type === Scalar.PLAIN && /^"[^"\\]*"$/.test(written) ? written.slice(1, -1) : written;
  if (node.type === Scalar.PLAIN && !SAFE_PLAIN.test(token))
    return `refusing to write ${JSON.stringify(written)} as a plain value`;
  const alone = parseDocument(written);
  const raw = alone.errors.length === 0 ? (alone.contents as Scalar | null)?.value : undefined;
  const back =
    typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean"
      ? (env ? parseEnvValue : parseValue)(value.type, typeof raw === "number" ? written : raw)
      : undefined;
  if (!back?.ok || compareValues(back.value, value) !== 0)
    return `refusing to write ${written}: it would not read back as the value asked for, so nothing was written; write the value in another unit (e.g. 512Mi, 250m) or edit this line by hand`;
  return undefined;
}

/** Checks an inserted field read back from the new text: the value is there, and every other value unchanged. */
export function verifyInsertion(
  docsAfter: readonly Document.Parsed[] | undefined,
  reread: LeverReading | undefined,
  located: Located,
  value: LeverValue,
): string | undefined {
  const internal = (why: string) =>
    `refusing to write: the inserted field would ${why}, so nothing was written; add the field by hand, then Governor can edit it in place`;
  if (!docsAfter || !reread?.present || !reread.value) return internal("not read back");
  if (compareValues(reread.value, value) !== 0) return internal(`read back as ${reread.text}`);
  if (docsAfter.length !== located.docs.length) return internal("change the documents");
  for (let i = 0; i < docsAfter.length; i++) {
    const a = toData(located.docs[i]);
    const b = toData(docsAfter[i]);
    if (!a.ok || !b.ok)
      return "refusing to write, the file's aliases expand too much to check the edit: write the values out instead of nesting aliases";
    if (i === located.location.docIndex) {
      if (!equalExcept(a.data, b.data, located.location.path)) return internal("change other values");
    } else if (JSON.stringify(a.data) !== JSON.stringify(b.data)) return internal("change another document");
  }
  return undefined;
}

/** A document's data; yaml throws on an alias bomb, which must be a refusal, not a crash. */
function toData(doc: Document.Parsed | undefined): { ok: true; data: unknown } | { ok: false } {
  try {
    return { ok: true, data: doc?.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch {
    return { ok: false };
  }
}

function equalExcept(a: unknown, b: unknown, path: readonly (string | number)[]): boolean {
  // Past the edited value, or where the edit created keys, anything may differ.
  if (path.length === 0 || a === undefined || a === null) return true;
  if (typeof a !== "object" || typeof b !== "object" || b === null) return false;
  const [head, ...rest] = path;
  const ka = Object.keys(a as object).filter((k) => k !== String(head));
  const kb = Object.keys(b as object).filter((k) => k !== String(head));
  if (ka.length !== kb.length) return false;
  for (const k of ka)
    if (
      JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((b as Record<string, unknown>)[k])
    )
      return false;
  return equalExcept(
    (a as Record<string, unknown>)[String(head)],
    (b as Record<string, unknown>)[String(head)],
    rest,
  );
}
