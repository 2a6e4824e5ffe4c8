import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type SimulationResult, simulate } from "../../src/sim/run.js";
import { scenarioSchema } from "../../src/sim/scenario.js";

const SCENARIOS = new URL("../../examples/scenarios/", import.meta.url);
const scenario = (name: string, over: Record<string, unknown> = {}) =>
  scenarioSchema.parse({
    ...(parse(readFileSync(new URL(`${name}.yaml`, SCENARIOS), "utf8")) as object),
    ...over,
  });
async function run(name: string, over: Record<string, unknown> = {}): Promise<SimulationResult> {
  const r = await simulate(scenario(name, over));
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
  return r.value;
}
const events = (r: SimulationResult) => r.timeline.map((e) => e.event);

describe("the shipped scenarios do what their files say", () => {
  it("aa-noise: changes with no real effect, never a revert", async () => {
    const r = await run("aa-noise");
    expect(r.summary).toMatchObject({ reverts: 0, falseReverts: 0, incidents: 0, reversals: 0 });
    expect(r.summary.changes).toBeGreaterThan(0);
  });

  it("bad-change: every change is reverted, then the thrash guard holds the lever", async () => {
    const r = await run("bad-change");
    expect(r.summary).toMatchObject({ missedRegressions: 0, falseReverts: 0 });
    expect(r.summary.reverts).toBe(r.summary.changes);
    expect(r.written).toEqual({ before: "2", after: "2" });
    expect(r.last).toContain("2 of its changes were reverted in 14 days");
  });

  it("rightsizing-diurnal: down from 2 cores, no incident, no reversal", async () => {
    const r = await run("rightsizing-diurnal");
    expect(r.summary).toMatchObject({ reverts: 0, incidents: 0, reversals: 0 });
    expect(r.summary.cost.after).toBeLessThan(1);
  });

  it("pool-size-queueing: the pool grows until the SLO is met, one step at a time, never back", async () => {
    const r = await run("pool-size-queueing");
    expect(r.summary).toMatchObject({ reverts: 0, reversals: 0 });
    expect(r.changes.every((c) => c.direction === "up")).toBe(true);
    expect(r.summary.target.after).toBeLessThanOrEqual(0.15 * 1.1);
    expect(r.last).toContain("inside the band");
  });

  it("oom-risk: the memory request grows and never shrinks; one kill is not a ratchet", async () => {
    const r = await run("oom-risk");
    expect(r.changes.every((c) => c.direction === "up")).toBe(true);
    expect(r.summary.changes).toBeLessThanOrEqual(4);
    expect(r.summary.cost.after).toBeLessThan(1024 ** 3);
  });

  it("load-step: throttled after the step until Governor sizes up; the easing step is not reverted", async () => {
    const r = await run("load-step");
    expect(r.summary).toMatchObject({ reverts: 0, missedRegressions: 0 });
    expect(r.summary.incidents).toBeGreaterThan(0);
    expect(r.summary.cost.after).toBeGreaterThan(0.35 * 1.8);
    expect(
      r.timeline.some((e) => e.event === "pass" && e.detail.includes("already beyond it before the change")),
    ).toBe(true);
  });

  it("confounder: the false revert is counted, the change comes back and is verified over an extension", async () => {
    const r = await run("confounder");
    expect(r.summary).toMatchObject({ reverts: 1, falseReverts: 1, missedRegressions: 0 });
    expect(events(r)).toEqual(expect.arrayContaining(["fail", "revert", "extended"]));
    expect(events(r).at(-1)).toBe("pass");
  });
});

describe("a breach the change's direction cannot cause (harmedBy)", () => {
  // A CPU upsize (320m → 374m), then a burst of load lands in its watch window and throttles the
  // service: a smaller request cannot have eased it, so reverting would restore the worse value.
  const burst = () =>
    scenarioSchema.parse({
      name: "burst-upsize",
      seed: 5,
      duration: "1d",
      plant: { type: "cpu-service", usage: 0.3, latency: 0.2 },
      load: { pattern: "flat" },
      lever: { policy: "k8s-cpu-request", initial: "320m", bounds: { min: "100m", max: "4" } },
      inject: [{ type: "burst", from: "3h", to: "3h40m", effect: 0.5 }],
    });
  it("a throttling spike after a CPU upsize is not reverted: extended, then the lever holds", async () => {
    const r = await simulate(burst());
    if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
    expect(r.value.changes.map((c) => [c.from, c.to])).toEqual([["320m", "374m"]]);
    expect(r.value.summary).toMatchObject({ reverts: 0, falseReverts: 0 });
    expect(events(r.value)).toEqual(["propose", "merge", "extended", "inconclusive", "hold"]);
    expect(r.value.timeline.find((e) => e.event === "inconclusive")?.detail).toContain(
      "a breach of cpu-throttling that the change's direction cannot cause (harmedBy), so it is not reverted",
    );
  });
});

describe("the simulated world", () => {
  it("a reviewer who rejects everything: nothing merges, and proposals are a cooldown apart", async () => {
    const r = await run("aa-noise", { reviewer: { rejectProbability: 1 } });
    expect(r.summary.changes).toBe(0);
    const proposals = r.timeline.filter((e) => e.event === "propose").map((e) => Date.parse(e.t));
    expect(proposals.length).toBeGreaterThan(1);
    for (let i = 1; i < proposals.length; i++)
      expect((proposals[i] ?? 0) - (proposals[i - 1] ?? 0)).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(events(r)).toContain("reject");
  });

  it("mode auto: autonomy is earned by 5 verified changes; a pool flipping with the day is held for good", async () => {
    const r = await run("pool-size-queueing", {
      mode: "auto",
      duration: "30d",
      load: { pattern: "diurnal", amplitude: 0.1 },
    });
    const proposals = r.timeline.filter((e) => e.event === "propose");
    const firstAuto = proposals.findIndex((e) => e.detail.includes("(auto-merged: autonomy earned)"));
    expect(firstAuto).toBeGreaterThanOrEqual(5);
    expect(proposals.slice(0, firstAuto).every((e) => !e.detail.includes("auto-merged"))).toBe(true);
    const hold = r.timeline.find((e) => e.event === "hold");
    expect(hold?.detail).toBe(
      "lever sim: its changes reversed direction 3 times in 7 days (oscillation); a resume lifts it",
    );
    // Sticky: nothing is proposed after the hold, though the reversals leave the 7-day window.
    expect(proposals.every((e) => e.t <= (hold?.t ?? ""))).toBe(true);
    expect(r.summary.reversals).toBe(3);
  });

  it("the metrics stop: nothing more is proposed, and the timeline says why", async () => {
    const r = await run("aa-noise", { inject: [{ type: "gap", from: "1d", to: "30d" }] });
    expect(r.summary.changes).toBe(1);
    expect(events(r).at(-1)).toBe("blocked");
    expect(r.timeline.at(-1)?.detail).toMatch(/^data: missing or partial data — usage: stale/);
  });

  it("an invalid lever is an error naming what a repository could not configure", async () => {
    const r = await simulate(
      scenario("aa-noise", {
        lever: { policy: "k8s-cpu-requets", initial: "1", bounds: { min: "1", max: "2" } },
      }),
    );
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.error).toEqual([
      {
        path: ["lever", "policy"],
        message: expect.stringMatching(/^lever\.policy: unknown policy "k8s-cpu-requets"/),
      },
    ]);
  });
});
