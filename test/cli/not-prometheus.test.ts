import { execFile, execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpRepo } from "../helpers/tmp-repo.js";

/**
 * A URL that answers, but not as the Prometheus API — a 404, an exporter's /metrics page, an
 * HTML page — is an outage of the whole run: exit 2 and one message, through the built binary.
 */
const root = new URL("../..", import.meta.url).pathname;
const bin = `${root}bin/governor.js`;

const POLICY = `id: test-cpu
description: CPU request from the test series.
valueType: cpu
signals:
  usage: max(rate(governor_test_cpu_seconds_total[5m]))
  errors: max(governor_test_error_ratio)
strategy: {type: percentile, signal: usage, quantile: 0.95, lookback: 2h, deadband: 0.1}
hypothesis: {signal: usage, expect: below, value: 1}
guardrails:
  - {name: error-ratio, signal: errors, max: 0.01}
risk: low
`;
const CONFIG = `version: 1
watch: {window: 30m, interval: 1m}
guardrails:
  - {name: latency, query: max(governor_test_latency_seconds), max: 1}
levers:
  - id: cpu
    policy: test-cpu
    target: {file: apps/d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{namespace="shop", pod="checkout-1"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 1h
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              cpu: 300m
`;

const PAGES = {
  "a 404": {
    status: 404,
    type: "text/plain; charset=utf-8",
    body: "404 page not found\n",
    says: 'answered HTTP 404: "404 page not found"',
  },
  "an exporter's /metrics page": {
    status: 200,
    type: "text/plain; version=0.0.4; charset=utf-8",
    body: '# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.21\nnode_memory_MemFree_bytes{instance="a"} 1.2e+09\n',
    says: "answered HTTP 200 with an exporter's metrics page",
  },
  "an HTML page": {
    status: 200,
    type: "text/html; charset=utf-8",
    body: "<!doctype html><html><head><title>Grafana</title></head><body><div>{{app}}</div></body></html>",
    says: 'answered HTTP 200 with an HTML page ("Grafana")',
  },
  // What `python3 -m http.server` answers a POST: it has no POST at all.
  "a 501 (a static file server)": {
    status: 501,
    type: "text/html;charset=utf-8",
    body: "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head><title>Error response</title></head>\n<body><h1>Error response</h1><p>Error code: 501</p><p>Message: Unsupported method ('POST').</p></body>\n</html>\n",
    says: 'answered HTTP 501 with an HTML page ("Error response")',
  },
  "a 405": {
    status: 405,
    type: "text/html",
    body: "<html><head><title>405 Not Allowed</title></head><body><h1>405 Not Allowed</h1><hr>nginx</body></html>",
    says: 'answered HTTP 405 with an HTML page ("405 Not Allowed")',
  },
} as const;

type Page = (typeof PAGES)[keyof typeof PAGES];

function serve(page: Page): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(page.status, { "content-type": page.type });
    res.end(page.body);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        hits: () => hits,
        server,
      }),
    ),
  );
}

/** The binary, asynchronously: the listeners answer from this process. */
function governor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { encoding: "utf8", timeout: 30_000, env: { PATH: process.env.PATH ?? "" } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const iso = (ms: number) => new Date(ms).toISOString();
const NOW = Date.parse("2026-01-01T06:00:00Z");

/** A repository whose branch carries a Governor change from 2h before NOW: verify judges it. */
function repo(): string {
  const dir = tmpRepo({
    ".github/governor.yml": CONFIG,
    ".github/governor/policies/test-cpu.yaml": POLICY,
    "apps/d.yaml": DEPLOYMENT,
  });
  const git = (time: number, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_DATE: iso(time), GIT_COMMITTER_DATE: iso(time) },
    });
  git(NOW - 3 * 3_600_000, "init", "-q", "-b", "main");
  git(NOW - 3 * 3_600_000, "add", "-A");
  git(NOW - 3 * 3_600_000, "commit", "-q", "-m", "initial");
  git(
    NOW - 2 * 3_600_000,
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "Tune cpu: 300m -> 450m\n\nGovernor-Lever: cpu\nGovernor-Decision: 20260101T040000Z-cpu\nGovernor-Policy: test-cpu\nGovernor-From: 300m\nGovernor-To: 450m\n",
  );
  return dir;
}

describe("a Prometheus URL where nothing listens", () => {
  it("doctor: exit 2, one message", async () => {
    const server = await serve(PAGES["a 404"]);
    const url = server.url;
    await new Promise<void>((resolve) => server.server.close(() => resolve()));
    const r = await governor(["doctor", "--repo", repo(), "--prometheus", url, "--now", iso(NOW), "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^Prometheus unreachable \\(${url.replace(/\./g, "\\.")}\\): `));
    expect(r.stderr.split("Prometheus unreachable")).toHaveLength(2);
    // doctor's own words, not plan's "every lever that needed it is blocked".
    expect(r.stderr).toMatch(
      /\nPrometheus could not be used: doctor read each lever's file \(above\) but checked none of the signal or guardrail queries \(exit 2\)\n$/,
    );
    expect(r.stderr).not.toContain("blocked");
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      levers: [{ lever: "cpu", file: "apps/d.yaml", value: "300m", problem: null, queries: [] }],
    });
  }, 60_000);
});

describe.each(Object.entries(PAGES))("a Prometheus URL that answers with %s", (_, page) => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(page);
  });
  afterAll(() => new Promise<void>((resolve) => server.server.close(() => resolve())));

  const expectOneMessage = (stderr: string) => {
    expect(stderr).toContain(`Not the Prometheus HTTP API (${server.url}): ${server.url}/api/v1/`);
    expect(stderr).not.toContain("unreachable");
    expect(stderr).toContain(page.says);
    expect(stderr).toContain("must be the server's base URL");
    expect(stderr.split("Not the Prometheus HTTP API")).toHaveLength(2);
  };

  it("plan: exit 2, one message, each lever 'not evaluated' instead of one error per signal", async () => {
    const r = await governor(["plan", "--repo", repo(), "--prometheus", server.url, "--now", iso(NOW)]);
    expect(r.code).toBe(2);
    expectOneMessage(r.stderr);
    expect(r.stdout).toMatch(/^cpu +300m → — +blocked +not evaluated: Prometheus could not be used$/m);
    expect(r.stdout).not.toContain("HTTP");
  });

  it("plan --json: exit 2, the reason in the decisions", async () => {
    const r = await governor([
      "plan",
      "--repo",
      repo(),
      "--prometheus",
      server.url,
      "--now",
      iso(NOW),
      "--json",
    ]);
    expect(r.code).toBe(2);
    expectOneMessage(r.stderr);
    const [d] = JSON.parse(r.stdout).decisions;
    expect(d.decision).toBe("blocked");
    expect(d.reason).toContain("Not the Prometheus HTTP API");
  });

  it("apply: exit 2, one message, nothing written", async () => {
    const dir = repo();
    const r = await governor(["apply", "--repo", dir, "--prometheus", server.url, "--now", iso(NOW)]);
    expect(r.code).toBe(2);
    expectOneMessage(r.stderr);
    expect(r.stdout).toContain("nothing to apply");
  });

  it("verify: exit 2", async () => {
    const r = await governor(["verify", "--repo", repo(), "--prometheus", server.url, "--now", iso(NOW)]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain("must be the server's base URL");
    expect(r.stderr).toContain(`Not the Prometheus HTTP API (${server.url}): `);
    expect(r.stdout).toMatch(
      /: not judged — not the Prometheus HTTP API \(http:\/\/127\.0\.0\.1:\d+\), see the warning; /,
    );
  });

  it("doctor: exit 2, one message, each lever's resolution listed", async () => {
    const before = server.hits();
    const r = await governor(["doctor", "--repo", repo(), "--prometheus", server.url, "--now", iso(NOW)]);
    expect(r.code).toBe(2);
    expectOneMessage(r.stderr);
    expect(r.stdout).toMatch(/^cpu +\(lever\) +resolved: 300m in apps\/d\.yaml; queries not run$/m);
    expect(r.stdout).toContain(
      "1 of 1 lever resolved in its file; none can be evaluated without Prometheus\n",
    );
    expect(r.stderr).not.toContain("every lever that needed it is blocked");
    // The first answers told (at most one per concurrent query): the rest of the run does not ask.
    expect(server.hits() - before).toBeLessThanOrEqual(4);
  });

  it("record: exit 2, nothing recorded", async () => {
    const dir = repo();
    const r = await governor([
      "record",
      "--repo",
      dir,
      "--prometheus",
      server.url,
      "--now",
      iso(NOW),
      "--out",
      `${dir}/rec.json`,
    ]);
    expect(r.code).toBe(2);
    expectOneMessage(r.stderr);
  });
});
