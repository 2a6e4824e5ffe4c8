import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tmpRepo } from "../helpers/tmp-repo.js";
import { prometheusAvailable, startPrometheus } from "./prometheus-server.js";

/**
 * The watch after a merge while Prometheus goes away and comes back, and with data missing
 * inside the window: a real git repository with three Governor changes (one commit each, as
 * `apply --commit` and a merge leave them), the CLI's own argument parsing, and a real
 * Prometheus over a TSDB built from the series below — stopped in the middle, then started again.
 *
 * - `steady`: the error ratio is there throughout and healthy: it passes once Prometheus is back.
 * - `gap`: the error ratio has no samples from 8 to 33 minutes after the change (the scrape was
 *   down): most of the window has no data, so it is not a pass but an extension, and it passes
 *   over the extended window, which has data.
 * - `fresh`: its latency series starts 10 minutes before the change and is +50% after: the
 *   relative guardrail's baseline is 10 min of the 30 it needs — inconclusive, never reverted.
 */

const available = prometheusAvailable();
const MIN = 60_000;
const HOUR = 60 * MIN;
const BASE = Date.parse("2026-01-01T00:00:00Z");
const T = BASE + 3 * HOUR; // every change lands at 03:00; the 30m windows end at 03:30
const SCRAPE = 15_000;
const iso = (ms: number) => new Date(ms).toISOString();

const policy = (id: string, guardrail: string) => `id: ${id}
description: CPU request, guarded.
valueType: cpu
signals:
  usage: max(rate(governor_outage_cpu_seconds_total[5m]))
  errors: max(governor_outage_error_ratio)
  latency: max(governor_outage_latency_seconds)
strategy: {type: percentile, signal: usage, quantile: 0.95, lookback: 2h, deadband: 0.1}
hypothesis: {signal: usage, expect: below, value: 1}
guardrails:
  - ${guardrail}
risk: low
`;
const LEVERS = ["steady", "gap", "fresh"] as const;
const CONFIG = `version: 1
watch: {window: 30m, interval: 1m}
levers:
${LEVERS.map(
  (id) => `  - id: ${id}
    policy: ${id === "fresh" ? "test-latency" : "test-errors"}
    target: {file: apps/${id}.yaml, kind: Deployment, name: ${id}, container: c, field: resources.requests.cpu}
    selector: '{pod="${id}-1"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 1h
`,
).join("")}`;
const deployment = (id: string, cpu: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${id}
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              cpu: ${cpu}
`;

/** Gauges every 15 s from BASE to BASE + 6h; `value` undefined: no sample then. */
function gauge(name: string, pod: string, value: (ms: number) => number | undefined): string {
  const lines = [`# TYPE ${name} gauge`];
  for (let t = BASE; t <= BASE + 6 * HOUR; t += SCRAPE) {
    const v = value(t);
    if (v !== undefined) lines.push(`${name}{pod="${pod}"} ${v} ${t / 1000}`);
  }
  return lines.join("\n");
}
function series(): string {
  const errors = (gap: boolean) => (t: number) =>
    gap && t >= T + 8 * MIN && t < T + 33 * MIN ? undefined : 0.001;
  // Distinct values, so the rank test has no ties to lean on.
  const latency = (t: number) =>
    t < T - 10 * MIN ? undefined : (t < T ? 0.1 : 0.15) + ((t / SCRAPE) % 7) * 0.001;
  return [
    // One family per metric name: OpenMetrics wants a family's series together.
    `${gauge("governor_outage_error_ratio", "steady-1", errors(false))}\n${gauge("governor_outage_error_ratio", "gap-1", errors(true)).split("\n").slice(1).join("\n")}`,
    gauge("governor_outage_latency_seconds", "fresh-1", latency),
    "# EOF\n",
  ].join("\n");
}

const git = (dir: string, args: string[], at = BASE) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_DATE: iso(at), GIT_COMMITTER_DATE: iso(at) },
  });

/** The repository, then one Governor change commit per lever at T: 300m → 450m. */
function repo(): { dir: string; commits: Record<string, string> } {
  const dir = tmpRepo({
    ".github/governor.yml": CONFIG,
    ".github/governor/policies/test-errors.yaml": policy(
      "test-errors",
      "{name: error-ratio, signal: errors, max: 0.01}",
    ),
    ".github/governor/policies/test-latency.yaml": policy(
      "test-latency",
      "{name: latency, signal: latency, maxIncrease: 0.2}",
    ),
    ...Object.fromEntries(LEVERS.map((id) => [`apps/${id}.yaml`, deployment(id, "300m")])),
  });
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", "initial"]);
  const commits: Record<string, string> = {};
  for (const id of LEVERS) {
    writeFileSync(join(dir, `apps/${id}.yaml`), deployment(id, "450m"));
    const policyId = id === "fresh" ? "test-latency" : "test-errors";
    const message = `Tune ${id}: 300m -> 450m\n\nGovernor-Lever: ${id}\nGovernor-Decision: change-${id}\nGovernor-Policy: ${policyId}\nGovernor-From: 300m\nGovernor-To: 450m`;
    git(dir, ["commit", "-q", "-am", message], T);
    commits[id] = git(dir, ["rev-parse", "HEAD"]).trim();
  }
  return { dir, commits };
}

interface Row {
  readonly lever: string;
  readonly verdict: string;
  readonly until: string | null;
  readonly commit: string;
  readonly from: string;
  readonly to: string;
  readonly reverted: boolean;
  readonly note: string;
  readonly guardrails: Array<{ name: string; ok: boolean | null; detail: string; gaps: string | null }>;
}

async function verify(dir: string, prometheus: string, now: number, json = true) {
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
  const rows: Row[] = json ? JSON.parse(r.stdout).verdicts : [];
  return { ...r, rows, row: (id: string) => rows.find((v) => v.lever === id) as Row };
}

const reverts = (dir: string) =>
  git(dir, ["log", "--format=%s", "main"])
    .split("\n")
    .filter((s) => s.startsWith("Revert"));

describe.skipIf(!available)("verify through a Prometheus outage and a window with missing data", () => {
  it("watching, then not judged while Prometheus is down (warning, exit 2, no window used up), then judged — never on missing data", async () => {
    const { dir, commits } = repo();
    const data = series();
    let prom = await startPrometheus(data);
    try {
      // 1. 16 minutes into the window: every change is in flight, listed with its window's end.
      const watching = await verify(dir, prom.url, T + 16 * MIN);
      expect(watching.stderr).toBe("");
      expect(watching.code).toBe(0);
      expect(watching.rows.map((r) => [r.lever, r.verdict, r.until, r.from, r.to, r.commit])).toEqual(
        LEVERS.map((id) => [id, "watching", "2026-01-01T03:30:00.000Z", "300m", "450m", commits[id]]),
      );
      const text = await verify(dir, prom.url, T + 16 * MIN, false);
      expect(text.stdout).toContain("steady 300m → 450m: watching until 2026-01-01T03:30Z (16 of 30 min)\n");
      // The gap shows as it happens, not only at the verdict.
      // (Prometheus carries the last sample 5 minutes: the evaluations from 03:13 have none.)
      expect(text.stdout).toContain(
        "gap 300m → 450m: watching until 2026-01-01T03:30Z (16 of 30 min)\n    ? error-ratio: no data 2026-01-01T03:13–03:16Z (13 of 17 evaluations hold data) so far\n",
      );

      // 2. Prometheus stops. Nothing can be judged: a warning naming the endpoint and the error, exit 2.
      const url = prom.url;
      await prom.stop();
      const down = await verify(dir, url, T + 20 * MIN, false);
      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(
        new RegExp(
          `^warning: Prometheus did not answer:\n  Prometheus unreachable \\(${url}\\): cannot connect \\(ECONNREFUSED\\)\n`,
        ),
      );
      expect(down.stderr).toContain(
        "\n  nothing could be judged (steady, gap, fresh): no verdict and nothing reverted; each window is judged whole by the next run that reaches Prometheus, and one that ends up with data for less than half of it is extended once (exit 2)\n",
      );
      for (const id of LEVERS)
        expect(down.stdout).toContain(
          `${id} 300m → 450m: not judged — Prometheus unreachable (${url}), see the warning; its window ends 2026-01-01T03:30Z: no verdict and nothing reverted until a run reaches Prometheus\n`,
        );
      expect(down.stdout).not.toMatch(/watching|INCONCLUSIVE/);

      // 3. Still down long after the window and its one extension would have ended: still not judged —
      //    the outage used up neither the window nor the extension, and nothing became "inconclusive".
      const later = await verify(dir, url, T + 2 * HOUR);
      expect(later.code).toBe(2);
      expect(later.rows.map((r) => [r.lever, r.verdict, r.until])).toEqual(
        LEVERS.map((id) => [id, "not-judged", "2026-01-01T03:30:00.000Z"]),
      );
      expect(later.row("gap").note).toMatch(/^not judged: Prometheus unreachable/);
      expect(reverts(dir)).toEqual([]);

      // 4. Prometheus is back (the same data): the first window is judged whole, as if never interrupted.
      prom = await startPrometheus(data);
      const back = await verify(dir, prom.url, T + 31 * MIN);
      expect(back.stderr).toBe("");
      expect(back.code).toBe(0);
      expect(back.row("steady")).toMatchObject({ verdict: "pass", until: null, reverted: false });
      // Most of gap's window has no data: not a pass on the rest, an extension, and the row says why.
      expect(back.row("gap")).toMatchObject({
        verdict: "watching",
        until: "2026-01-01T04:00:00.000Z",
        note: "inconclusive over the first 30 min, so the window is extended once, until 2026-01-01T04:00Z",
      });
      expect(back.row("gap").guardrails[0]?.detail).toBe(
        "data for only 13 of 31 evaluations in the window (no data 2026-01-01T03:13–03:30Z); at least half are needed to call it held",
      );
      // fresh's latency is +50%, but against 10 minutes of baseline: never failed (nor reverted) on that.
      expect(back.row("fresh")).toMatchObject({ verdict: "watching", reverted: false });
      expect(back.row("fresh").guardrails[0]).toMatchObject({
        name: "latency",
        ok: null,
        detail:
          "the baseline is too short to judge against: 10 min of 30 min before the change (10 evaluations; at least half of them and 8 are needed)",
      });
      const backText = await verify(dir, prom.url, T + 31 * MIN, false);
      expect(backText.stdout).toContain(
        "gap 300m → 450m: watching until 2026-01-01T04:00Z (31 of 60 min); inconclusive over the first 30 min, so the window is extended once, until 2026-01-01T04:00Z\n    ? error-ratio: ",
      );
      expect(reverts(dir)).toEqual([]);

      // 5. After the extension: gap passes over the hour, which has data; fresh stays inconclusive.
      const end = await verify(dir, prom.url, T + 61 * MIN);
      expect(end.code).toBe(0);
      expect(end.row("gap")).toMatchObject({ verdict: "pass", note: "judged over the extended window" });
      expect(end.row("fresh")).toMatchObject({
        verdict: "inconclusive",
        note: "inconclusive after the extended window: the lever holds (never treated as a pass)",
        reverted: false,
      });
      expect(end.row("fresh").guardrails[0]?.detail).toContain("10 min of 60 min before the change");
      expect(reverts(dir)).toEqual([]);
    } finally {
      await prom.stop();
    }
  }, 120_000);
});
