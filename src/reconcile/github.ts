import type { ProbotOctokit } from "probot";
import { type BranchBase, pushBranch } from "../adapters/github/branch.js";
import { type RepoRef, readSnapshot } from "../adapters/github/snapshot.js";
import {
  closePull,
  commentAndLabel,
  type GitHubProblem,
  openPull,
  updatePull,
} from "../adapters/github/writes.js";
import { CONFIG_PATH } from "../core/config/load-repo-config.js";
import type { Decision } from "../core/engine/decision.js";
import { extractHpas } from "../core/engine/hpa.js";
import type { Ledger } from "../core/engine/ledger.js";
import { plan } from "../core/engine/plan.js";
import { activeHolds } from "../core/engine/thrash.js";
import { commitMessage } from "../core/pr/commit-message.js";
import { type Action, planActions } from "../core/reconcile/actions.js";
import { watchCadence } from "../core/reconcile/cadence.js";
import { LABEL, ledgerFromChangeRequests } from "../core/reconcile/change-requests.js";
import {
  applyCommand,
  type Command,
  type DashboardInput,
  renderDashboard,
} from "../core/reconcile/dashboard.js";
import type { LeverError } from "../core/reconcile/dashboard-errors.js";
import { pickDashboard } from "../core/reconcile/dashboard-issue.js";
import { ledgerAfterTick, openPullsAfter, pullsByDecision } from "../core/reconcile/dashboard-ledger.js";
import { unsettledChanges, type WatchAction } from "../core/reconcile/watch-actions.js";
import { linkBases } from "../core/signals/links.js";
import { type SignalRequest, signalRequests } from "../core/signals/requests.js";
import type { SignalSource } from "../core/signals/source.js";
import { parseDuration } from "../core/units/duration.js";
import { collectSignals } from "./collect-signals.js";
import { readRepoConfig, whyNotWatched } from "./github-config.js";
import { writeDashboard as putDashboard } from "./github-dashboard.js";
import { appliedTimes, executeWatch, watchMergedChanges } from "./github-watch.js";

type Octokit = InstanceType<typeof ProbotOctokit>;
type DashboardAction = { readonly type: "dashboard"; readonly lever: string };

/** A Prometheus the operator offers: its source, and the URL evidence links point to. */
export interface Endpoint {
  readonly source: SignalSource;
  /** A base a reviewer's browser opens (PROMETHEUS_PUBLIC_URL), not the address queried. */
  readonly url?: string | undefined;
  /** The operator's Grafana (GRAFANA_URL), before the repository's. */
  readonly grafana?: string | undefined;
}

export interface ReconcileDeps {
  /**
   * The operator's Prometheus endpoints, by the name a repository picks (`prometheus.endpoint`),
   * or the default for undefined. Never a URL from a repository: that would be request forgery.
   */
  readonly endpoint: (name: string | undefined) => Endpoint | string;
  /** Signs and checks the PRs' hidden metadata: the App's webhook secret. */
  readonly key: string;
  readonly now: number;
}

export interface ReconcileResult {
  /** Problems of the config as a whole: nothing is proposed. */
  readonly configErrors: readonly string[];
  /** Problems of single levers: those are not proposed, every other lever is. */
  readonly leverErrors: readonly LeverError[];
  /**
   * Governor's merged changes left unjudged this run because the config does not load (or names no
   * Prometheus the operator offers): a breach of theirs would not be reverted.
   */
  readonly pausedWatches: readonly number[];
  readonly decisions: readonly Decision[];
  readonly actions: readonly Action[];
  readonly watches: readonly WatchAction[];
  readonly failures: ReadonlyArray<{
    readonly action: Action | WatchAction | DashboardAction;
    readonly problem: GitHubProblem;
  }>;
  readonly needsHuman: readonly number[];
  /** The repository's own schedule.interval, when its config could be read. */
  readonly scheduleInterval?: string | undefined;
  /**
   * Milliseconds until the repository must be reconciled again for a merged change under watch
   * (its watch.interval); undefined when nothing is watched and schedule.interval applies.
   */
  readonly watchIntervalMs?: number | undefined;
  /** Governor's PRs open after this reconcile (the ones it opened or closed counted), by kind. */
  readonly openPulls?: { readonly change: number; readonly revert: number } | undefined;
  /**
   * Why the dashboard's state (where holds, resumes and rejections live) was not written this
   * run, undefined when it was: a command may be acknowledged only once it is recorded there.
   */
  readonly unsaved?: string | undefined;
}

/**
 * One level-triggered pass over one repository: read its state (two GraphQL requests), decide
 * with the pure engine, and make only the missing changes. Safe to repeat at any moment.
 */
export async function reconcileRepository(
  octokit: Octokit,
  ref: RepoRef,
  deps: ReconcileDeps,
  command?: Command | readonly Command[],
): Promise<ReconcileResult> {
  const empty = {
    decisions: [],
    actions: [],
    watches: [],
    failures: [],
    needsHuman: [],
    leverErrors: [],
    pausedWatches: [],
  };
  const snapshot = await readSnapshot(octokit, ref);
  if (snapshot.config === undefined)
    return { ...empty, configErrors: [], unsaved: `${CONFIG_PATH} is missing on the default branch` }; // not opted in
  const dash = pickDashboard(snapshot.dashboards, deps.key, snapshot.closedDashboards);
  // Commands (a coalesced batch, in order) are applied to the state before the evaluation.
  const commands = command === undefined ? [] : Array.isArray(command) ? command : [command as Command];
  const state = commands.reduce((s, c) => applyCommand(s, c, deps.now), dash.state);
  const base: BranchBase = { name: snapshot.defaultBranch, oid: snapshot.oid, tree: snapshot.tree };
  const writeDashboard = async (
    input: Omit<DashboardInput, "state" | "tampered" | "watchWindowMs">,
    watchWindow: string,
  ) => {
    const window = parseDuration(watchWindow);
    return putDashboard(octokit, ref, dash, state, deps.key, (s) =>
      renderDashboard(
        { ...input, state: s, tampered: dash.tampered, watchWindowMs: window.ok ? window.value : 0 },
        deps.key,
      ),
    );
  };
  const cfg = await readRepoConfig(octokit, ref, { ...snapshot, config: snapshot.config });
  const loaded = cfg.result.loaded;
  const endpoint = loaded ? deps.endpoint(loaded.config.prometheus?.endpoint) : undefined;
  if (!loaded || endpoint === undefined || typeof endpoint === "string") {
    // Without the config there is no guardrail, window or Prometheus to watch with (the PRs'
    // metadata names only the lever, its file and values): the watch is paused, and says so.
    const { errors, because } = whyNotWatched(cfg, typeof endpoint === "string" ? endpoint : undefined);
    const chain = ledgerFromChangeRequests(snapshot.requests, deps.key, () => undefined);
    const paused = unsettledChanges(chain.governed).map((g) => ({
      number: g.request.number,
      lever: g.meta.lever,
    }));
    const ledger = { changes: chain.ledger.changes, holds: state.holds, resumes: state.resumes };
    const problem = await writeDashboard(
      {
        configErrors: errors,
        paused: { because, watches: paused },
        levers: [],
        decisions: [],
        ledger,
        pulls: pullsByDecision(chain.governed),
        holds: activeHolds(ledger, deps.now),
      },
      loaded?.config.watch.window ?? "30m",
    );
    return {
      ...empty,
      configErrors: errors,
      pausedWatches: paused.map((w) => w.number),
      unsaved: problem?.message,
    };
  }
  const { config, levers } = loaded;
  const { files, parsed, configErrors, leverErrors } = cfg;
  // A lever that cannot resolve is held back alone; a problem of the whole config (a symlinked
  // policy) holds back every proposal. Merged changes are watched with every lever either way.
  const broken = new Set(leverErrors.map((e) => e.lever));
  const tuned = configErrors.length > 0 ? [] : levers.filter((l) => !broken.has(l.id));
  const appliedAt = await appliedTimes(octokit, ref, snapshot.oid, config, snapshot.requests, {
    levers,
    endpoint,
    key: deps.key,
    now: deps.now,
  });
  const read = ledgerFromChangeRequests(snapshot.requests, deps.key, appliedAt);
  const ledger: Ledger = { changes: read.ledger.changes, holds: state.holds, resumes: state.resumes };
  const requests: SignalRequest[] = tuned.flatMap((l) => {
    const r = signalRequests(l, config.guardrails, deps.now);
    return r.ok ? r.value : [];
  });
  const answers = await collectSignals(endpoint.source, requests);
  const decisions = plan({
    config,
    levers: tuned,
    files: parsed,
    answers,
    ledger,
    hpas: [...files].flatMap(([path, f]) =>
      "text" in f && f.text.includes("HorizontalPodAutoscaler") ? extractHpas(path, f.text) : [],
    ),
    now: deps.now,
    links: linkBases({ prometheus: endpoint.url, grafana: endpoint.grafana }, config.grafana),
  });
  // A Governor PR whose metadata was edited is left to people: its branch is not touched either.
  const humanBranches = new Set(read.needsHuman.filter((r) => r.state === "open").map((r) => r.branch));
  const actions =
    config.mode === "observe"
      ? []
      : planActions(decisions, read.governed, deps.key, config.watch.window, deps.now).filter(
          (a) => !(a.type === "open" && humanBranches.has(a.branch)),
        );
  const failures: Array<{ action: Action | WatchAction | DashboardAction; problem: GitHubProblem }> = [];
  for (const r of read.needsHuman) {
    if (r.state !== "open" || r.labels.includes(LABEL.needsHuman)) continue;
    const note =
      "Governor's hidden metadata in this pull request was edited or cannot be read, so Governor no longer acts on it or its branch. A person decides: merge or close it by hand.";
    const labelled = await commentAndLabel(octokit, ref, r.number, note, [LABEL.needsHuman]);
    if (!labelled.ok) failures.push({ action: { type: "dashboard", lever: "-" }, problem: labelled.error });
  }
  const done: Array<{ action: Action; number?: number | undefined }> = [];
  for (const action of actions) {
    const { problem, number } = await execute(octokit, ref, base, action);
    if (problem) failures.push({ action, problem });
    else done.push({ action, number });
  }
  const watches = await watchMergedChanges(read.governed, levers, config, parsed, deps, endpoint, (g) =>
    appliedAt(g.request),
  );
  const watched: WatchAction[] = [];
  for (const action of watches) {
    const problem = await executeWatch(octokit, ref, base, action, config.mode === "auto");
    if (problem) failures.push({ action, problem });
    else watched.push(action);
  }
  // The dashboard as the next tick will see it: with this tick's PRs and verdicts in.
  const after = ledgerAfterTick(
    ledger,
    pullsByDecision(read.governed),
    { actions: done, watches: watched },
    deps.now,
  );
  const dashboardProblem = await writeDashboard(
    {
      configErrors,
      leverErrors,
      levers,
      decisions,
      ledger: after.ledger,
      pulls: after.pulls,
      holds: activeHolds(ledger, deps.now),
      problems: failures.map((f) => `${f.action.lever}: ${f.problem.message}`),
    },
    config.watch.window,
  );
  if (dashboardProblem)
    failures.push({ action: { type: "dashboard", lever: "-" }, problem: dashboardProblem });
  return {
    configErrors,
    leverErrors,
    pausedWatches: [],
    decisions,
    actions,
    watches,
    failures,
    needsHuman: read.needsHuman.map((r) => r.number),
    scheduleInterval: config.schedule.interval,
    openPulls: openPullsAfter(read.governed, { actions: done, watches: watched }),
    watchIntervalMs: watchCadence(read.governed, (g) => appliedAt(g.request), config.watch, deps.now),
    unsaved: dashboardProblem?.message,
  };
}

async function execute(
  octokit: Octokit,
  ref: RepoRef,
  base: BranchBase,
  action: Action,
): Promise<{ problem?: GitHubProblem | undefined; number?: number | undefined }> {
  if (action.type === "close") {
    const closed = await closePull(octokit, ref, action.number, action.comment);
    return closed.ok ? {} : { problem: closed.error };
  }
  const edit = action.decision.edit;
  if (!edit) return { problem: { message: "the decision carries no edit" } };
  const pushed = await pushBranch(octokit, ref, {
    branch: action.branch,
    base,
    path: edit.file,
    text: edit.after,
    message: commitMessage(action.decision),
  });
  if (!pushed.ok) return { problem: pushed.error };
  if (action.type === "update") {
    const updated = await updatePull(octokit, ref, action.number, action.title, action.body);
    return updated.ok ? { number: action.number } : { problem: updated.error };
  }
  const opened = await openPull(octokit, ref, {
    branch: action.branch,
    base: base.name,
    title: action.title,
    body: action.body,
    labels: action.labels,
    autoMerge: action.decision.approval === "auto",
  });
  return opened.ok ? { number: opened.value } : { problem: opened.error };
}
