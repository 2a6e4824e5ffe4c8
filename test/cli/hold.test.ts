import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOW } from "../helpers/engine.js";
import { EXAMPLE, EXAMPLE_SIGNALS } from "../helpers/example-signals.js";
import { writeRecording } from "../helpers/recording.js";
import { runCli } from "../helpers/run-cli.js";
import { tmpDir } from "../helpers/tmp-repo.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_COMMITTER_DATE: new Date(NOW - 20 * 86_400_000).toISOString() },
  });

/** The example repository in git, and a recording of its metrics at NOW. */
async function example() {
  const dir = tmpDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "initial");
  const recording = await writeRecording(dir, NOW, EXAMPLE_SIGNALS);
  const cpu = async () => {
    const r = await runCli("plan", "--repo", dir, "--signals", recording, "--json");
    return (JSON.parse(r.stdout).decisions as Array<{ lever: string; decision: string; reason: string }>)[0];
  };
  return { dir, cpu };
}

describe("governor hold / resume (local mode)", () => {
  it("a hold is a commit the ledger reads back; a resume lifts it", async () => {
    const { dir, cpu } = await example();
    expect(await cpu()).toMatchObject({ lever: "checkout-cpu", decision: "propose" });

    const held = await runCli("hold", "checkout-cpu", "--reason", "incident 4711", "--repo", dir);
    expect(held).toMatchObject({ code: 0, stderr: "" });
    expect(held.stdout).toMatch(/^held lever checkout-cpu on main \(commit [0-9a-f]{12}\)\n$/);
    expect(git(dir, "log", "-1", "--format=%B")).toBe(
      "Governor hold: lever checkout-cpu\n\nincident 4711\n\nGovernor-Hold: lever/checkout-cpu\n\n",
    );
    expect(await cpu()).toMatchObject({
      decision: "blocked",
      reason: "hold: on hold (lever checkout-cpu): incident 4711",
    });

    const resumed = await runCli("resume", "checkout-cpu", "--repo", dir);
    expect(resumed.stdout).toMatch(
      /^resumed lever checkout-cpu on main \(commit [0-9a-f]{12}\); lifted: incident 4711\n$/,
    );
    expect(await cpu()).toMatchObject({ decision: "propose" });
  });

  it("lifts the thrash guard's sticky hold, which outlives its 14-day window", async () => {
    const { dir, cpu } = await example();
    // Two Governor changes of checkout-cpu, both reverted, long before NOW.
    for (const [i, day] of [
      [1, 40],
      [2, 35],
    ] as const) {
      const date = new Date(NOW - day * 86_400_000).toISOString();
      const commit = (message: string) =>
        execFileSync(
          "git",
          ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", message],
          {
            cwd: dir,
            env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
          },
        );
      commit(
        `Tune\n\nGovernor-Lever: checkout-cpu\nGovernor-Decision: d${i}\nGovernor-Policy: k8s-cpu-request\nGovernor-From: 500m\nGovernor-To: 400m`,
      );
      commit(`Revert\n\nGovernor-Lever: checkout-cpu\nGovernor-Revert: d${i}`);
    }
    expect((await cpu())?.reason).toBe(
      "hold: on hold (lever checkout-cpu): 2 of its changes were reverted in 14 days; a resume lifts it",
    );
    const resumed = await runCli("resume", "checkout-cpu", "--repo", dir);
    expect(resumed.code).toBe(0);
    expect(await cpu()).toMatchObject({ decision: "propose" });
  });

  it("commits nothing a person staged, and runs no hook of the repository", async () => {
    const { dir } = await example();
    // A hook directory inside the repository (as husky sets it up) whose hook would fail and leave a mark.
    mkdirSync(join(dir, ".husky"));
    writeFileSync(join(dir, ".husky/pre-commit"), `#!/bin/sh\ntouch "${dir}/hook-ran"\nexit 1\n`, {
      mode: 0o755,
    });
    git(dir, "config", "core.hooksPath", ".husky");
    writeFileSync(join(dir, "notes.txt"), "work in progress\n");
    git(dir, "add", "notes.txt");
    expect((await runCli("hold", "--reason", "deploy freeze", "--repo", dir)).code).toBe(0);
    expect(git(dir, "show", "--stat", "--format=%s", "HEAD").trim()).toBe("Governor hold: the repository");
    expect(git(dir, "status", "--porcelain", "-uno")).toContain("A  notes.txt");
    expect(existsSync(join(dir, "hook-ran"))).toBe(false);
  });

  it("moves the branch alone: the index and the files stay byte for byte", async () => {
    const { dir } = await example();
    writeFileSync(join(dir, "notes.txt"), "staged\n");
    git(dir, "add", "notes.txt");
    writeFileSync(join(dir, "notes.txt"), "staged, then edited\n");
    const index = () => readFileSync(join(dir, ".git/index")).toString("base64");
    const before = index();
    expect((await runCli("hold", "--reason", "freeze", "--repo", dir)).code).toBe(0);
    expect(index()).toBe(before);
    expect(git(dir, "status", "--porcelain", "-uno")).toBe("AM notes.txt\n");
    expect(git(dir, "log", "-1", "--format=%s")).toBe("Governor hold: the repository\n");
  });

  it("first finishes bringing the checkout to a revert a killed run had committed", async () => {
    const { dir } = await example();
    const file = join(dir, "apps/checkout/deployment.yaml");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("cpu: 500m ", "cpu: 690m "));
    git(
      dir,
      "commit",
      "-q",
      "-am",
      "Tune checkout-cpu: 500m -> 690m\n\nGovernor-Lever: checkout-cpu\nGovernor-Decision: d1\nGovernor-Policy: k8s-cpu-request\nGovernor-From: 500m\nGovernor-To: 690m",
    );
    // The state a revert killed right after moving the branch leaves: HEAD reverted, checkout not.
    const revert = git(
      dir,
      "commit-tree",
      git(dir, "rev-parse", "HEAD~1^{tree}").trim(),
      "-p",
      "HEAD",
      "-m",
      "Revert checkout-cpu: 690m -> 500m\n\nGovernor-Lever: checkout-cpu\nGovernor-Revert: d1",
    ).trim();
    git(dir, "update-ref", "refs/heads/main", revert);
    expect(git(dir, "status", "--porcelain", "-uno")).toBe("M  apps/checkout/deployment.yaml\n");
    expect((await runCli("hold", "--reason", "freeze", "--repo", dir)).code).toBe(0);
    expect(git(dir, "status", "--porcelain", "-uno")).toBe("");
    expect(readFileSync(file, "utf8")).toBe(original);
    expect(git(dir, "rev-parse", "HEAD~1").trim()).toBe(revert);
  });

  it("a hold run again (after a kill, a retried CI step) commits nothing twice", async () => {
    const { dir } = await example();
    expect((await runCli("hold", "checkout-cpu", "--reason", "incident 4711", "--repo", dir)).code).toBe(0);
    const head = git(dir, "rev-parse", "HEAD");
    expect(await runCli("hold", "checkout-cpu", "--reason", "incident 4711", "--repo", dir)).toMatchObject({
      code: 0,
      stdout: "lever checkout-cpu is already held (incident 4711); nothing committed\n",
    });
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
  });

  it("says so when nothing holds, and commits nothing", async () => {
    const { dir } = await example();
    const head = git(dir, "rev-parse", "HEAD");
    expect(await runCli("resume", "--repo", dir)).toMatchObject({
      code: 0,
      stdout: "nothing holds the repository; nothing to resume\n",
    });
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
  });

  it.each([
    [
      ["hold", "checkout-cpux"],
      /governor\.yml: no lever "checkout-cpux" \(did you mean "checkout-cpu"\?\)\n$/,
    ],
    [
      ["hold", "--policy", "k8s-cpu-requets"],
      /no lever uses policy "k8s-cpu-requets" \(did you mean "k8s-cpu-request"\?\)\n$/,
    ],
    [["hold", "checkout-cpu", "--policy", "slo-step"], /^name a lever or --policy, not both/],
  ])("refuses %j with a message", async (args, message) => {
    const { dir } = await example();
    const r = await runCli(...args, "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});
