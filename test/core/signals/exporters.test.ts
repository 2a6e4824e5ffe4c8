import { describe, expect, it } from "vitest";
import { exporterOf, selectorsOf } from "../../../src/core/signals/exporters.js";

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
