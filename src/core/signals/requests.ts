import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoGuardrail } from "../config/repo-schema.js";
import { parseSelector, scopeQuery } from "../promql/scope.js";
import { err, ok, type Result } from "../result.js";
import { parseDuration } from "../units/duration.js";
import type { RangeQuery } from "./source.js";
import { alignEnd, chooseStep } from "./step.js";

/** One question the engine asks about a lever: a named signal or guardrail, scoped, over a range. */
export interface SignalRequest extends RangeQuery {
  readonly lever: string;
  readonly name: string;
  readonly kind: "signal" | "guardrail";
}

/** The window a lever's strategy looks at. */
export function lookbackOf(lever: ResolvedLever): number {
  const d = parseDuration(lever.strategy.lookback);
  return d.ok ? d.value : 0;
}

/**
 * Every range query needed to decide about `lever` at `now`: each signal of its policy and each
 * guardrail (the policy's and the repo's), scoped by the lever's selector unless `scoped: false`,
 * over the strategy's lookback. Deterministic: a recording made with the same `now` answers
 * exactly these.
 */
export function signalRequests(
  lever: ResolvedLever,
  repoGuardrails: readonly RepoGuardrail[],
  now: number,
): Result<SignalRequest[]> {
  const matchers = parseSelector(lever.selector);
  if (!matchers.ok) return err(`lever ${lever.id}: selector: ${matchers.error}`);
  const range = lookbackOf(lever);
  const step = chooseStep(range);
  const end = alignEnd(now, step);
  const start = end - range;
  const out: SignalRequest[] = [];
  const add = (
    name: string,
    kind: SignalRequest["kind"],
    query: string,
    scoped: boolean,
  ): string | undefined => {
    const q = scoped ? scopeQuery(query, matchers.value) : ok(query);
    if (!q.ok) return `lever ${lever.id}: ${kind} ${name}: ${q.error}`;
    out.push({ lever: lever.id, name, kind, query: q.value, start, end, step });
    return undefined;
  };
  const policy = lever.policyDef;
  for (const [name, query] of Object.entries(policy.signals)) {
    const problem = add(name, "signal", query, true);
    if (problem) return err(problem);
  }
  for (const g of policy.guardrails) {
    if (g.query === undefined) continue; // a guardrail on a signal is answered by that signal
    const problem = add(g.name, "guardrail", g.query, g.scoped);
    if (problem) return err(problem);
  }
  for (const g of repoGuardrails) {
    const problem = add(g.name, "guardrail", g.query, g.scoped);
    if (problem) return err(problem);
  }
  return ok(out);
}
