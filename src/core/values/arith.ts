import type { LeverValue } from "./value.js";

const NANO = 1e9;
const MI = 1024 * 1024;

/** A value as a float in its natural unit (cores, bytes, count, seconds), for ratios and statistics only. */
export function magnitude(v: LeverValue): number {
  switch (v.type) {
    case "cpu":
    case "memory":
      return Number(v.quantity.nanos) / NANO;
    case "integer":
      return Number(v.integer);
    case "number":
      return v.number;
    case "duration":
      return v.ms / 1000;
    case "boolean":
      return v.boolean ? 1 : 0;
  }
}

export type Rounding = "up" | "down";

const round = (x: number, mode: Rounding) => (mode === "up" ? Math.ceil(x - 1e-9) : Math.floor(x + 1e-9));

/**
 * A value of `type` from a float, on the type's granularity (CPU 1m, memory 1Mi, integers 1,
 * durations 1s), rounded in the given direction — up for sizes, so headroom is never lost.
 */
export function fromMagnitude(type: LeverValue["type"], x: number, mode: Rounding = "up"): LeverValue {
  switch (type) {
    case "cpu": {
      const m = round(x * 1000, mode);
      return { type, quantity: { nanos: BigInt(m) * 1_000_000n, suffix: "m", form: "decimal" } };
    }
    case "memory": {
      const mi = round(x / MI, mode);
      return {
        type,
        quantity: { nanos: BigInt(mi) * BigInt(MI) * 1_000_000_000n, suffix: "Mi", form: "binary" },
      };
    }
    case "integer":
      return { type, integer: BigInt(round(x, mode)) };
    case "number":
      return { type, number: Number(x.toPrecision(6)) };
    case "duration":
      return { type, ms: round(x, mode) * 1000 };
    case "boolean":
      return { type, boolean: x >= 0.5 };
  }
}

/** `v` moved by `step` (same type) upwards or downwards, exactly. */
export function addStep(v: LeverValue, step: LeverValue, sign: 1 | -1): LeverValue {
  if ((v.type === "cpu" || v.type === "memory") && (step.type === "cpu" || step.type === "memory")) {
    return {
      ...v,
      quantity: { ...v.quantity, nanos: v.quantity.nanos + BigInt(sign) * step.quantity.nanos },
    };
  }
  if (v.type === "integer" && step.type === "integer")
    return { type: "integer", integer: v.integer + BigInt(sign) * step.integer };
  if (v.type === "duration" && step.type === "duration")
    return { type: "duration", ms: v.ms + sign * step.ms };
  if (v.type === "number" && step.type === "number")
    return { type: "number", number: Number((v.number + sign * step.number).toPrecision(12)) };
  return v;
}
