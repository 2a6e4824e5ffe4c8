/**
 * bench/control: control quality over many seeds (printed, never asserted).
 *  1. A/A (noise only): false revert rate — target < 1% over ≥ 200 seeds.
 *  2. Bad change (+20% latency): share reverted — target ≥ 95% — and time from onset to revert.
 *  3. Rightsizing on diurnal/weekly traces: slack and incidents, side by side with the VPA
 *     recommender and KRR's simple strategy (bench/control/reference.ts) — target: slack no
 *     worse than the better of the two, with no more incidents.
 *  4. Oscillation: direction reversals of a knob under noisy load over 30 days — target 0.
 * Run: SEEDS=200 npm run bench:control (default 20 seeds; rightsizing uses RIGHTSIZING_SEEDS,
 * default 20, as each of its runs simulates 30 days).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { type SimulationResult, simulate } from "../src/sim/run.js";
import { type Scenario, scenarioSchema } from "../src/sim/scenario.js";
import { krr, vpa } from "./control/reference.js";
import { governor, type Outcome, reference } from "./control/rightsizing.js";
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
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
  return r.value;
}

const rows: string[][] = [];
const t0 = performance.now();

// 1. A/A: the shipped scenario (+20% guardrail), and the same with a guardrail so tight (+2%)
// that only the statistical test stands between noise and a revert.
for (const [label, guardrail, target] of [
  ["1. A/A false reverts", 0.2, "< 1%"],
  ["   A/A, guardrail tightened to +2%", 0.02, "—"],
] as const) {
  let changes = 0;
  let falseReverts = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const s = scenario("aa-noise", {
      duration: "7d",
      guardrails: [{ name: "p99-latency", series: "latency", maxIncrease: guardrail }],
    });
    const r = await run(s, seed);
    changes += r.summary.changes;
    falseReverts += r.summary.falseReverts;
  }
  rows.push([
    label,
    `${SEEDS} seeds × 7d`,
    `${falseReverts} of ${changes} changes`,
    `${((falseReverts / Math.max(1, changes)) * 100).toFixed(2)}%`,
    target,
  ]);
}

// 2. Bad change
let bad = 0;
let caught = 0;
const delays: number[] = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  const r = await run(scenario("bad-change", { duration: "3d" }), seed);
  bad += r.summary.changes;
  caught += r.summary.reverts - r.summary.falseReverts;
  // The breach's onset is when the harmful change took effect; the revert decision is when
  // Governor restored the old value.
  for (const c of r.changes)
    if (c.harmful && c.appliedAt !== undefined && c.revertedAt !== undefined)
      delays.push((c.revertedAt - c.appliedAt) / 60_000);
}
delays.sort((a, b) => a - b);
rows.push([
  "2. bad change reverted",
  `${SEEDS} seeds × 3d`,
  `${caught} of ${bad} changes`,
  `${((caught / Math.max(1, bad)) * 100).toFixed(1)}%; onset → revert median ${delays[Math.floor(delays.length / 2)] ?? "-"} min, max ${delays.at(-1) ?? "-"} min (evaluated hourly)`,
  "≥ 95%",
]);

// 4. Oscillation: with a flat load every reversal is one the load did not require; a diurnal
// load, for comparison, asks the pool to follow the day. The CPU request (percentile strategy)
// is sized on 7 days, so a daily cycle requires no reversal at all.
for (const [label, name, over, target] of [
  ["4. oscillation: pool, flat load, 15% noise", "pool-size-queueing", { load: { pattern: "flat" } }, "0"],
  [
    "4. oscillation: CPU request, diurnal ±40%, 15% noise",
    "rightsizing-diurnal",
    { load: { pattern: "diurnal", amplitude: 0.4 } },
    "0",
  ],
  [
    "   for comparison: pool, diurnal load ±10%",
    "pool-size-queueing",
    { load: { pattern: "diurnal", amplitude: 0.1 } },
    "—",
  ],
] as const) {
  let reversals = 0;
  let changes = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await run(scenario(name, { duration: "30d", noise: 0.15, ...over }), seed);
    reversals += r.summary.reversals;
    changes += r.summary.changes;
  }
  rows.push([
    label,
    `${SEEDS} seeds × 30d`,
    `${reversals} reversals in ${changes} changes`,
    `${(reversals / SEEDS).toFixed(2)} per run`,
    target,
  ]);
}

// 3. Rightsizing against the reference recommenders.
const RIGHTSIZING_SEEDS = Number(process.env.RIGHTSIZING_SEEDS ?? 20);
const traces: Array<[string, Scenario, "cpu" | "memory"]> = [
  [
    "CPU, diurnal ±40%",
    scenario("rightsizing-diurnal", { load: { pattern: "diurnal", amplitude: 0.4 } }),
    "cpu",
  ],
  ["CPU, weekly (±40%, weekends −20%)", scenario("rightsizing-diurnal"), "cpu"],
  [
    "memory, diurnal ±30%",
    scenario("oom-risk", { duration: "30d", lever: { ...scenario("oom-risk").lever, initial: "1Gi" } }),
    "memory",
  ],
];
const sizing: string[][] = [];
const verdicts: string[] = [];
for (const [label, s, kind] of traces) {
  const totals = new Map<string, { slack: number; incidents: number; changes: number }>();
  const add = (name: string, o: Outcome) => {
    const t = totals.get(name) ?? { slack: 0, incidents: 0, changes: 0 };
    totals.set(name, {
      slack: t.slack + o.slack,
      incidents: t.incidents + o.incidents,
      changes: t.changes + o.changes,
    });
  };
  for (let seed = 1; seed <= RIGHTSIZING_SEEDS; seed++) {
    add("Governor", await governor(s, seed));
    add(
      "VPA recommender",
      reference(s, seed, (start) => vpa(kind, start)),
    );
    add(
      "KRR simple",
      reference(s, seed, () => krr(kind)),
    );
  }
  for (const [name, t] of totals)
    sizing.push([
      label,
      name,
      `${((t.slack / RIGHTSIZING_SEEDS) * 100).toFixed(1)}%`,
      `${t.incidents} (${(t.incidents / RIGHTSIZING_SEEDS).toFixed(1)} per run)`,
      (t.changes / RIGHTSIZING_SEEDS).toFixed(1),
    ]);
  const g = totals.get("Governor");
  const refs = [...totals.entries()].filter(([n]) => n !== "Governor");
  const comparable = refs.filter(([, t]) => g && t.incidents <= g.incidents);
  const best = comparable.sort((a, b) => a[1].slack - b[1].slack)[0];
  verdicts.push(
    `${label}: ${best && g ? `Governor's slack ${((g.slack / RIGHTSIZING_SEEDS) * 100).toFixed(1)}% vs ${((best[1].slack / RIGHTSIZING_SEEDS) * 100).toFixed(1)}% for ${best[0]}, the better reference with no more incidents — ${g.slack <= best[1].slack ? "met" : "NOT met"}` : "every reference had more incidents than Governor"}`,
  );
}

process.stdout.write(
  `bench/control: ${SEEDS} seeds per row, ${((performance.now() - t0) / 1000).toFixed(0)} s\n\n${table(["benchmark", "runs", "observed", "result", "target"], rows)}\n\n` +
    `3. rightsizing over 30 simulated days, ${RIGHTSIZING_SEEDS} seeds per trace (slack over the last 14 days; incidents over the run):\n\n` +
    `${table(["trace", "recommender", "slack", "incident hours", "changes per run"], sizing)}\n\n${verdicts.join("\n")}\n`,
);
