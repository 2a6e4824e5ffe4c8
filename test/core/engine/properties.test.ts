import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plan } from "../../../src/core/engine/plan.js";
import { parseQuantity } from "../../../src/core/units/quantity.js";
import { DAY, HOUR, NOW, planInput } from "../../helpers/engine.js";

const file = (cpu: number) =>
  `kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources:\n            requests:\n              cpu: ${cpu}m\n`;
const config = (min: number, max: number, maxStep: number) => `version: 1
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{pod=~"d-.*"}'
    bounds: {min: ${min}m, max: ${max}m}
    maxStep: ${maxStep}
    cooldown: 24h
`;
const millis = (text: string | undefined) => {
  const q = parseQuantity(text ?? "");
  if (!q.ok) throw new Error(`not a quantity: ${text}`);
  return Number(q.value.nanos / 1_000_000n);
};

const scenario = fc.record({
  current: fc.integer({ min: 10, max: 8000 }),
  usage: fc.double({ min: 0, max: 10, noNaN: true }),
  noise: fc.double({ min: 0, max: 0.5, noNaN: true }),
  min: fc.integer({ min: 1, max: 2000 }),
  span: fc.integer({ min: 1, max: 6000 }),
  maxStep: fc.double({ min: 0.05, max: 1, noNaN: true }),
});

const run = (
  s: { current: number; usage: number; noise: number; min: number; span: number; maxStep: number },
  extra: object = {},
) =>
  plan(
    planInput({
      config: config(s.min, s.min + s.span, Number(s.maxStep.toFixed(3))),
      files: { "d.yaml": file(s.current) },
      signals: { usage: (t) => s.usage * (1 + s.noise * Math.sin(t / HOUR)), throttling: () => 0 },
      ...extra,
    }),
  )[0];

describe("safety properties of the engine (fast-check)", () => {
  it("never proposes a value outside the bounds, or beyond maxStep", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const d = run(s);
        if (d?.decision !== "propose") return;
        const to = millis(d.to);
        const max = s.min + s.span;
        const inBounds = to >= s.min && to <= max;
        const wasInBounds = s.current >= s.min && s.current <= max;
        // From outside the bounds, only a move towards them.
        if (wasInBounds) expect(inBounds).toBe(true);
        else
          expect(Math.abs(to - Math.min(max, Math.max(s.min, to)))).toBeLessThanOrEqual(
            Math.abs(s.current - Math.min(max, Math.max(s.min, s.current))),
          );
        const step = Number(s.maxStep.toFixed(3));
        expect(Math.abs(to - s.current)).toBeLessThanOrEqual(s.current * step + 1);
      }),
      { numRuns: 150 },
    );
  });

  it("never proposes twice within a lever's cooldown", () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 48 * 60 }), (s, minutesAgo) => {
        const ledger = {
          changes: [
            {
              decision: "x",
              lever: "cpu",
              policy: "k8s-cpu-request",
              from: "1m",
              to: `${s.current}m`,
              direction: "up" as const,
              proposedAt: NOW - minutesAgo * 60_000,
              state: "applied" as const,
              appliedAt: NOW - minutesAgo * 60_000,
              verdict: "pass" as const,
            },
          ],
          holds: [],
          resumes: [],
        };
        const d = run(s, { ledger });
        if (minutesAgo * 60_000 < DAY) expect(d?.decision).not.toBe("propose");
      }),
      { numRuns: 150 },
    );
  });

  it("never proposes on missing data: gaps over 10% of the lookback, NaN-only, or no series", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.double({ min: 0.11, max: 1, noNaN: true }),
        fc.constantFrom("gap", "empty", "unreachable"),
        (s, gap, kind) => {
          const usage =
            kind === "gap"
              ? (t: number) => (t > NOW - gap * 7 * DAY ? undefined : s.usage)
              : {
                  status: "missing" as const,
                  kind: kind === "empty" ? ("not-finite" as const) : ("unreachable" as const),
                  reason: "x",
                  warnings: [],
                };
          const d = run(s, { signals: { usage, throttling: () => 0 } });
          expect(d?.decision).toBe("blocked");
          expect(d?.checks[0]).toMatchObject({ name: "data", ok: false });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is deterministic: the same input gives the same decisions", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const input = planInput({
          config: config(s.min, s.min + s.span, 0.5),
          files: { "d.yaml": file(s.current) },
          signals: { usage: () => s.usage, throttling: () => 0 },
        });
        expect(JSON.stringify(plan(input), (_, v) => (typeof v === "bigint" ? v.toString() : v))).toBe(
          JSON.stringify(plan(input), (_, v) => (typeof v === "bigint" ? v.toString() : v)),
        );
      }),
      { numRuns: 50 },
    );
  });
});
