import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeServer, json } from "../adapters/prometheus/fake-server.js";
import { runCli } from "../helpers/run-cli.js";
import { tmpRepo } from "../helpers/tmp-repo.js";

/**
 * `governor verify --revert` makes at most 3 reverts an hour in a repository — the core's
 * `revertCap`, the rule the App's watch uses — and a 4th failing lever is reported as capped with
 * the reason, never skipped in silence. Everything is real but Prometheus: a git repository with
 * four levers in four files, each with a Governor change commit, the CLI's own argument parsing,
 * and a listener on 127.0.0.1 whose error ratio breaches the guardrail after each change. The cap
 * is read back from git (the Governor-Revert commits), so it holds across runs, and an hour later
 * the 4th lever is reverted.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse("2026-03-02T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

const LEVERS = ["a", "b", "c", "d"] as const;
type LeverId = (typeof LEVERS)[number];
/** Each lever's Governor change lands a minute after the previous one's. */
const CHANGED_AT: Record<LeverId, number> = { a: T0, b: T0 + MIN, c: T0 + 2 * MIN, d: T0 + 3 * MIN };

const POLICY = `id: test-cpu
description: CPU request, guarded by the error ratio.
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
${LEVERS.map(
  (id) => `  - id: ${id}
    policy: test-cpu
    target: {file: apps/${id}.yaml, kind: Deployment, name: ${id}, container: c, field: resources.requests.cpu}
    selector: '{namespace="shop", pod="${id}-1"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 1h
`,
).join("")}`;

/** Each file has its own comments and spacing, so "the original bytes" means more than the value. */
const ORIGINAL: Record<LeverId, string> = Object.fromEntries(
  LEVERS.map((id, i) => [
    id,
    `# ${id}: owned by team ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${id}   # keep this name
spec:
  template:
    spec:
      containers:
        - name: c

          resources:
            requests:
              cpu: 300m     # ${id}'s original value
`,
  ]),
) as Record<LeverId, string>;
const CHANGED = (id: LeverId) => ORIGINAL[id].replace("cpu: 300m", "cpu: 450m");

const git = (dir: string, args: string[], at = T0 - 24 * HOUR) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_DATE: iso(at), GIT_COMMITTER_DATE: iso(at) },
  });

/** The repository a day before T0, then one Governor change commit per lever, as `apply --commit` and a merge leave them. */
function repoWithFourChanges(): string {
  const dir = tmpRepo({
    ".github/governor.yml": CONFIG,
    ".github/governor/policies/test-cpu.yaml": POLICY,
    ...Object.fromEntries(LEVERS.map((id) => [`apps/${id}.yaml`, ORIGINAL[id]])),
  });
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", "initial"]);
  for (const id of LEVERS) {
    writeFileSync(join(dir, `apps/${id}.yaml`), CHANGED(id));
    const message = `Tune ${id}: 300m -> 450m\n\nGovernor-Lever: ${id}\nGovernor-Decision: change-${id}\nGovernor-Policy: test-cpu\nGovernor-From: 300m\nGovernor-To: 450m`;
    git(dir, ["commit", "-q", "-am", message], CHANGED_AT[id]);
  }
  return dir;
}

/**
 * A Prometheus whose error ratio for each lever's pod is 0.001 before that lever's change and
 * 0.05 (over the guardrail's max 0.01) from it on: every change fails its watch. CPU usage is flat.
 */
async function breachingPrometheus(): Promise<string> {
  const server = await fakeServer((req, res) => {
    const form = new URLSearchParams(req.body);
    const query = form.get("query") ?? "";
    const pod = /pod="([a-d])-1"/.exec(query)?.[1] as LeverId | undefined;
    const changedAt = pod ? CHANGED_AT[pod] : T0;
    const breaching = query.includes("governor_test_error_ratio");
    const start = Number(form.get("start") ?? form.get("time"));
    const end = Number(form.get("end") ?? form.get("time"));
    const step = Number(form.get("step") ?? 60);
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end && values.length < 11_000; t += step)
      values.push([t, !breaching ? "0.2" : t * 1000 < changedAt ? "0.001" : "0.05"]);
    json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: {}, values }] } });
  });
  return server.url;
}

/** Governor's revert commits on main, oldest first: the lever and decision in their trailers, the commit. */
function revertCommits(dir: string): Array<{ commit: string; lever: string; revert: string; date: string }> {
  const out = git(dir, [
    "log",
    "--reverse",
    "--format=%H%x1f%(trailers:key=Governor-Lever,valueonly,separator=)%x1f%(trailers:key=Governor-Revert,valueonly,separator=)%x1f%cI",
    "main",
  ]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\x1f") as [string, string, string, string])
    .filter(([, , revert]) => revert !== "")
    .map(([commit, lever, revert, date]) => ({ commit, lever, revert, date: new Date(date).toISOString() }));
}

interface VerdictRow {
  readonly lever: string;
  readonly verdict: string;
  readonly reverted: boolean;
  readonly capped: boolean;
  readonly note: string;
}

const verify = async (dir: string, prometheus: string, now: number, json = true) => {
  const r = await runCli(
    "verify",
    "--revert",
    "--repo",
    dir,
    "--prometheus",
    prometheus,
    "--now",
    iso(now),
    ...(json ? ["--json"] : []),
  );
  const rows: VerdictRow[] = json && r.code === 0 ? JSON.parse(r.stdout).verdicts : [];
  return { ...r, rows, row: (id: LeverId) => rows.find((v) => v.lever === id) };
};

const CAPPED_NOTE =
  "not reverted: the revert cap is reached — 3 reverts in the last hour already (at most 3); a metrics problem is more likely — a person decides";

describe("verify --revert: at most 3 reverts an hour (the core's revertCap, read back from git)", () => {
  it("reverts 3 of 4 failing levers, reports the 4th as capped with the reason, holds the cap across runs, and reverts the 4th an hour later", async () => {
    const dir = repoWithFourChanges();
    const prometheus = await breachingPrometheus();
    const first = T0 + HOUR;

    // 1. Four changes fail their watch at once: three reverts, the fourth capped.
    const run1 = await verify(dir, prometheus, first);
    expect(run1.stderr).toBe("");
    expect(run1.code).toBe(0); // README: exit 0 whatever was decided — the capped row is the signal
    expect(run1.rows.map((v) => [v.lever, v.verdict, v.reverted, v.capped])).toEqual([
      ["a", "fail", true, false],
      ["b", "fail", true, false],
      ["c", "fail", true, false],
      ["d", "fail", false, true],
    ]);
    for (const id of ["a", "b", "c"] as const)
      expect(run1.row(id)?.note).toMatch(/^reverted in [0-9a-f]{12}$/);
    expect(run1.row("d")?.note).toBe(CAPPED_NOTE);

    const reverts = revertCommits(dir);
    expect(reverts.map((r) => [r.lever, r.revert, r.date])).toEqual(
      (["a", "b", "c"] as const).map((id) => [id, `change-${id}`, iso(first)]),
    );
    for (const [i, id] of (["a", "b", "c"] as const).entries()) {
      const { commit } = reverts[i] as { commit: string };
      expect(git(dir, ["show", "--name-only", "--format=", commit])).toBe(`apps/${id}.yaml\n`);
      expect(git(dir, ["show", `${commit}:apps/${id}.yaml`])).toBe(ORIGINAL[id]);
      expect(readFileSync(join(dir, `apps/${id}.yaml`), "utf8")).toBe(ORIGINAL[id]);
    }
    // The capped lever keeps the value Governor set, in HEAD and in the checkout.
    expect(git(dir, ["show", "HEAD:apps/d.yaml"])).toBe(CHANGED("d"));
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(CHANGED("d"));
    expect(git(dir, ["status", "--porcelain"])).toBe("");
    const head1 = git(dir, ["rev-parse", "HEAD"]);

    // The same state in the text output: the capped lever's row says so, with the reason.
    const text = await verify(dir, prometheus, first + MIN, false);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`d  300m -> 450m  FAIL  (${CAPPED_NOTE})\n`);
    expect(git(dir, ["rev-parse", "HEAD"])).toBe(head1);

    // 2. A new run within the hour: the cap counts the 3 reverts it reads back from git.
    const run2 = await verify(dir, prometheus, first + 59 * MIN);
    expect(run2.code).toBe(0);
    expect(run2.rows.map((v) => [v.lever, v.reverted, v.capped, v.note])).toEqual([
      ["a", true, false, "already reverted"],
      ["b", true, false, "already reverted"],
      ["c", true, false, "already reverted"],
      ["d", false, true, CAPPED_NOTE],
    ]);
    expect(git(dir, ["rev-parse", "HEAD"])).toBe(head1);
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(CHANGED("d"));

    // 3. More than an hour after the three reverts: the 4th is reverted to its original bytes.
    const later = first + HOUR + MIN;
    const run3 = await verify(dir, prometheus, later);
    expect(run3.code).toBe(0);
    expect(run3.row("d")).toMatchObject({
      verdict: "fail",
      reverted: true,
      capped: false,
      note: expect.stringMatching(/^reverted in [0-9a-f]{12}$/),
    });
    const all = revertCommits(dir);
    expect(all.map((r) => [r.lever, r.date])).toEqual([
      ["a", iso(first)],
      ["b", iso(first)],
      ["c", iso(first)],
      ["d", iso(later)],
    ]);
    const last = all[3] as { commit: string };
    expect(git(dir, ["show", "--name-only", "--format=", last.commit])).toBe("apps/d.yaml\n");
    expect(git(dir, ["show", `${last.commit}:apps/d.yaml`])).toBe(ORIGINAL.d);
    expect(readFileSync(join(dir, "apps/d.yaml"), "utf8")).toBe(ORIGINAL.d);
    expect(git(dir, ["status", "--porcelain"])).toBe("");
  });
  it("a capped breach seen inside the watch window keeps saying when it was seen, then that it is capped", async () => {
    const dir = repoWithFourChanges();
    const prometheus = await breachingPrometheus();
    // 10 minutes after the last change, every window is still open but the breach is visible.
    const r = await verify(dir, prometheus, CHANGED_AT.d + 10 * MIN);
    expect(r.code).toBe(0);
    expect(r.rows.map((v) => [v.lever, v.reverted, v.capped])).toEqual([
      ["a", true, false],
      ["b", true, false],
      ["c", true, false],
      ["d", false, true],
    ]);
    expect(r.row("c")?.note).toMatch(/^breached during the watch window; reverted in [0-9a-f]{12}$/);
    expect(r.row("d")?.note).toBe(`breached during the watch window; ${CAPPED_NOTE}`);
    expect(revertCommits(dir).map((c) => c.lever)).toEqual(["a", "b", "c"]);
    expect(git(dir, ["show", "HEAD:apps/d.yaml"])).toBe(CHANGED("d"));
  });
});
