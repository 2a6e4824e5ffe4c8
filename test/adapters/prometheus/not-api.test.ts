import { describe, expect, it } from "vitest";
import { PrometheusSignalSource } from "../../../src/adapters/prometheus/signal-source.js";
import { fakeServer, json } from "./fake-server.js";

const T = 1_767_240_000_000;
const source = (url: string) =>
  new PrometheusSignalSource({ url, headers: {}, timeoutMs: 2_000, retries: 3 });

/** A server that answers, but not as the Prometheus API: said in words a person recognises, once per run. */
describe("an answer that is not the Prometheus API", () => {
  it.each<[string, number, string, string, string]>([
    ["a bare 404", 404, "text/plain", "404 page not found\n", 'answered HTTP 404: "404 page not found"'],
    ["a plain-text error", 200, "text/plain", "Error 404\n", 'answered HTTP 200: "Error 404"'],
    [
      "node-exporter's /metrics",
      200,
      "text/plain; version=0.0.4; charset=utf-8",
      "# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.21\n",
      "answered HTTP 200 with an exporter's metrics page (the Prometheus text format, which Prometheus scrapes — not its query API)",
    ],
    [
      "exposition lines without the format's content type",
      200,
      "text/plain",
      'http_requests_total{code="200"} 1027 1395066363000\n',
      "answered HTTP 200 with an exporter's metrics page (the Prometheus text format, which Prometheus scrapes — not its query API)",
    ],
    [
      "a sign-in page",
      200,
      "text/html",
      "<html><head><title>Sign in</title></head></html>",
      'answered HTTP 200 with an HTML page ("Sign in")',
    ],
    [
      "a 404 page in HTML",
      404,
      "text/html",
      "<!DOCTYPE html><html><title>Not Found</title></html>",
      'answered HTTP 404 with an HTML page ("Not Found")',
    ],
    [
      "python3 -m http.server, which has no POST",
      501,
      "text/html;charset=utf-8",
      '<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n        <p>Error code: 501</p>\n        <p>Message: Unsupported method (\'POST\').</p>\n    </body>\n</html>\n',
      'answered HTTP 501 with an HTML page ("Error response")',
    ],
    [
      "a static file server's 405",
      405,
      "text/html",
      "<html><head><title>405 Not Allowed</title></head><body><center><h1>405 Not Allowed</h1></center><hr><center>nginx</center></body></html>",
      'answered HTTP 405 with an HTML page ("405 Not Allowed")',
    ],
  ])("%s", async (_, status, type, body, says) => {
    const server = await fakeServer((_req, res) => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    });
    const s = source(server.url);
    const r = await s.instant("up", T);
    expect(r).toMatchObject({ status: "missing", kind: "unreachable" });
    const reason = r.status === "missing" ? r.reason : "";
    expect(reason).toBe(
      `Not the Prometheus HTTP API (${server.url}): ${server.url}/api/v1/query ${says}; --prometheus (or PROMETHEUS_URL) must be the server's base URL, the one under which /api/v1/query answers (e.g. http://prometheus:9090, without /api/v1, /graph or /metrics)`,
    );
    // Every later query of the run gets the same answer without asking.
    expect(await s.range({ query: "up", start: T - 3_600_000, end: T, step: 60_000 })).toEqual(r);
    expect(server.seen).toHaveLength(1);
  });

  it("JSON that is not an API response", async () => {
    const server = await fakeServer((_req, res) => json(res, 200, { hello: "world" }));
    expect(await source(server.url).instant("up", T)).toMatchObject({
      kind: "unreachable",
      reason: expect.stringContaining("answered HTTP 200 with JSON that is not a Prometheus API response"),
    });
  });

  it("a real API error is still the query's fault, not an outage", async () => {
    const server = await fakeServer((_req, res) =>
      json(res, 400, { status: "error", errorType: "bad_data", error: "parse error" }),
    );
    expect(await source(server.url).instant("up(", T)).toMatchObject({ kind: "query-error" });
  });
});
