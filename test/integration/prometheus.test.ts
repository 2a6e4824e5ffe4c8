import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrometheusEndpoint } from "../../src/adapters/prometheus/endpoint.js";
import { PrometheusSignalSource } from "../../src/adapters/prometheus/signal-source.js";
import { parseSelector, scopeQuery } from "../../src/core/promql/scope.js";
import { prometheusAvailable, type RunningPrometheus, startPrometheus } from "./prometheus-server.js";
import { BASE, HOUR, testSeries } from "./series.js";

const available = prometheusAvailable();
const MAX_SAMPLES = 12_000;

const scoped = (query: string, selector: string): string => {
  const m = parseSelector(selector);
  if (!m.ok) throw new Error(m.error);
  const q = scopeQuery(query, m.value);
  if (!q.ok) throw new Error(q.error);
  return q.value;
};

describe.skipIf(!available)("Prometheus signals against a real Prometheus", () => {
  let prom: RunningPrometheus;
  let endpoint: PrometheusEndpoint;
  const source = () => new PrometheusSignalSource(endpoint);

  beforeAll(async () => {
    prom = await startPrometheus(testSeries(), { maxSamples: MAX_SAMPLES });
    endpoint = { url: prom.url, headers: {}, timeoutMs: 10_000, retries: 3 };
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
  });

  it("reads a scoped counter rate over a range, across a counter reset", async () => {
    const query = scoped(
      "sum(rate(governor_test_cpu_seconds_total[5m]))",
      '{namespace="shop", pod=~"checkout-1", container="server"}',
    );
    const s = source();
    const r = await s.range({ query, start: BASE + HOUR, end: BASE + 5 * HOUR, step: 60_000 });
    expect(r.status).toBe("ok");
    if (r.status !== "ok") return;
    expect(r.samples).toHaveLength(241);
    expect(r.samples[0]?.t).toBe(BASE + HOUR);
    // rate() handles the reset at 3h; only the window that spans it extrapolates a little low.
    for (const p of r.samples) expect(Math.abs(p.v - 0.5)).toBeLessThan(0.03);
    expect(r.samples.filter((p) => Math.abs(p.v - 0.5) < 1e-9).length).toBeGreaterThan(230);
    expect(s.http.requests).toBe(1);
  });

  it("leaves a gap in the data as missing samples, never zeros", async () => {
    const r = await source().range({
      query: "max(governor_test_pool_in_use)",
      start: BASE + HOUR,
      end: BASE + 3 * HOUR,
      step: 60_000,
    });
    expect(r.status).toBe("ok");
    if (r.status !== "ok") return;
    const inGap = r.samples.filter((p) => p.t > BASE + 2 * HOUR + 5 * 60_000 && p.t < BASE + 2.5 * HOUR);
    expect(inGap).toEqual([]);
    expect(r.samples.length).toBeLessThan(121 - 20);
    expect(r.samples.every((p) => p.v >= 10)).toBe(true);
  });

  it("computes a latency quantile from a histogram", async () => {
    const query = scoped(
      "histogram_quantile(0.99, sum by (le) (rate(governor_test_latency_seconds_bucket[5m])))",
      '{service="checkout"}',
    );
    const r = await source().instant(query, BASE + 4 * HOUR);
    expect(r).toMatchObject({ status: "ok", samples: [{ t: BASE + 4 * HOUR, v: 0.25 }] });
  });

  it("reports an empty result as missing data", async () => {
    const r = await source().instant('governor_test_cpu_seconds_total{namespace="nowhere"}', BASE + 4 * HOUR);
    expect(r).toEqual({
      status: "missing",
      kind: "empty",
      reason: "no data: the query matched no series",
      warnings: [],
    });
  });

  it("reports several series where one is expected as ambiguous, never the first one", async () => {
    const r = await source().instant("rate(governor_test_cpu_seconds_total[5m])", BASE + 4 * HOUR);
    expect(r).toMatchObject({
      status: "missing",
      kind: "ambiguous",
      reason:
        'ambiguous: 2 series where one was expected ({container="server", namespace="shop", pod="checkout-1"}, {container="server", namespace="shop", pod="checkout-2"}); aggregate the query (sum, max, …)',
    });
  });

  it("reports NaN as missing data, never as a number", async () => {
    const r = await source().instant("vector(0) / 0", BASE + 4 * HOUR);
    expect(r).toMatchObject({
      status: "missing",
      kind: "not-finite",
      reason: "no usable data: all 1 sample(s) are NaN or ±Inf",
    });
  });

  it("returns Prometheus' own error for a bad query, with the query, without retrying", async () => {
    const s = source();
    const r = await s.instant("sum(governor_test_pool_in_use", BASE + 4 * HOUR);
    expect(r).toMatchObject({
      status: "missing",
      kind: "query-error",
      reason:
        'Prometheus refused the query (bad_data): invalid parameter "query": 1:30: parse error: unclosed left parenthesis — query: sum(governor_test_pool_in_use',
    });
    expect(s.http.requests).toBe(1);
  });

  it("reports a query over --query.max-samples as the query's fault (422), without retrying", async () => {
    const s = source();
    // 12,849 raw samples in one matrix, over the server's --query.max-samples of 12,000.
    const query =
      '{__name__=~"governor_test_latency_seconds_bucket|governor_test_cpu_seconds_total|governor_test_pool_in_use"}[6h]';
    const r = await s.instant(query, BASE + 6 * HOUR);
    expect(r).toMatchObject({
      status: "missing",
      kind: "query-error",
      reason: expect.stringContaining(
        "(execution): query processing would load too many samples into memory",
      ),
    });
    expect(s.http.requests).toBe(1);
  });

  it("sends long queries in the POST body", async () => {
    const long = `max(governor_test_pool_in_use)${" + 0 * vector(1)".repeat(1_500)}`;
    expect(long.length).toBeGreaterThan(20_000);
    const r = await source().instant(long, BASE + 4 * HOUR);
    expect(r).toMatchObject({ status: "ok", samples: [{ v: 10 }] });
  });

  it("widens the step to stay under 11,000 points per series", async () => {
    // 3.5 h at 1 s would be 12,600 points: the step becomes 2 s.
    const r = await source().range({
      query: "max(governor_test_pool_in_use)",
      start: BASE,
      end: BASE + 3.5 * HOUR,
      step: 1_000,
    });
    expect(r).toMatchObject({ status: "ok" });
    if (r.status === "ok") {
      expect(r.samples.length).toBeLessThanOrEqual(11_000);
      expect(r.samples.length).toBeGreaterThan(5_000);
      expect((r.samples[1]?.t ?? 0) - (r.samples[0]?.t ?? 0)).toBe(2_000);
    }
  });
});
