import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpRepo } from "../helpers/tmp-repo.js";
import { prometheusAvailable, type RunningPrometheus, startPrometheus } from "./prometheus-server.js";
import { BASE, HOUR, testSeries } from "./series.js";

/**
 * A request and its limit, through the built binary in real git repositories: `set` never writes
 * a request above its limit (nor a limit below its request), and with `limit: ratio` the limit
 * moves with the request — in the same commit for `apply --commit`, and back with it for
 * `verify --revert`, byte for byte.
 */

const root = new URL("../..", import.meta.url).pathname;
const bin = `${root}bin/governor.js`;
const governor = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 30_000, env: {} });
const iso = (ms: number) => new Date(ms).toISOString();

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
const config = (extra = "", field = "resources.requests.cpu") => `version: 1
watch: {window: 30m, interval: 1m}
levers:
  - id: cpu
    policy: test-cpu
    target: {file: apps/d.yaml, kind: Deployment, name: d, container: c, field: ${field}}
    selector: '{namespace="shop", pod="checkout-1"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 1h
${extra}`;
/** The request is on line 12, the limit on line 14. */
const deployment = (request: string, limit: string) => `apiVersion: apps/v1
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
              cpu: ${request}   # the original value
            limits:
              cpu: ${limit}     # twice the request
`;

function gitRepo(cfg: string, file: string): string {
  const dir = tmpRepo({
    ".github/governor.yml": cfg,
    ".github/governor/policies/test-cpu.yaml": POLICY,
    "apps/d.yaml": file,
  });
  const env = { ...process.env, GIT_AUTHOR_DATE: iso(BASE), GIT_COMMITTER_DATE: iso(BASE) };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env });
  git("init", "-q", "-b", "main");
  git("-c", "user.name=t", "-c", "user.email=t@t", "add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "initial");
  return dir;
}
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_DATE: iso(BASE + 4 * HOUR), GIT_COMMITTER_DATE: iso(BASE + 4 * HOUR) },
  });
const read = (dir: string) => readFileSync(join(dir, "apps/d.yaml"), "utf8");

describe("governor set and a container's limit", () => {
  it("refuses a request above the limit (limit: keep, the default), naming the limit's file:line", () => {
    const file = deployment("100m", "200m");
    const dir = gitRepo(config(), file);
    const r = governor("set", "cpu", "300m", "--repo", dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `${join(dir, "apps/d.yaml")}: Deployment d, container c, field resources.requests.cpu: 300m is above the limit 200m (resources.limits.cpu, ${join(dir, "apps/d.yaml")}:14); Kubernetes refuses a request above its limit; raise the limit first, or set \`limit: ratio\` on lever cpu to move the limit with the request; the file was not changed\n`,
    );
    expect(read(dir)).toBe(file);
    // Up to the limit is fine.
    expect(governor("set", "cpu", "200m", "--repo", dir).status).toBe(0);
    expect(read(dir)).toBe(deployment("200m", "200m"));
  });

  it("moves the limit with the request with limit: ratio, keeping the ratio", () => {
    const dir = gitRepo(config("    limit: ratio\n"), deployment("100m", "200m"));
    const r = governor("set", "cpu", "300m", "--repo", dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      `${join(dir, "apps/d.yaml")}: cpu 100m -> 300m; resources.limits.cpu 200m -> 600m (limit: ratio)\n`,
    );
    expect(r.status).toBe(0);
    expect(read(dir)).toBe(deployment("300m", "600m"));
  });

  it("never takes a limit lever below its request", () => {
    const file = deployment("300m", "600m");
    const dir = gitRepo(config("", "resources.limits.cpu"), file);
    const r = governor("set", "cpu", "200m", "--repo", dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("200m is below the request 300m (resources.requests.cpu, ");
    expect(r.stderr).toContain("apps/d.yaml:12); Kubernetes refuses a limit below its request");
    expect(read(dir)).toBe(file);
  });

  it("validate refuses limit: ratio on a lever that is not a container's request, naming the line", () => {
    const dir = gitRepo(config("    limit: ratio\n", "resources.limits.cpu"), deployment("300m", "600m"));
    const r = governor("validate", "--repo", dir);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      "governor.yml:11:12: levers[0].limit: `limit: ratio` moves a container's limit with its request: it needs a target with container and field resources.requests.cpu or resources.requests.memory",
    );
  });

  it("changes nothing where there is no limit", () => {
    const file = deployment("100m", "200m").replace(/ {12}limits:\n.*\n/, "");
    const dir = gitRepo(config(), file);
    expect(governor("set", "cpu", "300m", "--repo", dir).status).toBe(0);
    expect(read(dir)).toBe(file.replace("cpu: 100m", "cpu: 300m"));
  });
});

const available = prometheusAvailable();

describe.skipIf(!available)("apply --commit and verify --revert with limit: ratio (real Prometheus)", () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus(testSeries());
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
  });

  it("apply (no --commit) writes the request and its limit in the working tree", () => {
    const dir = gitRepo(config("    limit: ratio\n"), deployment("300m", "600m"));
    const r = governor("apply", "--repo", dir, "--prometheus", prom.url, "--now", iso(BASE + 4 * HOUR));
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("cpu: apps/d.yaml 300m -> 450m; resources.limits.cpu 600m -> 900m");
    expect(read(dir)).toBe(deployment("450m", "900m"));
  });

  it("plan caps a request at its limit with limit: keep, and says so", () => {
    const dir = gitRepo(config(), deployment("300m", "400m"));
    const r = governor(
      "plan",
      "--repo",
      dir,
      "--prometheus",
      prom.url,
      "--now",
      iso(BASE + 4 * HOUR),
      "--json",
    );
    const [d] = JSON.parse(r.stdout).decisions;
    expect(d).toMatchObject({ decision: "propose", from: "300m", to: "400m" });
    expect(d.checks).toContainEqual({
      name: "limit",
      ok: true,
      limited: true,
      detail: "capped at the limit 400m",
    });
  });

  it("commits the request and its limit in one commit, and the revert restores both byte for byte", () => {
    const file = deployment("300m", "600m");
    const dir = gitRepo(config("    limit: ratio\n"), file);
    const applied = governor(
      "apply",
      "--repo",
      dir,
      "--prometheus",
      prom.url,
      "--now",
      iso(BASE + 4 * HOUR),
      "--commit",
    );
    expect(applied.stderr).toBe("");
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain("limit moves 600m → 900m (ratio 2.0)");
    expect(applied.stdout).toMatch(
      /cpu: committed [0-9a-f]{12} on governor\/cpu \(300m -> 450m; resources\.limits\.cpu 600m -> 900m\)/,
    );
    expect(git(dir, "rev-list", "--count", "main..governor/cpu")).toBe("1\n");
    expect(git(dir, "show", "governor/cpu:apps/d.yaml")).toBe(deployment("450m", "900m"));
    const message = git(dir, "log", "-1", "--format=%B", "governor/cpu");
    expect(message).toContain(
      "Governor-From: 300m\nGovernor-To: 450m\nGovernor-Limit-From: 600m\nGovernor-Limit-To: 900m",
    );
    // A rerun recognises its own two-line commit and leaves it.
    const head = git(dir, "rev-parse", "governor/cpu");
    const again = governor(
      "apply",
      "--repo",
      dir,
      "--prometheus",
      prom.url,
      "--now",
      iso(BASE + 4 * HOUR),
      "--commit",
    );
    expect(again.stdout).toContain(`cpu: already committed ${head.slice(0, 12)} on governor/cpu`);

    git(
      dir,
      "-c",
      "user.name=r",
      "-c",
      "user.email=r@r",
      "merge",
      "-q",
      "--no-ff",
      "-m",
      "Merge",
      "governor/cpu",
    );
    expect(read(dir)).toBe(deployment("450m", "900m"));
    const v = governor(
      "verify",
      "--repo",
      dir,
      "--prometheus",
      prom.url,
      "--now",
      iso(BASE + 5 * HOUR),
      "--json",
      "--revert",
    );
    expect(v.stderr).toBe("");
    expect(JSON.parse(v.stdout).verdicts[0]).toMatchObject({ verdict: "fail", reverted: true });
    expect(read(dir)).toBe(file);
    expect(git(dir, "show", "HEAD:apps/d.yaml")).toBe(file);
  });
});
