import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/tmp-repo.js";
import {
  findBinary,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from "../integration/prometheus-server.js";
import { BASE, HOUR, testSeries } from "../integration/series.js";

/**
 * Local mode killed (SIGKILL) before each git subcommand in turn: a `git` wrapper first on the
 * PATH of the governor process counts the invocations and kills its parent at the K-th. After
 * every kill, one rerun without the wrapper must leave exactly the refs, commits, status and
 * files of an uninterrupted run on an identical repository.
 */

const available = prometheusAvailable();
const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = join(ROOT, "bin/governor.js");
const REAL_GIT = findBinary("git") ?? "/usr/bin/git";
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
const lever = (id: string, file: string, name: string) => `  - id: ${id}
    policy: test-cpu
    target: {file: ${file}, kind: Deployment, name: ${name}, container: c, field: resources.requests.cpu}
    selector: '{namespace="shop", pod="checkout-1"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 1h
`;
const CONFIG = `version: 1
watch: {window: 30m, interval: 1m}
levers:
${lever("cpu", "apps/d.yaml", "d")}${lever("web-cpu", "apps/web/e.yaml", "e")}`;
const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              cpu: 300m   # the original value
`;

/** Runs git with a fixed identity and fixed dates, so that identical steps make identical objects. */
function git(dir: string, time: number, ...args: string[]): string {
  return execFileSync(REAL_GIT, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_DATE: iso(time), GIT_COMMITTER_DATE: iso(time) },
  });
}

function newRepo(dir: string): void {
  mkdirSync(join(dir, ".github/governor/policies"), { recursive: true });
  mkdirSync(join(dir, "apps/web"), { recursive: true });
  writeFileSync(join(dir, ".github/governor.yml"), CONFIG);
  writeFileSync(join(dir, ".github/governor/policies/test-cpu.yaml"), POLICY);
  writeFileSync(join(dir, "apps/d.yaml"), deployment("d"));
  writeFileSync(join(dir, "apps/web/e.yaml"), deployment("e"));
  git(dir, BASE, "init", "-q", "-b", "main");
  git(dir, BASE, "config", "user.name", "t");
  git(dir, BASE, "config", "user.email", "t@t");
  git(dir, BASE, "add", "-A");
  git(dir, BASE, "commit", "-q", "-m", "initial");
}

/** A `git` that kills the governor process (its parent) before its k-th invocation, and logs every call. */
function killingGit(bin: string, k: number): void {
  mkdirSync(bin, { recursive: true });
  const count = join(bin, "count");
  const log = join(bin, "calls");
  writeFileSync(count, "0");
  writeFileSync(log, "");
  writeFileSync(
    join(bin, "git"),
    `#!/bin/sh
n=$(($(cat '${count}') + 1))
echo "$n" > '${count}'
printf '%s' "$*" | tr '\\n' ' ' >> '${log}'; echo >> '${log}'
if [ "$n" -eq ${k} ]; then kill -9 "$PPID"; exit 137; fi
exec '${REAL_GIT}' "$@"
`,
  );
  chmodSync(join(bin, "git"), 0o755);
}

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
}

function governor(args: string[], pathFirst?: string): Run {
  const env = { ...process.env };
  if (pathFirst) env.PATH = `${pathFirst}${delimiter}${process.env.PATH ?? ""}`;
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env, timeout: 60_000 });
  return { status: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}` };
}

/** Everything a run may change: refs, reachable commits, status, the index and the files. */
function snapshot(dir: string): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === ".git") continue;
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else files.push(`${relative(dir, full)}\n${readFileSync(full, "utf8")}`);
    }
  };
  walk(dir);
  return [
    git(dir, BASE, "for-each-ref", "--format=%(refname) %(objectname)"),
    `HEAD ${git(dir, BASE, "symbolic-ref", "HEAD")}`,
    `commits ${git(dir, BASE, "rev-list", "--all", "--count")}`,
    `status\n${git(dir, BASE, "status", "--porcelain")}`,
    `index\n${git(dir, BASE, "ls-files", "-s")}`,
    ...files,
  ].join("\n");
}

interface Row {
  readonly k: number;
  readonly interrupted: string;
  readonly converged: boolean;
  readonly rerun: string;
}

/** Kills `args` before git call 1, 2, ... until a run completes; each time reruns once and compares. */
function killEachStep(
  setup: string,
  scratch: string,
  args: (repo: string) => string[],
): { rows: Row[]; reference: string; out: string } {
  const reference = join(scratch, "reference");
  cpSync(setup, reference, { recursive: true });
  const uninterrupted = governor(args(reference));
  expect(uninterrupted.status, uninterrupted.out).toBe(0);
  const expected = snapshot(reference);
  const rows: Row[] = [];
  for (let k = 1; k <= 200; k++) {
    const repo = join(scratch, `k${k}`);
    const bin = join(scratch, `bin${k}`);
    cpSync(setup, repo, { recursive: true });
    killingGit(bin, k);
    const killed = governor(args(repo), bin);
    const calls = readFileSync(join(bin, "calls"), "utf8").trim().split("\n");
    if (killed.signal !== "SIGKILL") {
      expect(killed.status, killed.out).toBe(0);
      expect(snapshot(repo)).toBe(expected);
      rows.push({ k, interrupted: "(completed: no kill)", converged: true, rerun: "" });
      break;
    }
    const rerun = governor(args(repo));
    const got = snapshot(repo);
    rows.push({
      k,
      interrupted: `git ${calls[k - 1] ?? "?"}`,
      converged: rerun.status === 0 && got === expected,
      rerun:
        rerun.status === 0 && got === expected
          ? ""
          : `exit ${rerun.status}: ${rerun.out.trim().split("\n").slice(-2).join(" / ")}`,
    });
    rmSync(repo, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  }
  console.log(
    `${args("<repo>").slice(0, 2).join(" ")}: killed before git call K\n${rows
      .map(
        (r) =>
          `K=${r.k}\t${r.converged ? "converged" : "NOT CONVERGED"}\t${r.interrupted}${r.rerun ? `\t${r.rerun}` : ""}`,
      )
      .join("\n")}`,
  );
  return { rows, reference, out: uninterrupted.out };
}

describe.skipIf(!available)(
  "local mode killed (SIGKILL) before any git subcommand converges on the rerun",
  () => {
    let prom: RunningPrometheus;
    beforeAll(async () => {
      prom = await startPrometheus(testSeries());
    }, 60_000);
    afterAll(async () => {
      await prom?.stop();
    });

    it("governor apply --commit (two levers)", () => {
      const scratch = tmpDir();
      const setup = join(scratch, "setup");
      newRepo(setup);
      const { rows, reference, out } = killEachStep(setup, scratch, (repo) => [
        "apply",
        "--commit",
        "--repo",
        repo,
        "--prometheus",
        prom.url,
        "--now",
        iso(BASE + 4 * HOUR),
      ]);
      expect(out).toMatch(/cpu: committed [0-9a-f]{12} on governor\/cpu \(300m -> 450m\)/);
      expect(out).toMatch(/web-cpu: committed [0-9a-f]{12} on governor\/web-cpu \(300m -> 450m\)/);
      // Each branch is the base plus its own lever's edit: never the previous lever's.
      expect(git(reference, BASE, "diff", "--name-only", "main", "governor/cpu")).toBe("apps/d.yaml\n");
      expect(git(reference, BASE, "diff", "--name-only", "main", "governor/web-cpu")).toBe(
        "apps/web/e.yaml\n",
      );
      expect(rows.length).toBeGreaterThan(3);
      expect(rows.filter((r) => !r.converged)).toEqual([]);
    }, 600_000);

    it("governor verify --revert (two failed changes)", () => {
      const scratch = tmpDir();
      const setup = join(scratch, "setup");
      newRepo(setup);
      const applied = governor([
        "apply",
        "--commit",
        "--repo",
        setup,
        "--prometheus",
        prom.url,
        "--now",
        iso(BASE + 4 * HOUR),
      ]);
      expect(applied.status, applied.out).toBe(0);
      for (const branch of ["governor/cpu", "governor/web-cpu"])
        git(setup, BASE + 4 * HOUR, "merge", "-q", "--no-ff", "-m", `Merge ${branch}`, branch);
      const { rows, reference, out } = killEachStep(setup, scratch, (repo) => [
        "verify",
        "--revert",
        "--repo",
        repo,
        "--prometheus",
        prom.url,
        "--now",
        iso(BASE + 5 * HOUR),
      ]);
      expect(out.match(/reverted in [0-9a-f]{12}/g)).toHaveLength(2);
      expect(readFileSync(join(reference, "apps/d.yaml"), "utf8")).toBe(deployment("d"));
      expect(git(reference, BASE, "status", "--porcelain")).toBe("");
      expect(rows.length).toBeGreaterThan(3);
      expect(rows.filter((r) => !r.converged)).toEqual([]);
    }, 600_000);
  },
);
