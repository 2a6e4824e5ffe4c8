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

const EXPECT_TEXT = {
  below: "stays below",
  above: "stays above",
  decrease: "decreases by at least",
  increase: "increases by at least",
} as const;

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
  const amount =
    h.expect === "decrease" || h.expect === "increase" ? `${Math.round(h.value * 100)}%` : String(h.value);
  const from =
    baseline !== undefined && Number.isFinite(baseline) ? ` (now ${Number(baseline.toPrecision(3))})` : "";
  return {
    signal: h.signal,
    query: scoped(lever, lever.policyDef.signals[h.signal] ?? ""),
    expect: h.expect,
    value: h.value,
    window,
    ...(baseline !== undefined && Number.isFinite(baseline) ? { baseline } : {}),
    statement: `${h.signal}${from} ${EXPECT_TEXT[h.expect]} ${amount} within ${window} of the change being applied`,
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
