import type { LeverTarget } from "../../../src/core/config/repo-schema.js";
import { readLever, writeLever } from "../../../src/core/levers/edit.js";
import { type EditableType, type LeverValue, parseValue } from "../../../src/core/values/value.js";

export const value = (type: EditableType, raw: string | number | boolean): LeverValue => {
  const v = parseValue(type, raw);
  if (!v.ok) throw new Error(v.error);
  return v.value;
};

/** Writes and returns the new text, failing the test with the refusal when there is one. */
export function write(
  text: string,
  target: Omit<LeverTarget, "file">,
  type: EditableType,
  raw: string | number | boolean,
): string {
  const r = writeLever(text, { file: "f.yaml", ...target }, "f.yaml", value(type, raw));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.text;
}

/** The refusal message of a write that must fail; the text must come back untouched. */
export function refusal(
  text: string,
  target: Omit<LeverTarget, "file">,
  type: EditableType,
  raw: string | number | boolean,
): string {
  const r = writeLever(text, { file: "f.yaml", ...target }, "f.yaml", value(type, raw));
  if (r.ok) throw new Error(`expected a refusal, got:\n${r.value.text}`);
  return r.error.message;
}

export function read(text: string, target: Omit<LeverTarget, "file">, type?: EditableType): string {
  const r = readLever(text, { file: "f.yaml", ...target }, "f.yaml", type);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.present ? r.value.text : "(not set)";
}

/** Lines that differ between two texts of the same line count, as [lineNumber, before, after]. */
export function changedLines(before: string, after: string): Array<[number, string, string]> {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) throw new Error(`line count changed: ${a.length} → ${b.length}`);
  return a.flatMap((line, i) =>
    line === b[i] ? [] : [[i + 1, line, b[i] ?? ""] as [number, string, string]],
  );
}
