import { err, ok, type Result } from "../result.js";

/**
 * A Kubernetes resource quantity held exactly, as an integer number of nano-units
 * (Kubernetes itself rounds anything finer than 1n up), so `0.1` and `100m` are equal
 * and no float drift ever reaches a manifest.
 */
export interface Quantity {
  readonly nanos: bigint;
  /** How the author wrote it, so a new value can be written in the same style. */
  readonly suffix: string;
  readonly form: "binary" | "decimal" | "exponent";
}

const NANO = 10n ** 9n;

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};

/** Decimal SI suffixes as powers of ten. */
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const GRAMMAR = /^([+-]?)(\d+\.?\d*|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

export const QUANTITY_HINT = "e.g. 250m, 0.5, 2, 512Mi or 1Gi";

/** Parses a Kubernetes quantity ("250m", "1.5Gi", "1e9", 2) exactly. */
export function parseQuantity(input: string | number): Result<Quantity> {
  const text = typeof input === "number" ? numberText(input) : input.trim();
  if (text === undefined) return err(`${String(input)} is not a finite number (${QUANTITY_HINT})`);
  const m = GRAMMAR.exec(text);
  if (!m) return err(`"${String(input)}" is not a Kubernetes quantity (${QUANTITY_HINT})`);
  const [, sign = "", number = "", suffix, exponent] = m;
  const [whole = "", fraction = ""] = number.split(".");
  const digits = BigInt(`${whole}${fraction}` || "0");
  let scale10 = -fraction.length;
  let multiplier = 1n;
  let form: Quantity["form"] = "decimal";
  let written = "";
  if (exponent !== undefined) {
    const e = Number(exponent);
    if (Math.abs(e) > 100) return err(`"${String(input)}" has an exponent out of range`);
    scale10 += e;
    form = "exponent";
    written = `e${exponent}`;
  } else if (suffix !== undefined && suffix in BINARY) {
    multiplier = BINARY[suffix] ?? 1n;
    form = "binary";
    written = suffix;
  } else {
    scale10 += DECIMAL[suffix ?? ""] ?? 0;
    written = suffix ?? "";
  }
  let nanos = digits * multiplier;
  const shift = scale10 + 9;
  if (shift >= 0) nanos *= 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    nanos = (nanos + div - 1n) / div; // Kubernetes rounds up to the nearest nano-unit
  }
  return ok({ nanos: sign === "-" ? -nanos : nanos, suffix: written, form });
}

function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  // String(1e21) is "1e+21", which the grammar accepts; String(0.1) is exact decimal text.
  return String(n);
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** Whole units (cores, bytes) as a float, for display and statistics only — never for writing. */
export function quantityToNumber(q: Quantity): number {
  return Number(q.nanos / NANO) + Number(q.nanos % NANO) / 1e9;
}
