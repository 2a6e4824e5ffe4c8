import type { ProbotOctokit } from "probot";
import { type BranchBase, pushBranch } from "../adapters/github/branch.js";
import type { RepoRef } from "../adapters/github/snapshot.js";
import { successTimes } from "../adapters/github/statuses.js";
import { commentAndLabel, type GitHubProblem, openPull } from "../adapters/github/writes.js";
import type { ResolvedLever } from "../core/config/check-levers.js";
import type { RepoConfig } from "../core/config/repo-schema.js";
import { scoped } from "../core/engine/hypothesis.js";
import type { PlanInput } from "../core/engine/plan.js";
import { watchPlan } from "../core/engine/watch.js";
import { parseMetadata } from "../core/pr/metadata.js";
import { type ChangeRequest, type GovernedRequest, LABEL } from "../core/reconcile/change-requests.js";
import {
  capReverts,
  dueWatches,
  revertTimes,
  type WatchAction,
  watchAction,
} from "../core/reconcile/watch-actions.js";
import { parseDuration } from "../core/units/duration.js";
import { magnitude } from "../core/values/arith.js";
import { parseValue } from "../core/values/value.js";
import type { Endpoint, ReconcileDeps } from "./github.js";
import { judgeWatch } from "./judge-watch.js";

/** The App's watch after merge: when a change was applied, its verdict, and what the verdict calls for. */

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Verdicts for the merged changes whose window has ended (one extension for an inconclusive one). */
export async function watchMergedChanges(
  governed: readonly GovernedRequest[],
  levers: readonly ResolvedLever[],
  config: RepoConfig,
  files: PlanInput["files"],
  deps: ReconcileDeps,
  endpoint: Endpoint,
  appliedAt: (g: GovernedRequest) => number | undefined,
): Promise<WatchAction[]> {
  const actions: WatchAction[] = [];
  for (const d of dueWatches(governed, levers, appliedAt, deps.now)) {
    const outcome = await judgeWatch(
      endpoint.source,
      d.lever,
      config,
      d.appliedAt,
      deps.now,
      endpoint.url,
      d.governed.meta.direction,
    );
    // Inside the window only a breach acts; while Prometheus cannot answer nothing does — no
    // verdict and no extension used up: the next tick that reaches it judges the same window.
    if (!outcome || outcome.kind === "watching" || outcome.kind === "unjudged") continue;
    const watch = outcome.kind === "extended" ? d : { ...d, windows: outcome.windows };
    const file = files.get(d.lever.target.file);
    actions.push(
      watchAction(
        watch,
        outcome.verdict,
        watchPlan(d.lever, config, d.appliedAt, 2).windowEnd,
        deps.now,
        file?.ok ? file.value : undefined,
        deps.key,
      ),
    );
  }
  return capReverts(actions, revertTimes(governed), deps.now);
}

export async function executeWatch(
  octokit: Octokit,
  ref: RepoRef,
  base: BranchBase,
  action: WatchAction,
  autoMergeReverts: boolean,
): Promise<GitHubProblem | undefined> {
  const done = (r: { ok: boolean; error?: GitHubProblem }) => (r.ok ? undefined : r.error);
  switch (action.type) {
    case "wait":
      return undefined;
    case "verified":
      return done(await commentAndLabel(octokit, ref, action.number, action.comment, [LABEL.verified]));
    case "inconclusive":
      return done(await commentAndLabel(octokit, ref, action.number, action.comment, [LABEL.inconclusive]));
    case "cannot-revert":
    case "capped":
      return done(await commentAndLabel(octokit, ref, action.number, action.comment, [LABEL.needsHuman]));
    case "revert": {
      const pushed = await pushBranch(octokit, ref, {
        branch: action.branch,
        base,
        path: action.file,
        text: action.text,
        message: action.message,
      });
      if (!pushed.ok) return pushed.error;
      const opened = await openPull(octokit, ref, {
        branch: action.branch,
        base: base.name,
        title: action.title,
        body: action.body,
        labels: [LABEL.governor, LABEL.revert],
        autoMerge: autoMergeReverts,
      });
      if (!opened.ok) return opened.error;
      return done(
        await commentAndLabel(octokit, ref, action.number, `${action.comment} See #${opened.value}.`, []),
      );
    }
  }
}

/**
 * When each merged change took effect, by watch.appliedWhen: merge + delay; or the first
 * successful deployer status (with the configured context) on the default branch's head after
 * the merge; or the first evaluation after the merge at which the live value (the scoped
 * liveValue query) equals the new value. Stateless: the same answer on every tick.
 */
export async function appliedTimes(
  octokit: Octokit,
  ref: RepoRef,
  head: string,
  config: RepoConfig,
  requests: readonly ChangeRequest[],
  live: {
    readonly levers: readonly ResolvedLever[];
    readonly endpoint: Endpoint;
    readonly key: string;
    readonly now: number;
  },
): Promise<(r: ChangeRequest) => number | undefined> {
  const when = config.watch.appliedWhen;
  const merged = requests.filter(
    (r) =>
      r.mergedAt !== undefined && r.labels.includes(LABEL.governor) && !r.labels.includes(LABEL.verified),
  );
  if (when.merged !== undefined) {
    const delay = parseDuration(when.merged);
    return (r) => (r.mergedAt !== undefined && delay.ok ? r.mergedAt + delay.value : undefined);
  }
  if (when.commitStatus !== undefined && merged.length > 0) {
    const times = await successTimes(octokit, ref, head, when.commitStatus.context);
    return (r) => (r.mergedAt === undefined ? undefined : times.find((t) => t >= (r.mergedAt as number)));
  }
  if (when.liveValue !== undefined) {
    const interval = parseDuration(config.watch.interval);
    const step = interval.ok ? Math.max(1000, interval.value) : 60_000;
    const found = new Map<number, number>();
    for (const r of merged) {
      const meta = parseMetadata(r.body, live.key);
      const lever = meta.ok ? live.levers.find((l) => l.id === meta.value.lever) : undefined;
      const to = meta.ok && lever ? parseValue(lever.policyDef.valueType, meta.value.to) : undefined;
      if (!meta.ok || !lever || !to?.ok || r.mergedAt === undefined) continue;
      const target = magnitude(to.value);
      const data = await live.endpoint.source.range({
        query: scoped(lever, when.liveValue.query),
        start: r.mergedAt,
        end: Math.max(r.mergedAt, live.now),
        step,
      });
      const hit =
        data.status === "ok"
          ? data.samples.find((p) => Math.abs(p.v - target) <= Math.abs(target) * 1e-6)
          : undefined;
      if (hit) found.set(r.number, hit.t);
    }
    return (r) => found.get(r.number);
  }
  return () => undefined;
}
