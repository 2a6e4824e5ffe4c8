import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gitRepo } from "../helpers/git-repo.js";
import { tmpRepo } from "../helpers/tmp-repo.js";
import { prometheusAvailable, type RunningPrometheus, startPrometheus } from "./prometheus-server.js";

/**
 * `governor doctor` and the cAdvisor-only memory policy, through the built binary, against a real
 * Prometheus that holds cAdvisor's metrics and nothing from kube-state-metrics or the application.
 */
const available = prometheusAvailable();
const root = new URL("../..", import.meta.url).pathname;
const bin = `${root}bin/governor.js`;

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const NOW = Date.parse("2026-03-10T12:00:00Z");
const START = NOW - 8 * DAY;
/** One day before NOW, checkout-2's worker process is OOM-killed (the container survives). */
const KILL = NOW - DAY;

type Labels = Record<string, string>;
const fmt = (l: Labels) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

/** OpenMetrics text: every series sampled each minute from START to NOW. */
function family(
  name: string,
  type: "counter" | "gauge",
  series: Array<{ labels: Labels; value: (t: number) => number }>,
): string[] {
  const lines = [`# TYPE ${name} ${type}`];
  const sample = type === "counter" ? `${name}_total` : name;
  for (const s of series)
    for (let t = START; t <= NOW; t += MIN) lines.push(`${sample}${fmt(s.labels)} ${s.value(t)} ${t / 1000}`);
  return lines;
}

const pod = (name: string) => ({ namespace: "shop", pod: name, container: "server" });
const MiB = 1024 * 1024;

function cadvisorOnly(): string {
  return [
    ...family("container_cpu_usage_seconds", "counter", [
      { labels: pod("checkout-1"), value: (t) => ((t - START) / 1000) * 0.2 },
    ]),
    ...family("container_cpu_cfs_periods", "counter", [
      { labels: pod("checkout-1"), value: (t) => (t - START) / 100 },
    ]),
    ...family("container_cpu_cfs_throttled_periods", "counter", [
      { labels: pod("checkout-1"), value: (t) => (t - START) / 10_000 },
    ]),
    ...family("container_memory_working_set_bytes", "gauge", [
      { labels: pod("checkout-1"), value: (t) => 300 * MiB + ((t / MIN) % 7) * MiB },
      { labels: pod("checkout-2"), value: () => 250 * MiB },
    ]),
    ...family("container_oom_events", "counter", [
      { labels: pod("checkout-1"), value: () => 0 },
      { labels: pod("checkout-2"), value: (t) => (t >= KILL ? 1 : 0) },
    ]),
    // A healthy checkout-1 (no 5xx series at all) and a checkout-2 failing one request in four.
    ...family("http_requests", "counter", [
      { labels: { ...pod("checkout-1"), code: "200" }, value: (t) => ((t - START) / 1000) * 10 },
      { labels: { ...pod("checkout-2"), code: "200" }, value: (t) => ((t - START) / 1000) * 3 },
      { labels: { ...pod("checkout-2"), code: "500" }, value: (t) => ((t - START) / 1000) * 1 },
    ]),
    "# EOF",
  ].join("\n");
}

const deployment = (name: string, field: string, value: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: server
          resources:
            requests:
              ${field}: ${value}
`;

const lever = (id: string, policy: string, file: string, field: string, selector: string, extra = "") => `
  - id: ${id}
    policy: ${policy}
    target: {file: ${file}, kind: Deployment, name: ${id}, container: server, field: resources.requests.${field}}
    selector: '${selector}'
    bounds: {min: 64Mi, max: 4Gi}
    maxStep: 0.5
    cooldown: 24h${extra}`;

/** A git checkout of these levers; `git: false` for a plain folder (doctor needs no ledger). */
function repo(levers: string[], { git = true, guardrails = "" } = {}): string {
  const files: Record<string, string> = {
    ".github/governor.yml": `version: 1\nwatch: {window: 30m, interval: 1m}\n${guardrails}levers:${levers.join("")}\n`,
    "apps/values.yaml": "pool:\n  size: 20\n",
  };
  for (const id of ["cpu", "cpu-2", "elsewhere"]) files[`apps/${id}.yaml`] = deployment(id, "cpu", "500m");
  for (const id of ["mem-kube", "mem-quiet", "mem-oom", "mem-stale"])
    files[`apps/${id}.yaml`] = deployment(id, "memory", id === "mem-oom" ? "256Mi" : "1Gi");
  return git ? gitRepo(files) : tmpRepo(files);
}

const CPU = lever(
  "cpu",
  "k8s-cpu-request",
  "apps/cpu.yaml",
  "cpu",
  '{namespace="shop", pod="checkout-1"}',
).replace("{min: 64Mi, max: 4Gi}", '{min: 100m, max: "2"}');
const ELSEWHERE = lever(
  "elsewhere",
  "k8s-cpu-request",
  "apps/elsewhere.yaml",
  "cpu",
  '{namespace="nowhere"}',
).replace("{min: 64Mi, max: 4Gi}", '{min: 100m, max: "2"}');
const MEM_KUBE = lever(
  "mem-kube",
  "k8s-memory-request",
  "apps/mem-kube.yaml",
  "memory",
  '{namespace="shop", pod="checkout-1"}',
);
const MEM_QUIET = lever(
  "mem-quiet",
  "k8s-memory-request-cadvisor",
  "apps/mem-quiet.yaml",
  "memory",
  '{namespace="shop", pod="checkout-1"}',
);
const MEM_OOM = lever(
  "mem-oom",
  "k8s-memory-request-cadvisor",
  "apps/mem-oom.yaml",
  "memory",
  '{namespace="shop", pod="checkout-2"}',
);
const POOL = `
  - id: pool
    policy: slo-step
    target: {file: apps/values.yaml, path: pool.size}
    selector: '{namespace="shop", service="checkout"}'
    bounds: {min: 5, max: 60}
    step: 5
    cooldown: 6h`;

function governor(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { encoding: "utf8", timeout: 60_000, env: { PATH: process.env.PATH ?? "" } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!available)("governor doctor against a real Prometheus with cAdvisor only", () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus(cadvisorOnly());
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
  });
  const doctor = (dir: string, ...more: string[]) =>
    governor([
      "doctor",
      "--repo",
      dir,
      "--prometheus",
      prom.url,
      "--now",
      new Date(NOW).toISOString(),
      ...more,
    ]);

  it("exit 0 when every signal and guardrail of every lever has data", async () => {
    const r = await doctor(repo([CPU, MEM_QUIET], { git: false }));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^LEVER +QUERY +SERIES +SAMPLES +NEWEST +STATUS$/m);
    expect(r.stdout).toMatch(/^cpu +signal usage +1 +2017\/2017 +0s ago +ok$/m);
    expect(r.stdout).toContain(
      'query: max(rate(container_cpu_usage_seconds_total{container!="", namespace="shop", pod="checkout-1"}[5m]))',
    );
    expect(r.stdout).toMatch(/^mem-quiet +signal oom +1 +2017\/2017 +0s ago +ok$/m);
    expect(r.stdout).toContain("2 of 2 levers can be evaluated\n");
  }, 60_000);

  it("exit 1 naming each missing metric and its exporter; a selector that matches nothing is told apart", async () => {
    const r = await doctor(repo([CPU, ELSEWHERE, MEM_KUBE, MEM_QUIET, POOL]));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^mem-kube +signal oom +0 +0\/2017 +- +missing: no data: the query matched no series$/m,
    );
    expect(r.stdout).toContain(
      "missing: kube_pod_container_status_last_terminated_reason: no series at all — exported by kube-state-metrics",
    );
    expect(r.stdout).toContain(
      "missing: kube_pod_container_info: no series at all — exported by kube-state-metrics",
    );
    expect(r.stdout).toMatch(/^mem-kube +signal working_set +1 +2017\/2017 +0s ago +ok$/m);
    expect(r.stdout).toContain(
      'missing: container_cpu_usage_seconds_total: 1 series, none matching container_cpu_usage_seconds_total{container!="", namespace="nowhere"} in the lookback — check the lever\'s selector',
    );
    expect(r.stdout).toContain(
      "missing: http_request_duration_seconds_bucket: no series at all — exported by the application",
    );
    expect(r.stdout).toContain("2 of 5 levers can be evaluated; not: elsewhere, mem-kube, pool\n");
    expect(r.stdout).toContain(
      "no series at all from kube-state-metrics: kube_pod_container_status_last_terminated_reason, kube_pod_container_info\n",
    );
    expect(r.stdout).toContain(
      "mem-kube: without kube-state-metrics, the built-in policy k8s-memory-request-cadvisor works from cAdvisor's metrics alone (set policy: k8s-memory-request-cadvisor on the lever)\n",
    );
  }, 60_000);

  it("a lever whose value cannot be found in its file is reported, and exit 1", async () => {
    const ghost = CPU.replace("id: cpu", "id: ghost").replace("name: cpu", "name: ghost");
    const r = await doctor(repo([CPU, ghost]));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ghost +\(lever\) +unresolved: .*ghost/m);
    expect(r.stdout).toContain("1 of 2 levers can be evaluated; not: ghost\n");
  }, 60_000);

  it("--json: the same report for scripts", async () => {
    const r = await doctor(repo([MEM_KUBE]), "--json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    const [l] = report.levers;
    expect(l).toMatchObject({ lever: "mem-kube", policy: "k8s-memory-request", value: "1Gi", problem: null });
    const oom = l.queries.find((q: { name: string }) => q.name === "oom");
    expect(oom).toMatchObject({ kind: "signal", status: "missing", series: 0, samples: 0, ageSeconds: null });
    expect(oom.metrics).toEqual([
      {
        selector:
          'kube_pod_container_status_last_terminated_reason{reason="OOMKilled", namespace="shop", pod="checkout-1"}',
        metric: "kube_pod_container_status_last_terminated_reason",
        series: 0,
        seriesWithAnyLabels: 0,
        seriesOfLeverSelector: 0,
        seriesNow: null,
        exporter: "kube-state-metrics",
      },
      {
        selector: 'kube_pod_container_info{namespace="shop", pod="checkout-1"}',
        metric: "kube_pod_container_info",
        series: 0,
        seriesWithAnyLabels: 0,
        seriesOfLeverSelector: null,
        seriesNow: null,
        exporter: "kube-state-metrics",
      },
    ]);
  }, 60_000);

  it("plan: without kube-state-metrics the memory lever never moves; the cAdvisor variant does, and grows after an OOM event", async () => {
    const r = await governor([
      "plan",
      "--repo",
      repo([MEM_KUBE, MEM_QUIET, MEM_OOM]),
      "--prometheus",
      prom.url,
      "--now",
      new Date(NOW).toISOString(),
      "--json",
    ]);
    expect(r.code).toBe(0);
    const byLever = Object.fromEntries(
      JSON.parse(r.stdout).decisions.map((d: { lever: string }) => [d.lever, d] as const),
    );
    expect(byLever["mem-kube"]).toMatchObject({
      decision: "blocked",
      reason: "missing or partial data — oom: no data: the query matched no series",
    });
    // max working set 306Mi + 15% = 352Mi, within maxStep from 1Gi.
    expect(byLever["mem-quiet"]).toMatchObject({ decision: "propose", from: "1Gi", to: "512Mi" });
    // The OOM event a day ago, at the current value: the VPA's bump, ×1.2 and +100Mi, over 250Mi + 15%.
    expect(byLever["mem-oom"]).toMatchObject({ decision: "propose", from: "256Mi", to: "356Mi" });
    expect(byLever["mem-oom"].reason).toContain("an OOM kill in the last 7d at the current value");
  }, 60_000);

  it("plan's text names the signal and the query a blocked lever failed on", async () => {
    const r = await governor([
      "plan",
      "--repo",
      repo([MEM_KUBE]),
      "--prometheus",
      prom.url,
      "--now",
      new Date(NOW).toISOString(),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        "mem-kube: blocked on this query",
        "  oom: missing: no data: the query matched no series",
        '    query: max(kube_pod_container_status_last_terminated_reason{reason="OOMKilled", namespace="shop", pod="checkout-1"}) or on() (0 * max(kube_pod_container_info{namespace="shop", pod="checkout-1"}))',
      ].join("\n"),
    );
  }, 60_000);
});

/** The repository guardrails of the shipped example, as the README's essentials also write them. */
const EXAMPLE_GUARDRAILS: Array<{ name: string; query: string; max: number }> = parse(
  readFileSync(`${root}examples/infra/.github/governor.yml`, "utf8"),
).guardrails;
const guardrailsYaml = (gs: Array<{ name: string; query: string; max: number }>) =>
  `guardrails:\n${gs.map((g) => `  - {name: ${g.name}, query: ${JSON.stringify(g.query)}, max: ${g.max}}\n`).join("")}`;
const CPU_2 = CPU.replace("id: cpu", "id: cpu-2")
  .replace("cpu.yaml", "cpu-2.yaml")
  .replace("name: cpu", "name: cpu-2")
  .replace("checkout-1", "checkout-2");

describe.skipIf(!available)("the shipped error-ratio guardrail against a real Prometheus", () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus(cadvisorOnly());
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
  });
  const doctor = (dir: string, ...more: string[]) =>
    governor([
      "doctor",
      "--repo",
      dir,
      "--prometheus",
      prom.url,
      "--now",
      new Date(NOW).toISOString(),
      ...more,
    ]);
  const instant = async (query: string): Promise<string[]> => {
    const res = await fetch(`${prom.url}/api/v1/query`, {
      method: "POST",
      body: new URLSearchParams({ query, time: String(NOW / 1000) }),
    });
    const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
    return body.data.result.map((r) => r.value[1]);
  };

  it("has data on a service with no 5xx series at all (0), and gives the error ratio where there are errors", async () => {
    const [g] = EXAMPLE_GUARDRAILS;
    expect(g?.name).toBe("error-ratio");
    const r = await doctor(repo([CPU, CPU_2], { guardrails: guardrailsYaml(EXAMPLE_GUARDRAILS) }), "--json");
    const report = JSON.parse(r.stdout);
    const guardrail = (lever: string) =>
      report.levers
        .find((l: { lever: string }) => l.lever === lever)
        .queries.find((q: { name: string }) => q.name === "error-ratio");
    expect(guardrail("cpu")).toMatchObject({ kind: "guardrail", status: "ok" });
    expect(guardrail("cpu").query).toBe(
      '(sum(rate(http_requests_total{code=~"5..", namespace="shop", pod="checkout-1"}[5m])) or vector(0)) / sum(rate(http_requests_total{namespace="shop", pod="checkout-1"}[5m]))',
    );
    expect(guardrail("cpu-2")).toMatchObject({ kind: "guardrail", status: "ok" });
    expect(await instant(guardrail("cpu").query)).toEqual(["0"]);
    expect(Number((await instant(guardrail("cpu-2").query))[0])).toBeCloseTo(0.25, 6);
  }, 60_000);

  it("doctor: a numerator with no series is the query's own matcher, not the lever's selector, and says or vector(0)", async () => {
    const bare = [
      {
        name: "error-ratio",
        query: 'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
        max: 0.01,
      },
    ];
    const r = await doctor(repo([CPU], { guardrails: guardrailsYaml(bare) }));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^cpu +guardrail error-ratio +0 +0\/2017 +- +missing: /m);
    expect(r.stdout).toContain(
      'missing: http_requests_total: 1 series of http_requests_total{namespace="shop", pod="checkout-1"}, none also matching the query\'s own code=~"5.." in the lookback — the lever\'s selector is fine; if none is normal (no errors yet), write that part as (… or vector(0)) so the query gives 0 instead of no data',
    );
    expect(r.stdout).not.toContain("check the lever's selector");
  }, 60_000);
});

/** cAdvisor and kube-state-metrics: no container ever terminated; checkout-3's kube-state-metrics series stop 2h before NOW. */
function withKubeStateMetrics(): string {
  const STOP = NOW - 120 * MIN;
  const info = (name: string, until = NOW) => ({
    labels: { ...pod(name), image: "checkout:1" },
    value: (t: number) => (t <= until ? 1 : Number.NaN),
  });
  const text = [
    ...family("container_memory_working_set_bytes", "gauge", [
      { labels: pod("checkout-1"), value: () => 300 * MiB },
      { labels: pod("checkout-3"), value: () => 200 * MiB },
    ]),
    ...family("kube_pod_container_info", "gauge", [info("checkout-1"), info("checkout-3", STOP)]),
    "# EOF",
  ];
  // A series that stops has no samples after its end (NaN marks them here).
  return text.filter((l) => !l.includes(" NaN ")).join("\n");
}

describe.skipIf(!available)("doctor with kube-state-metrics running", () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus(withKubeStateMetrics());
  }, 120_000);
  afterAll(async () => {
    await prom?.stop();
  });
  const doctor = (dir: string, ...more: string[]) =>
    governor([
      "doctor",
      "--repo",
      dir,
      "--prometheus",
      prom.url,
      "--now",
      new Date(NOW).toISOString(),
      ...more,
    ]);
  const MEM_STALE = MEM_KUBE.replace("id: mem-kube", "id: mem-stale")
    .replace("mem-kube.yaml", "mem-stale.yaml")
    .replace("name: mem-kube", "name: mem-stale")
    .replace("checkout-1", "checkout-3");

  it("no container ever terminated: the OOM signal is 0, ok, and no advice to do without kube-state-metrics", async () => {
    const r = await doctor(repo([MEM_KUBE]));
    expect(r.stdout).toMatch(/^mem-kube +signal oom +1 +2017\/2017 +0s ago +ok$/m);
    expect(r.stdout).not.toContain("missing:");
    expect(r.stdout).not.toContain("kube-state-metrics");
    expect(r.stdout).toContain("1 of 1 lever can be evaluated\n");
    expect(r.code).toBe(0);
  }, 60_000);

  it("kube-state-metrics' series stopped: said stale, not absent", async () => {
    const r = await doctor(repo([MEM_KUBE, MEM_STALE]));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^mem-stale +signal oom +1 +1994\/2017 +1h55m ago +stale: /m);
    expect(r.stdout).toContain(
      "missing: kube_pod_container_info: no sample in the last 5m, though 1 series had some in the lookback — kube-state-metrics stopped, or Prometheus stopped scraping it",
    );
    expect(r.stdout).toContain(
      "kube-state-metrics's series stopped (samples in the lookback, none in the last 5m): kube_pod_container_info — is it still running and scraped?\n",
    );
    expect(r.stdout).not.toContain("no series at all from kube-state-metrics");
    expect(r.stdout).not.toContain("without kube-state-metrics");
  }, 60_000);
});
