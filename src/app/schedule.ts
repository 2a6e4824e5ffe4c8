import type { Probot } from "probot";
import { parseDuration } from "../core/units/duration.js";
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

/**
 * When each repository was last reconciled, and its own schedule.interval. In memory only: after
 * a restart every repository is reconciled once more, which is harmless (reconciles are idempotent).
 */
export type LastRuns = Map<string, { readonly at: number; readonly intervalMs: number }>;

/**
 * One pass over every installation's repositories, `concurrency` at a time; a repository is
 * skipped while its own schedule.interval has not passed; one failure never stops the others.
 */
export async function tick(
  app: Probot,
  deps: AppDeps & { metrics: Metrics },
  concurrency: number,
  lastRuns: LastRuns = new Map(),
): Promise<number> {
  const appOctokit = await app.auth();
  const installations = await appOctokit.paginate("GET /app/installations", { per_page: 100 });
  const work: Array<() => Promise<void>> = [];
  for (const installation of installations) {
    try {
      const octokit = await app.auth(installation.id);
      const repos = await octokit.paginate("GET /installation/repositories", { per_page: 100 });
      for (const r of repos) {
        const key = `${r.owner.login}/${r.name}`;
        const last = lastRuns.get(key);
        if (r.archived || (last && deps.clock() - last.at < last.intervalMs)) continue;
        work.push(async () => {
          const result = await reconcileAndRecord(
            octokit,
            { owner: r.owner.login, repo: r.name },
            app.log,
            deps,
          );
          const interval = result?.scheduleInterval ? parseDuration(result.scheduleInterval) : undefined;
          lastRuns.set(key, { at: deps.clock(), intervalMs: interval?.ok ? interval.value : 0 });
        });
      }
    } catch (e) {
      app.log.error(
        { installation: installation.id },
        `cannot list repositories: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  const queue = [...work];
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    }),
  );
  return work.length;
}

/** Ticks forever at a jittered interval; a tick never overlaps the previous one. */
export function startSchedule(
  app: Probot,
  deps: AppDeps & { metrics: Metrics },
  options: ScheduleOptions,
): void {
  const lastRuns: LastRuns = new Map();
  const next = () => {
    const jitter = options.jitter ?? 0.1;
    const delay = options.intervalMs * (1 - jitter + 2 * jitter * Math.random());
    setTimeout(async () => {
      try {
        await tick(app, deps, options.concurrency, lastRuns);
      } catch (e) {
        app.log.error(`scheduled tick failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        next();
      }
    }, delay).unref();
  };
  next();
}
