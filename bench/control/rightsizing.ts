/**
 * Benchmark 3: right-sizing on diurnal and weekly traces — Governor (the real engine, through the
 * simulator) against the VPA recommender and KRR's simple strategy run in the same modelled
 * world, with the same measured samples and the same 14 days of history before the start.
 * The references apply their recommendation once a day (Governor's cooldown is 24h), clamped to
 * the same bounds. Slack = mean of (request − used) / used over the last 14 days, with the true
 * usage; incidents = hourly evaluations with the plant in trouble over the whole run.
 */
import { readBuiltinPolicies } from "../../src/adapters/fs/read-repo-config.js";
import { magnitude } from "../../src/core/values/arith.js";
import { parseValue } from "../../src/core/values/value.js";
import { SELECTOR, simRepository } from "../../src/sim/repository.js";
import { simulate } from "../../src/sim/run.js";
import type { Scenario } from "../../src/sim/scenario.js";
import { ms, World } from "../../src/sim/world.js";
import type { Recommender } from "./reference.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP = 5 * 60_000;
const builtins = await readBuiltinPolicies();

export interface Outcome {
  readonly slack: number;
  readonly incidents: number;
  readonly changes: number;
}

function slackOf(
  values: ReadonlyArray<readonly [number, number]>,
  demand: ReadonlyArray<readonly [number, number]>,
  from: number,
): number {
  const xs = values
    .map(([t, v], i) => [t, v, demand[i]?.[1] ?? 0] as const)
    .filter(([t, , d]) => t >= from && d > 0)
    .map(([, v, d]) => (v - d) / d);
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

export async function governor(s: Scenario, seed: number): Promise<Outcome> {
  const r = await simulate(s, seed);
  if (!r.ok) throw new Error(r.error.map((p) => p.message).join("; "));
  const end = Date.parse(s.start) + ms(s.duration);
  return {
    slack: slackOf(r.value.values, r.value.demand, end - 14 * DAY),
    incidents: r.value.summary.incidents,
    changes: r.value.summary.changes,
  };
}

export function reference(s: Scenario, seed: number, make: (start: number) => Recommender): Outcome {
  const repo = simRepository(s, builtins);
  if (!repo.ok) throw new Error(repo.error.map((p) => p.message).join("; "));
  const { lever } = repo.value;
  const initial = parseValue(lever.policyDef.valueType, s.lever.initial);
  if (!initial.ok) throw new Error(initial.error);
  const start = Date.parse(s.start);
  const end = start + ms(s.duration);
  const world = new World(s, seed, start, magnitude(initial.value), lever, SELECTOR);
  const memory = s.plant.type === "memory-service";
  const limitRatio = s.plant.type === "memory-service" ? s.plant.limitRatio : 1;
  const rec = make(start);
  const [min, max] = [magnitude(lever.min), magnitude(lever.max)];
  const values: Array<[number, number]> = [];
  const demand: Array<[number, number]> = [];
  let incidents = 0;
  let changes = 0;
  for (let t = start - 14 * DAY; t < end; t += STEP) {
    const used = world.measured(memory ? "working_set" : "usage", t);
    const value = world.valueAt(t);
    if (used !== undefined)
      rec.observe(t, used, value, memory && world.measured("oom", t) === 1, value * limitRatio);
    if (t < start || (t - start) % HOUR !== 0) continue;
    if ((t - start) % DAY === 0) {
      const next = Math.min(max, Math.max(min, rec.recommend(t)));
      if (Math.abs(next - value) > 1e-9) {
        world.apply(t, next, false);
        changes++;
      }
    }
    const truth = world.truth(t);
    values.push([t, world.valueAt(t)]);
    demand.push([t, truth.demand ?? 0]);
    incidents += truth.incident ?? 0;
  }
  return { slack: slackOf(values, demand, end - 14 * DAY), incidents, changes };
}
