/**
 * bench/engine: `governor plan` over 1,000 levers from a recording — wall time, engine time per
 * lever (target < 1 ms) and peak memory. Run: npm run bench:engine
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planCommand } from "../src/cli/commands/plan.js";
import { plan } from "../src/core/engine/plan.js";
import { localPlan, prepareLocal } from "../src/reconcile/local.js";
import { writeRecording } from "../test/helpers/recording.js";
import { table } from "./table.js";

const LEVERS = Number(process.env.LEVERS ?? 1000);
const PER_FILE = 4;
const NOW = Date.parse("2026-11-23T10:00:00Z");

const dir = mkdtempSync(join(tmpdir(), "governor-bench-"));
mkdirSync(join(dir, ".github/governor/policies"), { recursive: true });
mkdirSync(join(dir, "apps"));
writeFileSync(
  join(dir, ".github/governor/policies/bench-cpu.yaml"),
  `id: bench-cpu
description: CPU request sized on a day of usage.
valueType: cpu
signals:
  usage: max(rate(container_cpu_usage_seconds_total[5m]))
strategy: {type: percentile, signal: usage, quantile: 0.95, lookback: 6h}
hypothesis: {signal: usage, expect: below, value: 4}
risk: low
`,
);
const levers: string[] = [];
for (let f = 0; f < LEVERS / PER_FILE; f++) {
  const containers = Array.from(
    { length: PER_FILE },
    (_, c) =>
      `        - name: c${c}\n          resources:\n            requests:\n              cpu: ${200 + ((f * 7 + c * 13) % 800)}m\n`,
  ).join("");
  writeFileSync(
    join(dir, `apps/w${f}.yaml`),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w${f}\nspec:\n  template:\n    spec:\n      containers:\n${containers}`,
  );
  for (let c = 0; c < PER_FILE; c++) {
    levers.push(
      `  - {id: w${f}-c${c}, policy: bench-cpu, target: {file: apps/w${f}.yaml, kind: Deployment, name: w${f}, container: c${c}, field: resources.requests.cpu}, selector: '{pod=~"w${f}-.*", container="c${c}"}', bounds: {min: 50m, max: "8"}, cooldown: 24h}`,
    );
  }
}
writeFileSync(
  join(dir, ".github/governor.yml"),
  `version: 1\nlimits: {maxOpenPullRequests: 100000, maxChangesPerDay: 100000}\nlevers:\n${levers.join("\n")}\n`,
);
execFileSync("git", ["init", "-q"], { cwd: dir }); // plan reads its ledger from git
const recording = await writeRecording(dir, NOW, { usage: (t) => 0.3 + 0.2 * Math.sin(t / 3_600_000) });

const null_io = { stdout: () => {}, stderr: (t: string) => process.stderr.write(t) };
const t0 = performance.now();
const code = await planCommand({ repo: dir, signals: recording, json: true }, null_io);
const wall = performance.now() - t0;

const ctx = await prepareLocal({ repo: dir, signals: recording }, {}, () => NOW);
if (!ctx.ok) throw new Error(ctx.error.message);
const result = await localPlan(ctx.value);
for (let i = 0; i < 2; i++) plan(result.input);
const runs = 5;
const e0 = performance.now();
for (let i = 0; i < runs; i++) plan(result.input);
const engine = (performance.now() - e0) / runs;
const proposals = result.decisions.filter((d) => d.decision === "propose").length;
const rss = process.resourceUsage().maxRSS / 1024;
const size = statSync(recording).size / 1024 / 1024;
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `bench/engine: governor plan over ${LEVERS} levers (${LEVERS / PER_FILE} files), recording ${size.toFixed(1)} MB, exit ${code}; ${proposals} proposals\n\n`,
);
process.stdout.write(
  `${table(
    ["levers", "wall time (plan command)", "engine time (pure plan)", "engine per lever", "peak RSS"],
    [
      [
        String(LEVERS),
        `${(wall / 1000).toFixed(2)} s`,
        `${engine.toFixed(0)} ms`,
        `${(engine / LEVERS).toFixed(3)} ms`,
        `${rss.toFixed(0)} MB`,
      ],
    ],
  )}\n`,
);
