import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { simulate } from "../../src/sim/run.js";
import { scenarioSchema } from "../../src/sim/scenario.js";

const file = new URL("../../examples/scenarios/bad-change.yaml", import.meta.url);
async function summary(effect: number) {
  const s = scenarioSchema.parse({
    ...(parse(readFileSync(file, "utf8")) as object),
    guardrails: [{ name: "p99-latency", series: "latency", maxIncrease: 0.05 }],
    inject: [{ type: "bad-change", effect }],
  });
  const r = await simulate(s);
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
  return r.value.summary;
}

describe("a bad change is a missed regression only beyond the guardrail's tolerance", () => {
  it("+3% under a +5% guardrail: kept, and not counted as missed", async () => {
    const s = await summary(0.03);
    expect(s.changes).toBeGreaterThan(0);
    expect(s.missedRegressions).toBe(0);
  }, 60_000);

  it("+30% under a +5% guardrail: harmful, reverted or counted as missed", async () => {
    const s = await summary(0.3);
    expect(s.changes).toBeGreaterThan(0);
    expect(s.reverts + s.missedRegressions).toBe(s.changes);
    expect(s.falseReverts).toBe(0);
  }, 60_000);
});
