import type { Probot } from "probot";
import type { Metrics } from "../telemetry/metrics.js";
import type { AppDeps } from "./app.js";
import { reconcileAndRecord } from "./app.js";

export interface ScheduleOptions {
  /** How often the App looks at every installed repository (repositories reconcile at their own schedule.interval at most this often). */
  readonly intervalMs: number;
  /** Repositories reconciled at once, across installations. */
  readonly concurrency: number;
  /** ± this fraction of jitter, so that many Apps do not hit GitHub in step. */
  readonly jitter?: number;
}

/** One pass over every installation's repositories, `concurrency` at a time; one failure never stops the others. */
export async function tick(
  app: Probot,
  deps: AppDeps & { metrics: Metrics },
  concurrency: number,
): Promise<number> {
  const appOctokit = await app.auth();
  const installations = await appOctokit.paginate("GET /app/installations", { per_page: 100 });
  const work: Array<() => Promise<unknown>> = [];
  for (const installation of installations) {
    try {
      const octokit = await app.auth(installation.id);
      const repos = await octokit.paginate("GET /installation/repositories", { per_page: 100 });
      for (const r of repos) {
        if (r.archived) continue;
        work.push(() => reconcileAndRecord(octokit, { owner: r.owner.login, repo: r.name }, app.log, deps));
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
  const next = () => {
    const jitter = options.jitter ?? 0.1;
    const delay = options.intervalMs * (1 - jitter + 2 * jitter * Math.random());
    setTimeout(async () => {
      try {
        await tick(app, deps, options.concurrency);
      } catch (e) {
        app.log.error(`scheduled tick failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        next();
      }
    }, delay).unref();
  };
  next();
}
