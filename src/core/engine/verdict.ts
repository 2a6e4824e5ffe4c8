import type { Sample, SignalData } from "../signals/source.js";
import { mean, median } from "../stats/describe.js";
import { MIN_SAMPLES_PER_GROUP, mannWhitneyGreater } from "../stats/mann-whitney.js";
import type { Hypothesis, WatchedGuardrail } from "./decision.js";

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
  /** The same length just before the change (for maxIncrease). */
  readonly baseline: SignalData;
  readonly link?: string | undefined;
}

const num = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x));

function absolute(g: WatchedGuardrail, samples: readonly Sample[]): { breached: boolean; worst: number } {
  let run = 0;
  let breached = false;
  let worst = g.max !== undefined ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const s of samples) {
    const over = (g.max !== undefined && s.v > g.max) || (g.min !== undefined && s.v < g.min);
    worst = g.max !== undefined ? Math.max(worst, s.v) : Math.min(worst, s.v);
    run = over ? run + 1 : 0;
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

/** One guardrail over the watch window: absolute limits need 2 consecutive breaches; relative ones a significant and large increase. */
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
  const problems: string[] = [];
  const observed: string[] = [];
  let ok = true;
  if (g.max !== undefined || g.min !== undefined) {
    if (after.length < CONSECUTIVE_BREACHES)
      return {
        ...base,
        ok: undefined,
        observed: `${after.length} samples`,
        detail: "too few evaluations in the window to judge",
      };
    const a = absolute(g, after);
    observed.push(`${g.max !== undefined ? "max" : "min"} ${num(a.worst)}`);
    // A limit already breached before the change is not the change's doing unless it got worse:
    // reverting a change that eased a breach would restore the worse state.
    const before = d.baseline.status === "ok" ? d.baseline.samples : [];
    const pre = before.length >= CONSECUTIVE_BREACHES ? absolute(g, before) : undefined;
    const sign = g.max !== undefined ? 1 : -1;
    const eased =
      pre?.breached === true && sign * median(after.map((x) => x.v)) <= sign * median(before.map((x) => x.v));
    if (a.breached && eased) {
      observed.push(
        `already beyond it before the change (median ${num(median(before.map((x) => x.v)))} → ${num(median(after.map((x) => x.v)))})`,
      );
    } else if (a.breached) {
      ok = false;
      problems.push(
        `beyond ${g.max !== undefined ? `max ${g.max}` : `min ${g.min}`} on ${CONSECUTIVE_BREACHES}+ consecutive evaluations${pre?.breached ? ", and worse than before the change" : ""}`,
      );
    }
  }
  if (g.maxIncrease !== undefined) {
    if (d.baseline.status === "missing")
      return {
        ...base,
        ok: undefined,
        observed: observed.join(", ") || "n/a",
        detail: `no baseline before the change: ${d.baseline.reason}`,
      };
    const before = d.baseline.samples.map((s) => s.v);
    const now = after.map((s) => s.v);
    const test = mannWhitneyGreater(before, now);
    if (!test)
      return {
        ...base,
        ok: undefined,
        observed: observed.join(", ") || `${now.length} samples`,
        detail: `too few samples for the test (${now.length} after, ${before.length} before; at least ${MIN_SAMPLES_PER_GROUP} each)`,
      };
    const b = median(before);
    const increase =
      b === 0 ? (median(now) > 0 ? Number.POSITIVE_INFINITY : 0) : (median(now) - b) / Math.abs(b);
    observed.push(
      `median ${num(median(now))} vs ${num(b)} before (${increase >= 0 ? "+" : ""}${num(increase * 100)}%, p=${num(test.p)})`,
    );
    const insideSlo = g.withinSlo !== undefined && median(now) <= g.withinSlo;
    if (test.p < ALPHA && increase > g.maxIncrease && insideSlo)
      observed.push(`within the SLO (≤ ${num(g.withinSlo ?? 0)})`);
    else if (test.p < ALPHA && increase > g.maxIncrease) {
      ok = false;
      problems.push(
        `increase of ${num(increase * 100)}% is over +${Math.round(g.maxIncrease * 100)}% and significant (p < ${ALPHA})`,
      );
    }
  }
  return { ...base, ok, observed: observed.join(", "), detail: ok ? "held" : problems.join("; ") };
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
    base !== undefined
      ? ` (from ${num(base)}${change !== undefined ? `, ${change >= 0 ? "+" : ""}${num(change * 100)}%` : ""})`
      : "";
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
