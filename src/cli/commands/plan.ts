import { type LocalPlan, localPlan } from "../../reconcile/local.js";
import type { Io } from "../io.js";
import { type Env, type LocalCommandOptions, openLocal } from "../local-context.js";
import { planJson, renderPlanText } from "../render/decisions.js";
import { reportUnresolved } from "../unresolved.js";

export type PlanOptions = LocalCommandOptions;

/** `governor plan`: a decision for every lever, with the diff and PR body of each proposal. Exit 1 when a lever's target cannot resolve (a config error), 2 when Prometheus is unreachable. */
export async function planCommand(
  options: PlanOptions,
  io: Io,
  env: Env = process.env,
  clock: () => number = Date.now,
): Promise<number> {
  const ctx = await openLocal(options, io, env, clock);
  if (!ctx.ok) return ctx.error;
  const result = await localPlan(ctx.value);
  const outage = outageOf(result);
  if (options.json) io.stdout(`${JSON.stringify(planJson(result.decisions), null, 2)}\n`);
  else io.stdout(renderPlanText(result.decisions, ctx.value.loaded.config.watch.window, outage));
  // A lever that cannot resolve is a config error, and says so: exit 1, never a silent 0.
  const unresolved = reportUnresolved(ctx.value, result, io);
  if (outage !== undefined) {
    const code = unresolved > 0 ? 1 : 2;
    io.stderr(`${outageMessage(outage, code)}\n`);
    return code;
  }
  return unresolved > 0 ? 1 : 0;
}

/** Why Prometheus could not be used in this run (down, or not the Prometheus API), when it could not. */
export function outageOf(result: LocalPlan): string | undefined {
  if (!result.unreachable) return undefined;
  for (const a of result.input.answers.values())
    if (a.status === "missing" && a.kind === "unreachable") return a.reason;
  return "Prometheus unreachable";
}

/** The one message of a run Prometheus could not serve. */
export const outageMessage = (reason: string, exit = 2): string =>
  `${reason}\nPrometheus could not be used: every lever that needed it is blocked (exit ${exit}${exit === 1 ? ": the configuration errors above come first" : ""})`;
