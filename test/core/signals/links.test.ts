import { describe, expect, it } from "vitest";
import { grafanaExploreLink, prometheusGraphLink, redactUrl } from "../../../src/core/signals/links.js";
import { alignEnd, chooseStep, MAX_POINTS } from "../../../src/core/signals/step.js";

const END = Date.parse("2026-11-23T10:00:00Z");
const WEEK = 7 * 86_400_000;

describe("evidence links", () => {
  it("open Prometheus' graph on the exact query and range", () => {
    const link = prometheusGraphLink(
      "http://prometheus.monitoring.svc:9090/",
      'sum(rate(x{pod=~"checkout-.*"}[5m]))',
      END - WEEK,
      END,
    );
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe("http://prometheus.monitoring.svc:9090/graph");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      "g0.expr": 'sum(rate(x{pod=~"checkout-.*"}[5m]))',
      "g0.range_input": "7d",
      "g0.end_input": "2026-11-23 10:00:00",
      "g0.tab": "0",
    });
  });

  it("open Grafana Explore on the exact query, datasource and range", () => {
    const link = grafanaExploreLink("https://grafana.example.com", "prometheus", "up", END - WEEK, END);
    const url = new URL(link);
    expect(url.pathname).toBe("/explore");
    expect(JSON.parse(url.searchParams.get("panes") ?? "{}")).toEqual({
      a: {
        datasource: "prometheus",
        queries: [{ refId: "A", expr: "up", datasource: { type: "prometheus", uid: "prometheus" } }],
        range: { from: String(END - WEEK), to: String(END) },
      },
    });
  });

  it("never carry credentials", () => {
    expect(prometheusGraphLink("https://alice:s3cret@prom.example.com", "up", END - 60_000, END)).not.toMatch(
      /alice|s3cret/,
    );
    expect(grafanaExploreLink("https://bob:pw@grafana.example.com", "p", "up", 0, 1)).not.toMatch(/bob|pw@/);
    expect(redactUrl("https://u:p@h.example.com/prom/")).toBe("https://h.example.com/prom");
  });
});

describe("range steps", () => {
  it.each([
    [30 * 60_000, 15_000],
    [6 * 3_600_000, 15_000],
    [WEEK, 300_000],
    [14 * 86_400_000, 600_000],
    [400 * 86_400_000, 21_600_000],
  ])("a range of %d ms gets a step of %d ms", (range, step) => {
    expect(chooseStep(range)).toBe(step);
    expect(range / chooseStep(range)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it("never exceeds 11,000 points, even for ranges beyond the nice steps", () => {
    const range = 20 * 365 * 86_400_000;
    expect(range / chooseStep(range)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it("aligns the end down to the step", () => {
    expect(alignEnd(END + 123_456, 300_000)).toBe(END);
  });
});
