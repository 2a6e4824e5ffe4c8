import type { Quantity } from "./quantity.js";

/**
 * JVM-style sizes, as an env var hands them to `-Xmx` (Cassandra's MAX_HEAP_SIZE=512M,
 * JAVA_OPTS' 2g): a whole number and one letter K, M, G or T, either case, and binary —
 * 512M is 512 MiB for the JVM, not Kubernetes' 512 000 000 bytes (and 512m is not milli-bytes).
 */
const JVM = /^(\d+)([KkMmGgTt])$/;
const SHIFT: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n };
const NANO = 1_000_000_000n;

/** A JVM-style size as an exact quantity, or undefined when `text` is not one. */
export function parseJvmSize(text: string): Quantity | undefined {
  const m = JVM.exec(text.trim());
  if (!m) return undefined;
  const [, digits = "0", unit = "M"] = m;
  const shift = SHIFT[unit.toLowerCase()] ?? 0n;
  return { nanos: (BigInt(digits) << shift) * NANO, suffix: unit, form: "binary" };
}

export const isJvmSize = (text: string): boolean => JVM.test(text.trim());

/**
 * `nanos` in the family of `original` (a JVM-style size): the largest of its units that gives a
 * whole number (1 GiB after 512M is 1G, 1.5 GiB is 1536M), in the author's letter case; whole
 * bytes with no suffix when no unit divides it. Undefined when it is not whole bytes.
 */
export function formatJvmSize(original: string, nanos: bigint): string | undefined {
  if (nanos % NANO !== 0n || nanos < 0n) return undefined;
  const bytes = nanos / NANO;
  const letter = JVM.exec(original.trim())?.[2] ?? "M";
  const lower = letter === letter.toLowerCase();
  for (const unit of ["t", "g", "m", "k"]) {
    const size = 1n << (SHIFT[unit] ?? 0n);
    if (bytes !== 0n && bytes % size === 0n) return `${bytes / size}${lower ? unit : unit.toUpperCase()}`;
  }
  return `${bytes}`;
}
