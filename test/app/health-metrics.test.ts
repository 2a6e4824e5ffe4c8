import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { reconcileAndRecord } from "../../src/app/app.js";
import { telemetryHandler } from "../../src/app/http.js";
import { startSchedule } from "../../src/app/schedule.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { type FakeGitHubApi, fakeGitHubApi } from "../helpers/fake-github-api.js";
import { breachingSource, WATCHED_KEY, watchedRepo } from "../helpers/watched-repo.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const NOW = Date.parse("2026-11-23T10:00:00Z");
const missing = { status: "missing" as const, kind: "empty" as const, reason: "", warnings: [] };
const quiet = { range: async () => missing, instant: async () => missing };

let api: FakeGitHubApi | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await api?.close();
  api = undefined;
});

/** A Probot whose GitHub answers nothing to a tick's first request (`hang`) or lists no installation. */
function probot(hang: boolean): Probot {
  const app = new Probot({ appId: 1, privateKey, secret: WATCHED_KEY, logLevel: "fatal" });
  const none = { paginate: async () => [] };
  return Object.assign(app, {
    auth: () => (hang ? new Promise<never>(() => {}) : Promise.resolve(none)),
  }) as unknown as Probot;
}

describe("/healthz says whether the schedule still ticks", () => {
  it("a tick that never ends: healthy for 3 intervals, then unhealthy with the reason", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: NOW });
    const metrics = createMetrics();
    const schedule = startSchedule(
      probot(true),
      { endpoint: () => ({ source: quiet }), key: WATCHED_KEY, clock: Date.now, metrics },
      { intervalMs: 60_000, concurrency: 1, jitter: 0 },
    );
    try {
      await vi.advanceTimersByTimeAsync(61_000); // the first pass starts, and hangs
      expect(schedule.health()).toEqual({ ok: true });
      await vi.advanceTimersByTimeAsync(118_000); // 179 s since the start: just inside 3 intervals
      expect(schedule.health()).toEqual({ ok: true });
      await vi.advanceTimersByTimeAsync(62_000); // 241 s without a tick ending: over 3 × 60 s
      const health = schedule.health();
      expect(health.ok).toBe(false);
      expect(health.ok ? "" : health.reason).toMatch(
        /^the schedule has not ticked for 241s \(no tick since the App started at 2026-11-23T10:00:00\.000Z; a pass is due every 60s\)/,
      );
    } finally {
      void schedule.stop();
    }
  });

  it("a schedule that ticks stays healthy, and says when it last ticked", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: NOW });
    const metrics = createMetrics();
    const schedule = startSchedule(
      probot(false),
      { endpoint: () => ({ source: quiet }), key: WATCHED_KEY, clock: Date.now, metrics },
      { intervalMs: 60_000, concurrency: 1, jitter: 0 },
    );
    try {
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(schedule.health()).toEqual({ ok: true });
      expect(await metrics.registry.metrics()).toContain(
        `governor_schedule_last_tick_timestamp_seconds ${(NOW + 10 * 60_000) / 1000}`,
      );
    } finally {
      void schedule.stop();
    }
  });

  it("answers 503 with the reason when unhealthy, 200 otherwise", async () => {
    let health: { ok: true } | { ok: false; reason: string } = { ok: true };
    const handler = telemetryHandler(createMetrics(), () => health);
    const server = createServer(async (req, res) => {
      if (!(await handler(req, res))) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/healthz`;
    try {
      expect((await fetch(url)).status).toBe(200);
      health = { ok: false, reason: "the schedule has not ticked for 900s" };
      const r = await fetch(url);
      expect(r.status).toBe(503);
      expect(await r.json()).toEqual({ status: "unhealthy", reason: "the schedule has not ticked for 900s" });
    } finally {
      server.close();
    }
  });
});

describe("the App's metrics mean what their names say", () => {
  it("governor_proposals_open counts Governor's open PRs (a revert too), and each repository's last successful reconcile is stamped", async () => {
    const repo = watchedRepo({
      mergedAt: NOW - 20 * 60_000,
      watchInterval: "1m",
      scheduleInterval: "1h",
      clock: () => NOW,
    });
    api = await fakeGitHubApi((r) => repo.route(r.method, r.path, r.body));
    const Octokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });
    const octokit = new Octokit({ auth: "token", baseUrl: api.baseUrl } as never);
    const metrics = createMetrics();
    const deps = {
      endpoint: () => ({ source: breachingSource(NOW - 10 * 60_000) }),
      key: WATCHED_KEY,
      clock: () => NOW,
      metrics,
    };
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;
    const first = await reconcileAndRecord(octokit as never, { owner: "o", repo: "infra" }, log, deps);
    expect(first?.watches.map((w) => w.type)).toEqual(["revert"]);
    // No proposal was decided this tick (the lever's value is right), but a revert PR is open.
    expect(first?.decisions.filter((d) => d.decision === "propose")).toEqual([]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('governor_proposals_open{repository="o/infra",kind="revert"} 1');
    expect(text).toContain('governor_proposals_open{repository="o/infra",kind="change"} 0');
    expect(text).toContain(
      `governor_last_successful_reconcile_timestamp_seconds{repository="o/infra"} ${NOW / 1000}`,
    );
    // The next tick reads the revert PR back: still one open.
    await reconcileAndRecord(octokit as never, { owner: "o", repo: "infra" }, log, deps);
    expect(await metrics.registry.metrics()).toContain(
      'governor_proposals_open{repository="o/infra",kind="revert"} 1',
    );
  });

  it("the default process metrics are on the App's own registry", async () => {
    const text = await createMetrics().registry.metrics();
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_p99_seconds",
    ])
      expect(text).toContain(`# TYPE ${name}`);
  });
});
