import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WatchedGuardrail } from "../../../src/core/engine/decision.js";
import {
  effectReport,
  evaluateGuardrail,
  type GuardrailData,
  judge,
} from "../../../src/core/engine/verdict.js";
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
/** Each range asked for exactly the evaluations its series holds (a missing one: 30), one a minute. */
const span = (d: SignalData) => ({
  start: 0,
  end: ((d.status === "ok" ? d.samples.length : 30) - 1) * 60_000,
  step: 60_000,
});
const evaluate = (d: Omit<GuardrailData, "asked">) =>
  evaluateGuardrail({ ...d, asked: { window: span(d.window), baseline: span(d.baseline) } });
const abs: WatchedGuardrail = { name: "errors", query: "q", max: 0.01, source: "repo" };
const rel: WatchedGuardrail = { name: "p99", query: "q", maxIncrease: 0.2, source: "policy" };
/** Deterministic noise in [-1, 1]. */
const noise = (i: number, seed = 1) =>
  Math.sin(i * 12.9898 + seed * 78.233) * 0.5 + Math.sin(i * 4.1 + seed) * 0.5;

describe("absolute guardrails", () => {
  it("one spike is not a breach", () => {
    expect(
      evaluate({ guardrail: abs, window: series([0, 0.02, 0, 0, 0.005]), baseline: MISSING }),
    ).toMatchObject({ ok: true, observed: "max 0.02" });
  });
  it("two consecutive evaluations over the limit are", () => {
    expect(evaluate({ guardrail: abs, window: series([0, 0.02, 0.03, 0]), baseline: MISSING })).toMatchObject(
      { ok: false, detail: "beyond max 0.01 on 2+ consecutive evaluations" },
    );
  });
  it("a breach the change eased is not the change's doing: reverting it would restore the worse state", () => {
    const r = evaluate({
      guardrail: abs,
      window: series([0.02, 0.03, 0.02]),
      baseline: series([0.08, 0.09, 0.08]),
    });
    expect(r.ok).toBe(true);
    expect(r.observed).toBe("max 0.03, already beyond it before the change (median 0.08 → 0.02)");
  });
  it("a breach that was there before and got worse still fails", () => {
    const r = evaluate({
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
      evaluate({
        guardrail: { name: "rps", query: "q", min: 10, source: "repo" },
        window: series([12, 9, 8, 11]),
        baseline: MISSING,
      }),
    ).toMatchObject({ ok: false });
  });
  it("missing data is not a pass", () => {
    expect(evaluate({ guardrail: abs, window: MISSING, baseline: MISSING })).toMatchObject({
      ok: undefined,
      detail: "no data in the watch window: no data: the query matched no series",
    });
  });
});

describe("relative guardrails", () => {
  const before = Array.from({ length: 30 }, (_, i) => 0.2 + 0.01 * noise(i));
  it("a real +30% regression fails", () => {
    const after = Array.from({ length: 30 }, (_, i) => 0.26 + 0.01 * noise(i, 2));
    const r = evaluate({ guardrail: rel, window: series(after), baseline: series(before) });
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
    const r = evaluate({
      guardrail: { ...rel, withinSlo },
      window: series(after),
      baseline: series(before),
    });
    expect(r.ok).toBe(ok);
    expect(r.limit).toBe(`+20% over baseline unless within the SLO (≤ ${withinSlo})`);
  });
  it("a significant but small increase passes (under the limit)", () => {
    const after = Array.from({ length: 30 }, (_, i) => 0.22 + 0.01 * noise(i, 2));
    expect(evaluate({ guardrail: rel, window: series(after), baseline: series(before) }).ok).toBe(true);
  });
  it("a large but noisy, insignificant difference passes", () => {
    const wide = Array.from({ length: 10 }, (_, i) => 0.2 + 0.2 * noise(i, 3));
    const after = Array.from({ length: 10 }, (_, i) => 0.25 + 0.2 * noise(i, 4));
    expect(evaluate({ guardrail: rel, window: series(after), baseline: series(wide) }).ok).toBe(true);
  });
  it("too few samples for the test is inconclusive", () => {
    expect(evaluate({ guardrail: rel, window: series([1, 2, 3]), baseline: series(before) })).toMatchObject({
      ok: undefined,
      detail: "too few samples for the test (3 after, 30 before; at least 8 each)",
    });
  });
  it("no baseline is inconclusive", () => {
    expect(evaluate({ guardrail: rel, window: series(before), baseline: MISSING }).ok).toBeUndefined();
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
            evaluate({
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
    // (0.1 + 0.2) / 2 is 0.15000000000000002: float noise is +0%, never "+1.85e-14%".
    expect(effectReport({ ...h, baseline: 0.15 }, series([0.1, 0.2]))).toContain(
      "averaged 0.15 in the window (from 0.15, +0%)",
    );
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

describe("missing data and short baselines are never judged on", () => {
  const MIN = 60_000;
  /** 30 evaluations a minute apart before the change (-30m … -1m) and 31 after (0 … 30m). */
  const asked = {
    window: { start: 0, end: 30 * MIN, step: MIN },
    baseline: { start: -30 * MIN, end: -MIN, step: MIN },
  };
  const points = (from: number, values: readonly number[]) =>
    values.map((v, i) => ({ t: from + i * MIN, v }));
  const ok = (samples: ReturnType<typeof points>): SignalData => ({
    status: "ok",
    samples,
    warnings: [],
    dropped: 0,
  });
  const at = (from: number, values: readonly number[]) => ok(points(from, values));
  const regression = Array.from({ length: 31 }, (_, i) => 0.26 + 0.01 * noise(i, 2));
  const steady = (n: number) => Array.from({ length: n }, (_, i) => 0.2 + 0.01 * noise(i));

  it("a relative guardrail against 10 min of a 30 min baseline is inconclusive, and says so", () => {
    // The last 10 minutes before the change only: enough for the test's 8 samples, not for a baseline.
    const r = evaluateGuardrail({
      guardrail: rel,
      window: at(0, regression),
      baseline: at(-10 * MIN, steady(10)),
      asked,
    });
    expect(r).toMatchObject({
      ok: undefined,
      observed: "baseline 10 min of 30 min",
      detail:
        "the baseline is too short to judge against: 10 min of 30 min before the change (10 evaluations; at least half of them and 8 are needed)",
    });
    expect(judge([r], "").verdict).toBe("inconclusive");
  });
  it("the same regression against a baseline of half the window fails", () => {
    const r = evaluateGuardrail({
      guardrail: rel,
      window: at(0, regression),
      baseline: at(-15 * MIN, steady(15)),
      asked,
    });
    expect(r.ok).toBe(false);
  });
  it("a limit already beyond before the change, in a baseline too short to compare: cannot tell, not 'eased'", () => {
    const r = evaluateGuardrail({
      guardrail: abs,
      window: at(0, Array(31).fill(0.02)),
      baseline: at(-3 * MIN, [0.08, 0.09, 0.08]),
      asked,
    });
    expect(r).toMatchObject({
      ok: undefined,
      detail:
        "the baseline before the change is too short to tell whether the change made it worse (3 min of 30 min; at least half is needed)",
    });
  });
  it("a breach of an absolute limit fails on a short baseline too, and the verdict names the baseline", () => {
    const r = evaluateGuardrail({
      guardrail: abs,
      window: at(0, Array(31).fill(0.05)),
      baseline: at(-MIN, [0.001]),
      asked,
    });
    expect(r).toMatchObject({ ok: false, observed: "max 0.05, baseline 1 min of 30 min" });
  });
  it("a window with data for less than half of its evaluations is not 'held'", () => {
    // Prometheus was down from 5 to 25 minutes after the change.
    const window = ok([...points(0, steady(5)), ...points(26 * MIN, steady(5))]);
    const r = evaluateGuardrail({ guardrail: abs, window, baseline: at(-30 * MIN, steady(30)), asked });
    expect(r).toMatchObject({
      ok: undefined,
      gaps: "no data 1970-01-01T00:05–00:25Z (10 of 31 evaluations hold data)",
      detail:
        "data for only 10 of 31 evaluations in the window (no data 1970-01-01T00:05–00:25Z); at least half are needed to call it held",
    });
  });
  it("over the limit on both sides of an outage is not two consecutive evaluations", () => {
    const window = ok([...points(0, [...steady(15), 0.05]), ...points(20 * MIN, [0.05, ...steady(10)])]);
    const r = evaluateGuardrail({ guardrail: abs, window, baseline: at(-30 * MIN, steady(30)), asked });
    expect(r).toMatchObject({
      ok: true,
      gaps: "no data 1970-01-01T00:16–00:19Z (27 of 31 evaluations hold data)",
    });
  });
});
