import { formatDuration } from "../units/duration.js";
import { parseQuantity } from "../units/quantity.js";
import type { LeverValue } from "../values/value.js";

const NANO = 1_000_000_000n;
const MILLI_NANOS = 1_000_000n;
const BINARY: ReadonlyArray<[string, bigint]> = [
  ["Ei", 1n << 60n],
  ["Pi", 1n << 50n],
  ["Ti", 1n << 40n],
  ["Gi", 1n << 30n],
  ["Mi", 1n << 20n],
  ["Ki", 1n << 10n],
];
const DECIMAL: ReadonlyArray<[string, bigint]> = [
  ["E", 10n ** 18n],
  ["P", 10n ** 15n],
  ["T", 10n ** 12n],
  ["G", 10n ** 9n],
  ["M", 10n ** 6n],
  ["k", 10n ** 3n],
];

/** Rounds up, as Kubernetes does when a quantity is finer than a resource's granularity. */
const ceilDiv = (a: bigint, b: bigint) => (a >= 0n ? (a + b - 1n) / b : a / b);

/**
 * The text of `value` written the way `original` (the current text of the value, unquoted)
 * is written: millicores stay millicores, whole cores stay cores, binary suffixes stay binary.
 * `original` undefined means a new field: Kubernetes' canonical style.
 */
export function formatLike(original: string | undefined, value: LeverValue): string {
  switch (value.type) {
    case "cpu":
      return formatCpu(original, value.quantity.nanos);
    case "memory":
      return formatMemory(original, value.quantity.nanos);
    case "integer":
      return value.integer.toString();
    case "number":
      return formatNumber(original, value.number);
    case "duration":
      return formatDuration(value.ms);
    case "boolean":
      return String(value.boolean);
  }
}

function formatCpu(original: string | undefined, nanos: bigint): string {
  const millis = ceilDiv(nanos, MILLI_NANOS);
  const q = original === undefined ? undefined : parseQuantity(original);
  const style = !q?.ok
    ? "canonical"
    : q.value.suffix === "m"
      ? "millicores"
      : q.value.suffix === "" && original?.includes(".")
        ? "decimal"
        : q.value.suffix === ""
          ? "cores"
          : "millicores";
  if (style === "millicores") return `${millis}m`;
  if (style === "decimal") return decimal(millis, 3);
  return millis % 1000n === 0n ? `${millis / 1000n}` : `${millis}m`;
}

function formatMemory(original: string | undefined, nanos: bigint): string {
  const q = original === undefined ? undefined : parseQuantity(original);
  if (q?.ok && q.value.suffix === "m") return `${ceilDiv(nanos, MILLI_NANOS)}m`;
  const bytes = ceilDiv(nanos, NANO);
  if (q?.ok && q.value.form === "exponent") {
    const e = BigInt(q.value.suffix.slice(1));
    const unit = 10n ** (e < 0n ? 0n : e);
    return bytes % unit === 0n ? `${bytes / unit}${q.value.suffix}` : `${bytes}`;
  }
  const units = !q?.ok || q.value.form === "binary" ? BINARY : q.value.suffix === "" ? [] : DECIMAL;
  for (const [suffix, size] of units)
    if (bytes !== 0n && bytes % size === 0n) return `${bytes / size}${suffix}`;
  return `${bytes}`;
}

function formatNumber(original: string | undefined, n: number): string {
  const text = String(n);
  // Keep a decimal-looking value decimal-looking (0.5 → 1.0, not 1), so a float stays a float.
  if (original?.includes(".") && Number.isInteger(n) && !text.includes("e")) return `${text}.0`;
  return text;
}

function decimal(millis: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const whole = millis / scale;
  const frac = (millis % scale).toString().padStart(places, "0").replace(/0+$/, "");
  return frac === "" ? `${whole}` : `${whole}.${frac}`;
}
