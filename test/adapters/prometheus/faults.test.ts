import { describe, expect, it } from "vitest";
import {
  chooseEndpoint,
  endpointFromEnv,
  type PrometheusEndpoint,
} from "../../../src/adapters/prometheus/endpoint.js";
import { PrometheusSignalSource } from "../../../src/adapters/prometheus/signal-source.js";
import { freePort } from "../../integration/prometheus-server.js";
import { fakeServer, hangingServer, json, vector } from "./fake-server.js";

const T = 1_767_240_000_000;
const sleeps: number[] = [];
const deps = {
  fetch: (...args: Parameters<typeof fetch>) => fetch(...args),
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
  random: () => 0.5,
};
const endpoint = (url: string, over: Partial<PrometheusEndpoint> = {}): PrometheusEndpoint => ({
  url,
  headers: {},
  timeoutMs: 2_000,
  retries: 3,
  ...over,
});
const source = (url: string, over: Partial<PrometheusEndpoint> = {}) => {
  sleeps.length = 0;
  return new PrometheusSignalSource(endpoint(url, over), deps);
};

describe("Prometheus faults end with a clear message and missing data, never a number", () => {
  it("Prometheus not running: unreachable, and the circuit breaker stops asking", async () => {
    const s = source(`http://127.0.0.1:${await freePort()}`);
    const first = await s.instant("up", T);
    expect(first).toMatchObject({
      status: "missing",
      kind: "unreachable",
      reason: expect.stringMatching(/^Prometheus unreachable \(http:\/\/127\.0\.0\.1:\d+\): /),
    });
    const sent = s.http.requests;
    expect(sent).toBe(3);
    const second = await s.range({ query: "up", start: T - 3_600_000, end: T, step: 60_000 });
    expect(second).toMatchObject({
      kind: "unreachable",
      reason: expect.stringContaining("not asking again in this run"),
    });
    expect(s.http.requests).toBe(sent);
  });

  it("a port that accepts and never answers: one timeout cycle per run, not one per query", async () => {
    const hung = await hangingServer();
    const s = source(hung.url, { timeoutMs: 200 });
    const started = performance.now();
    const results = await Promise.all([s.instant("a", T), s.instant("b", T)]);
    for (const r of results) expect(r).toMatchObject({ status: "missing", kind: "unreachable" });
    const more = await Promise.all(Array.from({ length: 10 }, (_, i) => s.instant(`q${i}`, T)));
    for (const r of more)
      expect(r).toMatchObject({ kind: "unreachable", reason: expect.stringContaining("not asking again") });
    // Two queries in flight, two timeouts each, then the breaker is open: 4 requests in all.
    expect(s.http.requests).toBe(4);
    expect(hung.connections()).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("503 is retried with backoff, honouring Retry-After, then succeeds", async () => {
    const server = await fakeServer((_, res, n) =>
      n < 3
        ? json(res, 503, { status: "error", error: "busy" }, { "retry-after": "2" })
        : json(res, 200, vector("0.5")),
    );
    const s = source(server.url);
    expect(await s.instant("up", T)).toMatchObject({ status: "ok", samples: [{ v: 0.5 }] });
    expect(server.seen).toHaveLength(3);
    expect(sleeps).toEqual([2_000, 2_000]);
  });

  it("503 that never ends: server error after the retries", async () => {
    const server = await fakeServer((_, res) =>
      json(res, 503, { status: "error", errorType: "unavailable", error: "overloaded" }),
    );
    const r = await source(server.url).instant("up", T);
    expect(r).toMatchObject({
      status: "missing",
      kind: "server-error",
      reason: `${server.url}/api/v1/query answered HTTP 503 after 4 attempts: {"status":"error","errorType":"unavailable","error":"overloaded"}`,
    });
    expect(server.seen).toHaveLength(4);
    expect(sleeps).toEqual([250, 500, 1000]); // capped exponential backoff with full jitter (random 0.5)
  });

  it("an HTML 502 page from a proxy", async () => {
    const server = await fakeServer((_, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
      );
    });
    const r = await source(server.url, { retries: 1 }).instant("up", T);
    expect(r).toMatchObject({
      status: "missing",
      kind: "server-error",
      reason: `${server.url}/api/v1/query answered HTTP 502 after 2 attempts: 502 Bad Gateway`,
    });
  });

  it("422 bad_data is the query's fault: Prometheus' text, the query, no retry", async () => {
    const server = await fakeServer((_, res) =>
      json(res, 422, {
        status: "error",
        errorType: "bad_data",
        error: "1:5: parse error: unexpected end of input",
      }),
    );
    const r = await source(server.url).instant("sum(", T);
    expect(r).toEqual({
      status: "missing",
      kind: "query-error",
      reason:
        "Prometheus refused the query (bad_data): 1:5: parse error: unexpected end of input — query: sum(",
      warnings: [],
    });
    expect(server.seen).toHaveLength(1);
  });

  it("warnings and infos are surfaced with the data", async () => {
    const server = await fakeServer((_, res) =>
      json(res, 200, {
        ...vector("0.25"),
        warnings: ["partial response: store-1 down"],
        infos: ["PromQL info: metric might not be a counter"],
      }),
    );
    expect(await source(server.url).instant("up", T)).toEqual({
      status: "ok",
      samples: [{ t: T, v: 0.25 }],
      warnings: ["partial response: store-1 down", "PromQL info: metric might not be a counter"],
      dropped: 0,
    });
  });

  it.each([["NaN"], ["+Inf"], ["-Inf"]])("%s is missing data", async (v) => {
    const server = await fakeServer((_, res) => json(res, 200, vector(v)));
    expect(await source(server.url).instant("up", T)).toMatchObject({
      status: "missing",
      kind: "not-finite",
    });
  });

  it("NaN samples inside a range are dropped and counted, never zero", async () => {
    const server = await fakeServer((_, res) =>
      json(res, 200, {
        status: "success",
        data: {
          resultType: "matrix",
          result: [
            {
              metric: {},
              values: [
                [1, "1"],
                [2, "NaN"],
                [3, "+Inf"],
                [4, "2"],
              ],
            },
          ],
        },
      }),
    );
    expect(await source(server.url).range({ query: "up", start: 1000, end: 4000, step: 1000 })).toEqual({
      status: "ok",
      samples: [
        { t: 1000, v: 1 },
        { t: 4000, v: 2 },
      ],
      warnings: [],
      dropped: 2,
    });
  });

  it("an empty result and several series", async () => {
    const empty = await fakeServer((_, res) =>
      json(res, 200, { status: "success", data: { resultType: "vector", result: [] } }),
    );
    expect(await source(empty.url).instant("up", T)).toMatchObject({ kind: "empty" });
    const many = await fakeServer((_, res) =>
      json(res, 200, {
        status: "success",
        data: {
          resultType: "vector",
          result: [1, 2, 3, 4].map((i) => ({ metric: { pod: `p${i}` }, value: [1, "1"] })),
        },
      }),
    );
    expect(await source(many.url).instant("up", T)).toMatchObject({
      kind: "ambiguous",
      reason:
        'ambiguous: 4 series where one was expected ({pod="p1"}, {pod="p2"}, {pod="p3"}, …); aggregate the query (sum, max, …)',
    });
  });

  it("a 200 that is not the Prometheus API: an outage of the run, asked once", async () => {
    const server = await fakeServer((_, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><title>Sign in</title></html>");
    });
    const s = source(server.url);
    const first = await s.instant("up", T);
    expect(first).toMatchObject({
      kind: "unreachable",
      reason: expect.stringContaining(
        `Not the Prometheus HTTP API (${server.url}): ${server.url}/api/v1/query answered HTTP 200 with an HTML page ("Sign in")`,
      ),
    });
    expect(await s.instant("up", T)).toEqual(first);
    expect(server.seen).toHaveLength(1);
    expect(s.http.open).toBe(true);
  });

  it("posts form-encoded queries with the caller's time", async () => {
    const server = await fakeServer((_, res) =>
      json(res, 200, { status: "success", data: { resultType: "matrix", result: [] } }),
    );
    await source(server.url).range({
      query: 'sum(rate(x{a="b"}[5m]))',
      start: T - 3_600_000,
      end: T,
      step: 60_000,
    });
    expect(server.seen[0]).toMatchObject({
      method: "POST",
      url: "/api/v1/query_range",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(Object.fromEntries(new URLSearchParams(server.seen[0]?.body))).toEqual({
      query: 'sum(rate(x{a="b"}[5m]))',
      start: "1767236400",
      end: "1767240000",
      step: "60",
    });
  });
});

describe("credentials come from the operator's environment and never leak", () => {
  it("bearer token, basic auth from the URL, and extra headers such as X-Scope-OrgID", async () => {
    const server = await fakeServer((_, res) => json(res, 200, vector("1")));
    const e = endpointFromEnv(
      { PROMETHEUS_BEARER_TOKEN: "s3cret-token", PROMETHEUS_HEADERS: "X-Scope-OrgID: team-a\nX-Extra: 1" },
      server.url,
    );
    if (!e.ok) throw new Error(e.error);
    await new PrometheusSignalSource(e.value, deps).instant("up", T);
    expect(server.seen[0]?.headers).toMatchObject({
      authorization: "Bearer s3cret-token",
      "x-scope-orgid": "team-a",
      "x-extra": "1",
    });
    const basic = endpointFromEnv({}, `http://alice:pa%24%24@127.0.0.1:9/`);
    expect(basic).toMatchObject({
      ok: true,
      value: {
        url: "http://127.0.0.1:9",
        headers: { authorization: `Basic ${Buffer.from("alice:pa$$").toString("base64")}` },
      },
    });
  });

  it("never puts a secret in an error", async () => {
    const server = await fakeServer((_, res) => json(res, 401, { status: "error", error: "unauthorized" }));
    const e = endpointFromEnv(
      { PROMETHEUS_BEARER_TOKEN: "s3cret-token" },
      `http://bob:hunter2@${server.url.slice(7)}`,
    );
    if (!e.ok) throw new Error(e.error);
    const r = await new PrometheusSignalSource(e.value, deps).instant("up", T);
    expect(r).toMatchObject({ kind: "auth" });
    const text = JSON.stringify(r);
    for (const secret of ["s3cret-token", "hunter2", "bob"]) expect(text).not.toContain(secret);
    const down = await new PrometheusSignalSource(
      { ...e.value, url: `http://127.0.0.1:${await freePort()}` },
      deps,
    ).instant("up", T);
    for (const secret of ["s3cret-token", "hunter2"]) expect(JSON.stringify(down)).not.toContain(secret);
  });

  it("explains what to set when there is no URL", () => {
    expect(endpointFromEnv({})).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /^no Prometheus URL: pass --prometheus URL, set PROMETHEUS_URL, .* or set prometheus.url in .github\/governor.yml \(used without credentials\)$/,
      ),
    });
  });

  it("a redirect from the operator's URL is not followed: the other server never sees the credentials", async () => {
    const elsewhere = await fakeServer((_, res) => json(res, 200, vector("1")));
    const operator = await fakeServer((_, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/api/v1/query?token=abc` });
      res.end();
    });
    const e = endpointFromEnv(
      { PROMETHEUS_BEARER_TOKEN: "s3cret-token", PROMETHEUS_HEADERS: "X-Scope-OrgID: team-a" },
      operator.url,
    );
    if (!e.ok) throw new Error(e.error);
    const r = await new PrometheusSignalSource(e.value, deps).instant("up", T);
    expect(r).toMatchObject({
      status: "missing",
      kind: "bad-response",
      reason: `${operator.url}/api/v1/query answered HTTP 307, a redirect to ${elsewhere.url}: Governor does not follow redirects, so that credentials never go to another server; use the final URL`,
    });
    expect(operator.seen).toHaveLength(1); // not retried: a redirect is not an outage
    expect(operator.seen[0]?.headers.authorization).toBe("Bearer s3cret-token");
    expect(elsewhere.seen).toEqual([]);
  });
});

describe("the CLI's endpoint: the operator's URL with credentials, else the repository's bare", () => {
  const secrets = {
    PROMETHEUS_BEARER_TOKEN: "s3cret-token",
    PROMETHEUS_USERNAME: "alice",
    PROMETHEUS_PASSWORD: "hunter2",
    PROMETHEUS_HEADERS: "X-Scope-OrgID: team-a",
  };
  const repoUrl = "https://mallory:pw@evil.example.com/prom";

  it.each([
    [
      "--prometheus",
      { ...secrets, PROMETHEUS_URL: "http://env.example.com" },
      "http://flag.example.com",
      "http://flag.example.com",
    ],
    [
      "PROMETHEUS_URL",
      { ...secrets, PROMETHEUS_URL: "http://env.example.com" },
      undefined,
      "http://env.example.com",
    ],
  ])("%s wins over the repository's URL and gets the credentials", (_, env, flag, url) => {
    const e = chooseEndpoint(env, flag, repoUrl);
    expect(e).toMatchObject({
      ok: true,
      value: {
        endpoint: { url, headers: { authorization: "Bearer s3cret-token", "x-scope-orgid": "team-a" } },
      },
    });
    expect(e.ok && e.value.notice).toBeUndefined();
  });

  it("the repository's URL only when the operator gave none: no header, no user:password, one notice", () => {
    const e = chooseEndpoint(secrets, undefined, repoUrl);
    expect(e).toEqual({
      ok: true,
      value: {
        endpoint: {
          url: "https://evil.example.com/prom",
          headers: {},
          timeoutMs: 30_000,
          retries: 3,
          limits: expect.any(Object),
        },
        notice:
          "governor: no --prometheus or PROMETHEUS_URL: asking the repository's prometheus.url (https://evil.example.com/prom) without credentials (the user:password in it is ignored); PROMETHEUS_BEARER_TOKEN, PROMETHEUS_USERNAME/PASSWORD and PROMETHEUS_HEADERS go only to --prometheus or PROMETHEUS_URL",
      },
    });
  });

  it("the operator's timeout and limits still apply to the repository's URL", () => {
    expect(
      chooseEndpoint({ PROMETHEUS_TIMEOUT: "5s", PROMETHEUS_MAX_SERIES: "7" }, undefined, "http://prom:9090"),
    ).toMatchObject({ ok: true, value: { endpoint: { timeoutMs: 5_000, limits: { maxSeries: 7 } } } });
    expect(chooseEndpoint({ PROMETHEUS_MAX_SERIES: "x" }, undefined, "http://prom:9090")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^PROMETHEUS_MAX_SERIES="x": expected a whole number/),
    });
  });
});
