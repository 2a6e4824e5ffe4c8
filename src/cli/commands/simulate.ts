import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { issuesToDiagnostics } from "../../core/config/zod-issues.js";
import { formatDiagnostic } from "../../core/diagnostics.js";
import { loadYaml } from "../../core/yaml/load.js";
import { renderChart } from "../../sim/chart.js";
import { simulate } from "../../sim/run.js";
import { scenarioSchema } from "../../sim/scenario.js";
import type { Io } from "../io.js";

export interface SimulateOptions {
  readonly seed?: string | undefined;
  readonly json?: boolean | undefined;
  readonly out?: string | undefined;
}

/** `governor simulate`: the real engine against a modelled system; the same seed, the same output. */
export async function simulateCommand(file: string, options: SimulateOptions, io: Io): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch {
    io.stderr(`${file}: cannot be read\n`);
    return 1;
  }
  const loaded = loadYaml({ path: file, bytes });
  if (!loaded.ok) {
    io.stderr(`${loaded.error.map(formatDiagnostic).join("\n")}\n`);
    return 1;
  }
  const parsed = scenarioSchema.safeParse(loaded.value.data);
  if (!parsed.success) {
    io.stderr(
      `${issuesToDiagnostics(loaded.value, scenarioSchema, parsed.error.issues).map(formatDiagnostic).join("\n")}\n`,
    );
    return 1;
  }
  const seed = options.seed === undefined ? parsed.data.seed : Number(options.seed);
  if (!Number.isInteger(seed)) {
    io.stderr(`--seed ${options.seed}: expected an integer\n`);
    return 1;
  }
  const result = await simulate(parsed.data, seed);
  if (options.out) {
    await mkdir(options.out, { recursive: true });
    await writeFile(join(options.out, `${parsed.data.name}.svg`), renderChart(parsed.data.name, result));
    for (const [i, pr] of result.prBodies.entries()) {
      await writeFile(
        join(options.out, `pr-${String(i + 1).padStart(2, "0")}.md`),
        `# ${pr.title}\n\n${pr.body}`,
      );
    }
  }
  if (options.json) {
    io.stdout(`${JSON.stringify({ summary: result.summary, timeline: result.timeline }, null, 2)}\n`);
    return 0;
  }
  const s = result.summary;
  io.stdout(`scenario ${parsed.data.name} (seed ${seed}, ${parsed.data.duration})\n\n`);
  for (const e of result.timeline)
    io.stdout(`${e.t.slice(0, 16).replace("T", " ")}  ${e.event.padEnd(12)} ${e.detail}\n`);
  io.stdout(
    `\nchanges ${s.changes}, reverts ${s.reverts} (false ${s.falseReverts}), missed regressions ${s.missedRegressions}, reversals ${s.reversals}, incidents ${s.incidents}\n` +
      `p99 latency ${s.target.before} → ${s.target.after}; lever ${s.cost.before} → ${s.cost.after}\n`,
  );
  if (options.out)
    io.stdout(
      `chart: ${join(options.out, `${parsed.data.name}.svg`)}; PR bodies: ${join(options.out, "pr-*.md")} (${result.prBodies.length})\n`,
    );
  return 0;
}
