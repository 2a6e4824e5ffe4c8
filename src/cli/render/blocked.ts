import { NOT_API } from "../../adapters/prometheus/http.js";
import type { Decision, Evidence } from "../../core/engine/decision.js";

/** The checks a decision fails when a query gave nothing usable: its signals, then its guardrails. */
const DATA_CHECKS = new Set(["data", "watchable"]);

const baseName = (e: Evidence) => e.signal.replace(/ \(guardrail\)$/, "");

/** The queries behind a decision's data failure: each named in the failed check's detail, with what it answered. */
export function failedQueries(d: Decision): Evidence[] {
  const failed = d.checks.filter((c) => !c.ok && DATA_CHECKS.has(c.name));
  if (d.decision !== "blocked" || failed.length === 0) return [];
  return d.evidence.filter((e) => failed.some((c) => c.detail.includes(`${baseName(e)}: `)));
}

/**
 * Under the plan's table: for each lever blocked on data, the signal or guardrail, what Prometheus
 * answered, and the scoped query exactly as sent — what `--json` carries in `evidence`.
 */
export function renderBlockedQueries(decisions: readonly Decision[]): string[] {
  const out: string[] = [];
  for (const d of decisions) {
    const queries = failedQueries(d);
    if (queries.length === 0) continue;
    out.push("", `${d.lever}: blocked on ${queries.length === 1 ? "this query" : "these queries"}`);
    for (const e of queries) out.push(`  ${e.signal}: ${e.value}`, `    query: ${e.query}`);
  }
  return out;
}

/** A decision that failed only because Prometheus could not be used: said once for the run, not per signal. */
export function blockedByOutage(d: Decision): boolean {
  const queries = failedQueries(d);
  return (
    queries.length > 0 &&
    queries.every(
      (e) =>
        e.value.startsWith("missing: Prometheus unreachable") || e.value.startsWith(`missing: ${NOT_API}`),
    )
  );
}
