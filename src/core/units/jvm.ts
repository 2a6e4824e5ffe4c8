import { err, ok, type Result } from "../result.js";
import type { Quantity } from "./quantity.js";

/**
 * JVM-style sizes, as an env var hands them to `-Xmx` (Cassandra's MAX_HEAP_SIZE=512M,
 * JAVA_OPTS' 2g): a number and one letter K, M, G or T, either case, and binary —
 * 512M is 512 MiB for the JVM, not Kubernetes' 512 000 000 bytes (and 512m is not milli-bytes).
 * A fraction (1.5G, 0.5g) is read in the same binary unit, as the user means it: the JVM itself
 * takes whole numbers only, so it is written back as a whole number of a smaller unit (1536M).
 */
const JVM = /^(\d+)(?:\.(\d+))?([KkMmGgTt])$/;
const SHIFT: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n };
const NANO = 1_000_000_000n;

/**
 * A JVM-style size as an exact quantity; an error when it is one but not whole bytes (1.3K);
 * undefined when `text` is not a JVM-style size at all.
 */
export function parseJvmSize(text: string): Result<Quantity> | undefined {
  const m = JVM.exec(text.trim());
  if (!m) return undefined;
  const [, whole = "0", fraction = "", unit = "M"] = m;
  const shift = SHIFT[unit.toLowerCase()] ?? 0n;
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole) * scale + BigInt(fraction || "0")) << shift;
  if (scaled % scale !== 0n)
    return err(
      `"${text.trim()}" is not a whole number of bytes (${unit} is binary in an env var, 1${unit} = ${1n << shift} bytes): write it as a whole number of a smaller unit or of bytes`,
    );
  return ok({ nanos: (scaled / scale) * NANO, suffix: unit, form: "binary" });
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
  const letter = JVM.exec(original.trim())?.[3] ?? "M";
  const lower = letter === letter.toLowerCase();
  for (const unit of ["t", "g", "m", "k"]) {
    const size = 1n << (SHIFT[unit] ?? 0n);
    if (bytes !== 0n && bytes % size === 0n) return `${bytes / size}${lower ? unit : unit.toUpperCase()}`;
  }
  return `${bytes}`;
}
