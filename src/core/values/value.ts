import { err, ok, type Result } from "../result.js";
import { parseDuration } from "../units/duration.js";
import { parseQuantity, type Quantity } from "../units/quantity.js";

/**
 * A lever's value, parsed exactly according to its policy's value type. Booleans are values the
 * lever editor can read and write (feature flags in Helm values), though no strategy tunes them.
 */
export type LeverValue =
  | { readonly type: "cpu" | "memory"; readonly quantity: Quantity }
  | { readonly type: "integer"; readonly integer: bigint }
  | { readonly type: "number"; readonly number: number }
  | { readonly type: "duration"; readonly ms: number }
  | { readonly type: "boolean"; readonly boolean: boolean };

export type EditableType = LeverValue["type"];

export function parseValue(type: EditableType, raw: string | number | boolean): Result<LeverValue> {
  if (typeof raw === "boolean") {
    return type === "boolean" ? ok({ type, boolean: raw }) : err(`${raw} is a boolean, not a ${type} value`);
  }
  switch (type) {
    case "boolean": {
      const text = String(raw).trim();
      if (text === "true" || text === "false") return ok({ type, boolean: text === "true" });
      return err(`${JSON.stringify(raw)} is not a boolean (true or false)`);
    }
    case "cpu":
    case "memory": {
      const q = parseQuantity(raw);
      if (!q.ok) return q;
      if (q.value.nanos < 0n) return err(`${JSON.stringify(raw)} is negative; a ${type} value is at least 0`);
      return ok({ type, quantity: q.value });
    }
    case "integer": {
      const text = typeof raw === "number" ? String(raw) : raw.trim();
      if (!/^[+-]?\d+$/.test(text)) return err(`${JSON.stringify(raw)} is not an integer`);
      return ok({ type, integer: BigInt(text) });
    }
    case "number": {
      const n = typeof raw === "number" ? raw : raw.trim() === "" ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) return err(`${JSON.stringify(raw)} is not a number`);
      return ok({ type, number: n });
    }
    case "duration": {
      if (typeof raw === "number")
        return err(`${raw} is not a duration: write it with a unit, such as "${raw}s"`);
      const d = parseDuration(raw);
      return d.ok ? ok({ type, ms: d.value }) : d;
    }
  }
}

/** Orders two values of the same type exactly (no float conversion for quantities and integers). */
export function compareValues(a: LeverValue, b: LeverValue): number {
  const sign = (x: bigint | number) => (x < 0 ? -1 : x > 0 ? 1 : 0);
  if ((a.type === "cpu" || a.type === "memory") && (b.type === "cpu" || b.type === "memory")) {
    return sign(a.quantity.nanos - b.quantity.nanos);
  }
  if (a.type === "integer" && b.type === "integer") return sign(a.integer - b.integer);
  if (a.type === "number" && b.type === "number") return sign(a.number - b.number);
  if (a.type === "duration" && b.type === "duration") return sign(a.ms - b.ms);
  if (a.type === "boolean" && b.type === "boolean") return sign(Number(a.boolean) - Number(b.boolean));
  throw new TypeError(`cannot compare a ${a.type} value with a ${b.type} value`);
}

const CPU = /(^|\.)resources\.(requests|limits)\.cpu$/;
const MEMORY = /(^|\.)resources\.(requests|limits)\.memory$/;
const INTEGER =
  /^(replicas|minReplicas|maxReplicas|parallelism|completions|metrics\.[a-zA-Z-]+\.averageUtilization)$/;

/** The value type a well-known Kubernetes field must hold, when the field tells. */
export function fieldValueType(field: string): EditableType | undefined {
  if (CPU.test(field)) return "cpu";
  if (MEMORY.test(field)) return "memory";
  if (INTEGER.test(field)) return "integer";
  return undefined;
}
