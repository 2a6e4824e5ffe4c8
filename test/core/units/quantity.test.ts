import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareQuantities, parseQuantity } from "../../../src/core/units/quantity.js";

const nanos = (q: string | number) => {
  const r = parseQuantity(q);
  if (!r.ok) throw new Error(r.error);
  return r.value.nanos;
};

describe("parseQuantity", () => {
  it.each<[string | number, bigint]>([
    ["250m", 250_000_000n],
    ["0.5", 500_000_000n],
    ["1", 1_000_000_000n],
    [2, 2_000_000_000n],
    ["512Mi", 512n * 2n ** 20n * 10n ** 9n],
    ["1Gi", 2n ** 30n * 10n ** 9n],
    ["1G", 10n ** 18n],
    ["536870912", 536_870_912n * 10n ** 9n],
    ["1e9", 10n ** 18n],
    ["128974848000m", 128_974_848n * 10n ** 9n],
    ["1.5Gi", 3n * 2n ** 29n * 10n ** 9n],
    [".5", 500_000_000n],
    ["100n", 100n],
    ["1u", 1000n],
  ])("%j", (text, expected) => {
    expect(nanos(text)).toBe(expected);
  });

  it("compares exactly across spellings", () => {
    expect(nanos("0.1")).toBe(nanos("100m"));
    expect(nanos("1000m")).toBe(nanos("1"));
    expect(nanos(1)).toBe(nanos("1"));
    expect(nanos("1Ki")).toBe(nanos("1024"));
  });

  it("rounds finer than a nano-unit up, as Kubernetes does", () => {
    expect(nanos("0.0000000001")).toBe(1n);
  });

  it("remembers the author's style", () => {
    expect(parseQuantity("768Mi")).toMatchObject({ ok: true, value: { suffix: "Mi", form: "binary" } });
    expect(parseQuantity("500m")).toMatchObject({ ok: true, value: { suffix: "m", form: "decimal" } });
    expect(parseQuantity("1e9")).toMatchObject({ ok: true, value: { suffix: "e9", form: "exponent" } });
  });

  it.each(["", "abc", "1Mb", "1.2.3", "m", "1 Gi", "Infinity", "1e999"])("refuses %j", (text) => {
    expect(parseQuantity(text).ok).toBe(false);
  });

  it("refuses non-finite numbers", () => {
    expect(parseQuantity(Number.NaN).ok).toBe(false);
    expect(parseQuantity(Number.POSITIVE_INFINITY).ok).toBe(false);
  });

  it("orders millicores like numbers (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (a, b) => {
          const qa = parseQuantity(`${a}m`);
          const qb = parseQuantity(`${b}m`);
          if (!qa.ok || !qb.ok) return false;
          return compareQuantities(qa.value, qb.value) === Math.sign(a - b);
        },
      ),
    );
  });

  it("reads a decimal the same as its millicores (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (m) => {
        const decimal = (m / 1000).toFixed(3);
        return nanos(decimal) === nanos(`${m}m`);
      }),
    );
  });
});
