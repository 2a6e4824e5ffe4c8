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
  const units = !q?.ok || q.value.form === "binary" ? BINARY : q.value.suffix === "" ? [] : DECIMAL;
  const own = units.find(([suffix]) => q?.ok && suffix === q.value.suffix);
  // An author who writes fractions of a unit (0.5Gi) gets fractions of that unit back.
  if (own && original?.includes(".")) {
    const f = fractionOf(nanos, own[1], 3);
    if (f !== undefined) return `${f}${own[0]}`;
  }
  const whole = nanos % NANO === 0n;
  const bytes = nanos / NANO;
  if (whole && q?.ok && q.value.form === "exponent") {
    const e = BigInt(q.value.suffix.slice(1));
    const unit = 10n ** (e < 0n ? 0n : e);
    if (bytes % unit === 0n) return `${bytes / unit}${q.value.suffix}`;
  }
  if (whole) {
    for (const [suffix, size] of units)
      if (bytes !== 0n && bytes % size === 0n) return `${bytes / size}${suffix}`;
    return `${bytes}`;
  }
  // Not whole bytes (0.1Gi is 107374182.4): written exactly, never rounded, so it reads back as asked.
  for (const [suffix, size] of own ? [own, ...units] : units) {
    const f = fractionOf(nanos, size, 3);
    if (f !== undefined) return `${f}${suffix}`;
  }
  return fractionOf(nanos, 1n, 9) ?? `${ceilDiv(nanos, NANO)}`;
}

/** `nanos` as a decimal number of `size`-byte units with at most `places` decimals, when that is exact. */
function fractionOf(nanos: bigint, size: bigint, places: number): string | undefined {
  const unit = size * NANO;
  for (let p = 0; p <= places; p++) {
    const scaled = nanos * 10n ** BigInt(p);
    if (scaled % unit === 0n) {
      const n = scaled / unit;
      const scale = 10n ** BigInt(p);
      return p === 0 ? `${n}` : `${n / scale}.${(n % scale).toString().padStart(p, "0")}`;
    }
  }
  return undefined;
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
