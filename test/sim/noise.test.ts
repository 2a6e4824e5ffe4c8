import { describe, expect, it } from "vitest";
import { type SimulationResult, simulate } from "../../src/sim/run.js";
import { scenarioSchema } from "../../src/sim/scenario.js";

// A flat plant whose lever never moves (observe mode): the measured latency's relative error is
// the noise alone, and an injected bad change never applies.
const base = {
  name: "noise",
  duration: "30d",
  mode: "observe",
  plant: { type: "cpu-service", usage: 0.3, latency: 0.2 },
  load: { pattern: "flat" },
  lever: { policy: "k8s-cpu-request", initial: "2", bounds: { min: "100m", max: "4" } },
  // AR(1) noise steps at the watch's interval; measured once per evaluation, so the two agree.
  watch: { window: "2h", interval: "1h" },
};
async function run(over: Record<string, unknown>): Promise<SimulationResult> {
  const r = await simulate(scenarioSchema.parse({ ...base, ...over }));
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
  return r.value;
}
function errors(r: SimulationResult): number[] {
  const truth = new Map(r.latency);
  return r.measuredLatency.map(([t, v]) => v / (truth.get(t) ?? Number.NaN) - 1);
}
function stats(xs: number[]) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const d = xs.map((x) => x - mean);
  const variance = d.reduce((a, b) => a + b * b, 0) / d.length;
  let lag = 0;
  for (let i = 1; i < d.length; i++) lag += (d[i] ?? 0) * (d[i - 1] ?? 0);
  return { sd: Math.sqrt(variance), lag1: lag / d.length / variance };
}

describe("scenario noise", () => {
  it("{sd, autocorrelation} is AR(1): lag-1 autocorrelation near phi, marginal SD near sd", async () => {
    const s = stats(errors(await run({ noise: { sd: 0.15, autocorrelation: 0.8 } })));
    expect(Math.abs(s.lag1 - 0.8)).toBeLessThan(0.1);
    expect(Math.abs(s.sd - 0.15)).toBeLessThan(0.03);
  }, 60_000);

  it("a bare number stays independent noise", async () => {
    const s = stats(errors(await run({ noise: 0.15 })));
    expect(Math.abs(s.lag1)).toBeLessThan(0.1);
    expect(Math.abs(s.sd - 0.15)).toBeLessThan(0.03);
  }, 60_000);

  it("refuses an autocorrelation of 1, naming the field", () => {
    const r = scenarioSchema.safeParse({ ...base, noise: { sd: 0.15, autocorrelation: 1 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.some((i) => i.message.includes("noise.autocorrelation"))).toBe(true);
  });
});
