import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import { rangeKey } from "../signals/recording.js";
import type { MissingKind, RangeQuery, SignalData } from "../signals/source.js";
import type { Verdict } from "./verdict.js";
import { type WatchPlan, watchPlan, watchQueries, watchSoFar, watchVerdict } from "./watch.js";

/**
 * Where one applied change's watch stands at `now`, as one rule for the App, local mode and the
 * simulator: inside the window only a breach already visible counts (a fail acts at once); at the
 * window's end the verdict is final unless it is inconclusive, which gets one extension (where,
 * again, a breach acts at once); inconclusive after the extension holds the lever.
 *
 * Missing data never decides: a window with data for less than half of its evaluations is
 * inconclusive (so an outage inside it gets the extension), and when Prometheus itself cannot
 * answer (unreachable, refusing, not the API) the watch is "unjudged": no verdict, no extension
 * used up — the same window is judged by the first evaluation that reaches Prometheus again.
 */
export type WatchOutcome =
  | {
      readonly kind: "watching";
      readonly until: number;
      /** The window so far (cut at now): what is known, and the data missing from it. */
      readonly soFar: Verdict;
    }
  | {
      readonly kind: "extended";
      readonly until: number;
      /** The first window's verdict: why it was extended. */
      readonly verdict: Verdict;
      /** The extension so far. */
      readonly soFar: Verdict;
    }
  | {
      readonly kind: "unjudged";
      /** The end of the window the verdict waits on (in the past once it is due). */
      readonly until: number;
      readonly windows: 1 | 2;
      /** Prometheus' own failures, as the adapter said them (the endpoint and the error), each once. */
      readonly reasons: readonly string[];
    }
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
  readonly plans: readonly [WatchPlan] | readonly [WatchPlan, WatchPlan];
  readonly now: number;
}

/** The questions a watch asks at `now`; undefined before the change took effect. */
export function watchStage(
  lever: ResolvedLever,
  config: RepoConfig,
  appliedAt: number,
  now: number,
  direction?: "up" | "down",
): WatchStage | undefined {
  if (now <= appliedAt) return undefined;
  const first = watchPlan(lever, config, appliedAt, 1, direction);
  const extended = watchPlan(lever, config, appliedAt, 2, direction);
  const plans: WatchStage["plans"] =
    now < first.windowEnd
      ? [watchSoFar(first, now)]
      : [first, now < extended.windowEnd ? watchSoFar(extended, now) : extended];
  return { first, extended, plans, now };
}

export function stageQueries(stage: WatchStage): RangeQuery[] {
  return stage.plans.flatMap(watchQueries);
}

/** Failures of the endpoint itself, not of a query or of the system watched: nothing can be judged. */
const ENDPOINT_DOWN: ReadonlySet<MissingKind> = new Set([
  "unreachable",
  "server-error",
  "auth",
  "bad-response",
]);

/** Why Prometheus could not answer the plan's questions, if it could not: each reason once. */
function endpointDown(p: WatchPlan, answers: ReadonlyMap<string, SignalData>): string[] | undefined {
  const reasons = new Set<string>();
  for (const q of watchQueries(p)) {
    const a = answers.get(rangeKey(q));
    if (a?.status === "missing" && ENDPOINT_DOWN.has(a.kind)) reasons.add(a.reason);
  }
  return reasons.size > 0 ? [...reasons] : undefined;
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
  // A breach seen in the data there is acts whatever else is missing; nothing else does.
  const v1 = judge(p1);
  if (v1.verdict === "fail") return final(p1, v1, 1, now < first.windowEnd);
  const down1 = endpointDown(p1, answers);
  if (down1 !== undefined) return { kind: "unjudged", until: first.windowEnd, windows: 1, reasons: down1 };
  if (now < first.windowEnd) return { kind: "watching", until: first.windowEnd, soFar: v1 };
  if (v1.verdict !== "inconclusive" || !p2) return final(p1, v1, 1, false);
  const v2 = judge(p2);
  if (v2.verdict === "fail") return final(p2, v2, 2, now < extended.windowEnd);
  const down2 = endpointDown(p2, answers);
  if (down2 !== undefined) return { kind: "unjudged", until: extended.windowEnd, windows: 2, reasons: down2 };
  if (now < extended.windowEnd)
    return { kind: "extended", until: extended.windowEnd, verdict: v1, soFar: v2 };
  return final(p2, v2, 2, false);
}
