import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrometheusSignalSource } from "../../src/adapters/prometheus/signal-source.js";
import { loadRecording, RecordedSignalSource } from "../../src/adapters/recorded/recorded-source.js";
import { record } from "../../src/cli/commands/record.js";
import { captureIo } from "../helpers/run-cli.js";
import { tmpRepo } from "../helpers/tmp-repo.js";
import {
  freePort,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from "./prometheus-server.js";
import { BASE, HOUR, testSeries } from "./series.js";

const available = prometheusAvailable();

const POLICY = `id: test-cpu
description: CPU request from the test series.
valueType: cpu
signals:
  usage: max(rate(governor_test_cpu_seconds_total[5m]))
  pool: max(governor_test_pool_in_use)
strategy: {type: percentile, signal: usage, quantile: 0.95, lookback: 4h}
hypothesis: {signal: usage, expect: below, value: 1}
guardrails:
  - {name: latency, query: 'histogram_quantile(0.99, sum by (le) (rate(governor_test_latency_seconds_bucket[5m])))', max: 1, scoped: false}
risk: low
`;
const CONFIG = `version: 1
guardrails:
  - name: fleet-pool
    query: sum(governor_test_pool_in_use)
    max: 100
    scoped: false
levers:
  - id: one
    policy: test-cpu
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{namespace="shop", pod="checkout-1"}'
    bounds: {min: 100m, max: "2"}
  - id: two
    policy: test-cpu
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.limits.cpu}
    selector: '{namespace="shop", pod="checkout-2"}'
    bounds: {min: 100m, max: "2"}
`;

describe.skipIf(!available)("governor record against a real Prometheus", () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus(testSeries());
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
  });

  it("records every scoped signal and guardrail of every lever, and replays them exactly", async () => {
    const dir = tmpRepo({
      ".github/governor.yml": CONFIG,
      ".github/governor/policies/test-cpu.yaml": POLICY,
      "d.yaml": "kind: Deployment\n",
    });
    const out = join(dir, "rec.json");
    const { out: printed, io: cli } = captureIo();
    const now = new Date(BASE + 6 * HOUR).toISOString();
    expect(await record({ repo: dir, prometheus: prom.url, now, out }, cli, {})).toBe(0);
    expect(printed.stdout).toBe(
      `recorded 8 queries for 2 levers at ${now} from ${prom.url} into ${out} (2 with missing data); 6 requests\n`,
    );
    const rec = await loadRecording(out);
    if (!rec.ok) throw new Error(rec.error);
    expect(rec.value.entries.map((e) => `${e.lever}/${e.kind}/${e.name}: ${e.query}`)).toEqual([
      'one/signal/usage: max(rate(governor_test_cpu_seconds_total{namespace="shop", pod="checkout-1"}[5m]))',
      'one/signal/pool: max(governor_test_pool_in_use{namespace="shop", pod="checkout-1"})',
      "one/guardrail/latency: histogram_quantile(0.99, sum by (le) (rate(governor_test_latency_seconds_bucket[5m])))",
      "one/guardrail/fleet-pool: sum(governor_test_pool_in_use)",
      'two/signal/usage: max(rate(governor_test_cpu_seconds_total{namespace="shop", pod="checkout-2"}[5m]))',
      'two/signal/pool: max(governor_test_pool_in_use{namespace="shop", pod="checkout-2"})',
      "two/guardrail/latency: histogram_quantile(0.99, sum by (le) (rate(governor_test_latency_seconds_bucket[5m])))",
      "two/guardrail/fleet-pool: sum(governor_test_pool_in_use)",
    ]);
    const first = rec.value.entries[0];
    if (!first) throw new Error("no entries");
    expect(first).toMatchObject({
      start: BASE + 2 * HOUR,
      end: BASE + 6 * HOUR,
      step: 15_000,
      data: { status: "ok" },
    });
    expect(rec.value.entries[1]?.data).toMatchObject({ status: "missing", kind: "empty" });
    // The replay answers exactly what the live server answers.
    const live = new PrometheusSignalSource({ url: prom.url, headers: {}, timeoutMs: 10_000, retries: 0 });
    const replay = new RecordedSignalSource(rec.value);
    for (const e of rec.value.entries) expect(await replay.range(e)).toEqual(await live.range(e));
    expect(await replay.range({ ...first, end: first.end + 1 })).toMatchObject({
      status: "missing",
      kind: "not-recorded",
    });
  });

  it("exits 2 and writes nothing when Prometheus is unreachable", async () => {
    const dir = tmpRepo({
      ".github/governor.yml": CONFIG,
      ".github/governor/policies/test-cpu.yaml": POLICY,
      "d.yaml": "kind: Deployment\n",
    });
    const out = join(dir, "rec.json");
    const { out: printed, io: cli } = captureIo();
    expect(
      await record(
        { repo: dir, prometheus: `http://127.0.0.1:${await freePort()}`, now: "2026-01-01T06:00:00Z", out },
        cli,
        {},
      ),
    ).toBe(2);
    expect(printed.stderr).toMatch(
      /^Prometheus unreachable \(http:\/\/127\.0\.0\.1:\d+\): .*; nothing recorded\n$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a bad --now", async () => {
    const { out: printed, io: cli } = captureIo();
    expect(await record({ repo: ".", now: "yesterday", out: "x.json" }, cli, {})).toBe(1);
    expect(printed.stderr).toBe(
      "--now yesterday: expected an ISO 8601 time with a zone, such as 2026-11-23T10:00:00Z\n",
    );
  });
});
