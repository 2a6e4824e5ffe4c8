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
 * What is expected to change, in words. A bound the signal already keeps is not an expectation
 * ("throttling stays below 0.05" while it is 0): the change may move it towards the bound, and the
 * statement says so; a bound it does not keep yet is what the change should reach.
 */
export function expectation(
  signal: string,
  expect: "below" | "above" | "decrease" | "increase",
  value: number,
  baseline: number | undefined,
): string {
  const now = baseline === undefined ? "" : ` from ${n3(baseline)}`;
  switch (expect) {
    case "below":
      if (baseline === undefined) return `${signal} is below ${n3(value)}`;
      return baseline < value
        ? `${signal} may rise${now} but stays below ${n3(value)}`
        : `${signal} falls${now} to below ${n3(value)}`;
    case "above":
      if (baseline === undefined) return `${signal} is above ${n3(value)}`;
      return baseline > value
        ? `${signal} may fall${now} but stays above ${n3(value)}`
        : `${signal} rises${now} to above ${n3(value)}`;
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
    statement: `${expectation(h.signal, h.expect, h.value, known)} within ${window} of the change being applied`,
  };
}

/** The guardrails watched after the change: the policy's (scoped) and the repository's. */
export function watchedGuardrails(lever: ResolvedLever, config: RepoConfig): WatchedGuardrail[] {
  const limits = (g: {
    max?: number | undefined;
    min?: number | undefined;
    maxIncrease?: number | undefined;
  }) => ({
    ...(g.max !== undefined ? { max: g.max } : {}),
    ...(g.min !== undefined ? { min: g.min } : {}),
    ...(g.maxIncrease !== undefined ? { maxIncrease: g.maxIncrease } : {}),
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
