import { describe, expect, it } from "vitest";
import { PrometheusSignalSource } from "../../../src/adapters/prometheus/signal-source.js";
import { collectSignals } from "../../../src/reconcile/collect-signals.js";
import { fakeServer, json } from "./fake-server.js";

// A server that answers every request 503 with Retry-After: 30 is as dead as one that refuses
// connections, but each query used to wait out its retries: 4 attempts and up to 90 s of
// Retry-After per query, for every query of the run (a plan of 50 levers: about an hour).
const T = 1_767_240_000_000;
const sleeps: number[] = [];
const deps = {
  fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
  random: () => 0.5,
};
const requests = Array.from({ length: 12 }, (_, i) => ({
  query: `q${i}`,
  start: T - 3_600_000,
  end: T,
  step: 60_000,
}));

describe("a Prometheus that answers only server errors", () => {
  it("opens the circuit breaker like a dead one: the rest of the run does not ask, nor wait", async () => {
    const server = await fakeServer((_, res) =>
      json(res, 503, { status: "error", error: "overloaded" }, { "retry-after": "30" }),
    );
    const source = new PrometheusSignalSource(
      { url: server.url, headers: {}, timeoutMs: 2_000, retries: 3 },
      deps,
    );
    const answers = await collectSignals(source, requests as never);
    expect(source.http.open).toBe(true);
    // The four queries in flight each spend their retries; the other eight are not sent.
    expect(server.seen.length).toBeLessThanOrEqual(4 * 4 + 3);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5 * 3 * 30_000);
    const reasons = [...answers.values()].map((a) => (a.status === "missing" ? a.reason : ""));
    expect(reasons.filter((r) => r.includes("not asking again in this run")).length).toBeGreaterThanOrEqual(
      7,
    );
    expect(reasons.every((r) => r.includes("HTTP 503") || r.includes("not asking again"))).toBe(true);
  });

  it("one query's server error among answers does not open it", async () => {
    const server = await fakeServer((req, res) =>
      new URLSearchParams(req.body).get("query") === "q0"
        ? json(res, 503, { status: "error", error: "too heavy" })
        : json(res, 200, { status: "success", data: { resultType: "matrix", result: [] } }),
    );
    const source = new PrometheusSignalSource(
      { url: server.url, headers: {}, timeoutMs: 2_000, retries: 3 },
      deps,
    );
    await collectSignals(source, requests as never);
    expect(source.http.open).toBe(false);
    expect(server.seen).toHaveLength(4 + 11);
  });
});
