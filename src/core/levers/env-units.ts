import type { LeverTarget } from "../config/repo-schema.js";
import { ok, type Result } from "../result.js";
import { formatJvmSize, isJvmSize, parseJvmSize } from "../units/jvm.js";
import { type EditableType, type LeverValue, parseValue } from "../values/value.js";
import { formatLike } from "./format.js";

/** A container env var: its value is a string for the API, and its sizes may be JVM-style. */
export const isEnvTarget = (target: LeverTarget): boolean => target.field?.startsWith("env.") === true;

/**
 * A value as read from an env var: a memory size written JVM-style (512M, 2g) is binary, as the
 * JVM reads it (1.5G too, as 1.5 GiB); anything else is read as everywhere else (512Mi, 1Gi, plain bytes).
 */
export function parseEnvValue(type: EditableType, raw: string | number | boolean): Result<LeverValue> {
  if (type === "memory" && typeof raw === "string") {
    const q = parseJvmSize(raw);
    if (q) return q.ok ? ok({ type, quantity: q.value }) : q;
  }
  return parseValue(type, raw);
}

/** The new text in the author's unit family: JVM-style stays JVM-style, Kubernetes-style stays so. */
export function formatEnvLike(original: string | undefined, value: LeverValue): string {
  if (value.type === "memory" && original !== undefined && isJvmSize(original))
    return formatJvmSize(original, value.quantity.nanos) ?? formatLike(original, value);
  return formatLike(original, value);
}
