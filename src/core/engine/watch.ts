import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import { prometheusGraphLink } from "../signals/links.js";
import { rangeKey } from "../signals/recording.js";
import type { RangeQuery, SignalData } from "../signals/source.js";
import { parseDuration } from "../units/duration.js";
import type { WatchedGuardrail } from "./decision.js";
import { registerHypothesis, scoped, watchedGuardrails } from "./hypothesis.js";
import { effectReport, evaluateGuardrail, judge, type Verdict } from "./verdict.js";

export interface WatchPlan {
  readonly guardrails: ReadonlyArray<{
    readonly guardrail: WatchedGuardrail;
    readonly window: RangeQuery;
    readonly baseline: RangeQuery;
  }>;
  readonly hypothesis: { readonly window: RangeQuery; readonly baseline: RangeQuery };
  readonly windowEnd: number;
  /** Which way the change moved the lever, when known: a guardrail's `harmedBy` is read against it. */
  readonly direction?: "up" | "down" | undefined;
}

const ms = (d: string) => {
  const r = parseDuration(d);
  return r.ok ? r.value : 0;
};

/**
 * The questions a post-deploy watch asks: every guardrail at watch.interval across the window
 * after `appliedAt`, and over a same-length baseline just before it. `windows` > 1 extends the
 * window (an inconclusive verdict gets one extension).
 */
export function watchPlan(
  lever: ResolvedLever,
  config: RepoConfig,
  appliedAt: number,
  windows = 1,
  direction?: "up" | "down",
): WatchPlan {
  const step = Math.max(1000, ms(config.watch.interval));
  const length = ms(config.watch.window) * windows;
  const range = (query: string, start: number, end: number): RangeQuery => ({ query, start, end, step });
  const hypothesisQuery = scoped(lever, lever.policyDef.signals[lever.policyDef.hypothesis.signal] ?? "");
  return {
    guardrails: watchedGuardrails(lever, config).map((g) => ({
      guardrail: g,
      window: range(g.query, appliedAt, appliedAt + length),
      baseline: range(g.query, appliedAt - length, appliedAt - step),
    })),
    hypothesis: {
      window: range(hypothesisQuery, appliedAt, appliedAt + length),
      baseline: range(hypothesisQuery, appliedAt - length, appliedAt - step),
    },
    windowEnd: appliedAt + length,
    ...(direction ? { direction } : {}),
  };
}

export function watchQueries(p: WatchPlan): RangeQuery[] {
  return [...p.guardrails.flatMap((g) => [g.window, g.baseline]), p.hypothesis.window, p.hypothesis.baseline];
}

const NOT_ASKED: SignalData = { status: "missing", kind: "not-recorded", reason: "not asked", warnings: [] };

/** The verdict of a watch from the answers to its questions. Pure. */
export function watchVerdict(
  lever: ResolvedLever,
  config: RepoConfig,
  p: WatchPlan,
  answers: ReadonlyMap<string, SignalData>,
  prometheus?: string,
): Verdict {
  const get = (q: RangeQuery) => answers.get(rangeKey(q)) ?? NOT_ASKED;
  const results = p.guardrails.map((g) =>
    evaluateGuardrail({
      guardrail: g.guardrail,
      window: get(g.window),
      baseline: get(g.baseline),
      asked: { window: g.window, baseline: g.baseline },
      direction: p.direction,
      ...(prometheus
        ? { link: prometheusGraphLink(prometheus, g.guardrail.query, g.baseline.start, g.window.end) }
        : {}),
    }),
  );
  const hypothesis = registerHypothesis(lever, config, get(p.hypothesis.baseline));
  return judge(results, effectReport(hypothesis, get(p.hypothesis.window)));
}

/**
 * The watch so far: the same questions, with the window cut at `now`. A breach seen before the
 * window ends fails the change at once (a revert should not wait for the window to run out); a
 * pass or an inconclusive verdict still needs the whole window. The evaluations are counted back
 * from `now`, not forward from the change, so the newest one always reads the newest data: two
 * consecutive breaches are seen one interval after the first, whatever the grid's phase.
 */
export function watchSoFar(p: WatchPlan, now: number): WatchPlan {
  const cut = (q: RangeQuery): RangeQuery => {
    if (now >= q.end) return q;
    const steps = Math.max(0, Math.floor((now - q.start) / q.step));
    return { ...q, start: now - steps * q.step, end: now };
  };
  return {
    guardrails: p.guardrails.map((g) => ({ ...g, window: cut(g.window) })),
    hypothesis: { ...p.hypothesis, window: cut(p.hypothesis.window) },
    windowEnd: p.windowEnd,
    ...(p.direction ? { direction: p.direction } : {}),
  };
}
