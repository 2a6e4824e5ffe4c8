import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { governorApp } from "../../src/app/app.js";
import { startSchedule } from "../../src/app/schedule.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { nock, strictHttp } from "../helpers/http-mock.js";
import { breachingSource, WATCHED_KEY, watchedRepo } from "../helpers/watched-repo.js";

/**
 * The real schedule and reconcile, on fake timers, against GitHub's API (nock): a change under
 * watch in a repository whose schedule.interval is an hour is still evaluated every
 * watch.interval, so a breach becomes a revert decision within two watch intervals.
 */
strictHttp();
const API = "https://api.github.com";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));
const T0 = Date.parse("2026-11-23T10:00:00Z");

afterEach(() => {
  vi.useRealTimers();
});

/** The real timer, kept before the fake ones replace it. */
const realSetTimeout = globalThis.setTimeout;

/**
 * Lets every pending request and promise run before the fake clock moves on (nock answers, and a
 * token's signature is made, on real event-loop turns): until nothing happened for 3 × 5 ms.
 */
async function settle(activity: () => number): Promise<void> {
  let quiet = 0;
  let seen = activity();
  while (quiet < 3) {
    await new Promise((resolve) => realSetTimeout(resolve, 5));
    const now = activity();
    quiet = now === seen ? quiet + 1 : 0;
    seen = now;
  }
}

describe("a change under watch is evaluated every watch.interval, whatever schedule.interval says", () => {
  it("watch.interval 1m, schedule.interval 1h, tick 1h: the breach turns into a revert within 2 minutes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: T0 });
    const breachAt = T0 + 10 * 60_000 + 17_000; // off the evaluation grid on purpose
    const github = watchedRepo({
      mergedAt: T0 - 60_000,
      watchInterval: "1m",
      scheduleInterval: "1h",
      clock: Date.now,
    });
    let activity = 0;
    for (const method of ["GET", "POST", "PATCH"])
      nock(API)
        .persist()
        .intercept(() => true, method)
        .optionally(method === "PATCH") // the dashboard, rewritten only when something in it changed
        .reply((uri, body) => {
          activity++;
          const r = github.route(method, uri, typeof body === "string" ? body : JSON.stringify(body));
          return [r.status, r.body];
        });
    const probot = new Probot({
      appId: 1,
      privateKey,
      secret: WATCHED_KEY,
      Octokit: TestOctokit,
      logLevel: "fatal",
    });
    const source = breachingSource(breachAt, () => activity++);
    const metrics = createMetrics();
    const schedule = startSchedule(
      probot,
      {
        endpoint: () => ({ source }),
        key: WATCHED_KEY,
        clock: Date.now,
        metrics,
      },
      { intervalMs: 3_600_000, concurrency: 1, jitter: 0 },
    );
    try {
      // Up to two hours, from one timer to the next, each wake's requests answered before the next.
      while (Date.now() < T0 + 2 * 3_600_000 && github.revertOpenedAt() === undefined) {
        await vi.advanceTimersToNextTimerAsync();
        await settle(() => activity);
      }
    } finally {
      void schedule.stop();
    }
    const revertedAt = github.revertOpenedAt();
    expect(revertedAt, "a revert PR was opened").toBeDefined();
    const delay = (revertedAt ?? Number.POSITIVE_INFINITY) - breachAt;
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(2 * 60_000);
    // Between two passes over the installations, only the watched repository was read again.
    const listings = github.served.filter((s) => s === "GET /installation/repositories").length;
    expect(listings).toBe(1);
    expect(schedule.health()).toEqual({ ok: true });
  }, 60_000);

  it("the merge's webhook starts the cadence at once: reconciled every watch.interval before the first pass", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: T0 });
    const github = watchedRepo({
      mergedAt: T0,
      watchInterval: "10s",
      scheduleInterval: "1h",
      clock: Date.now,
    });
    const at: Array<{ what: string; t: number }> = [];
    let activity = 0;
    for (const method of ["GET", "POST", "PATCH"])
      nock(API)
        .persist()
        .intercept(() => true, method)
        .optionally(method !== "POST")
        .reply((uri, body) => {
          activity++;
          const text = typeof body === "string" ? body : JSON.stringify(body);
          if (text.includes("governorSnapshot")) at.push({ what: "reconcile", t: Date.now() });
          if (uri.startsWith("/app/installations?")) at.push({ what: "pass", t: Date.now() });
          const r = github.route(method, uri, text);
          return [r.status, r.body];
        });
    const probot = new Probot({
      appId: 1,
      privateKey,
      secret: WATCHED_KEY,
      Octokit: TestOctokit,
      logLevel: "fatal",
    });
    const source = breachingSource(T0 + 24 * 3_600_000, () => activity++); // no breach
    await probot.load(
      governorApp({
        endpoint: () => ({ source }),
        key: WATCHED_KEY,
        clock: Date.now,
        serveTelemetry: false,
        schedule: { intervalMs: 3_600_000, concurrency: 1, jitter: 0 },
      }),
    );
    await probot.receive({
      id: "merged",
      name: "pull_request",
      payload: {
        action: "closed",
        pull_request: { number: 12, merged: true, labels: [{ name: "governor" }] },
        repository: { name: "infra", owner: { login: "o" } },
        installation: { id: 7 },
      } as never,
    });
    await settle(() => activity);
    while (Date.now() < T0 + 50_000) {
      await vi.advanceTimersToNextTimerAsync();
      await settle(() => activity);
    }
    // The webhook's reconcile at T0, then one every 10 s; the first pass (within a minute) not yet.
    expect(at.map((a) => `${a.what} +${(a.t - T0) / 1000}s`)).toEqual([
      "reconcile +0s",
      "reconcile +10s",
      "reconcile +20s",
      "reconcile +30s",
      "reconcile +40s",
      "reconcile +50s",
    ]);
  }, 60_000);
});
