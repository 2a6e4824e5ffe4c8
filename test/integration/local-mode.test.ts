import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyCommand } from "../../src/cli/commands/apply.js";
import { planCommand } from "../../src/cli/commands/plan.js";
import { record } from "../../src/cli/commands/record.js";
import { verifyCommand } from "../../src/cli/commands/verify.js";
import { prepareLocal } from "../../src/reconcile/local.js";
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

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_DATE: iso(BASE), GIT_COMMITTER_DATE: iso(BASE) },
  });

/** What a person sees of their checkout: status, HEAD, the index file's bytes, every file's bytes. */
function checkout(dir: string): Record<string, string> {
  const out: Record<string, string> = {
    status: git(dir, "status", "--porcelain"),
    head: git(dir, "rev-parse", "HEAD"),
    branch: git(dir, "symbolic-ref", "HEAD"),
    index: createHash("sha256")
      .update(readFileSync(join(dir, ".git/index")))
      .digest("hex"),
  };
  for (const f of git(dir, "ls-files", "-co", "--exclude-standard").split("\n").filter(Boolean))
    out[f] = readFileSync(join(dir, f), "utf8");
  return out;
}

function gitRepo(sub = ""): string {
  const dir = tmpRepo({
    [`${sub}.github/governor.yml`]: CONFIG,
    [`${sub}.github/governor/policies/test-cpu.yaml`]: POLICY,
    [`${sub}apps/d.yaml`]: DEPLOYMENT,
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

  it("plan: evidence links use PROMETHEUS_PUBLIC_URL and GRAFANA_URL, not the address queried", async () => {
    const dir = gitRepo();
    const { out, io } = captureIo();
    const env = {
      PROMETHEUS_PUBLIC_URL: "https://prom.example.com",
      GRAFANA_URL: "https://grafana.example.com",
    };
    const code = await planCommand(
      { repo: dir, prometheus: prom.url, now: iso(BASE + 3 * HOUR), json: true } as never,
      io,
      env,
      () => 0,
    );
    expect(code).toBe(0);
    const [d] = JSON.parse(out.stdout).decisions;
    expect(d.evidence[0].link).toMatch(/^https:\/\/prom\.example\.com\/graph\?g0\.expr=/);
    expect(d.evidence[0].grafana).toMatch(/^https:\/\/grafana\.example\.com\/explore\?/);
    expect(out.stdout).not.toContain(`${prom.url}/graph`);
  });

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
    // The address queried is not one a reviewer opens: without PROMETHEUS_PUBLIC_URL, no link.
    expect(d.evidence[0].link).toBeNull();
    expect(d.diff).toContain(
      "-              cpu: 300m   # the original value\n+              cpu: 450m   # the original value\n",
    );
    const maxStep = d.checks.find((c: { name: string }) => c.name === "maxStep");
    expect(maxStep.detail).toMatch(
      /^limited to ±50% of the current value: \d+m recommended, capped at \+50% of 300m = 450m$/,
    );
    // A check that bit says so to scripts too, not only in the PR body.
    expect(maxStep).toMatchObject({ ok: true, limited: true });
    expect(d.checks.find((c: { name: string }) => c.name === "data")).not.toHaveProperty("limited");
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
    expect(pending.stdout).toBe("cpu 300m → 450m: watching until 2026-01-01T03:35Z (5 of 30 min)\n");
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
    // A re-proposal can name the reverted change: the ledger knows the commit that made it.
    const ctx = await prepareLocal({ repo: dir, prometheus: prom.url } as never, {}, () => BASE + 6 * HOUR);
    const [c] = ctx.ok ? ctx.value.ledger.changes : [];
    expect(c).toMatchObject({ from: "300m", to: "450m", ref: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(c?.revertedAt).toBeDefined();
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
    // Listed as in flight: the window's end, the change and its commit.
    expect(JSON.parse(before.stdout).verdicts).toEqual([
      {
        lever: "cpu",
        decision: "20260101T040000Z-cpu",
        commit: git(early, "rev-parse", "governor/cpu").trim(),
        from: "300m",
        to: "450m",
        verdict: "watching",
        until: "2026-01-01T04:30:00.000Z",
        guardrails: [expect.objectContaining({ name: "error-ratio", ok: true, gaps: null })],
        effect: expect.any(String),
        reverted: false,
        capped: false,
        note: "",
      },
    ]);
    expect(readFileSync(join(early, "apps/d.yaml"), "utf8")).not.toBe(DEPLOYMENT);
  });

  it("does not revert a value someone committed since", async () => {
    const dir = gitRepo();
    await run(applyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), commit: true });
    merge(dir, BASE + 4 * HOUR);
    writeFileSync(join(dir, "apps/d.yaml"), DEPLOYMENT.replace("300m", "1"));
    git(dir, "-c", "user.name=p", "-c", "user.email=p@p", "commit", "-q", "-am", "cpu 1 by hand");
    const v = await run(verifyCommand, { repo: dir, now: iso(BASE + 5 * HOUR), json: true, revert: true });
    expect(JSON.parse(v.stdout).verdicts[0]).toMatchObject({
      verdict: "fail",
      reverted: false,
      note: "not reverted: the value was changed since (it is 1, Governor had set 450m); a person decides",
    });
  });

  it("apply --commit leaves the checkout exactly as it was: files, index, HEAD, a person's staged and unstaged work", async () => {
    const dir = gitRepo();
    writeFileSync(join(dir, "notes.txt"), "staged work\n");
    git(dir, "add", "notes.txt");
    writeFileSync(join(dir, "notes.txt"), "staged work, then more\n");
    writeFileSync(join(dir, ".github/governor/policies/scratch.txt"), "untracked\n");
    const before = checkout(dir);
    const applied = await run(applyCommand, { repo: dir, now: iso(BASE + 3 * HOUR), commit: true });
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toMatch(/cpu: committed [0-9a-f]{12} on governor\/cpu \(300m -> 450m\)/);
    expect(checkout(dir)).toEqual(before);
    // The branch is main plus Governor's one-file edit, and nothing a person staged.
    expect(git(dir, "diff", "--name-only", "main", "governor/cpu")).toBe("apps/d.yaml\n");
    expect(git(dir, "show", "governor/cpu:apps/d.yaml")).toBe(DEPLOYMENT.replace("cpu: 300m", "cpu: 450m"));
    // A rerun finds its own commit there and leaves it.
    const head = git(dir, "rev-parse", "governor/cpu");
    const again = await run(applyCommand, { repo: dir, now: iso(BASE + 3 * HOUR), commit: true });
    expect(again.stdout).toContain(`cpu: already committed ${head.slice(0, 12)} on governor/cpu`);
    expect(git(dir, "rev-parse", "governor/cpu")).toBe(head);
  });

  it("apply --commit builds on committed files: an uncommitted edit of the lever's file stops it, named", async () => {
    const dir = gitRepo();
    writeFileSync(join(dir, "apps/d.yaml"), DEPLOYMENT.replace("# the original value", "# edited"));
    const r = await run(applyCommand, { repo: dir, now: iso(BASE + 3 * HOUR), commit: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^--commit: apps\/d\.yaml has uncommitted changes; Governor's commits are built from committed files only/,
    );
    expect(git(dir, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main\n");
  });

  it("apply --commit refuses a lever file that git holds as a symlink, whatever it points at", async () => {
    const dir = gitRepo();
    git(dir, "mv", "apps/d.yaml", "apps/real.yaml");
    symlinkSync("real.yaml", join(dir, "apps/d.yaml"));
    git(dir, "add", "apps");
    git(dir, "-c", "user.name=p", "-c", "user.email=p@p", "commit", "-q", "-m", "a symlink");
    const r = await run(applyCommand, { repo: dir, now: iso(BASE + 3 * HOUR), commit: true });
    expect(r.stderr).toContain('"apps/d.yaml" is a symlink in git: Governor edits only regular files');
    expect(r.code).toBe(1);
    expect(git(dir, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main\n");
  });

  it("never rewrites governor/<lever> when any commit on it is a person's, even below Governor's own", async () => {
    const dir = gitRepo();
    const at = { now: iso(BASE + 3 * HOUR), commit: true };
    await run(applyCommand, { repo: dir, ...at });
    const governors = git(dir, "rev-parse", "governor/cpu").trim();
    // A person rebuilds the branch: their own commit, with Governor's commit picked on top of it.
    git(dir, "checkout", "-q", "-B", "governor/cpu", "main");
    writeFileSync(join(dir, "notes.txt"), "a person's work\n");
    git(dir, "add", "notes.txt");
    git(dir, "-c", "user.name=p", "-c", "user.email=p@p", "commit", "-q", "-m", "A person's commit");
    git(dir, "-c", "user.name=p", "-c", "user.email=p@p", "cherry-pick", governors);
    git(dir, "checkout", "-q", "main");
    const tip = git(dir, "rev-parse", "governor/cpu");
    const person = git(dir, "rev-parse", "governor/cpu~1").trim();
    const r = await run(applyCommand, { repo: dir, ...at, json: true });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.decisions[0]).toMatchObject({
      lever: "cpu",
      decision: "blocked",
      reason: expect.stringMatching(
        new RegExp(
          `^edited by a person: governor/cpu holds ${person.slice(0, 12)} "A person's commit", which Governor did not write`,
        ),
      ),
    });
    expect(out.applied[0]).toMatch(/^cpu: not committed: edited by a person/);
    expect(git(dir, "rev-parse", "governor/cpu")).toBe(tip);
    // A person amending Governor's commit keeps its trailers, but not its one-line edit.
    git(dir, "branch", "-f", "governor/cpu", governors);
    git(dir, "checkout", "-q", "governor/cpu");
    writeFileSync(join(dir, "apps/d.yaml"), DEPLOYMENT.replace("cpu: 300m", "cpu: 500m"));
    git(dir, "-c", "user.name=p", "-c", "user.email=p@p", "commit", "-q", "-a", "--amend", "--no-edit");
    git(dir, "checkout", "-q", "main");
    const amended = git(dir, "rev-parse", "governor/cpu");
    const again = JSON.parse((await run(applyCommand, { repo: dir, ...at, json: true })).stdout);
    expect(again.decisions[0]).toMatchObject({
      decision: "blocked",
      reason: expect.stringMatching(/^edited by a person/),
    });
    expect(git(dir, "rev-parse", "governor/cpu")).toBe(amended);
  });

  it("replaces its own older proposal when the base moved on, by compare-and-swap", async () => {
    const dir = gitRepo();
    await run(applyCommand, { repo: dir, now: iso(BASE + 3 * HOUR), commit: true });
    writeFileSync(join(dir, "README.md"), "main moved on\n");
    git(dir, "add", "README.md");
    git(dir, "-c", "user.name=p", "-c", "user.email=p@p", "commit", "-q", "-m", "docs");
    const r = await run(applyCommand, { repo: dir, now: iso(BASE + 3 * HOUR), commit: true });
    expect(r.stdout).toMatch(/cpu: committed [0-9a-f]{12} on governor\/cpu/);
    expect(git(dir, "rev-parse", "governor/cpu~1")).toBe(git(dir, "rev-parse", "main"));
    expect(git(dir, "rev-list", "--count", "main..governor/cpu")).toBe("1\n");
  });

  it("verify --revert commits the exact original bytes and leaves a person's staged and unstaged work alone", async () => {
    const dir = gitRepo();
    await run(applyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), commit: true });
    merge(dir, BASE + 4 * HOUR);
    writeFileSync(join(dir, "notes.txt"), "staged work\n");
    git(dir, "add", "notes.txt");
    writeFileSync(join(dir, "notes.txt"), "staged work, then more\n");
    const edited = DEPLOYMENT.replace("cpu: 300m", "cpu: 450m").replace("# the original value", "# my note");
    writeFileSync(join(dir, "apps/d.yaml"), edited);
    const v = await run(verifyCommand, { repo: dir, now: iso(BASE + 5 * HOUR), json: true, revert: true });
    const [verdict] = JSON.parse(v.stdout).verdicts;
    expect(verdict).toMatchObject({
      verdict: "fail",
      reverted: true,
      note: expect.stringMatching(
        /^reverted in [0-9a-f]{12}; apps\/d\.yaml has uncommitted changes of yours: left as they are/,
      ),
    });
    expect(git(dir, "show", "HEAD:apps/d.yaml")).toBe(DEPLOYMENT);
    expect(git(dir, "show", "--name-only", "--format=", "HEAD")).toBe("apps/d.yaml\n");
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(edited);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("staged work, then more\n");
    expect(git(dir, "show", ":notes.txt")).toBe("staged work\n");
    // The index follows HEAD for the reverted path, so a plain `git commit` cannot undo the revert.
    expect(git(dir, "diff", "--cached", "--name-only")).toBe("notes.txt\n");
  });

  it("verify --revert brings a clean checkout along: nothing shows in git status", async () => {
    const dir = gitRepo();
    await run(applyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), commit: true });
    merge(dir, BASE + 4 * HOUR);
    await run(verifyCommand, { repo: dir, now: iso(BASE + 5 * HOUR), json: true, revert: true });
    expect(git(dir, "status", "--porcelain")).toBe("");
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(DEPLOYMENT);
  });

  it("--repo a subfolder of the repository: the commits carry the path from the repository's root", async () => {
    const top = gitRepo("infra/");
    const dir = join(top, "infra");
    const applied = await run(applyCommand, { repo: dir, now: iso(BASE + 4 * HOUR), commit: true });
    expect(applied.stderr).toBe("");
    expect(git(top, "diff", "--name-only", "main", "governor/cpu")).toBe("infra/apps/d.yaml\n");
    merge(top, BASE + 4 * HOUR);
    const v = await run(verifyCommand, { repo: dir, now: iso(BASE + 5 * HOUR), json: true, revert: true });
    expect(JSON.parse(v.stdout).verdicts[0]).toMatchObject({ reverted: true });
    expect(git(top, "show", "HEAD:infra/apps/d.yaml")).toBe(DEPLOYMENT);
    expect(git(top, "status", "--porcelain")).toBe("");
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
