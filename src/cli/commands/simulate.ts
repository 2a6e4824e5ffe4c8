import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureDir } from "../../adapters/fs/ensure-dir.js";
import { issuesToDiagnostics } from "../../core/config/zod-issues.js";
import { formatDiagnostic } from "../../core/diagnostics.js";
import { loadYaml } from "../../core/yaml/load.js";
import { positionOf } from "../../core/yaml/locate.js";
import { renderChart } from "../../sim/chart.js";
import { type SimulationResult, simulate } from "../../sim/run.js";
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
  const simulated = await simulate(parsed.data, seed);
  if (!simulated.ok) {
    const at = (path: ReadonlyArray<string | number>) => positionOf(loaded.value, path);
    io.stderr(
      `${simulated.error.map((p) => formatDiagnostic({ file, ...at(p.path), message: p.message })).join("\n")}\n`,
    );
    return 1;
  }
  const result = simulated.value;
  const name = parsed.data.name;
  if (options.out) {
    const written = await writeOutputs(options.out, name, result);
    if (written) {
      io.stderr(`${written}\n`);
      return 1;
    }
  }
  if (options.json) {
    io.stdout(`${JSON.stringify({ summary: result.summary, timeline: result.timeline }, null, 2)}\n`);
    return 0;
  }
  const s = result.summary;
  io.stdout(
    `scenario ${name} (seed ${seed}, ${parsed.data.duration}, evaluated every ${parsed.data.evaluateEvery})\n\n`,
  );
  for (const e of result.timeline)
    io.stdout(`${e.t.slice(0, 16).replace("T", " ")}  ${e.event.padEnd(12)} ${e.detail}\n`);
  io.stdout(
    `\nchanges ${s.changes}, reverts ${s.reverts} (false ${s.falseReverts}), missed regressions ${s.missedRegressions}, reversals ${s.reversals}, incident intervals ${s.incidents}\n` +
      `p99 latency ${s.target.before} → ${s.target.after} (first day → last day); lever ${result.written.before} → ${result.written.after}\n` +
      `last evaluation: ${result.last}\n`,
  );
  if (options.out)
    io.stdout(
      `chart: ${join(options.out, `${name}.svg`)}; PR bodies: ${join(options.out, "pr-*.md")} (${result.prBodies.length})\n`,
    );
  return 0;
}

/** The chart and every PR body; a message when the folder cannot be written. */
async function writeOutputs(
  out: string,
  name: string,
  result: SimulationResult,
): Promise<string | undefined> {
  try {
    await ensureDir(out);
    // A PR body from an earlier run must not pass for one of this run.
    for (const old of await readdir(out)) if (/^pr-\d+\.md$/.test(old)) await rm(join(out, old));
    await writeFile(join(out, `${name}.svg`), renderChart(name, result));
    for (const [i, pr] of result.prBodies.entries())
      await writeFile(join(out, `pr-${String(i + 1).padStart(2, "0")}.md`), `# ${pr.title}\n\n${pr.body}`);
    return undefined;
  } catch (e) {
    return `--out ${out}: cannot write there (${(e as NodeJS.ErrnoException).code ?? String(e)}); choose a folder you can write to`;
  }
}
