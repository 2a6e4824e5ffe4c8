import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { telemetryHandler } from "../../src/app/http.js";
import { tick } from "../../src/app/schedule.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { nock, strictHttp } from "../helpers/http-mock.js";

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

describe("the schedule", () => {
  it("reconciles every repository of every installation; one failing repository does not stop the others", async () => {
    const metrics = createMetrics();
    const probot = new Probot({ appId: 1, privateKey, secret: "s", Octokit: TestOctokit, logLevel: "fatal" });
    nock(API)
      .get("/app/installations")
      .query(true)
      .reply(200, [{ id: 7 }]);
    nock(API)
      .post("/app/installations/7/access_tokens")
      .reply(201, { token: "ghs_x", expires_at: "2099-01-01T00:00:00Z" });
    nock(API)
      .get("/installation/repositories")
      .query(true)
      .reply(200, {
        total_count: 3,
        repositories: [
          { name: "broken", owner: { login: "o" } },
          { name: "plain", owner: { login: "o" } },
          { name: "old", owner: { login: "o" }, archived: true },
        ],
      });
    nock(API)
      .post("/graphql", (b: { variables: { name: string } }) => b.variables.name === "broken")
      .reply(502, "<html>bad gateway</html>");
    nock(API)
      .post("/graphql", (b: { variables: { name: string } }) => b.variables.name === "plain")
      .reply(200, {
        data: {
          repository: {
            defaultBranchRef: { name: "main", target: { oid: "x", tree: { oid: "t" } } },
            config: null,
            policies: null,
            pullRequests: { nodes: [] },
          },
        },
      });
    const missing = { status: "missing" as const, kind: "empty" as const, reason: "", warnings: [] };
    const deps = {
      endpoint: () => ({ source: { range: async () => missing, instant: async () => missing } }),
      key: "s",
      clock: () => 0,
      metrics,
    };
    expect(await tick(probot, deps, 2)).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toContain("governor_reconcile_errors_total 1");
    expect(text).toMatch(/governor_reconcile_duration_seconds_count 2/);
    expect(text).toMatch(/governor_github_requests_total [2-9]/);
  });
});

describe("the schedule respects each repository's schedule.interval", () => {
  it("a repository reconciled less than its interval ago is skipped on the next tick", async () => {
    const metrics = createMetrics();
    const probot = new Probot({ appId: 1, privateKey, secret: "s", Octokit: TestOctokit, logLevel: "fatal" });
    const missing = { status: "missing" as const, kind: "empty" as const, reason: "", warnings: [] };
    let now = Date.parse("2026-11-23T10:00:00Z");
    const deps = {
      endpoint: () => ({ source: { range: async () => missing, instant: async () => missing } }),
      key: "s",
      clock: () => now,
      metrics,
    };
    const config = "version: 1\nschedule: {interval: 6h}\nlevers: []\n";
    const lastRuns = new Map();
    const listing = () => {
      nock(API)
        .get("/app/installations")
        .query(true)
        .reply(200, [{ id: 8 }]);
      nock(API)
        .get("/installation/repositories")
        .query(true)
        .reply(200, { total_count: 1, repositories: [{ name: "infra", owner: { login: "o" } }] });
    };
    nock(API)
      .post("/app/installations/8/access_tokens")
      .reply(201, { token: "ghs_y", expires_at: "2099-01-01T00:00:00Z" });
    nock(API)
      .post("/app/installations/8/access_tokens")
      .optionally()
      .reply(201, { token: "ghs_y", expires_at: "2099-01-01T00:00:00Z" });
    listing();
    nock(API)
      .post("/graphql")
      .reply(200, {
        data: {
          repository: {
            defaultBranchRef: { name: "main", target: { oid: "x", tree: { oid: "t" } } },
            config: { text: config, byteSize: config.length, isBinary: false },
            policies: null,
            dashboard: { nodes: [] },
            pullRequests: { nodes: [] },
          },
        },
      });
    // The dashboard is looked up by its marker before it is created, and once more after.
    nock(API).get("/repos/o/infra/issues").query(true).twice().reply(200, []);
    nock(API).post("/repos/o/infra/issues").reply(201, { number: 1 });
    expect(await tick(probot, deps, 1, lastRuns)).toBe(1);
    now += 3_600_000; // an hour later: inside the repository's 6h
    listing();
    expect(await tick(probot, deps, 1, lastRuns)).toBe(0);
  });
});

describe("/metrics and /healthz", () => {
  it("serve the App's metrics and health, and leave other paths to Probot", async () => {
    const metrics = createMetrics();
    metrics.decisions.inc({ decision: "propose", policy: "k8s-cpu-request" });
    const handler = telemetryHandler(metrics);
    const server = createServer(async (req, res) => {
      if (!(await handler(req, res))) {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const m = await fetch(`${base}/metrics`);
      expect(m.headers.get("content-type")).toContain("text/plain");
      const body = await m.text();
      expect(body).toContain('governor_decisions_total{decision="propose",policy="k8s-cpu-request"} 1');
      for (const name of [
        "governor_proposals_open",
        "governor_verdicts_total",
        "governor_reverts_total",
        "governor_reconcile_duration_seconds",
        "governor_prometheus_errors_total",
        "governor_github_requests_total",
      ]) {
        expect(body).toContain(`# TYPE ${name}`);
      }
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
      expect((await fetch(`${base}/api/github/webhooks`)).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
