import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fakeServer, json } from "../adapters/prometheus/fake-server.js";
import { tmpRepo } from "../helpers/tmp-repo.js";

// A credential that cannot be an HTTP header value (a token file of two lines, a control
// character) makes fetch throw a TypeError that quotes the whole header. That message became the
// signals' missing-data reason: printed by plan, written into a recording, shown on a dashboard.
const root = new URL("../..", import.meta.url).pathname;
const bin = `${root}bin/governor.js`;

const POLICY = `id: test-cpu
description: one signal, one guardrail.
valueType: cpu
signals:
  usage: max(rate(cpu_seconds_total[5m]))
  errors: max(error_ratio)
strategy: {type: percentile, signal: usage, quantile: 0.95, lookback: 2h, deadband: 0.1}
hypothesis: {signal: usage, expect: below, value: 1}
guardrails:
  - {name: error-ratio, signal: errors, max: 0.01}
risk: low
`;
const CONFIG = `version: 1
levers:
  - id: cpu
    policy: test-cpu
    target: {file: apps/d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{namespace="shop"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 1h
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          resources: {requests: {cpu: 300m}}
`;

function governor(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe("a credential that is not a valid header value never reaches a message", () => {
  it("is built (npm test builds first; run `npm run build` when running vitest alone)", () => {
    expect(existsSync(`${root}dist/cli/main.js`)).toBe(true);
  });

  it.each([
    [
      "a token file of two lines",
      { token: "s3cret-line-one\ns3cret-line-two\n" },
      "PROMETHEUS_BEARER_TOKEN_FILE",
    ],
    [
      "a token with a control character",
      { PROMETHEUS_BEARER_TOKEN: "s3cret\u0001token" },
      "PROMETHEUS_BEARER_TOKEN",
    ],
    [
      "a header value with a line break",
      { PROMETHEUS_HEADERS: "X-Api-Key: s3cret\rkey" },
      "PROMETHEUS_HEADERS",
    ],
  ])(
    "%s: plan and record refuse it naming the variable, and print no part of it",
    async (_, given, variable) => {
      const prometheus = await fakeServer((__, res) =>
        json(res, 200, { status: "success", data: { resultType: "vector", result: [] } }),
      );
      const dir = tmpRepo({
        ".github/governor.yml": CONFIG,
        ".github/governor/policies/test-cpu.yaml": POLICY,
        "apps/d.yaml": DEPLOYMENT,
        ...("token" in given ? { token: given.token } : {}),
      });
      execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
      const env: Record<string, string> = { PROMETHEUS_URL: prometheus.url };
      if ("token" in given) env.PROMETHEUS_BEARER_TOKEN_FILE = `${dir}/token`;
      else Object.assign(env, given);
      for (const args of [
        ["plan", "--repo", dir, "--now", "2026-01-01T04:00:00Z"],
        ["record", "--repo", dir, "--now", "2026-01-01T04:00:00Z", "--out", `${dir}/rec.json`],
      ]) {
        const r = await governor(args, env);
        const recording = existsSync(`${dir}/rec.json`) ? readFileSync(`${dir}/rec.json`, "utf8") : "";
        expect(`${r.out}${recording}`, args[0]).not.toMatch(/s3cret/);
        expect(r.code, args[0]).toBe(1);
        expect(r.out, args[0]).toContain(`${variable}:`);
      }
      expect(prometheus.seen).toEqual([]);
    },
  );

  it("a user:password with a stray % in PROMETHEUS_URL: refused with what to write, not an internal error", async () => {
    const dir = tmpRepo({
      ".github/governor.yml": CONFIG,
      ".github/governor/policies/test-cpu.yaml": POLICY,
      "apps/d.yaml": DEPLOYMENT,
    });
    const r = await governor(["plan", "--repo", dir], {
      PROMETHEUS_URL: "http://alice:s3cret%zz@127.0.0.1:9",
    });
    expect(r.out).not.toContain("internal error");
    expect(r.out).not.toMatch(/s3cret/);
    expect(r.out).toContain("write % as %25");
    expect(r.code).toBe(1);
  });
});
