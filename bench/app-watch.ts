/**
 * bench/app (second table): how long after a guardrail breach the App decides the revert, with
 * the real schedule and reconcile in real time, against a loopback fake GitHub (the watched
 * repository of test/helpers/watched-repo.ts) and a signal source that turns bad at a known
 * time. The merge reaches the App as a webhook would (one reconcile outside the schedule); the
 * schedule's pass over all repositories comes only every hour. Target: ≤ 2 × watch.interval.
 */
import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { reconcileAndRecord } from "../src/app/app.js";
import { startSchedule } from "../src/app/schedule.js";
import { parseDuration } from "../src/core/units/duration.js";
import type { ReconcileResult } from "../src/reconcile/github.js";
import { createMetrics } from "../src/telemetry/metrics.js";
import { fakeGitHubApi } from "../test/helpers/fake-github-api.js";
import { breachingSource, WATCHED_KEY, watchedRepo } from "../test/helpers/watched-repo.js";
import { table } from "./table.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { ...(o.throttle as object), enabled: false },
}));
const TICK_MS = 3_600_000;
const ms = (d: string) => {
  const r = parseDuration(d);
  return r.ok ? r.value : Number.NaN;
};

/** Breach → the evaluation that decided the revert (its `now`), and → the revert PR opened. */
async function breachToRevert(
  watchInterval: string,
  scheduleInterval: string,
): Promise<{ decided: number; opened: number } | undefined> {
  const step = ms(watchInterval);
  const start = Date.now();
  // Merged 70 s ago, applied 1 min after its merge: watched from 10 s ago. The breach starts just
  // after an evaluation (the worst phase): the two consecutive evaluations over the limit that
  // make a breach need almost two more intervals.
  const breachAt = start + 1.05 * step;
  const repo = watchedRepo({ mergedAt: start - 70_000, watchInterval, scheduleInterval, clock: Date.now });
  const github = await fakeGitHubApi((r) => repo.route(r.method, r.path, r.body));
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: WATCHED_KEY,
    Octokit,
    baseUrl: github.baseUrl,
    logLevel: "fatal",
  });
  const source = breachingSource(breachAt);
  let decidedAt: number | undefined;
  const deps = {
    endpoint: () => ({ source }),
    key: WATCHED_KEY,
    clock: Date.now,
    metrics: createMetrics(),
    onReconciled: (_r: unknown, _o: unknown, at: number, result: ReconcileResult | undefined) => {
      if (decidedAt === undefined && result?.watches.some((w) => w.type === "revert")) decidedAt = at;
    },
  };
  const schedule = startSchedule(probot, deps, { intervalMs: TICK_MS, concurrency: 4 });
  try {
    // The merge's webhook: a reconcile outside the schedule, which the schedule is told of.
    const octokit = await probot.auth(7);
    const at = Date.now();
    const result = await reconcileAndRecord(octokit, { owner: "o", repo: "infra" }, probot.log, deps);
    schedule.record({ owner: "o", repo: "infra" }, octokit, at, result);
    const deadline = breachAt + 10 * step;
    // Until the reconcile that opened the revert has ended (it writes a comment and the dashboard after).
    while (decidedAt === undefined && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const opened = repo.revertOpenedAt();
    return opened === undefined || decidedAt === undefined
      ? undefined
      : { decided: decidedAt - breachAt, opened: opened - breachAt };
  } finally {
    await schedule.stop();
    await github.close();
  }
}

const rows: string[][] = [];
for (const [watch, sched] of [
  ["2s", "1h"],
  ["5s", "1h"],
  ["10s", "6h"],
] as const) {
  const delay = await breachToRevert(watch, sched);
  rows.push([
    watch,
    sched,
    `${TICK_MS / 60_000} min`,
    delay === undefined ? "no revert within 10 intervals" : `${(delay.decided / 1000).toFixed(1)} s`,
    delay === undefined ? "—" : `${(delay.decided / ms(watch)).toFixed(2)} × watch.interval`,
    delay === undefined ? "—" : `${(delay.opened / 1000).toFixed(1)} s`,
  ]);
}
process.stdout.write(
  `\nbench/app: breach → revert decision, real schedule and reconcile in real time, fake GitHub on loopback (target ≤ 2 × watch.interval)\n\n`,
);
process.stdout.write(
  `${table(
    [
      "watch.interval",
      "schedule.interval",
      "App tick (GOVERNOR_TICK_INTERVAL)",
      "breach → revert decision",
      "ratio",
      "breach → revert PR opened",
    ],
    rows,
  )}\n`,
);
