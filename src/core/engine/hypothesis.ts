import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import { parseSelector, scopeQuery } from "../promql/scope.js";
import type { SignalData } from "../signals/source.js";
import { mean } from "../stats/describe.js";
import type { Hypothesis, Rollback, WatchedGuardrail } from "./decision.js";

/** A policy query scoped by the lever's selector (the query itself when it cannot be). */
export function scoped(lever: ResolvedLever, query: string, scope = true): string {
  if (!scope) return query;
  const m = parseSelector(lever.selector);
  const q = m.ok ? scopeQuery(query, m.value) : undefined;
  return q?.ok ? q.value : query;
}

const n3 = (x: number) => String(Number(x.toPrecision(3)));

/**
 * What is expected to change, in words. A bound the signal already keeps is no expectation by
 * itself ("throttling stays below 0.05" while it is 0.02): a step that takes resources away may
 * move the signal towards the bound and must not cross it; a step that adds them should move it
 * away. A bound not kept yet is what the change should reach.
 */
export function expectation(
  signal: string,
  expect: "below" | "above" | "decrease" | "increase",
  value: number,
  baseline: number | undefined,
  direction?: "up" | "down" | undefined,
): string {
  const now = baseline === undefined ? "" : ` from ${n3(baseline)}`;
  const v = n3(value);
  switch (expect) {
    case "below":
    case "above": {
      const [towards, away, side] =
        expect === "below" ? ["rise", "fall", "below"] : ["fall", "rise", "above"];
      if (baseline === undefined) return `${signal} is ${side} ${v}`;
      const kept = expect === "below" ? baseline < value : baseline > value;
      if (!kept) return `${signal} ${away}s${now} to ${side} ${v}`;
      // A signal at zero cannot fall further: nothing is expected to change but the bound.
      const floor = expect === "below" && baseline <= 0;
      if (direction === "up" && !floor) return `${signal} should ${away}${now} and stay ${side} ${v}`;
      if (direction === "down") return `${signal} may ${towards}${now} but stays ${side} ${v}`;
      return `${signal} stays ${side} ${v} (now ${n3(baseline)})`;
    }
    case "decrease":
      return `${signal} falls by at least ${Math.round(value * 100)}%${now}`;
    case "increase":
      return `${signal} rises by at least ${Math.round(value * 100)}%${now}`;
  }
}

/** What the change should do, registered before it is made. */
export function registerHypothesis(
  lever: ResolvedLever,
  config: RepoConfig,
  data: SignalData | undefined,
  /** The step's direction, when known: it says which way a signal inside its bound may move. */
  direction?: "up" | "down" | undefined,
): Hypothesis {
  const h = lever.policyDef.hypothesis;
  const window = h.window ?? config.watch.window;
  const baseline =
    data?.status === "ok"
      ? mean(data.samples.slice(-Math.max(1, Math.ceil(data.samples.length / 10))).map((s) => s.v))
      : undefined;
  const known = baseline !== undefined && Number.isFinite(baseline) ? baseline : undefined;
  return {
    signal: h.signal,
    query: scoped(lever, lever.policyDef.signals[h.signal] ?? ""),
    expect: h.expect,
    value: h.value,
    window,
    ...(known !== undefined ? { baseline: known } : {}),
    statement: `${expectation(h.signal, h.expect, h.value, known, direction)} within ${window} of the change being applied`,
  };
}

/** The guardrails watched after the change: the policy's (scoped) and the repository's. */
export function watchedGuardrails(lever: ResolvedLever, config: RepoConfig): WatchedGuardrail[] {
  const limits = (g: {
    max?: number | undefined;
    min?: number | undefined;
    maxIncrease?: number | undefined;
    harmedBy?: "increase" | "decrease" | undefined;
  }) => ({
    ...(g.max !== undefined ? { max: g.max } : {}),
    ...(g.min !== undefined ? { min: g.min } : {}),
    ...(g.maxIncrease !== undefined ? { maxIncrease: g.maxIncrease } : {}),
    ...(g.harmedBy !== undefined ? { harmedBy: g.harmedBy } : {}),
  });
  const s = lever.strategy;
  const slo = (g: {
    signal?: string | undefined;
    query?: string | undefined;
    maxIncrease?: number | undefined;
  }) =>
    s.type === "slo-step" && g.maxIncrease !== undefined && g.query === undefined && g.signal === s.signal
      ? { withinSlo: s.target + (s.band ?? s.target * 0.1) }
      : {};
  return [
    ...lever.policyDef.guardrails.map((g) => ({
      name: g.name,
      query: scoped(lever, g.query ?? lever.policyDef.signals[g.signal ?? ""] ?? "", g.scoped),
      ...limits(g),
      ...slo(g),
      source: "policy" as const,
    })),
    ...config.guardrails.map((g) => ({
      name: g.name,
      query: scoped(lever, g.query, g.scoped),
      ...limits(g),
      source: "repo" as const,
    })),
  ];
}

export function describeTarget(lever: ResolvedLever): string {
  const t = lever.target;
  if (t.path !== undefined) return `${t.path}${t.document !== undefined ? ` (document ${t.document})` : ""}`;
  return `${t.kind} ${t.name}${t.namespace ? ` (${t.namespace})` : ""}${t.container ? `, container ${t.container}` : ""}, ${t.field}`;
}

/** The exact inverse edit, and how to do it by hand. */
export function rollbackPlan(lever: ResolvedLever, from: string): Rollback {
  return {
    file: lever.target.file,
    target: describeTarget(lever),
    restore: from,
    manual: `set ${lever.target.file} ${describeTarget(lever)} back to ${from} (governor set ${lever.id} ${from}), or revert the commit`,
  };
}
