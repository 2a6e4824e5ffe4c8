import type { ApplicationFunction, Context, Probot } from "probot";
import { CONFIG_PATH, REPO_POLICY_DIR } from "../core/config/load-repo-config.js";
import { LABEL } from "../core/reconcile/change-requests.js";
import type { Command } from "../core/reconcile/dashboard.js";
import { type Endpoint, type ReconcileResult, reconcileRepository } from "../reconcile/github.js";
import { countGitHubRequests, createMetrics, type Metrics } from "../telemetry/metrics.js";
import { onComment } from "./commands.js";
import { telemetryHandler } from "./http.js";
import { RepoLock } from "./repo-lock.js";
import { type Schedule, type ScheduleOptions, startSchedule } from "./schedule.js";

export interface AppDeps {
  /**
   * The operator's Prometheus endpoints, by the name a repository picks (`prometheus.endpoint`;
   * undefined for the default) — never a repository's URL: that would be a request-forgery hole.
   * A string is the reason the name is refused.
   */
  readonly endpoint: (name: string | undefined) => Endpoint | string;
  /** The webhook secret: also the key of the PRs' metadata signature. */
  readonly key: string;
  readonly clock: () => number;
  readonly metrics?: Metrics | undefined;
  /** Serve /metrics and /healthz (needs Probot's server; tests load the app without one). */
  readonly serveTelemetry?: boolean | undefined;
  /** Periodic reconciles of every installed repository; off unless given. */
  readonly schedule?: ScheduleOptions | undefined;
  /**
   * Told of every reconcile (webhook, command or schedule), when it started and what came of it
   * (undefined: it failed): the schedule learns from it which repositories have a change under watch.
   */
  readonly onReconciled?:
    | ((
        repo: { owner: string; repo: string },
        octokit: Octokit,
        at: number,
        result: ReconcileResult | undefined,
      ) => void)
    | undefined;
}

type Octokit = Context["octokit"];
type Log = Context["log"];

/** One reconcile per repository at a time in this process; see repo-lock.ts for why calls are coalesced. */
const locks = new RepoLock<Command, ReconcileResult | undefined>();

/**
 * One reconcile of one repository, with its metrics and logs (each decision line carries its id),
 * never beside another of the same repository in this process. Never throws: a failing
 * repository is logged and counted, and the others go on.
 */
export function reconcileAndRecord(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  log: Log,
  deps: AppDeps & { metrics: Metrics },
  command?: Command,
): Promise<ReconcileResult | undefined> {
  const key = `${repo.owner}/${repo.repo}`.toLowerCase();
  return locks.run(key, command, (commands) => reconcileOnce(octokit, repo, log, deps, commands));
}

async function reconcileOnce(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  log: Log,
  deps: AppDeps & { metrics: Metrics },
  command: readonly Command[],
): Promise<ReconcileResult | undefined> {
  const at = deps.clock();
  const result = await reconcileMeasured(octokit, repo, log, deps, command, at);
  deps.onReconciled?.(repo, octokit, at, result);
  return result;
}

async function reconcileMeasured(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  log: Log,
  deps: AppDeps & { metrics: Metrics },
  command: readonly Command[],
  now: number,
): Promise<ReconcileResult | undefined> {
  const { metrics } = deps;
  const where = `${repo.owner}/${repo.repo}`;
  countGitHubRequests(octokit, metrics);
  const end = metrics.reconcileDuration.startTimer();
  try {
    const result = await reconcileRepository(
      octokit,
      repo,
      {
        endpoint: deps.endpoint,
        key: deps.key,
        now,
      },
      command,
    );
    for (const e of result.configErrors) log.warn({ repository: where }, `invalid Governor config: ${e}`);
    for (const e of result.leverErrors)
      log.warn({ repository: where, lever: e.lever }, `lever not tuned: ${e.error}`);
    // A merged change left unjudged is a failed reconcile: a breach of it would not be reverted.
    metrics.watchesPaused.set({ repository: where }, result.pausedWatches.length);
    for (const n of result.pausedWatches)
      log.error({ repository: where, pr: n }, `the watch of #${n} is paused: the config cannot be used`);
    for (const d of result.decisions) {
      metrics.decisions.inc({ decision: d.decision, policy: d.policy });
      log.info({ repository: where, decision: d.id, lever: d.lever, outcome: d.decision }, d.reason);
      for (const e of d.evidence)
        if (e.value.startsWith("missing:") && !e.value.includes("matched no series"))
          metrics.prometheusErrors.inc({ kind: "missing" });
    }
    for (const w of result.watches) {
      if (w.type === "wait") continue;
      metrics.verdicts.inc({
        verdict: w.type === "verified" ? "pass" : w.type === "inconclusive" ? "inconclusive" : "fail",
      });
      if (w.type === "revert") metrics.reverts.inc();
      log.info({ repository: where, lever: w.lever, pr: w.number, watch: w.type }, `watch: ${w.type}`);
    }
    if (result.openPulls) {
      metrics.proposalsOpen.set({ repository: where, kind: "change" }, result.openPulls.change);
      metrics.proposalsOpen.set({ repository: where, kind: "revert" }, result.openPulls.revert);
    }
    if (result.failures.length === 0 && result.pausedWatches.length === 0)
      metrics.lastSuccessfulReconcile.set({ repository: where }, deps.clock() / 1000);
    for (const f of result.failures)
      log.error(
        { repository: where, lever: f.action.lever, action: f.action.type, status: f.problem.status },
        f.problem.message,
      );
    return result;
  } catch (e) {
    metrics.reconcileErrors.inc();
    log.error(
      { repository: where, err: e instanceof Error ? { message: e.message } : String(e) },
      "reconcile failed",
    );
    return undefined;
  } finally {
    end();
  }
}

/** The Probot app: the entry point wires events, the schedule and /metrics to the reconcile loop; it decides nothing itself. */
export function governorApp(deps: AppDeps): ApplicationFunction {
  return (app: Probot, { addHandler }) => {
    let schedule: Schedule | undefined;
    const full = {
      ...deps,
      metrics: deps.metrics ?? createMetrics(),
      onReconciled: (
        repo: { owner: string; repo: string },
        octokit: Octokit,
        at: number,
        result: ReconcileResult | undefined,
      ) => {
        schedule?.record(repo, octokit, at, result);
        deps.onReconciled?.(repo, octokit, at, result);
      },
    };
    if (deps.serveTelemetry !== false)
      addHandler(telemetryHandler(full.metrics, () => schedule?.health() ?? { ok: true }));
    app.on("push", async (context) => {
      const p = context.payload;
      if (p.ref !== `refs/heads/${p.repository.default_branch}`) return;
      const touched = p.commits.flatMap((c) => [
        ...(c.added ?? []),
        ...(c.modified ?? []),
        ...(c.removed ?? []),
      ]);
      if (!touched.some((f) => f === CONFIG_PATH || f.startsWith(`${REPO_POLICY_DIR}/`))) return;
      await reconcileAndRecord(context.octokit, context.repo(), context.log, full);
    });
    app.on(
      ["pull_request.closed", "pull_request.reopened", "pull_request.labeled", "pull_request.unlabeled"],
      async (context) => {
        if (!context.payload.pull_request.labels.some((l) => l.name === LABEL.governor)) return;
        await reconcileAndRecord(context.octokit, context.repo(), context.log, full);
      },
    );
    app.on("issue_comment.created", async (context) => onComment(context, full));
    // A deployer reporting success may be what makes a merged change applied (appliedWhen.commitStatus).
    app.on("status", async (context) => {
      if (context.payload.state !== "success") return;
      await reconcileAndRecord(context.octokit, context.repo(), context.log, full);
    });
    app.on("deployment_status", async (context) => {
      if (context.payload.deployment_status.state !== "success") return;
      await reconcileAndRecord(context.octokit, context.repo(), context.log, full);
    });
    if (deps.schedule) schedule = startSchedule(app, full, deps.schedule);
  };
}
