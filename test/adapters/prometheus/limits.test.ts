import { describe, expect, it } from "vitest";
import { endpointFromEnv, type PrometheusEndpoint } from "../../../src/adapters/prometheus/endpoint.js";
import { DEFAULT_LIMITS } from "../../../src/adapters/prometheus/limits.js";
import { PrometheusSignalSource } from "../../../src/adapters/prometheus/signal-source.js";
import { fakeServer, json, streamingServer } from "./fake-server.js";

const T = 1_767_240_000_000;
const MiB = 1024 * 1024;
const deps = {
  fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
  sleep: async () => {},
  random: () => 0.5,
};
const source = (url: string, over: Partial<PrometheusEndpoint> = {}) =>
  new PrometheusSignalSource(
    {
      url,
      headers: {},
      timeoutMs: 60_000,
      retries: 0,
      limits: { ...DEFAULT_LIMITS, maxBytes: MiB },
      ...over,
    },
    deps,
  );
const range = { query: "up", start: T - 3_600_000, end: T, step: 60_000 };
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe("a Prometheus answer is read only up to its limits", () => {
  it("a body streaming 200 MiB against a 1 MiB limit: missing data naming the limit, the connection cut early", async () => {
    const server = await streamingServer({ total: 200 * MiB });
    const r = await source(server.url).range(range);
    expect(r).toEqual({
      status: "missing",
      kind: "bad-response",
      reason: `${server.url}/api/v1/query_range answered HTTP 200 with more than PROMETHEUS_MAX_RESPONSE_BYTES=1048576 bytes (1 MiB); the rest was not read: narrow the query, or raise the limit`,
      warnings: [],
    });
    await server.allClosed(); // the client hung up: the server stopped long before 200 MiB
    expect(server.written).toHaveLength(1);
    expect(sum(server.written)).toBeLessThan(32 * MiB);
  });

  it("a Content-Length over the limit is refused before the body is read", async () => {
    const server = await streamingServer({
      total: 200 * MiB,
      headers: { "content-length": String(200 * MiB) },
    });
    const r = await source(server.url).instant("up", T);
    expect(r).toMatchObject({
      kind: "bad-response",
      reason: expect.stringContaining("PROMETHEUS_MAX_RESPONSE_BYTES=1048576"),
    });
    await server.allClosed();
    expect(sum(server.written)).toBeLessThan(32 * MiB);
  });

  it("an endless error page: retried without reading it, and only its first bytes become the message", async () => {
    const server = await streamingServer({
      total: 200 * MiB,
      status: 503,
      headers: { "content-type": "text/html" },
      head: "<html><head><title>503 Service Unavailable</title></head><body>",
      chunk: "<p>overloaded</p>",
    });
    const r = await source(server.url, { retries: 2 }).instant("up", T);
    expect(r).toMatchObject({
      kind: "server-error",
      reason: `${server.url}/api/v1/query answered HTTP 503 after 3 attempts: 503 Service Unavailable`,
    });
    await server.allClosed();
    expect(server.written).toHaveLength(3);
    expect(sum(server.written)).toBeLessThan(3 * 32 * MiB);
  });

  it("an error page longer than the snippet, with its Content-Length: its title still makes the message", async () => {
    const page = `<html><head><title>503 Service Unavailable</title></head><body>${"<p>busy</p>".repeat(2_000)}</body></html>`;
    const server = await fakeServer((_, res) => {
      res.writeHead(503, { "content-type": "text/html", "content-length": String(Buffer.byteLength(page)) });
      res.end(page);
    });
    expect(await source(server.url).instant("up", T)).toMatchObject({
      kind: "server-error",
      reason: `${server.url}/api/v1/query answered HTTP 503 after 1 attempts: 503 Service Unavailable`,
    });
  });

  it("a body that stalls half-way: the timeout covers it, and the reason says so", async () => {
    const server = await fakeServer((_, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
    });
    const r = await source(server.url, { timeoutMs: 300 }).instant("up", T);
    expect(r).toMatchObject({
      kind: "bad-response",
      reason: `${server.url}/api/v1/query answered HTTP 200 but its body could not be read: no answer within 300 ms`,
    });
  });

  it("more series than PROMETHEUS_MAX_SERIES: missing data naming the limit, not an ambiguity to list", async () => {
    const server = await fakeServer((_, res) =>
      json(res, 200, {
        status: "success",
        data: {
          resultType: "vector",
          result: Array.from({ length: 11 }, (_, i) => ({ metric: { pod: `p${i}` }, value: [1, "1"] })),
        },
      }),
    );
    const limits = { ...DEFAULT_LIMITS, maxSeries: 10 };
    expect(await source(server.url, { limits }).instant("up", T)).toMatchObject({
      kind: "bad-response",
      reason: `${server.url}/api/v1/query answered HTTP 200 with 11 series, more than PROMETHEUS_MAX_SERIES=10: aggregate the query (sum, max, …), or raise the limit`,
    });
    expect(await source(server.url, { limits: { ...limits, maxSeries: 11 } }).instant("up", T)).toMatchObject(
      {
        kind: "ambiguous",
      },
    );
  });

  it("a series of more points than Governor asked for (the server ignored the step): missing data naming the limit", async () => {
    const points = (n: number) => ({
      status: "success",
      data: {
        resultType: "matrix",
        result: [{ metric: {}, values: Array.from({ length: n }, (_, i) => [1_767_000_000 + i, "0.5"]) }],
      },
    });
    let n = 11_001;
    const server = await fakeServer((_, res) => json(res, 200, points(n)));
    expect(await source(server.url).range(range)).toMatchObject({
      kind: "bad-response",
      reason: `${server.url}/api/v1/query_range answered HTTP 200 with 11,001 points in one series, more than PROMETHEUS_MAX_POINTS_PER_SERIES=11000 (Governor asks for at most 11,000): the server ignored the step, or raise the limit`,
    });
    n = 11_000;
    expect(await source(server.url).range(range)).toMatchObject({ status: "ok" });
  });
});

describe("the limits come from the operator's environment", () => {
  it("defaults: 16 MiB, 10,000 series, 11,000 points per series", () => {
    expect(endpointFromEnv({}, "http://127.0.0.1:9")).toMatchObject({
      ok: true,
      value: { limits: { maxBytes: 16 * MiB, maxSeries: 10_000, maxPointsPerSeries: 11_000 } },
    });
  });

  it("set, and refused with the variable and the allowed range", () => {
    expect(
      endpointFromEnv(
        {
          PROMETHEUS_MAX_RESPONSE_BYTES: "1048576",
          PROMETHEUS_MAX_SERIES: "5",
          PROMETHEUS_MAX_POINTS_PER_SERIES: "20000",
        },
        "http://127.0.0.1:9",
      ),
    ).toMatchObject({
      ok: true,
      value: { limits: { maxBytes: MiB, maxSeries: 5, maxPointsPerSeries: 20_000 } },
    });
    const refused = (env: Record<string, string>) => {
      const e = endpointFromEnv(env, "http://127.0.0.1:9");
      return e.ok ? "accepted" : e.error;
    };
    expect(refused({ PROMETHEUS_MAX_RESPONSE_BYTES: "64MiB" })).toBe(
      'PROMETHEUS_MAX_RESPONSE_BYTES="64MiB": expected a whole number from 1024 to 1073741824 (default 16777216)',
    );
    expect(refused({ PROMETHEUS_MAX_RESPONSE_BYTES: "0" })).toMatch(
      /^PROMETHEUS_MAX_RESPONSE_BYTES="0": expected/,
    );
    expect(refused({ PROMETHEUS_MAX_SERIES: "-1" })).toBe(
      'PROMETHEUS_MAX_SERIES="-1": expected a whole number from 1 to 1000000 (default 10000)',
    );
    expect(refused({ PROMETHEUS_MAX_POINTS_PER_SERIES: "100" })).toBe(
      'PROMETHEUS_MAX_POINTS_PER_SERIES="100": expected a whole number from 11000 to 100000 (default 11000)',
    );
  });
});
