import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import type { RangeQuery, SignalData } from "../signals/source.js";
import type { Verdict } from "./verdict.js";
import { type WatchPlan, watchPlan, watchQueries, watchSoFar, watchVerdict } from "./watch.js";

/**
 * Where one applied change's watch stands at `now`, as one rule for the App, local mode and the
 * simulator: inside the window only a breach already visible counts (a fail acts at once); at the
 * window's end the verdict is final unless it is inconclusive, which gets one extension (where,
 * again, a breach acts at once); inconclusive after the extension holds the lever.
 */
export type WatchOutcome =
  | { readonly kind: "watching"; readonly until: number }
  | { readonly kind: "extended"; readonly until: number; readonly verdict: Verdict }
  | {
      readonly kind: "pass" | "fail" | "inconclusive";
      readonly verdict: Verdict;
      /** The window the verdict was judged over (2: the extension). */
      readonly windows: 1 | 2;
      /** A breach seen before its window ended. */
      readonly early: boolean;
      readonly plan: WatchPlan;
    };

export interface WatchStage {
  readonly first: WatchPlan;
  readonly extended: WatchPlan;
  /** The plans to judge now, in order: the first window (cut at now while it runs), then the extension. */
  readonly plans: readonly WatchPlan[];
  readonly now: number;
}

/** The questions a watch asks at `now`; undefined before the change took effect. */
export function watchStage(
  lever: ResolvedLever,
  config: RepoConfig,
  appliedAt: number,
  now: number,
): WatchStage | undefined {
  if (now <= appliedAt) return undefined;
  const first = watchPlan(lever, config, appliedAt, 1);
  const extended = watchPlan(lever, config, appliedAt, 2);
  const plans =
    now < first.windowEnd
      ? [watchSoFar(first, now)]
      : [first, now < extended.windowEnd ? watchSoFar(extended, now) : extended];
  return { first, extended, plans, now };
}

export function stageQueries(stage: WatchStage): RangeQuery[] {
  return stage.plans.flatMap(watchQueries);
}

/** The outcome from the answers to `stageQueries(stage)`. Pure. */
export function watchOutcome(
  lever: ResolvedLever,
  config: RepoConfig,
  stage: WatchStage,
  answers: ReadonlyMap<string, SignalData>,
  prometheus?: string,
): WatchOutcome {
  const { first, extended, now } = stage;
  const judge = (p: WatchPlan) => watchVerdict(lever, config, p, answers, prometheus);
  const final = (plan: WatchPlan, verdict: Verdict, windows: 1 | 2, early: boolean): WatchOutcome => ({
    kind: verdict.verdict,
    verdict,
    windows,
    early,
    plan,
  });
  const [p1, p2] = stage.plans;
  if (!p1) return { kind: "watching", until: first.windowEnd };
  const v1 = judge(p1);
  if (now < first.windowEnd)
    return v1.verdict === "fail" ? final(p1, v1, 1, true) : { kind: "watching", until: first.windowEnd };
  if (v1.verdict !== "inconclusive" || !p2) return final(p1, v1, 1, false);
  const v2 = judge(p2);
  if (now < extended.windowEnd)
    return v2.verdict === "fail"
      ? final(p2, v2, 2, true)
      : { kind: "extended", until: extended.windowEnd, verdict: v1 };
  return final(p2, v2, 2, false);
}
