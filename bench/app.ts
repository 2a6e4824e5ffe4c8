/**
 * bench/app: GitHub requests per repository for an idle tick (nothing to change; target ≤ 3) and
 * reconcile time per repository with 50 levers, against a local fake GitHub API and recorded
 * (synthetic) signals; then breach → revert time under the schedule (bench/app-watch.ts).
 * Run: npm run bench:app
 */
import { createServer } from "node:http";
import { ProbotOctokit } from "probot";
import type { RangeQuery, SignalData, SignalSource } from "../src/core/signals/source.js";
import { reconcileRepository } from "../src/reconcile/github.js";
import { table } from "./table.js";

const LEVERS = 50;
const PER_FILE = 5;
const NOW = Date.parse("2026-11-23T10:00:00Z");
const files = new Map<string, string>();
const levers: string[] = [];
for (let f = 0; f < LEVERS / PER_FILE; f++) {
  const containers = Array.from(
    { length: PER_FILE },
    (_, c) => `        - name: c${c}\n          resources:\n            requests:\n              cpu: 690m\n`,
  ).join("");
  files.set(
    `w${f}.yaml`,
    `kind: Deployment\nmetadata:\n  name: w${f}\nspec:\n  template:\n    spec:\n      containers:\n${containers}`,
  );
  for (let c = 0; c < PER_FILE; c++)
    levers.push(
      `  - {id: w${f}-c${c}, policy: k8s-cpu-request, target: {file: apps/w${f}.yaml, kind: Deployment, name: w${f}, container: c${c}, field: resources.requests.cpu}, selector: '{pod=~"w${f}-.*", container="c${c}"}', bounds: {min: 50m, max: "8"}}`,
    );
}
const config = `version: 1\nlevers:\n${levers.join("\n")}\n`;
let dashboard = "";
let requests = 0;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d: Buffer) => {
    body += d.toString();
  });
  req.on("end", () => {
    requests++;
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.url === "/graphql" && body.includes("governorSnapshot")) {
      return json(200, {
        data: {
          repository: {
            defaultBranchRef: { name: "main", target: { oid: "head", tree: { oid: "tree" } } },
            config: { text: config, byteSize: config.length, isBinary: false },
            policies: null,
            dashboard: { nodes: dashboard ? [{ number: 1, body: dashboard }] : [] },
            pullRequests: { nodes: [] },
          },
        },
      });
    }
    if (req.url === "/graphql") {
      const entries = [...files].map(([name, text]) => ({
        name,
        type: "blob",
        mode: 33188,
        object: { text, byteSize: text.length, isBinary: false },
      }));
      return json(200, { data: { repository: { d0: { entries } } } });
    }
    if (req.url?.includes("/issues?") && req.method === "GET")
      return json(200, dashboard ? [{ number: 1, body: dashboard }] : []);
    if (req.url?.endsWith("/issues") && req.method === "POST") {
      dashboard = (JSON.parse(body) as { body: string }).body;
      return json(201, { number: 1 });
    }
    return json(404, { message: `not mocked: ${req.method} ${req.url}` });
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { enabled: false },
}));
const octokit = new Octokit({ auth: "token", baseUrl } as never);

/** A week of CPU usage at 0.6 cores for every container: 690m is already right, an idle tick. */
const source: SignalSource = {
  range: async (q: RangeQuery): Promise<SignalData> => {
    const samples = [];
    for (let t = q.start; t <= q.end; t += q.step)
      samples.push({ t, v: q.query.includes("usage") ? 0.6 : 0 });
    return { status: "ok", samples, warnings: [], dropped: 0 };
  },
  instant: async () => ({ status: "missing", kind: "empty", reason: "", warnings: [] }),
};
const run = async () => {
  requests = 0;
  const t0 = performance.now();
  const result = await reconcileRepository(
    octokit as never,
    { owner: "o", repo: "r" },
    { endpoint: () => ({ source }), key: "k", now: NOW },
  );
  return { ms: performance.now() - t0, requests, result };
};
const first = await run(); // creates the dashboard
const idle = [];
for (let i = 0; i < 5; i++) idle.push(await run());
server.close();
const median = idle.map((r) => r.ms).sort((a, b) => a - b)[2] ?? 0;
const decisions = idle[0]?.result.decisions ?? [];
process.stdout.write(
  `bench/app: one repository, ${LEVERS} levers in ${LEVERS / PER_FILE} files, fake GitHub on loopback, synthetic week of signals\n\n`,
);
process.stdout.write(
  `${table(
    ["tick", "GitHub requests", "reconcile time", "decisions"],
    [
      [
        "first (creates the dashboard)",
        String(first.requests),
        `${first.ms.toFixed(0)} ms`,
        `${first.result.decisions.length}`,
      ],
      [
        "idle (median of 5)",
        String(idle[0]?.requests ?? 0),
        `${median.toFixed(0)} ms`,
        `${decisions.length} (${decisions.filter((d) => d.decision === "no-change").length} no-change)`,
      ],
    ],
  )}\n`,
);

await import("./app-watch.js");
