import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WatchedGuardrail } from "../../../src/core/engine/decision.js";
import { effectReport, evaluateGuardrail, judge } from "../../../src/core/engine/verdict.js";
import type { SignalData } from "../../../src/core/signals/source.js";
import { mannWhitneyGreater } from "../../../src/core/stats/mann-whitney.js";

const series = (values: readonly number[]): SignalData => ({
  status: "ok",
  samples: values.map((v, i) => ({ t: i * 60_000, v })),
  warnings: [],
  dropped: 0,
});
const MISSING: SignalData = {
  status: "missing",
  kind: "empty",
  reason: "no data: the query matched no series",
  warnings: [],
};
const abs: WatchedGuardrail = { name: "errors", query: "q", max: 0.01, source: "repo" };
const rel: WatchedGuardrail = { name: "p99", query: "q", maxIncrease: 0.2, source: "policy" };
/** Deterministic noise in [-1, 1]. */
const noise = (i: number, seed = 1) =>
  Math.sin(i * 12.9898 + seed * 78.233) * 0.5 + Math.sin(i * 4.1 + seed) * 0.5;

describe("absolute guardrails", () => {
  it("one spike is not a breach", () => {
    expect(
      evaluateGuardrail({ guardrail: abs, window: series([0, 0.02, 0, 0, 0.005]), baseline: MISSING }),
    ).toMatchObject({ ok: true, observed: "max 0.02" });
  });
  it("two consecutive evaluations over the limit are", () => {
    expect(
      evaluateGuardrail({ guardrail: abs, window: series([0, 0.02, 0.03, 0]), baseline: MISSING }),
    ).toMatchObject({ ok: false, detail: "beyond max 0.01 on 2+ consecutive evaluations" });
  });
  it("a breach the change eased is not the change's doing: reverting it would restore the worse state", () => {
    const r = evaluateGuardrail({
      guardrail: abs,
      window: series([0.02, 0.03, 0.02]),
      baseline: series([0.08, 0.09, 0.08]),
    });
    expect(r.ok).toBe(true);
    expect(r.observed).toBe("max 0.03, already beyond it before the change (median 0.08 → 0.02)");
  });
  it("a breach that was there before and got worse still fails", () => {
    const r = evaluateGuardrail({
      guardrail: abs,
      window: series([0.05, 0.06, 0.05]),
      baseline: series([0.02, 0.03, 0.02]),
    });
    expect(r).toMatchObject({
      ok: false,
      detail: "beyond max 0.01 on 2+ consecutive evaluations, and worse than before the change",
    });
  });
  it("a minimum", () => {
    expect(
      evaluateGuardrail({
        guardrail: { name: "rps", query: "q", min: 10, source: "repo" },
        window: series([12, 9, 8, 11]),
        baseline: MISSING,
      }),
    ).toMatchObject({ ok: false });
  });
  it("missing data is not a pass", () => {
    expect(evaluateGuardrail({ guardrail: abs, window: MISSING, baseline: MISSING })).toMatchObject({
      ok: undefined,
      detail: "no data in the watch window: no data: the query matched no series",
    });
  });
});

describe("relative guardrails", () => {
  const before = Array.from({ length: 30 }, (_, i) => 0.2 + 0.01 * noise(i));
  it("a real +30% regression fails", () => {
    const after = Array.from({ length: 30 }, (_, i) => 0.26 + 0.01 * noise(i, 2));
    const r = evaluateGuardrail({ guardrail: rel, window: series(after), baseline: series(before) });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^increase of 30\.\d+% is over \+20% and significant/);
  });
  it.each([
    [
      "a +30% increase that stays within a stepping policy's SLO is the trade a step down asks for",
      0.3,
      true,
    ],
    ["a +30% increase past the SLO is still a regression", 0.25, false],
  ])("%s", (_, withinSlo, ok) => {
    const after = Array.from({ length: 30 }, (_, i) => 0.26 + 0.01 * noise(i, 2));
    const r = evaluateGuardrail({
      guardrail: { ...rel, withinSlo },
      window: series(after),
      baseline: series(before),
    });
    expect(r.ok).toBe(ok);
    expect(r.limit).toBe(`+20% over baseline unless within the SLO (≤ ${withinSlo})`);
  });
  it("a significant but small increase passes (under the limit)", () => {
    const after = Array.from({ length: 30 }, (_, i) => 0.22 + 0.01 * noise(i, 2));
    expect(evaluateGuardrail({ guardrail: rel, window: series(after), baseline: series(before) }).ok).toBe(
      true,
    );
  });
  it("a large but noisy, insignificant difference passes", () => {
    const wide = Array.from({ length: 10 }, (_, i) => 0.2 + 0.2 * noise(i, 3));
    const after = Array.from({ length: 10 }, (_, i) => 0.25 + 0.2 * noise(i, 4));
    expect(evaluateGuardrail({ guardrail: rel, window: series(after), baseline: series(wide) }).ok).toBe(
      true,
    );
  });
  it("too few samples for the test is inconclusive", () => {
    expect(
      evaluateGuardrail({ guardrail: rel, window: series([1, 2, 3]), baseline: series(before) }),
    ).toMatchObject({
      ok: undefined,
      detail: "too few samples for the test (3 after, 30 before; at least 8 each)",
    });
  });
  it("no baseline is inconclusive", () => {
    expect(
      evaluateGuardrail({ guardrail: rel, window: series(before), baseline: MISSING }).ok,
    ).toBeUndefined();
  });
});

describe("verdicts", () => {
  it("any breach fails; otherwise anything unknown is inconclusive; only all-held passes", () => {
    const held = { name: "a", ok: true, observed: "", limit: "", detail: "" };
    const breached = { ...held, ok: false };
    const unknown = { ...held, ok: undefined };
    expect(judge([held, unknown, breached], "").verdict).toBe("fail");
    expect(judge([held, unknown], "").verdict).toBe("inconclusive");
    expect(judge([held, held], "").verdict).toBe("pass");
  });

  it("missing data never passes (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
        fc.boolean(),
        (values, missingWindow) => {
          const results = [
            evaluateGuardrail({
              guardrail: rel,
              window: missingWindow ? MISSING : series(values),
              baseline: MISSING,
            }),
          ];
          expect(judge(results, "").verdict).not.toBe("pass");
        },
      ),
    );
  });

  it("reports the effect against the hypothesis", () => {
    const h = {
      signal: "throttling",
      query: "q",
      expect: "below" as const,
      value: 0.05,
      window: "30m",
      baseline: 0.12,
      statement: "throttling (now 0.12) stays below 0.05 within 30m of the change being applied",
    };
    expect(effectReport(h, series([0.02, 0.03]))).toBe(
      "throttling averaged 0.025 in the window (from 0.12, -79.17%); expected: throttling (now 0.12) stays below 0.05 within 30m of the change being applied — as expected",
    );
    expect(effectReport(h, MISSING)).toMatch(/^throttling: no data in the window/);
  });
});

describe("Mann-Whitney U", () => {
  it("matches a textbook example (one-sided, normal approximation)", () => {
    const before = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const after = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const t = mannWhitneyGreater(before, after);
    expect(t?.u).toBe(23);
    expect(t?.p).toBeGreaterThan(0.9); // after is *smaller*: no evidence of an increase
    const reverse = mannWhitneyGreater(after, before);
    expect(reverse?.u).toBe(58);
    expect(reverse?.p).toBeCloseTo(0.0665, 3); // R: wilcox.test(x, y, alternative = "greater") gives W = 58, p = 0.0665 (two-sided 0.1329)
  });
});
