import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The App's own metrics, on a registry of its own (no globals shared with other code), with
 * prom-client's default process metrics (CPU, memory, event loop lag, open handles) on it too.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    decisions: new Counter({
      name: "governor_decisions_total",
      help: "Decisions made, by outcome and policy.",
      labelNames: ["decision", "policy"] as const,
      registers: [registry],
    }),
    proposalsOpen: new Gauge({
      name: "governor_proposals_open",
      help: "Governor pull requests open after the last reconcile, per repository, by kind (change: a tuning PR awaiting review; revert).",
      labelNames: ["repository", "kind"] as const,
      registers: [registry],
    }),
    lastSuccessfulReconcile: new Gauge({
      name: "governor_last_successful_reconcile_timestamp_seconds",
      help: "When the last reconcile of the repository ended without an error, a refused write or a paused watch (Unix seconds).",
      labelNames: ["repository"] as const,
      registers: [registry],
    }),
    watchesPaused: new Gauge({
      name: "governor_watches_paused",
      help: "Governor's merged changes the repository's last reconcile left unjudged because its config does not load (or names no Prometheus the operator offers): a breach of theirs would not be reverted.",
      labelNames: ["repository"] as const,
      registers: [registry],
    }),
    lastTick: new Gauge({
      name: "governor_schedule_last_tick_timestamp_seconds",
      help: "When the schedule's last tick ended (Unix seconds); /healthz fails after 3 tick intervals without one.",
      registers: [registry],
    }),
    verdicts: new Counter({
      name: "governor_verdicts_total",
      help: "Watch verdicts, by outcome.",
      labelNames: ["verdict"] as const,
      registers: [registry],
    }),
    reverts: new Counter({
      name: "governor_reverts_total",
      help: "Revert pull requests opened.",
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: "governor_reconcile_duration_seconds",
      help: "Time of one reconcile of one repository.",
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    prometheusErrors: new Counter({
      name: "governor_prometheus_errors_total",
      help: "Prometheus queries that ended in missing data because of an error.",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    githubRequests: new Counter({
      name: "governor_github_requests_total",
      help: "Requests made to the GitHub API.",
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: "governor_reconcile_errors_total",
      help: "Reconciles that failed with an error.",
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The octokits whose requests a Metrics already counts (a hook added twice counts twice). */
const counted = new WeakMap<Metrics, WeakSet<object>>();

/**
 * Counts every request of `octokit` in governor_github_requests_total, once: the schedule reuses
 * one octokit for all repositories of an installation, and each reconcile asks again.
 */
export function countGitHubRequests(
  octokit: { hook: { before(name: "request", hook: () => void): void } },
  metrics: Metrics,
): void {
  const seen = counted.get(metrics) ?? new WeakSet<object>();
  counted.set(metrics, seen);
  if (seen.has(octokit)) return;
  seen.add(octokit);
  octokit.hook.before("request", () => {
    metrics.githubRequests.inc();
  });
}
