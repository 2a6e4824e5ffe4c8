/**
 * bench/big-response: peak RSS of `governor plan` (the built binary, a child process under
 * /usr/bin/time -v) against a listener on 127.0.0.1 that answers every query with a huge matrix
 * generated on the fly, and how many bytes the listener wrote before the client hung up.
 * Target: peak RSS stays near the response limit (PROMETHEUS_MAX_RESPONSE_BYTES, 16 MiB by
 * default), not the body size, and the listener stops soon after the limit.
 * Run: npm run bench:prometheus [-- MiB ...]   (default: 256 1024)
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { table } from "./table.js";

const root = new URL("..", import.meta.url).pathname;
const MiB = 1024 * 1024;
const sizes = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["256", "1024"]).map(Number);

const POLICY = `id: bench-cpu
description: one signal and one guardrail, so a plan asks two questions.
valueType: cpu
signals:
  usage: max(rate(container_cpu_usage_seconds_total[5m]))
  errors: max(error_ratio)
strategy: {type: percentile, signal: usage, quantile: 0.95, lookback: 2h, deadband: 0.1}
hypothesis: {signal: usage, expect: below, value: 1}
guardrails:
  - {name: error-ratio, signal: errors, max: 0.01}
risk: low
`;
const CONFIG = `version: 1
levers:
  - id: cpu
    policy: bench-cpu
    target: {file: apps/d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{namespace="shop"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 1h
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          resources: {requests: {cpu: 300m}}
`;

// One series whose values never end until `size` bytes: valid JSON when complete.
const HEAD = Buffer.from(
  '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[',
);
const TAIL = Buffer.from('[1767240000,"0.5"]]}]}}');
const CHUNK = Buffer.from('[1767240000,"0.5"],'.repeat(3449)); // ~64 KiB

let size = 0;
const written: number[] = [];
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    let sent = 0;
    const slot = written.push(0) - 1;
    res.writeHead(200, { "content-type": "application/json" });
    const pump = () => {
      while (sent < size - TAIL.length) {
        const chunk = sent === 0 ? HEAD : CHUNK;
        sent += chunk.length;
        written[slot] = sent;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      res.end(TAIL);
      written[slot] = sent + TAIL.length;
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
if (!address || typeof address === "string") throw new Error("no address");
const url = `http://127.0.0.1:${address.port}`;

const repo = mkdtempSync(join(tmpdir(), "governor-bench-"));
for (const [path, text] of Object.entries({
  ".github/governor.yml": CONFIG,
  ".github/governor/policies/bench-cpu.yaml": POLICY,
  "apps/d.yaml": DEPLOYMENT,
})) {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}
execFileSync("git", ["init", "-q"], { cwd: repo }); // plan reads its ledger from git

const rows: string[][] = [];
for (const mib of sizes) {
  size = mib * MiB;
  written.length = 0;
  const t0 = performance.now();
  // Asynchronous: a synchronous spawn would block the listener in this same process.
  const r = await new Promise<{ stderr: string; stdout: string; status: number | null }>((resolve) => {
    const child = spawn(
      "/usr/bin/time",
      ["-v", process.execPath, join(root, "bin/governor.js"), "plan", "--repo", repo, "--prometheus", url],
      {
        env: {
          PATH: process.env.PATH ?? "",
          PROMETHEUS_TIMEOUT: "10m",
          PROMETHEUS_MAX_RESPONSE_BYTES: process.env.PROMETHEUS_MAX_RESPONSE_BYTES ?? "",
          GOVERNOR_DEBUG: process.env.BENCH_DEBUG ?? "",
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (status: number | null) => resolve({ stdout, stderr, status }));
  });
  const wall = performance.now() - t0;
  if (process.env.BENCH_DEBUG) process.stderr.write(`${r.stdout}\n${r.stderr}\n`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  const reason = /(more than [^\n;|]*|not the Prometheus API[^\n|]{0,40}|could not be read[^\n|]{0,40})/.exec(
    r.stdout + r.stderr,
  )?.[1];
  rows.push([
    `${mib} MiB`,
    process.env.PROMETHEUS_MAX_RESPONSE_BYTES ?? "default",
    String(written.length),
    `${(written.reduce((a, b) => a + b, 0) / MiB).toFixed(1)} MiB`,
    `${(rss / 1024).toFixed(0)} MiB`,
    `${(wall / 1000).toFixed(1)} s`,
    String(r.status),
    (reason ?? "").trim().slice(0, 70),
  ]);
}
server.close();
rmSync(repo, { recursive: true, force: true });
process.stdout.write(
  "bench/big-response: `governor plan` (1 lever, 2 questions) against a listener answering each with a huge matrix\n\n",
);
process.stdout.write(
  `${table(["body per answer", "PROMETHEUS_MAX_RESPONSE_BYTES", "requests", "bytes the listener wrote", "peak RSS", "wall", "exit", "reason"], rows)}\n`,
);
