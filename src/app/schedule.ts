import type { Probot } from "probot";
import { parseDuration } from "../core/units/duration.js";
import type { ReconcileResult } from "../reconcile/github.js";
import type { Metrics } from "../telemetry/metrics.js";
import type { AppDeps } from "./app.js";
import { reconcileAndRecord } from "./app.js";

export interface ScheduleOptions {
  /** How often the App looks at every installed repository (each at most as often as its own schedule.interval). */
  readonly intervalMs: number;
  /** Repositories reconciled at once, across installations. */
  readonly concurrency: number;
  /** ± this fraction of jitter, so that many Apps do not hit GitHub in step. */
  readonly jitter?: number;
}

/** One repository's last scheduled reconcile, and when the next one is due. */
export interface RepoRun {
  /** When its last reconcile started: the next is due an interval after the start, not the end. */
  readonly at: number;
  /** Its own schedule.interval (0 when its config could not be read: every tick). */
  readonly intervalMs: number;
  /** Its watch.interval while a merged change is under watch: it is reconciled that often. */
  readonly watchMs?: number | undefined;
  /** Its installation's octokit (it mints tokens as they expire): a watch run needs no listing. */
  readonly octokit: Installation;
  readonly owner: string;
  readonly repo: string;
}

/**
 * Each repository's last scheduled reconcile. In memory only: after a restart every repository
 * is reconciled once more, which is harmless (reconciles are idempotent).
 */
export type LastRuns = Map<string, RepoRun>;

/** At most this long after a start before the first pass over every repository. */
const FIRST_PASS_MS = 60_000;

type Deps = AppDeps & { metrics: Metrics };
type Installation = Awaited<ReturnType<Probot["auth"]>>;
type Repo = { readonly owner: string; readonly repo: string };

/** Records a reconcile that started at `at` (scheduled or not); undefined: it failed. */
export function recordRun(
  lastRuns: LastRuns,
  repo: Repo,
  octokit: Installation,
  at: number,
  result: ReconcileResult | undefined,
): void {
  const key = `${repo.owner}/${repo.repo}`.toLowerCase();
  const before = lastRuns.get(key);
  if (before && before.at > at) return; // a later one was recorded already
  const interval = result?.scheduleInterval ? parseDuration(result.scheduleInterval) : undefined;
  lastRuns.set(key, {
    owner: repo.owner,
    repo: repo.repo,
    octokit,
    at,
    intervalMs: interval?.ok ? interval.value : result ? 0 : (before?.intervalMs ?? 0),
    // A failed reconcile keeps the cadence it had: an error must not slow down a running watch.
    watchMs: result ? result.watchIntervalMs : before?.watchMs,
  });
}

/** When a repository is due again: its watch cadence while it has one, else its schedule.interval. */
export const dueAt = (r: RepoRun): number =>
  r.at + (r.watchMs !== undefined ? Math.min(r.watchMs, r.intervalMs || r.watchMs) : r.intervalMs);

/** Runs the jobs `concurrency` at a time. */
async function runAll(jobs: ReadonlyArray<() => Promise<void>>, concurrency: number): Promise<void> {
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
}

/** One scheduled reconcile of one repository, recorded (when it starts decides when the next is due). */
function reconcileJob(app: Probot, deps: Deps, octokit: Installation, repo: Repo, lastRuns: LastRuns) {
  return async () => {
    const at = deps.clock();
    const result = await reconcileAndRecord(octokit, { owner: repo.owner, repo: repo.repo }, app.log, deps);
    recordRun(lastRuns, repo, octokit, at, result);
  };
}

/**
 * One pass over every installation's repositories, `concurrency` at a time; a repository is
 * skipped until it is due (its schedule.interval, or its watch.interval while a change is under
 * watch); one failure never stops the others. Returns how many repositories were reconciled.
 */
export async function tick(
  app: Probot,
  deps: Deps,
  concurrency: number,
  lastRuns: LastRuns = new Map(),
): Promise<number> {
  const appOctokit = await app.auth();
  const installations = await appOctokit.paginate("GET /app/installations", { per_page: 100 });
  const work: Array<() => Promise<void>> = [];
  const listed = new Set<string>();
  let complete = true;
  for (const installation of installations) {
    try {
      const octokit = await app.auth(installation.id);
      const repos = await octokit.paginate("GET /installation/repositories", { per_page: 100 });
      for (const r of repos) {
        if (r.archived) continue;
        const key = `${r.owner.login}/${r.name}`.toLowerCase();
        listed.add(key);
        const last = lastRuns.get(key);
        if (last && deps.clock() < dueAt(last)) continue;
        work.push(reconcileJob(app, deps, octokit, { owner: r.owner.login, repo: r.name }, lastRuns));
      }
    } catch (e) {
      complete = false;
      app.log.error(
        { installation: installation.id },
        `cannot list repositories: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  // A repository no longer installed (or archived) leaves the watch cadence too.
  if (complete) for (const key of lastRuns.keys()) if (!listed.has(key)) lastRuns.delete(key);
  await runAll(work, concurrency);
  return work.length;
}

/**
 * Between two passes: the repositories with a change under watch whose watch.interval has passed,
 * without listing the installations again (a watch must not wait for the next pass).
 */
export async function watchTick(
  app: Probot,
  deps: Deps,
  concurrency: number,
  lastRuns: LastRuns,
): Promise<number> {
  const due = [...lastRuns.values()].filter((r) => r.watchMs !== undefined && deps.clock() >= dueAt(r));
  const work = due.map((r) => reconcileJob(app, deps, r.octokit, r, lastRuns));
  await runAll(work, concurrency);
  return work.length;
}

export type Health = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The running schedule: stopped by `stop`; unhealthy when it has not ticked for 3 intervals. */
export interface Schedule {
  /** No tick after this; resolves when the tick under way (if any) has ended. */
  stop(): Promise<void>;
  health(): Health;
  /** A reconcile outside the schedule (a webhook, a command): a merge starts the watch cadence at once. */
  record(repo: Repo, octokit: Installation, at: number, result: ReconcileResult | undefined): void;
}

/**
 * Passes over every repository at a jittered interval, and in between the watched repositories
 * at their watch.interval; a tick never overlaps the previous one.
 */
export function startSchedule(app: Probot, deps: Deps, options: ScheduleOptions): Schedule {
  const lastRuns: LastRuns = new Map();
  const jitter = options.jitter ?? 0.1;
  const jittered = () => options.intervalMs * (1 - jitter + 2 * jitter * Math.random());
  const started = deps.clock();
  // The first pass soon after a start: a change under watch when the App restarted is watched again.
  let nextPass = started + Math.min(jittered(), FIRST_PASS_MS * (1 - jitter + 2 * jitter * Math.random()));
  let lastTick: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running = false;
  let current: Promise<void> | undefined;
  const run = () => {
    current = runOnce();
  };
  const runOnce = async () => {
    running = true;
    const pass = deps.clock() >= nextPass;
    try {
      if (pass) await tick(app, deps, options.concurrency, lastRuns);
      else await watchTick(app, deps, options.concurrency, lastRuns);
    } catch (e) {
      app.log.error(`scheduled tick failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      // Also after a failed pass: the next one waits its interval (no retry loop against GitHub).
      if (pass) nextPass = deps.clock() + jittered();
      running = false;
      lastTick = deps.clock();
      deps.metrics.lastTick.set(lastTick / 1000);
      wake();
    }
  };
  const wake = () => {
    if (stopped) return;
    const watched = [...lastRuns.values()].filter((r) => r.watchMs !== undefined).map(dueAt);
    const at = Math.min(nextPass, ...watched);
    timer = setTimeout(run, Math.max(0, at - deps.clock()));
    timer.unref();
  };
  wake();
  return {
    record: (repo, octokit, at, result) => {
      recordRun(lastRuns, repo, octokit, at, result);
      // A watch that starts between two passes: the timer set for the next pass may have to come sooner.
      if (!running) {
        clearTimeout(timer);
        wake();
      }
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
    health: () => {
      const since = lastTick ?? started;
      const limit = 3 * options.intervalMs * (1 + jitter);
      const quiet = deps.clock() - since;
      if (quiet <= limit) return { ok: true };
      const last = lastTick === undefined ? "no tick since the App started at" : "the last tick ended at";
      return {
        ok: false,
        reason: `the schedule has not ticked for ${Math.round(quiet / 1000)}s (${last} ${new Date(since).toISOString()}; a pass is due every ${Math.round(options.intervalMs / 1000)}s): a tick is stuck or the timer stopped`,
      };
    },
  };
}
