/**
 * bench/yaml: every YAML entry point (config, lever file, HPA extraction, scenario) against the
 * worst shapes of issue 11 and a normal real file; each refused or loaded, in well under a second.
 * Each measurement runs in its own process, killed after BENCH_TIMEOUT_MS (default 30 s), so the
 * same script measures code that freezes. Run: npm run bench:yaml
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadRepoConfig } from "../src/core/config/load-repo-config.js";
import { extractHpas } from "../src/core/engine/hpa.js";
import { parseLeverFile } from "../src/core/levers/parsed-file.js";
import { loadYaml } from "../src/core/yaml/load.js";
import { scenarioSchema } from "../src/sim/scenario.js";
import { HOSTILE_YAML } from "../test/helpers/hostile-yaml.js";
import { table } from "./table.js";

const RUNS = 5;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 30_000);
const root = new URL("..", import.meta.url).pathname;
const REAL = join(root, "..", "shared", "fixtures", "real-world", "helm", "bitnami-postgresql-values.yaml");
const NORMAL = existsSync(REAL)
  ? REAL
  : join(root, "examples", "infra", "apps", "checkout", "deployment.yaml");

const CASES: Record<string, () => string> = {
  [`real file (${NORMAL.split("/").pop()})`]: () => readFileSync(NORMAL, "utf8"),
  ...HOSTILE_YAML,
};

/** One entry point on one text: what came of it, in a few words. */
const ENTRIES: Record<string, (text: string) => string> = {
  "config load": (text) => {
    const r = loadRepoConfig({
      config: { path: ".github/governor.yml", bytes: new TextEncoder().encode(text) },
      repoPolicies: [],
      builtinPolicies: [],
    });
    const first = r.diagnostics[0]?.message ?? "";
    return /Governor refuses|not valid YAML|aliases expand/.test(first) ? refusal(first) : "loaded";
  },
  "lever file parse": (text) => {
    const r = parseLeverFile(text, "values.yaml");
    return r.ok ? "loaded" : refusal(r.error.message);
  },
  "HPA extraction": (text) => `${extractHpas("hpa.yaml", text).length} HPAs`,
  "scenario load": (text) => {
    const r = loadYaml({ path: "scenario.yaml", bytes: new TextEncoder().encode(text) });
    if (!r.ok) return refusal(r.error[0]?.message ?? "");
    return scenarioSchema.safeParse(r.value.data).success ? "loaded" : "loaded (not a scenario)";
  },
};

function refusal(message: string): string {
  const why =
    /nesting|more than \d+ keys|aliases|unique|not allowed/.exec(message)?.[0] ?? message.slice(0, 30);
  return `refused (${why.replace(/more than (\d+) keys/, "> $1 nodes")})`;
}

/** In the child: RUNS timings of one entry on one case, a line each, as soon as each is done. */
function measureOne(name: string, entry: string): void {
  const text = (CASES[name] as () => string)();
  const run = ENTRIES[entry] as (text: string) => string;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    let outcome: string;
    try {
      outcome = run(text);
    } catch (e) {
      outcome = `crashed (${e instanceof Error ? `${e.name}: ${e.message.slice(0, 40)}` : String(e)})`;
    }
    process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, outcome, bytes: text.length })}\n`);
  }
}

function measure(name: string, entry: string): string[] {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", process.argv[1] as string, "--one", name, entry],
    {
      encoding: "utf8",
      timeout: TIMEOUT_MS,
      killSignal: "SIGKILL",
      cwd: root,
    },
  );
  const runs = r.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { ms: number; outcome: string; bytes: number });
  const bytes = String(Buffer.byteLength((CASES[name] as () => string)()));
  if (runs.length === 0) {
    const why = r.signal
      ? `killed after ${TIMEOUT_MS / 1000} s`
      : `exit ${r.status}: ${r.stderr.trim().split("\n")[0]}`;
    return [name, entry, bytes, why, "—", "—"];
  }
  const times = runs.map((x) => x.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const outcome = runs[0]?.outcome ?? "";
  const partial = runs.length < RUNS ? ` (${runs.length} of ${RUNS} runs before the kill)` : "";
  return [
    name,
    entry,
    bytes,
    outcome + partial,
    `${median.toFixed(1)} ms`,
    `${(times.at(-1) as number).toFixed(1)} ms`,
  ];
}

if (process.argv[2] === "--one") measureOne(process.argv[3] as string, process.argv[4] as string);
else {
  process.stdout.write(
    `bench/yaml: ${RUNS} runs each, in a child process killed after ${TIMEOUT_MS / 1000} s; times exclude start-up.\n\n`,
  );
  const rows: string[][] = [];
  for (const name of Object.keys(CASES))
    for (const entry of Object.keys(ENTRIES)) rows.push(measure(name, entry));
  process.stdout.write(`${table(["case", "entry point", "bytes", "outcome", "median", "max"], rows)}\n`);
}
