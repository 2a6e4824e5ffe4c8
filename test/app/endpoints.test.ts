import { describe, expect, it } from "vitest";
import { endpointChooser, operatorEndpoints } from "../../src/app/endpoints.js";

describe("the operator's Prometheus endpoints", () => {
  it("a default and named ones, from the environment only", () => {
    const e = operatorEndpoints({
      PROMETHEUS_URL: "http://prom:9090",
      PROMETHEUS_URL_EU_WEST: "https://eu.example.com/prometheus",
      PROMETHEUS_HEADERS: "X-Scope-OrgID: t",
    });
    expect(e.ok && [...e.value.keys()].sort()).toEqual(["default", "eu-west"]);
    expect(e.ok && e.value.get("eu-west")).toMatchObject({
      url: "https://eu.example.com/prometheus",
      headers: { "x-scope-orgid": "t" },
    });
    if (!e.ok) return;
    // Links point at the operator's public Prometheus, never at the address queried.
    expect(endpointChooser(e.value)(undefined)).toMatchObject({ url: undefined });
    const choose = endpointChooser(e.value, { prometheus: "https://prom.example.com" });
    expect(choose(undefined)).toMatchObject({ url: "https://prom.example.com" });
    expect(choose("eu-west")).toMatchObject({ url: undefined });
    expect(choose("http://169.254.169.254")).toBe(
      'unknown endpoint "http://169.254.169.254"; the operator offers: default, eu-west',
    );
  });

  it("refuses to run without a default", () => {
    expect(operatorEndpoints({ PROMETHEUS_URL_EU: "http://x" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^PROMETHEUS_URL is not set/),
    });
  });
});
