import { localPlan } from "../../reconcile/local.js";
import type { Io } from "../io.js";
import { type Env, type LocalCommandOptions, openLocal } from "../local-context.js";
import { planJson, renderPlanText } from "../render/decisions.js";

export type PlanOptions = LocalCommandOptions;

/** `governor plan`: a decision for every lever, with the diff and PR body of each proposal. Exit 2 when Prometheus is unreachable. */
export async function planCommand(
  options: PlanOptions,
  io: Io,
  env: Env = process.env,
  clock: () => number = Date.now,
): Promise<number> {
  const ctx = await openLocal(options, io, env, clock);
  if (!ctx.ok) return ctx.error;
  const result = await localPlan(ctx.value);
  if (options.json) io.stdout(`${JSON.stringify(planJson(result.decisions), null, 2)}\n`);
  else io.stdout(renderPlanText(result.decisions, ctx.value.loaded.config.watch.window));
  if (result.unreachable) {
    io.stderr("Prometheus could not be reached: every lever that needed it is blocked (exit 2)\n");
    return 2;
  }
  return 0;
}
