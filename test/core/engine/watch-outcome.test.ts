import { describe, expect, it } from "vitest";
import { stageQueries, watchOutcome, watchStage } from "../../../src/core/engine/watch-outcome.js";
import { rangeKey } from "../../../src/core/signals/recording.js";
import type { SignalData } from "../../../src/core/signals/source.js";
import { loadConfigText } from "../../helpers/config.js";
import { HOUR } from "../../helpers/engine.js";

// One absolute guardrail (errors ≤ 0.01) watched for 2h at 5m after a change applied at APPLIED.
const CONFIG = `version: 1
watch: {window: 2h, interval: 5m}
guardrails:
  - {name: errors, query: 'sum(rate(errors_total[5m]))', max: 0.01}
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 100m, max: "4"}
`;
const APPLIED = Date.parse("2026-11-23T10:00:00Z");
function mustLoad() {
  const loaded = loadConfigText(CONFIG).loaded;
  const lever = loaded?.levers[0];
  if (!loaded || !lever) throw new Error("the test config does not load");
  return { config: loaded.config, lever };
}
const { config, lever } = mustLoad();

/** Answers every question of the stage from `errors(t)` (undefined: no sample) for the guardrail, 0 otherwise. */
function outcomeAt(now: number, errors: (t: number) => number | undefined) {
  const stage = watchStage(lever, config, APPLIED, now);
  if (!stage) return undefined;
  const answers = new Map<string, SignalData>();
  for (const q of stageQueries(stage)) {
    const samples = [];
    for (let t = q.start; t <= q.end; t += q.step) {
      const v = q.query.includes("errors_total") ? errors(t) : 0;
      if (v !== undefined) samples.push({ t, v });
    }
    answers.set(
      rangeKey(q),
      samples.length > 0
        ? { status: "ok", samples, warnings: [], dropped: 0 }
        : { status: "missing", kind: "empty", reason: "no data", warnings: [] },
    );
  }
  return watchOutcome(lever, config, stage, answers);
}

/** Every question answered as Prometheus answers when it is down. */
function outcomeDown(now: number) {
  const stage = watchStage(lever, config, APPLIED, now);
  if (!stage) return undefined;
  const reason = "Prometheus unreachable (http://127.0.0.1:9): cannot connect (ECONNREFUSED)";
  const down: SignalData = { status: "missing", kind: "unreachable", reason, warnings: [] };
  return watchOutcome(lever, config, stage, new Map(stageQueries(stage).map((q) => [rangeKey(q), down])));
}

const healthy = () => 0;
const breachAfter = (at: number) => (t: number) => (t >= at ? 0.05 : 0);
const silentAfter = (at: number) => (t: number) => (t >= at ? undefined : 0);

describe("the watch of one applied change, as the App, local mode and the simulator see it", () => {
  it.each<[string, number, (t: number) => number | undefined, object]>([
    ["not applied yet", APPLIED, healthy, {}],
    ["inside the window, healthy: still watching", APPLIED + HOUR, healthy, { kind: "watching" }],
    [
      "inside the window, a breach already visible: fails at once",
      APPLIED + HOUR,
      breachAfter(APPLIED + 30 * 60_000),
      { kind: "fail", early: true, windows: 1 },
    ],
    [
      "a breach that starts between two evaluations is seen one interval later, counted back from now",
      APPLIED + 37.5 * 60_000,
      breachAfter(APPLIED + 32 * 60_000),
      { kind: "fail", early: true },
    ],
    [
      "the window ended healthy: pass",
      APPLIED + 2 * HOUR,
      healthy,
      { kind: "pass", early: false, windows: 1 },
    ],
    [
      "the window ended with no data: extended once",
      APPLIED + 3 * HOUR,
      silentAfter(APPLIED),
      { kind: "extended", until: APPLIED + 4 * HOUR },
    ],
    [
      "a breach inside the extension fails at once",
      APPLIED + 3 * HOUR,
      (t) => (t < APPLIED ? 0 : t < APPLIED + 2 * HOUR ? undefined : 0.05),
      { kind: "fail", early: true, windows: 2 },
    ],
    [
      "still no data after the extension: inconclusive, final",
      APPLIED + 4 * HOUR,
      silentAfter(APPLIED),
      { kind: "inconclusive", early: false, windows: 2 },
    ],
    [
      "data came back at the end of the first window: judged over the extension, half of it with data",
      APPLIED + 4 * HOUR,
      (t) => (t < APPLIED || t >= APPLIED + 2 * HOUR ? 0 : undefined),
      { kind: "pass", windows: 2 },
    ],
    [
      "data for less than half of the extended window: inconclusive, never a pass",
      APPLIED + 4 * HOUR,
      (t) => (t < APPLIED || t > APPLIED + 130 * 60_000 ? 0 : undefined),
      { kind: "inconclusive", windows: 2 },
    ],
    [
      "an outage over most of the window: not a pass on the rest, the window is extended",
      APPLIED + 2 * HOUR,
      (t) => (t >= APPLIED + 20 * 60_000 && t < APPLIED + 100 * 60_000 ? undefined : 0),
      { kind: "extended", until: APPLIED + 4 * HOUR },
    ],
    [
      "an outage over less than half of the window: judged on the rest",
      APPLIED + 2 * HOUR,
      (t) => (t >= APPLIED + 20 * 60_000 && t < APPLIED + 60 * 60_000 ? undefined : 0),
      { kind: "pass", windows: 1 },
    ],
    [
      "two evaluations over the limit on either side of an outage are not consecutive",
      APPLIED + 2 * HOUR,
      (t) =>
        t === APPLIED + 20 * 60_000 || t === APPLIED + 45 * 60_000
          ? 0.05
          : t > APPLIED + 20 * 60_000 && t < APPLIED + 45 * 60_000
            ? undefined
            : 0,
      { kind: "pass", windows: 1 },
    ],
  ])("%s", (_, now, errors, expected) => {
    const outcome = outcomeAt(now, errors);
    if (Object.keys(expected).length === 0) expect(outcome).toBeUndefined();
    else expect(outcome).toMatchObject(expected);
  });
});

describe("while Prometheus cannot answer, the watch is not judged and its window is not used up", () => {
  const reason = "Prometheus unreachable (http://127.0.0.1:9): cannot connect (ECONNREFUSED)";
  it.each<[string, number, object]>([
    [
      "inside the window",
      APPLIED + HOUR,
      { kind: "unjudged", until: APPLIED + 2 * HOUR, windows: 1, reasons: [reason] },
    ],
    [
      "after the window: no extension used up",
      APPLIED + 3 * HOUR,
      { kind: "unjudged", until: APPLIED + 2 * HOUR, windows: 1, reasons: [reason] },
    ],
    [
      "after the extension: not the final 'inconclusive'",
      APPLIED + 5 * HOUR,
      { kind: "unjudged", until: APPLIED + 2 * HOUR, windows: 1, reasons: [reason] },
    ],
  ])("%s", (_, now, expected) => {
    expect(outcomeDown(now)).toEqual(expected);
  });
  it("a breach seen in the data there is still fails at once", () => {
    const stage = watchStage(lever, config, APPLIED, APPLIED + HOUR);
    if (!stage) throw new Error("no stage");
    const answers = new Map<string, SignalData>();
    for (const q of stageQueries(stage)) {
      const samples = [];
      for (let t = q.start; t <= q.end; t += q.step) samples.push({ t, v: t >= APPLIED ? 0.05 : 0 });
      answers.set(
        rangeKey(q),
        q.query.includes("errors_total")
          ? { status: "ok", samples, warnings: [], dropped: 0 }
          : { status: "missing", kind: "unreachable", reason, warnings: [] },
      );
    }
    expect(watchOutcome(lever, config, stage, answers)).toMatchObject({ kind: "fail", early: true });
  });
});
