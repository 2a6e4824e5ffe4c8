import { describe, expect, it } from "vitest";
import { parseSelector } from "../../../src/core/promql/scope.js";
import { exporterOf, selectorParts, selectorsOf } from "../../../src/core/signals/exporters.js";

describe("which exporter provides a metric", () => {
  it.each([
    ["container_cpu_usage_seconds_total", "cAdvisor"],
    ["container_oom_events_total", "cAdvisor"],
    ["machine_memory_bytes", "cAdvisor"],
    ["kube_pod_container_status_last_terminated_reason", "kube-state-metrics"],
    ["kube_horizontalpodautoscaler_spec_max_replicas", "kube-state-metrics"],
    ["node_memory_MemAvailable_bytes", "node-exporter"],
    ["http_request_duration_seconds_bucket", "the application"],
    ["containers_total", "the application"],
  ])("%s: %s", (metric, exporter) => {
    expect(exporterOf(metric).name).toBe(exporter);
  });
});

describe("the vector selectors of a query", () => {
  it("finds each one, inside functions, range selectors, binary operators and subqueries, once", () => {
    const q =
      'max(kube_x{reason="OOMKilled", ns="a"}) or on() (0 * max(rate(foo_total{ns="a"}[5m]))) + max_over_time(foo_total{ns="a"}[1h:1m]) + count({__name__="bar", a="b"})';
    expect(selectorsOf(q)).toEqual({
      ok: true,
      value: [
        { selector: 'kube_x{reason="OOMKilled", ns="a"}', metric: "kube_x" },
        { selector: 'foo_total{ns="a"}', metric: "foo_total" },
        { selector: '{__name__="bar", a="b"}', metric: "bar" },
      ],
    });
  });

  it("refuses a query that does not parse", () => {
    expect(selectorsOf("max(").ok).toBe(false);
  });
});

describe("a scoped selector cut into the lever's matchers and the query's own", () => {
  const lever = parseSelector('{namespace="shop", pod=~"checkout-.*"}');
  const matchers = lever.ok ? lever.value : [];

  it("the query's own matcher is told apart from the lever's", () => {
    expect(
      selectorParts(
        'http_requests_total{code=~"5..", namespace="shop", pod=~"checkout-.*"}',
        "http_requests_total",
        matchers,
      ),
    ).toEqual({
      ok: true,
      value: { leverPart: 'http_requests_total{namespace="shop", pod=~"checkout-.*"}', own: ['code=~"5.."'] },
    });
  });

  it("a selector of the lever's matchers only has none of its own", () => {
    expect(selectorParts('up{namespace="shop", pod=~"checkout-.*"}', "up", matchers)).toEqual({
      ok: true,
      value: { leverPart: 'up{namespace="shop", pod=~"checkout-.*"}', own: [] },
    });
  });

  it("an unscoped query (scoped: false): every matcher is its own, the metric alone is the rest", () => {
    expect(selectorParts('up{job="api"}', "up", matchers)).toEqual({
      ok: true,
      value: { leverPart: "up", own: ['job="api"'] },
    });
    expect(selectorParts("up", "up", matchers)).toEqual({ ok: true, value: { leverPart: "up", own: [] } });
  });
});
