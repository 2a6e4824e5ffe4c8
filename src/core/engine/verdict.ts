import type { Sample, SignalData } from "../signals/source.js";
import { mean, median } from "../stats/describe.js";
import { MIN_SAMPLES_PER_GROUP, mannWhitneyGreater } from "../stats/mann-whitney.js";
import type { Hypothesis, WatchedGuardrail } from "./decision.js";
import { coverage, describeGaps, enough, lengthOf, type Span } from "./watch-coverage.js";

/** Significance of the relative-guardrail test: a regression must be clear, not noise. */
export const ALPHA = 0.01;
/** Consecutive evaluations over an absolute limit that make a breach: one spike is not one. */
export const CONSECUTIVE_BREACHES = 2;

export interface GuardrailResult {
  readonly name: string;
  /** true: held; false: breached; undefined: could not tell (missing or too little data). */
  readonly ok: boolean | undefined;
  readonly observed: string;
  readonly limit: string;
  readonly detail: string;
  readonly link?: string | undefined;
  /** Evaluations of the window without data, in words, when there are any (an outage shows here). */
  readonly gaps?: string | undefined;
  /** Breached, but after a change in the direction its `harmedBy` says cannot cause it: not a fail. */
  readonly excused?: true | undefined;
}

export type VerdictKind = "pass" | "fail" | "inconclusive";

export interface Verdict {
  readonly verdict: VerdictKind;
  readonly guardrails: readonly GuardrailResult[];
  /** The hypothesis signal's observed change against what was registered. */
  readonly effect: string;
}

export interface GuardrailData {
  readonly guardrail: WatchedGuardrail;
  /** Evaluations inside the watch window, at watch.interval. */
  readonly window: SignalData;
  /** The same length just before the change (for maxIncrease, and for a limit already breached). */
  readonly baseline: SignalData;
  /** Where each was asked: its evaluations with no sample are missing data, counted against it. */
  readonly asked: { readonly window: Span; readonly baseline: Span };
  readonly link?: string | undefined;
  /** Which way the change moved the lever, when known (for the guardrail's `harmedBy`). */
  readonly direction?: "up" | "down" | undefined;
}

const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));
/** A relative change as a signed percentage to 0.01%: float noise (+3.469e-14%) reads as +0%. */
const signedPct = (ratio: number) => {
  const p = Math.abs(ratio) < 0.00005 ? 0 : Number((ratio * 100).toFixed(2));
  return `${p >= 0 ? "+" : ""}${p}%`;
};

/**
 * Over the limit on CONSECUTIVE_BREACHES evaluations in a row. Evaluations are consecutive only
 * when no evaluation is missing between them: two spikes on either side of an outage are two spikes.
 */
function absolute(
  g: WatchedGuardrail,
  samples: readonly Sample[],
  step: number,
): { breached: boolean; worst: number } {
  let run = 0;
  let breached = false;
  let last = Number.NEGATIVE_INFINITY;
  let worst = g.max !== undefined ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const s of samples) {
    const over = (g.max !== undefined && s.v > g.max) || (g.min !== undefined && s.v < g.min);
    worst = g.max !== undefined ? Math.max(worst, s.v) : Math.min(worst, s.v);
    run = over ? (s.t - last <= step * 1.5 ? run + 1 : 1) : 0;
    last = s.t;
    if (run >= CONSECUTIVE_BREACHES) breached = true;
  }
  return { breached, worst };
}

/** A guardrail's limits in words, for verdicts and PR bodies. */
export function describeLimits(g: WatchedGuardrail): string {
  return [
    g.max !== undefined ? `max ${g.max}` : "",
    g.min !== undefined ? `min ${g.min}` : "",
    g.maxIncrease !== undefined
      ? `+${Math.round(g.maxIncrease * 100)}% over baseline${g.withinSlo !== undefined ? ` unless within the SLO (≤ ${num(g.withinSlo)})` : ""}`
      : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/**
 * One guardrail over the watch window: absolute limits need 2 consecutive breaches; relative ones
 * a significant and large increase over a baseline long enough to test against. A breach seen in
 * the data there is fails; "held" needs data for at least half of the window's evaluations;
 * anything less, or a baseline too short, is "cannot tell" — never a pass, never a fail.
 */
export function evaluateGuardrail(d: GuardrailData): GuardrailResult {
  const g = d.guardrail;
  const base = { name: g.name, limit: describeLimits(g), ...(d.link ? { link: d.link } : {}) };
  if (d.window.status === "missing")
    return {
      ...base,
      ok: undefined,
      observed: "missing",
      detail: `no data in the watch window: ${d.window.reason}`,
    };
  const after = d.window.samples;
  const inWindow = coverage(d.asked.window, after);
  const gaps =
    inWindow.present < inWindow.expected
      ? `${describeGaps(inWindow)} (${inWindow.present} of ${inWindow.expected} evaluations hold data)`
      : undefined;
  const withGaps = { ...base, ...(gaps ? { gaps } : {}) };
  const before = d.baseline.status === "ok" ? d.baseline.samples : [];
  const baseline = coverage(d.asked.baseline, before);
  const problems: string[] = [];
  const unknowns: string[] = [];
  const observed: string[] = [];
  if (g.max !== undefined || g.min !== undefined) {
    if (after.length < CONSECUTIVE_BREACHES)
      return {
        ...withGaps,
        ok: undefined,
        observed: `${after.length} samples`,
        detail: "too few evaluations in the window to judge",
      };
    const step = d.asked.window.step;
    const a = absolute(g, after, step);
    observed.push(`${g.max !== undefined ? "max" : "min"} ${num(a.worst)}`);
    // A limit already breached before the change is not the change's doing unless it got worse:
    // reverting a change that eased a breach would restore the worse state.
    const pre = before.length >= CONSECUTIVE_BREACHES ? absolute(g, before, step) : undefined;
    const sign = g.max !== undefined ? 1 : -1;
    const medians = () =>
      `median ${num(median(before.map((x) => x.v)))} → ${num(median(after.map((x) => x.v)))}`;
    if (a.breached && pre?.breached && !enough(baseline, CONSECUTIVE_BREACHES)) {
      observed.push(`already beyond it in the baseline there is (${lengthOf(baseline)}; ${medians()})`);
      unknowns.push(
        `the baseline before the change is too short to tell whether the change made it worse (${lengthOf(baseline)}; at least half is needed)`,
      );
    } else if (
      a.breached &&
      pre?.breached &&
      sign * median(after.map((x) => x.v)) <= sign * median(before.map((x) => x.v))
    ) {
      observed.push(`already beyond it before the change (${medians()})`);
    } else if (a.breached) {
      if (!enough(baseline)) observed.push(`baseline ${lengthOf(baseline)}`);
      problems.push(
        `beyond ${g.max !== undefined ? `max ${g.max}` : `min ${g.min}`} on ${CONSECUTIVE_BREACHES}+ consecutive evaluations${pre?.breached ? ", and worse than before the change" : ""}`,
      );
    }
  }
  if (g.maxIncrease !== undefined) {
    const now = after.map((s) => s.v);
    const test = mannWhitneyGreater(
      before.map((s) => s.v),
      now,
    );
    if (d.baseline.status === "missing") unknowns.push(`no baseline before the change: ${d.baseline.reason}`);
    else if (!enough(baseline, MIN_SAMPLES_PER_GROUP)) {
      observed.push(`baseline ${lengthOf(baseline)}`);
      unknowns.push(
        `the baseline is too short to judge against: ${lengthOf(baseline)} before the change (${baseline.present} evaluations; at least half of them and ${MIN_SAMPLES_PER_GROUP} are needed)`,
      );
    } else if (!test)
      unknowns.push(
        `too few samples for the test (${now.length} after, ${before.length} before; at least ${MIN_SAMPLES_PER_GROUP} each)`,
      );
    else {
      const b = median(before.map((s) => s.v));
      const increase =
        b === 0 ? (median(now) > 0 ? Number.POSITIVE_INFINITY : 0) : (median(now) - b) / Math.abs(b);
      observed.push(
        `median ${num(median(now))} vs ${num(b)} before (${signedPct(increase)}, p=${num(test.p)})`,
      );
      const insideSlo = g.withinSlo !== undefined && median(now) <= g.withinSlo;
      if (test.p < ALPHA && increase > g.maxIncrease && insideSlo)
        observed.push(`within the SLO (≤ ${num(g.withinSlo ?? 0)})`);
      else if (test.p < ALPHA && increase > g.maxIncrease) {
        problems.push(
          `increase of ${num(increase * 100)}% is over +${Math.round(g.maxIncrease * 100)}% and significant (p < ${ALPHA})`,
        );
      }
    }
  }
  // A window mostly without data says nothing about the rest of it: no "held" on what is missing.
  if (problems.length === 0 && unknowns.length === 0 && !enough(inWindow))
    unknowns.push(
      `data for only ${inWindow.present} of ${inWindow.expected} evaluations in the window (${describeGaps(inWindow)}); at least half are needed to call it held`,
    );
  const ok = problems.length > 0 ? false : unknowns.length > 0 ? undefined : true;
  const seen = observed.join(", ") || `${after.length} samples`;
  const moved = d.direction === "up" ? "increase" : d.direction === "down" ? "decrease" : undefined;
  // A breach the change's direction cannot cause is not its fault: a revert would restore a value
  // no better for this guardrail (a smaller CPU request cannot ease throttling). Cannot tell, so
  // the watch extends and then holds the lever for a person — never a revert into the worse value.
  if (ok === false && g.harmedBy !== undefined && moved !== undefined && moved !== g.harmedBy)
    return {
      ...withGaps,
      ok: undefined,
      excused: true,
      observed: seen,
      detail: `breached (${problems.join("; ")}), but an ${moved} of the lever cannot cause it (harmedBy: ${g.harmedBy}): not reverted`,
    };
  return {
    ...withGaps,
    ok,
    observed: seen,
    detail: ok === false ? problems.join("; ") : ok === undefined ? unknowns.join("; ") : "held",
  };
}

/** What happened to the hypothesis signal, against what was registered. */
export function effectReport(h: Hypothesis | undefined, during: SignalData | undefined): string {
  if (!h) return "no hypothesis registered";
  if (!during || during.status === "missing")
    return `${h.signal}: no data in the window (${during?.status === "missing" ? during.reason : "not asked"}); expected: ${h.statement}`;
  const m = mean(during.samples.map((s) => s.v));
  const base = h.baseline;
  const change = base !== undefined && base !== 0 ? (m - base) / Math.abs(base) : undefined;
  const met =
    h.expect === "below"
      ? m < h.value
      : h.expect === "above"
        ? m > h.value
        : change === undefined
          ? undefined
          : h.expect === "decrease"
            ? -change >= h.value
            : change >= h.value;
  const moved =
    base !== undefined ? ` (from ${num(base)}${change !== undefined ? `, ${signedPct(change)}` : ""})` : "";
  return `${h.signal} averaged ${num(m)} in the window${moved}; expected: ${h.statement} — ${met === undefined ? "cannot tell" : met ? "as expected" : "not as expected"}`;
}

/**
 * The verdict of a watch window. Any breached guardrail fails; if none failed but one could not
 * be judged, the verdict is inconclusive — never a pass on missing data.
 */
export function judge(results: readonly GuardrailResult[], effect: string): Verdict {
  const verdict: VerdictKind = results.some((r) => r.ok === false)
    ? "fail"
    : results.some((r) => r.ok === undefined)
      ? "inconclusive"
      : "pass";
  return { verdict, guardrails: results, effect };
}

/**
 * Why a verdict is inconclusive, in words: data too thin to judge, a breach the change's direction
 * cannot cause (`harmedBy`), or both. Never "not enough data" for a breach seen in full.
 */
export function inconclusiveWhy(v: Verdict, extended = false): string {
  const unknown = v.guardrails.filter((g) => g.ok === undefined);
  const excused = unknown.filter((g) => g.excused).map((g) => g.name);
  const data =
    unknown.length > excused.length || excused.length === 0
      ? `not enough data to judge this change${extended ? ", even over the extended window" : ""}`
      : "";
  const breach =
    excused.length > 0
      ? `a breach of ${excused.join(", ")} that the change's direction cannot cause (harmedBy), so it is not reverted`
      : "";
  return [data, breach].filter(Boolean).join("; ");
}
