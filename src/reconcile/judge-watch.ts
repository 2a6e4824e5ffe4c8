import type { ResolvedLever } from "../core/config/check-levers.js";
import type { RepoConfig } from "../core/config/repo-schema.js";
import { stageQueries, type WatchOutcome, watchOutcome, watchStage } from "../core/engine/watch-outcome.js";
import type { SignalSource } from "../core/signals/source.js";
import { collectSignals } from "./collect-signals.js";

/**
 * One applied change's watch at `now`: its questions asked of `source` in one go, then the pure
 * outcome. The App, local mode and the simulator all call this. Undefined before it took effect.
 */
export async function judgeWatch(
  source: SignalSource,
  lever: ResolvedLever,
  config: RepoConfig,
  appliedAt: number,
  now: number,
  prometheus?: string,
  /** Which way the change moved the lever: a guardrail's `harmedBy` is read against it. */
  direction?: "up" | "down",
): Promise<WatchOutcome | undefined> {
  const stage = watchStage(lever, config, appliedAt, now, direction);
  if (!stage) return undefined;
  const requests = stageQueries(stage).map((q) => ({
    ...q,
    lever: lever.id,
    name: "watch",
    kind: "guardrail" as const,
  }));
  return watchOutcome(lever, config, stage, await collectSignals(source, requests), prometheus);
}
