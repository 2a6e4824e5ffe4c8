/**
 * bench/signals: PromQL scoping throughput over the real-world expressions, and the number of
 * Prometheus requests `record` (the questions a plan asks) makes for N levers of one policy
 * against a healthy server. Target: requests grow with signals × levers at most, no retries.
 * Run: npm run bench:signals
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { readBuiltinPolicies } from "../src/adapters/fs/read-repo-config.js";
import { PrometheusSignalSource } from "../src/adapters/prometheus/signal-source.js";
import { CONFIG_PATH, loadRepoConfig } from "../src/core/config/load-repo-config.js";
import { parseSelector, scopeQuery } from "../src/core/promql/scope.js";
import { type SignalRequest, signalRequests } from "../src/core/signals/requests.js";
import { collectSignals } from "../src/reconcile/collect-signals.js";
import { table } from "./table.js";

const EXPRESSIONS = join(
  new URL("..", import.meta.url).pathname,
  "..",
  "shared",
  "fixtures",
  "real-world",
  "promql",
  "expressions.txt",
);

// 1. Scoping throughput.
if (existsSync(EXPRESSIONS)) {
  const expressions = readFileSync(EXPRESSIONS, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
  const matchers = parseSelector('{namespace="shop", pod=~"checkout-.*", container="server"}');
  if (!matchers.ok) throw new Error(matchers.error);
  for (let i = 0; i < 3; i++) for (const e of expressions) scopeQuery(e, matchers.value);
  const rounds = 20;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) for (const e of expressions) scopeQuery(e, matchers.value);
  const ms = performance.now() - t0;
  const n = rounds * expressions.length;
  process.stdout.write(`bench/signals: scoping ${expressions.length} real-world expressions × ${rounds}\n\n`);
  process.stdout.write(
    `${table(["expressions scoped", "total", "per expression", "per second"], [[String(n), `${ms.toFixed(0)} ms`, `${((ms / n) * 1000).toFixed(0)} µs`, `${Math.round(n / (ms / 1000))}`]])}\n\n`,
  );
} else {
  process.stdout.write(`bench/signals: ${EXPRESSIONS} not found; scoping throughput not measured\n\n`);
}

// 2. Requests per plan for N levers of one policy, against a healthy local fake Prometheus.
let served = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    served++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        status: "success",
        data: { resultType: "matrix", result: [{ metric: {}, values: [[1, "0.5"]] }] },
      }),
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
const builtins = await readBuiltinPolicies();
const rows: string[][] = [];
for (const n of [1, 10, 100, 1000]) {
  const levers = Array.from(
    { length: n },
    (_, i) =>
      `  - {id: l${i}, policy: k8s-cpu-request, selector: '{namespace="shop", pod="p${i}"}', bounds: {min: 100m, max: "4"}, target: {file: d.yaml, kind: Deployment, name: d${i}, container: c, field: resources.requests.cpu}}`,
  );
  const config = `version: 1\nguardrails:\n  - {name: errors, query: 'sum(rate(errors_total[5m]))', max: 1}\nlevers:\n${levers.join("\n")}\n`;
  const loaded = loadRepoConfig({
    config: { path: CONFIG_PATH, bytes: new TextEncoder().encode(config) },
    repoPolicies: [],
    builtinPolicies: builtins,
  });
  if (!loaded.loaded) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
  const requests: SignalRequest[] = [];
  for (const lever of loaded.loaded.levers) {
    const r = signalRequests(lever, loaded.loaded.config.guardrails, Date.parse("2026-11-23T10:00:00Z"));
    if (r.ok) requests.push(...r.value);
  }
  const perLever = requests.length / n;
  served = 0;
  const source = new PrometheusSignalSource({ url, headers: {}, timeoutMs: 10_000, retries: 3 });
  const t0 = performance.now();
  await collectSignals(source, requests, 8);
  const ms = performance.now() - t0;
  rows.push([
    String(n),
    String(perLever),
    String(requests.length),
    String(source.http.requests),
    String(served),
    String(source.http.requests - served),
    `${ms.toFixed(0)} ms`,
  ]);
}
server.close();
process.stdout.write(
  "bench/signals: Prometheus requests for N levers of k8s-cpu-request (2 signals) + 1 repo guardrail\n\n",
);
process.stdout.write(
  `${table(["levers", "questions per lever", "questions", "requests sent", "served", "retries", "wall time"], rows)}\n`,
);
