import { describe, expect, it } from "vitest";
import type { WatchedGuardrail } from "../../../src/core/engine/decision.js";
import { watchedGuardrails } from "../../../src/core/engine/hypothesis.js";
import { evaluateGuardrail, judge } from "../../../src/core/engine/verdict.js";
import { stageQueries, watchOutcome, watchStage } from "../../../src/core/engine/watch-outcome.js";
import { rangeKey } from "../../../src/core/signals/recording.js";
import type { SignalData } from "../../../src/core/signals/source.js";
import { loadConfigText } from "../../helpers/config.js";
import { HOUR } from "../../helpers/engine.js";

// `harmedBy`: a breach the change's direction cannot cause is not its fault — never a revert.

const MIN = 60_000;
const ok = (from: number, values: readonly number[]): SignalData => ({
  status: "ok",
  samples: values.map((v, i) => ({ t: from + i * MIN, v })),
  warnings: [],
  dropped: 0,
});
const asked = {
  window: { start: 0, end: 30 * MIN, step: MIN },
  baseline: { start: -30 * MIN, end: -MIN, step: MIN },
};
const throttling: WatchedGuardrail = {
  name: "cpu-throttling",
  query: "q",
  max: 0.1,
  harmedBy: "decrease",
  source: "policy",
};
// A spike of throttling in the window (bursty load), none before the change.
const spiky = ok(0, [...Array(10).fill(0.02), 0.31, 0.28, ...Array(19).fill(0.02)]);
const calm = ok(-30 * MIN, Array(30).fill(0.02));

describe("a guardrail's harmedBy", () => {
  it("a breach after a change in the direction that cannot cause it is 'cannot tell', and says why", () => {
    const r = evaluateGuardrail({
      guardrail: throttling,
      window: spiky,
      baseline: calm,
      asked,
      direction: "up",
    });
    expect(r).toMatchObject({
      ok: undefined,
      observed: "max 0.31",
      detail:
        "breached (beyond max 0.1 on 2+ consecutive evaluations), but an increase of the lever cannot cause it (harmedBy: decrease): not reverted",
    });
    expect(judge([r], "").verdict).toBe("inconclusive");
  });
  it("the same breach after a change in the harmful direction fails", () => {
    const r = evaluateGuardrail({
      guardrail: throttling,
      window: spiky,
      baseline: calm,
      asked,
      direction: "down",
    });
    expect(r.ok).toBe(false);
    expect(judge([r], "").verdict).toBe("fail");
  });
  it("without a known direction, or without harmedBy, a breach fails as before", () => {
    expect(evaluateGuardrail({ guardrail: throttling, window: spiky, baseline: calm, asked }).ok).toBe(false);
    const { harmedBy: _, ...plain } = throttling;
    expect(
      evaluateGuardrail({ guardrail: plain, window: spiky, baseline: calm, asked, direction: "up" }).ok,
    ).toBe(false);
  });
  it("harmedBy: increase excuses a breach after a decrease only", () => {
    const g: WatchedGuardrail = { ...throttling, harmedBy: "increase" };
    expect(
      evaluateGuardrail({ guardrail: g, window: spiky, baseline: calm, asked, direction: "down" }).ok,
    ).toBe(undefined);
    expect(
      evaluateGuardrail({ guardrail: g, window: spiky, baseline: calm, asked, direction: "up" }).ok,
    ).toBe(false);
  });
  it("another guardrail's breach still fails the change", () => {
    const errors: WatchedGuardrail = { name: "errors", query: "q", max: 0.01, source: "repo" };
    const a = evaluateGuardrail({
      guardrail: throttling,
      window: spiky,
      baseline: calm,
      asked,
      direction: "up",
    });
    const b = evaluateGuardrail({
      guardrail: errors,
      window: ok(0, Array(31).fill(0.05)),
      baseline: calm,
      asked,
      direction: "up",
    });
    expect(judge([a, b], "").verdict).toBe("fail");
  });
});

const CONFIG = `version: 1
watch: {window: 2h, interval: 5m}
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 100m, max: "4"}
  - id: mem
    policy: k8s-memory-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.memory}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 64Mi, max: 8Gi}
`;
function mustLoad() {
  const loaded = loadConfigText(CONFIG).loaded;
  const [cpu, mem] = loaded?.levers ?? [];
  if (!loaded || !cpu || !mem) throw new Error("the test config does not load");
  return { config: loaded.config, cpu, mem };
}
const { config, cpu, mem } = mustLoad();

describe("the built-in policies declare harmedBy where physics says so", () => {
  it("CPU throttling and OOM kills are harmed by a decrease only", () => {
    expect(watchedGuardrails(cpu, config)).toEqual([
      expect.objectContaining({ name: "cpu-throttling", harmedBy: "decrease" }),
    ]);
    expect(watchedGuardrails(mem, config)).toEqual([
      expect.objectContaining({ name: "oom-kills", harmedBy: "decrease" }),
    ]);
  });
});

describe("the watch of a CPU upsize with a throttling spike in its window", () => {
  const APPLIED = Date.parse("2026-11-23T10:00:00Z");
  // Throttling over 0.1 for 15 minutes, 30 minutes after the change; calm otherwise.
  const spike = (t: number) => (t >= APPLIED + 30 * MIN && t < APPLIED + 45 * MIN ? 0.31 : 0.02);
  function outcomeAt(now: number, direction: "up" | "down") {
    const stage = watchStage(cpu, config, APPLIED, now, direction);
    if (!stage) throw new Error("not applied yet");
    const answers = new Map<string, SignalData>();
    for (const q of stageQueries(stage)) {
      const samples = [];
      for (let t = q.start; t <= q.end; t += q.step)
        samples.push({ t, v: q.query.includes("throttled") ? spike(t) : 0.2 });
      answers.set(rangeKey(q), { status: "ok", samples, warnings: [], dropped: 0 });
    }
    return watchOutcome(cpu, config, stage, answers);
  }
  it("is never reverted: extended, then held as inconclusive", () => {
    expect(outcomeAt(APPLIED + HOUR, "up").kind).toBe("watching");
    expect(outcomeAt(APPLIED + 2 * HOUR + MIN, "up").kind).toBe("extended");
    const last = outcomeAt(APPLIED + 4 * HOUR + MIN, "up");
    expect(last).toMatchObject({ kind: "inconclusive", windows: 2 });
    if (last?.kind !== "inconclusive") throw new Error("unreachable");
    expect(last.verdict.guardrails[0]?.detail).toContain("harmedBy: decrease");
  });
  it("a CPU downsize with the same spike fails at once", () => {
    expect(outcomeAt(APPLIED + 45 * MIN, "down")).toMatchObject({ kind: "fail", early: true });
  });
});
