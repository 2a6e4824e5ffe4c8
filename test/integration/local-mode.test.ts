import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCommand } from "../../src/cli/commands/apply.js";
import { planCommand } from "../../src/cli/commands/plan.js";
import { record } from "../../src/cli/commands/record.js";
import { verifyCommand } from "../../src/cli/commands/verify.js";
import { captureIo } from "../helpers/run-cli.js";
import { tmpRepo } from "../helpers/tmp-repo.js";
import { prometheusAvailable, type RunningPrometheus, startPrometheus } from "./prometheus-server.js";
import { BASE, HOUR, testSeries } from "./series.js";

const available = prometheusAvailable();

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
              cpu: 300m   # the original value
`;
const iso = (ms: number) => new Date(ms).toISOString();

function gitRepo(): string {
  const dir = tmpRepo({
    ".github/governor.yml": CONFIG,
    ".github/governor/policies/test-cpu.yaml": POLICY,
    "apps/d.yaml": DEPLOYMENT,
  });
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_DATE: iso(BASE), GIT_COMMITTER_DATE: iso(BASE) },
    });
  git("init", "-q", "-b", "main");
  git("-c", "user.name=t", "-c", "user.email=t@t", "add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "initial");
  return dir;
}
/** Merges governor/<lever> into main at `time` with --no-ff, as a reviewer's merge would. */
function merge(dir: string, time: number): void {
  execFileSync(
    "git",
    [
      "-c",
      "user.name=reviewer",
      "-c",
      "user.email=r@r",
      "merge",
      "-q",
      "--no-ff",
      "-m",
      "Merge governor/cpu",
      "governor/cpu",
    ],
    {
      cwd: dir,
      env: { ...process.env, GIT_AUTHOR_DATE: iso(time), GIT_COMMITTER_DATE: iso(time) },
    },
  );
}
const log = (dir: string) =>
  execFileSync("git", ["log", "--format=%s%n%b---", "main"], { cwd: dir, encoding: "utf8" });

describe.skipIf(!available)("local mode end to end: real Prometheus, real git", () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus(testSeries());
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
  });
  const run = async (fn: typeof planCommand, opts: object) => {
    const { out, io } = captureIo();
    const code = await fn({ repo: "", prometheus: prom.url, ...opts } as never, io, {}, () => 0);
    return { code, ...out };
  };

  it("plan: a proposal with the scoped evidence, limited to maxStep", async () => {
    const dir = gitRepo();
    const r = await run(planCommand, { repo: dir, now: iso(BASE + 3 * HOUR), json: true });
    expect(r.code).toBe(0);
    const [d] = JSON.parse(r.stdout).decisions;
    expect(d).toMatchObject({ lever: "cpu", decision: "propose", from: "300m", to: "450m" });
    expect(d.evidence[0]).toMatchObject({
      signal: "usage",
      query: 'max(rate(governor_test_cpu_seconds_total{namespace="shop", pod="checkout-1"}[5m]))',
    });
    expect(d.evidence[0].link).toContain(`${prom.url}/graph?g0.expr=`);
    expect(d.diff).toContain(
      "-              cpu: 300m   # the original value\n+              cpu: 450m   # the original value\n",
    );
    expect(d.checks.find((c: { name: string }) => c.name === "maxStep").detail).toBe(
      "limited to ±50% of the current value",
    );
  });

  it("a replayed recording decides exactly as the live plan did", async () => {
    const dir = gitRepo();
    const now = iso(BASE + 3 * HOUR);
    const live = await run(planCommand, { repo: dir, now, json: true });
    const rec = join(dir, "..", `${Date.now()}-rec.json`);
    const { io } = captureIo();
    expect(await record({ repo: dir, prometheus: prom.url, now, out: rec }, io, {})).toBe(0);
    const replay = await run(planCommand, { repo: dir, prometheus: undefined, signals: rec, json: true });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(live.stdout);
  });

  it("apply --commit, merge, verify: a good change passes", async () => {
    const dir = gitRepo();
    const applied = await run(applyCommand, { repo: dir, now: iso(BASE + 3 * HOUR), commit: true });
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/cpu: committed [0-9a-f]{12} on governor\/cpu \(300m -> 450m\)/);
    const branchLog = execFileSync("git", ["log", "-1", "--format=%B%n%ct", "governor/cpu"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(branchLog).toContain("Tune cpu: 300m -> 450m");
    expect(branchLog).toContain(
      "Governor-Lever: cpu\nGovernor-Decision: 20260101T030000Z-cpu\nGovernor-Policy: test-cpu\nGovernor-From: 300m\nGovernor-To: 450m",
    );
    expect(branchLog.trim().endsWith(String((BASE + 3 * HOUR) / 1000))).toBe(true);
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(DEPLOYMENT); // main is untouched until merged
    merge(dir, BASE + 3 * HOUR + 5 * 60_000);
    const pending = await run(verifyCommand, { repo: dir, now: iso(BASE + 3 * HOUR + 10 * 60_000) });
    expect(pending.stdout).toContain("cpu: 300m -> 450m is being watched until 2026-01-01T03:35:00.000Z");
    const v = await run(verifyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), json: true });
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout).verdicts).toEqual([
      expect.objectContaining({
        lever: "cpu",
        decision: "20260101T030000Z-cpu",
        verdict: "pass",
        reverted: false,
        guardrails: [
          expect.objectContaining({
            name: "error-ratio",
            ok: true,
            observed: "max 0.001",
            limit: "max 0.01",
          }),
        ],
      }),
    ]);
    // The change is in the ledger now: the next plan respects the lever's cooldown.
    const next = await run(planCommand, { repo: dir, now: iso(BASE + 3 * HOUR + 40 * 60_000), json: true });
    expect(JSON.parse(next.stdout).decisions[0]).toMatchObject({
      decision: "blocked",
      from: "450m",
      reason: expect.stringMatching(/^cooldown: last changed 35m ago \(300m → 450m\); cooldown 1h$/),
    });
  });

  it("a bad change fails, is reverted to the exact original bytes, and not twice", async () => {
    const dir = gitRepo();
    expect((await run(applyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), commit: true })).code).toBe(0);
    merge(dir, BASE + 4 * HOUR);
    const v = await run(verifyCommand, { repo: dir, now: iso(BASE + 5 * HOUR), json: true, revert: true });
    const [verdict] = JSON.parse(v.stdout).verdicts;
    expect(verdict).toMatchObject({
      verdict: "fail",
      reverted: true,
      note: expect.stringMatching(/^reverted in [0-9a-f]{12}$/),
    });
    expect(verdict.guardrails[0]).toMatchObject({
      name: "error-ratio",
      ok: false,
      observed: "max 0.05",
      detail: "beyond max 0.01 on 2+ consecutive evaluations",
    });
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(DEPLOYMENT);
    expect(log(dir)).toMatch(
      /^Revert cpu: 450m -> 300m\nGuardrail breach after 20260101T040000Z-cpu:\n- error-ratio: max 0.05 \(limit max 0.01\)/,
    );
    expect(log(dir)).toContain("Governor-Revert: 20260101T040000Z-cpu");
    const again = await run(verifyCommand, {
      repo: dir,
      now: iso(BASE + 5 * HOUR),
      json: true,
      revert: true,
    });
    expect(JSON.parse(again.stdout).verdicts[0]).toMatchObject({ reverted: true, note: "already reverted" });
  });

  it("a breach visible before the window ends is reverted at once", async () => {
    const dir = gitRepo();
    await run(applyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), commit: true });
    merge(dir, BASE + 4 * HOUR);
    // The error ratio regresses from 4h15m; two evaluations later the breach is visible.
    const v = await run(verifyCommand, {
      repo: dir,
      now: iso(BASE + 4 * HOUR + 18 * 60_000),
      json: true,
      revert: true,
    });
    expect(JSON.parse(v.stdout).verdicts[0]).toMatchObject({
      verdict: "fail",
      reverted: true,
      note: expect.stringMatching(/^breached during the watch window; reverted in [0-9a-f]{12}$/),
    });
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(DEPLOYMENT);
    // Before the breach, inside the window: nothing to judge yet, nothing reverted.
    const early = gitRepo();
    await run(applyCommand, { repo: early, now: iso(BASE + 4 * HOUR), commit: true });
    merge(early, BASE + 4 * HOUR);
    const before = await run(verifyCommand, {
      repo: early,
      now: iso(BASE + 4 * HOUR + 10 * 60_000),
      json: true,
      revert: true,
    });
    expect(JSON.parse(before.stdout).verdicts).toEqual([]);
    expect(readFileSync(join(early, "apps/d.yaml"), "utf8")).not.toBe(DEPLOYMENT);
  });

  it("does not revert a value someone changed since", async () => {
    const dir = gitRepo();
    await run(applyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), commit: true });
    merge(dir, BASE + 4 * HOUR);
    writeFileSync(join(dir, "apps/d.yaml"), DEPLOYMENT.replace("300m", "1"));
    const v = await run(verifyCommand, { repo: dir, now: iso(BASE + 5 * HOUR), json: true, revert: true });
    expect(JSON.parse(v.stdout).verdicts[0]).toMatchObject({
      verdict: "fail",
      reverted: false,
      note: "not reverted: the value was changed since (it is 1, Governor had set 450m); a person decides",
    });
  });

  it("exits 2 with every lever blocked when Prometheus is unreachable", async () => {
    const dir = gitRepo();
    const r = await run(planCommand, {
      repo: dir,
      prometheus: "http://127.0.0.1:9",
      now: iso(BASE + 3 * HOUR),
      json: true,
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).decisions[0]).toMatchObject({
      decision: "blocked",
      reason: expect.stringMatching(/^missing or partial data — usage: Prometheus unreachable/),
    });
  });
});
