import { localPlan, prepareLocal } from "../../reconcile/local.js";
import type { Io } from "../io.js";
import { parseNow } from "../options.js";
import { planJson, renderPlanText } from "../render/decisions.js";

export interface PlanOptions {
  readonly repo: string;
  readonly prometheus?: string | undefined;
  readonly signals?: string | undefined;
  readonly now?: string | undefined;
  readonly json?: boolean | undefined;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** `governor plan`: a decision for every lever, with the diff and PR body of each proposal. Exit 2 when Prometheus is unreachable. */
export async function planCommand(
  options: PlanOptions,
  io: Io,
  env: Env = process.env,
  clock: () => number = Date.now,
): Promise<number> {
  const now = options.now === undefined ? undefined : parseNow(options.now);
  if (now && !now.ok) {
    io.stderr(`${now.error}\n`);
    return 1;
  }
  const ctx = await prepareLocal(
    { repo: options.repo, prometheus: options.prometheus, signals: options.signals, now: now?.value },
    env,
    clock,
  );
  if (!ctx.ok) {
    io.stderr(`${ctx.error.message}\n`);
    return ctx.error.code;
  }
  const result = await localPlan(ctx.value);
  if (options.json) io.stdout(`${JSON.stringify(planJson(result.decisions), null, 2)}\n`);
  else io.stdout(renderPlanText(result.decisions, ctx.value.loaded.config.watch.window));
  if (result.unreachable) {
    io.stderr("Prometheus could not be reached: every lever that needed it is blocked (exit 2)\n");
    return 2;
  }
  return 0;
}
