import type { ApplicationFunction, Context } from "probot";
import { CONFIG_PATH, REPO_POLICY_DIR } from "../core/config/load-repo-config.js";
import { LABEL } from "../core/reconcile/change-requests.js";
import type { SignalSource } from "../core/signals/source.js";
import { reconcileRepository } from "../reconcile/github.js";

export interface AppDeps {
  /** The operator's Prometheus (never a repository's URL: that would be a request-forgery hole). */
  readonly source: () => SignalSource;
  readonly prometheusUrl?: string | undefined;
  /** The webhook secret: also the key of the PRs' metadata signature. */
  readonly key: string;
  readonly clock: () => number;
}

/** What a handler needs of Probot's context (any event of a repository). */
interface RepoContext {
  repo(): { owner: string; repo: string };
  readonly octokit: Context["octokit"];
  readonly log: Context["log"];
}

/** Runs one reconcile of the event's repository, logging each decision with its id. */
async function reconcile(context: RepoContext, deps: AppDeps): Promise<void> {
  const repo = context.repo();
  const result = await reconcileRepository(context.octokit, repo, {
    source: deps.source(),
    prometheusUrl: deps.prometheusUrl,
    key: deps.key,
    now: deps.clock(),
  });
  for (const e of result.configErrors)
    context.log.warn({ repo: `${repo.owner}/${repo.repo}` }, `invalid Governor config: ${e}`);
  for (const d of result.decisions)
    context.log.info({ decision: d.id, lever: d.lever, outcome: d.decision }, d.reason);
  for (const f of result.failures)
    context.log.error(
      { lever: f.action.lever, action: f.action.type, status: f.problem.status },
      f.problem.message,
    );
}

/** The Probot app: the entry point wires events to the reconcile loop and decides nothing itself. */
export function governorApp(deps: AppDeps): ApplicationFunction {
  return (app) => {
    app.on("push", async (context) => {
      const p = context.payload;
      if (p.ref !== `refs/heads/${p.repository.default_branch}`) return;
      const touched = p.commits.flatMap((c) => [
        ...(c.added ?? []),
        ...(c.modified ?? []),
        ...(c.removed ?? []),
      ]);
      if (!touched.some((f) => f === CONFIG_PATH || f.startsWith(`${REPO_POLICY_DIR}/`))) return;
      await reconcile(context, deps);
    });
    app.on(
      ["pull_request.closed", "pull_request.reopened", "pull_request.labeled", "pull_request.unlabeled"],
      async (context) => {
        if (!context.payload.pull_request.labels.some((l) => l.name === LABEL.governor)) return;
        await reconcile(context, deps);
      },
    );
  };
}
