import type { ResolvedLever } from "../core/config/check-levers.js";
import { magnitude } from "../core/values/arith.js";
import { parseValue } from "../core/values/value.js";
import type { SimChange } from "./changes.js";
import type { Scenario } from "./scenario.js";
import { ms, type World } from "./world.js";

/** Whether a change truly made the plant worse: what only the simulator can know, to call a revert false. */
export function harmJudge(
  s: Scenario,
  lever: ResolvedLever,
  world: World,
  badChange: boolean,
): (c: SimChange) => boolean {
  // The plant over the watch window with each value. Worse means more incidents, or a p99 higher
  // by more than the latency guardrails (the scenario's and the policy's) tolerate, 5% without
  // one — unless a stepping policy keeps it within its SLO, the trade it asked for.
  const tolerances = [
    ...s.guardrails.filter((g) => g.series === "latency"),
    ...lever.policyDef.guardrails.filter((g) => g.signal === "latency" && g.query === undefined),
  ].flatMap((g) => (g.maxIncrease !== undefined ? [g.maxIncrease] : []));
  const tolerance = tolerances.length > 0 ? Math.min(...tolerances) : 0.05;
  const strategy = lever.strategy;
  const slo =
    strategy.type === "slo-step" ? strategy.target + (strategy.band ?? strategy.target * 0.1) : undefined;
  // An injected bad change counts as harmful only when its effect exceeds what a relative latency
  // guardrail tolerates: below that, not reverting it is the guardrail's promise kept, not a miss.
  let effect = 1;
  for (const i of s.inject) if (i.type === "bad-change") effect *= 1 + i.effect;
  const badHarms = badChange && (tolerances.length === 0 || effect - 1 > tolerance);
  return (c: SimChange): boolean => {
    const before = parseValue(lever.policyDef.valueType, c.from);
    const after = parseValue(lever.policyDef.valueType, c.to);
    if (badChange) return badHarms;
    if (!before.ok || !after.ok || c.appliedAt === undefined) return false;
    const over = { new: 0, old: 0, incidentsNew: 0, incidentsOld: 0, n: 0 };
    for (let u = c.appliedAt; u < c.appliedAt + ms(s.watch.window); u += ms(s.watch.interval)) {
      const withNew = world.truth(u, magnitude(after.value));
      const withOld = world.truth(u, magnitude(before.value));
      over.new += withNew.latency;
      over.old += withOld.latency;
      over.incidentsNew += withNew.incident ?? 0;
      over.incidentsOld += withOld.incident ?? 0;
      over.n++;
    }
    const slower = over.new > over.old * (1 + tolerance) && !(slo !== undefined && over.new / over.n <= slo);
    return over.incidentsNew > over.incidentsOld || slower;
  };
}
