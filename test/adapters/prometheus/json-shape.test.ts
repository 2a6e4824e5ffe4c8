import { describe, expect, it } from "vitest";
import type { PrometheusEndpoint } from "../../../src/adapters/prometheus/endpoint.js";
import { DEFAULT_LIMITS } from "../../../src/adapters/prometheus/limits.js";
import { PrometheusSignalSource } from "../../../src/adapters/prometheus/signal-source.js";
import { fakeServer, json } from "./fake-server.js";

// Under the byte limit, the shape of the JSON decides what parsing costs: 16 MiB of `[[[[…]]]]`
// took a real `governor plan` (four reads at once) to 2.9 GB RSS and 32 s, where an answer of
// real samples of the same size took 0.6 GB and 6 s. A linear scan refuses such shapes first.
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
const raw = (text: string) =>
  fakeServer((_, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(text);
  });
const HEAD = '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[],"x":';
const TAIL = "}]}}";

describe("a Prometheus answer whose JSON shape would cost far more than its bytes", () => {
  it("nested 400,000 levels deep, under the byte limit: missing data naming the nesting, before it is parsed", async () => {
    const n = 400_000;
    const server = await raw(`${HEAD}${"[".repeat(n)}${"]".repeat(n)}${TAIL}`);
    expect(await source(server.url).range(range)).toMatchObject({
      status: "missing",
      kind: "bad-response",
      reason: `${server.url}/api/v1/query_range answered HTTP 200 with JSON nested deeper than 16 levels (a Prometheus answer needs at most 9): not the Prometheus API`,
    });
  });

  it("a third of a million empty arrays: missing data naming the count", async () => {
    const server = await raw(`${HEAD}[${"[],".repeat(300_000)}[]]${TAIL}`);
    expect(await source(server.url).range(range)).toMatchObject({
      status: "missing",
      kind: "bad-response",
      reason: expect.stringMatching(
        /answered HTTP 200 with more than 174,762 JSON arrays and objects \(one per 6 bytes of PROMETHEUS_MAX_RESPONSE_BYTES=1048576\): not the Prometheus API, or raise the limit$/,
      ),
    });
  });

  it("brackets and braces inside strings count for nothing; real answers pass: native histograms, 10,000 tiny series", async () => {
    const bucket = [0, "0.001", "0.002", "3"];
    const histogram = { count: "3", sum: "0.004", buckets: [bucket, bucket] };
    const answers = [
      {
        resultType: "matrix",
        result: [{ metric: { le: "[[[[{{{{".repeat(10_000) }, histograms: [[T / 1000, histogram]] }],
      },
      {
        resultType: "vector",
        result: Array.from({ length: 10_000 }, (_, i) => ({ metric: {}, value: [i, "1"] })),
      },
    ];
    let i = 0;
    const server = await fakeServer((_, res) => json(res, 200, { status: "success", data: answers[i++] }));
    const histograms = await source(server.url).range(range);
    expect(histograms.status === "missing" ? histograms.reason : "").not.toMatch(/nested|JSON arrays/);
    expect(
      await source(server.url, { limits: { ...DEFAULT_LIMITS, maxBytes: MiB } }).instant("up", T),
    ).toMatchObject({
      kind: "ambiguous",
    });
  });
});

describe("an error page is not JSON", () => {
  it("its nested CSS braces do not hide its title", async () => {
    const page = `<html><head><title>404 page not found</title><style>${"a{".repeat(40)}${"}".repeat(40)}</style></head></html>`;
    const server = await fakeServer((_, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end(page);
    });
    expect(await source(server.url).instant("up", T)).toMatchObject({
      kind: "unreachable",
      reason: expect.stringContaining(
        `${server.url}/api/v1/query answered HTTP 404 with an HTML page ("404 page not found")`,
      ),
    });
  });
});
