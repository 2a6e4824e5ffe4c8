import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fakeServer, json, type Seen } from "../adapters/prometheus/fake-server.js";
import { tmpRepo } from "../helpers/tmp-repo.js";

// The built binary in a child process with an environment of our own: the operator's
// credentials set, the repository's prometheus.url pointing at a listener on 127.0.0.1.
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
const config = (url: string) => `version: 1
prometheus:
  url: ${url}
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

function gitRepo(prometheusUrl: string): string {
  const dir = tmpRepo({
    ".github/governor.yml": config(prometheusUrl),
    ".github/governor/policies/test-cpu.yaml": POLICY,
    "apps/d.yaml": DEPLOYMENT,
  });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: dir });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "initial");
  return dir;
}

/** A reviewer merges the branch `apply --commit` made. */
const merge = (dir: string) =>
  execFileSync(
    "git",
    [
      "-c",
      "user.name=r",
      "-c",
      "user.email=r@r",
      "merge",
      "-q",
      "--no-ff",
      "-m",
      "Merge governor/cpu",
      "governor/cpu",
    ],
    { cwd: dir },
  );

/** Asynchronous on purpose: the listeners live in this process and must keep answering. */
function governor(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

/** A healthy Prometheus: a flat series over the whole range asked, one sample for instants. */
const prometheus = () =>
  fakeServer((req, res) => {
    const form = new URLSearchParams(req.body);
    if (!req.url.startsWith("/api/v1/query_range"))
      return json(res, 200, {
        status: "success",
        data: { resultType: "vector", result: [{ metric: {}, value: [Number(form.get("time")), "0"] }] },
      });
    const [start, end, step] = ["start", "end", "step"].map((k) => Number(form.get(k)));
    const values: Array<[number, string]> = [];
    for (let t = start ?? 0; t <= (end ?? 0) && values.length < 11_000; t += step || 60)
      values.push([t, form.get("query")?.includes("error") ? "0" : "0.2"]);
    json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: {}, values }] } });
  });

const SECRETS = {
  PROMETHEUS_BEARER_TOKEN: "s3cret-token",
  PROMETHEUS_USERNAME: "alice",
  PROMETHEUS_PASSWORD: "hunter2",
  PROMETHEUS_HEADERS: "X-Scope-OrgID: team-a\nX-Api-Key: k3y",
};
const CREDENTIAL_HEADERS = ["authorization", "x-scope-orgid", "x-api-key", "proxy-authorization"];
const credentialsIn = (seen: readonly Seen[]) =>
  seen.flatMap((s) =>
    CREDENTIAL_HEADERS.filter((h) => s.headers[h] !== undefined).map((h) => `${s.url} ${h}`),
  );
const NOTICE =
  /no --prometheus or PROMETHEUS_URL: asking the repository's prometheus\.url \(http:\/\/127\.0\.0\.1:\d+\) without credentials/g;
const NOW = "2026-01-01T04:00:00Z";

describe("a repository can never direct the operator's Prometheus credentials", () => {
  it("is built (npm test builds first; run `npm run build` when running vitest alone)", () => {
    expect(existsSync(`${root}dist/cli/main.js`)).toBe(true);
  });

  it.each([
    [
      "the token and headers",
      {
        PROMETHEUS_BEARER_TOKEN: SECRETS.PROMETHEUS_BEARER_TOKEN,
        PROMETHEUS_HEADERS: SECRETS.PROMETHEUS_HEADERS,
      },
    ],
    [
      "basic auth and headers",
      {
        PROMETHEUS_USERNAME: "alice",
        PROMETHEUS_PASSWORD: "hunter2",
        PROMETHEUS_HEADERS: SECRETS.PROMETHEUS_HEADERS,
      },
    ],
    ["a token from a file", { PROMETHEUS_HEADERS: SECRETS.PROMETHEUS_HEADERS }],
  ])(
    "without an operator URL, plan/apply/verify/record ask the repo's URL bare (%s set)",
    async (what, given) => {
      const env: Record<string, string> = what.includes("file")
        ? { ...given, PROMETHEUS_BEARER_TOKEN_FILE: `${tmpRepo({ token: "s3cret-file-token\n" })}/token` }
        : given;
      const repoProm = await prometheus();
      const dir = gitRepo(repoProm.url);
      // At the real time: `apply --commit` dates its commit by the clock; verify judges it later.
      const later = new Date(Date.now() + 3 * 3_600_000).toISOString();
      for (const args of [
        ["plan", "--repo", dir],
        ["apply", "--repo", dir, "--commit"],
        ["verify", "--repo", dir, "--now", later],
        ["record", "--repo", dir, "--out", `${dir}/rec.json`],
      ]) {
        if (args[0] === "verify") merge(dir);
        const before = repoProm.seen.length;
        const r = await governor(args, env);
        expect(r.stderr, args[0]).not.toContain("internal error");
        expect(r.code, args[0]).toBe(0);
        expect(repoProm.seen.length, `${args[0]} asked the repo's URL`).toBeGreaterThan(before);
        expect(credentialsIn(repoProm.seen), `${args[0]} sent no credential`).toEqual([]);
        expect(r.stderr.match(NOTICE) ?? [], `${args[0]}: the notice, once`).toHaveLength(1);
      }
      expect(credentialsIn(repoProm.seen)).toEqual([]);
    },
  );

  it("a user:password in the repo's URL is not sent either, and the notice says it is ignored", async () => {
    const repoProm = await prometheus();
    const dir = gitRepo(repoProm.url.replace("http://", "http://mallory:pw@"));
    const r = await governor(["plan", "--repo", dir, "--now", NOW], SECRETS);
    expect(repoProm.seen.length).toBeGreaterThan(0);
    expect(credentialsIn(repoProm.seen)).toEqual([]);
    expect(r.stderr).toContain("(the user:password in it is ignored)");
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/mallory|hunter2|s3cret/);
  });

  it("with PROMETHEUS_URL or --prometheus, the repo's URL is never contacted; the operator's gets the credentials", async () => {
    const repoProm = await prometheus();
    const operator = await prometheus();
    const dir = gitRepo(repoProm.url);
    const runs = [
      await governor(["plan", "--repo", dir, "--now", NOW], { ...SECRETS, PROMETHEUS_URL: operator.url }),
      await governor(["plan", "--repo", dir, "--now", NOW, "--prometheus", operator.url], SECRETS),
      await governor(["record", "--repo", dir, "--now", NOW, "--out", `${dir}/rec.json`], {
        ...SECRETS,
        PROMETHEUS_URL: operator.url,
      }),
    ];
    for (const r of runs) expect(r.stderr).not.toMatch(NOTICE);
    expect(repoProm.seen).toEqual([]);
    expect(operator.seen.length).toBeGreaterThan(0);
    for (const s of operator.seen)
      expect(s.headers).toMatchObject({
        authorization: "Bearer s3cret-token",
        "x-scope-orgid": "team-a",
        "x-api-key": "k3y",
      });
  });
});
