/**
 * bench/control: control quality over many seeds (printed, never asserted).
 *  1. A/A (noise only): false revert rate — target < 1% over ≥ 200 seeds.
 *  2. Bad change (+20% latency): share reverted — target ≥ 95% — and time from onset to revert.
 *  4. Oscillation: direction reversals of a knob under noisy load over 30 days — target 0.
 * (3. rightsizing against the VPA and KRR reference recommenders is not measured yet.)
 * Run: SEEDS=200 npm run bench:control (default 20 seeds).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { type SimulationResult, simulate } from "../src/sim/run.js";
import { type Scenario, scenarioSchema } from "../src/sim/scenario.js";
import { table } from "./table.js";

const SEEDS = Number(process.env.SEEDS ?? 20);
const scenario = (name: string, over: Record<string, unknown> = {}): Scenario =>
  scenarioSchema.parse({
    ...(parse(
      readFileSync(new URL(`../examples/scenarios/${name}.yaml`, import.meta.url), "utf8"),
    ) as object),
    ...over,
  });

async function run(s: Scenario, seed: number): Promise<SimulationResult> {
  const r = await simulate(s, seed);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

const rows: string[][] = [];
const t0 = performance.now();

// 1. A/A
let aaChanges = 0;
let aaFalse = 0;
for (let seed = 1; seed <= SEEDS; seed++) {
  const r = await run(scenario("aa-noise", { duration: "7d" }), seed);
  aaChanges += r.summary.changes;
  aaFalse += r.summary.falseReverts;
}
rows.push([
  "1. A/A false reverts",
  `${SEEDS} seeds × 7d`,
  `${aaFalse} of ${aaChanges} changes`,
  `${((aaFalse / Math.max(1, aaChanges)) * 100).toFixed(2)}%`,
  "< 1%",
]);

// 2. Bad change
let bad = 0;
let caught = 0;
const delays: number[] = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  const r = await run(scenario("bad-change", { duration: "3d" }), seed);
  const merges = r.timeline.filter((e) => e.event === "merge");
  const reverts = r.timeline.filter((e) => e.event === "revert");
  bad += r.summary.changes;
  caught += r.summary.reverts - r.summary.falseReverts;
  for (const [i, rv] of reverts.entries()) {
    const m = merges[i];
    if (m) delays.push((Date.parse(rv.t) - Date.parse(m.t) - 10 * 60_000) / 60_000); // from the change taking effect
  }
}
delays.sort((a, b) => a - b);
rows.push([
  "2. bad change reverted",
  `${SEEDS} seeds × 3d`,
  `${caught} of ${bad} changes`,
  `${((caught / Math.max(1, bad)) * 100).toFixed(1)}%; onset → revert median ${delays[Math.floor(delays.length / 2)] ?? "-"} min`,
  "≥ 95%",
]);

// 4. Oscillation: with a flat load every reversal is one the load did not require; a diurnal
// load, for comparison, asks the pool to follow the day.
for (const [label, load] of [
  ["4. oscillation (pool, flat load, 15% noise)", { pattern: "flat" }],
  ["   for comparison: diurnal load ±10%", { pattern: "diurnal", amplitude: 0.1 }],
] as const) {
  let reversals = 0;
  let changes = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await run(scenario("pool-size-queueing", { duration: "30d", noise: 0.15, load }), seed);
    reversals += r.summary.reversals;
    changes += r.summary.changes;
  }
  rows.push([
    label,
    `${SEEDS} seeds × 30d`,
    `${reversals} reversals in ${changes} changes`,
    `${(reversals / SEEDS).toFixed(2)} per run`,
    label.startsWith("4.") ? "0" : "—",
  ]);
}

process.stdout.write(
  `bench/control: ${SEEDS} seeds per row, ${((performance.now() - t0) / 1000).toFixed(0)} s\n\n${table(["benchmark", "runs", "observed", "result", "target"], rows)}\n`,
);
