import { join } from "node:path";
import { writeRepoFile } from "../../adapters/fs/repo-files.js";
import { readLever } from "../../core/levers/edit.js";
import { isEnvTarget, parseEnvValue } from "../../core/levers/env-units.js";
import { writePaired } from "../../core/levers/limit.js";
import { parseLeverFile } from "../../core/levers/parsed-file.js";
import { compareValues, parseValue } from "../../core/values/value.js";
import type { Io } from "../io.js";
import { loadLever } from "../load-lever.js";

export interface LeverOptions {
  readonly repo: string;
}

/** `governor get`: the lever's current value alone on one line, as written in the file. */
export async function getLever(id: string, options: LeverOptions, io: Io): Promise<number> {
  const loaded = await loadLever(options.repo, id);
  if (!loaded.ok) return fail(io, loaded.error);
  const { lever, shown, text } = loaded.value;
  const reading = readLever(text, lever.target, shown, lever.policyDef.valueType);
  if (!reading.ok) return fail(io, reading.error.message);
  if (!reading.value.present)
    return fail(
      io,
      `${shown}: ${reading.value.location.description}: not set yet (governor set ${id} VALUE adds it)`,
    );
  io.stdout(`${reading.value.text}\n`);
  return 0;
}

/** `governor set`: writes a value within the lever's bounds, in the file's own style; the file is untouched otherwise. */
export async function setLever(id: string, raw: string, options: LeverOptions, io: Io): Promise<number> {
  const loaded = await loadLever(options.repo, id);
  if (!loaded.ok) return fail(io, loaded.error);
  const { lever, file, shown, text } = loaded.value;
  const type = lever.policyDef.valueType;
  // In an env var a size means what it means there: 1G is JVM-style 1 GiB, as in the file.
  const value = (isEnvTarget(lever.target) ? parseEnvValue : parseValue)(type, raw);
  if (!value.ok)
    return fail(io, `${raw}: ${value.error} — lever ${id} (policy ${lever.policy}) takes ${type} values`);
  if (compareValues(value.value, lever.min) < 0 || compareValues(value.value, lever.max) > 0) {
    return fail(
      io,
      `${raw} is outside the bounds of lever ${id}: [${lever.bounds.min}, ${lever.bounds.max}]; ${shown} was not changed`,
    );
  }
  const parsed = parseLeverFile(text, shown);
  // A request never goes above its limit: refused, or the limit moves with it (limit: ratio).
  const written = parsed.ok ? writePaired(parsed.value, lever, value.value) : parsed;
  if (!written.ok) return fail(io, `${written.error.message}; the file was not changed`);
  if (!written.value.changed) {
    io.stdout(`${shown}: ${id} is already ${written.value.to}; nothing to change\n`);
    return 0;
  }
  const saved = await writeRepoFile(options.repo, file, written.value.text);
  if (!saved.ok) return fail(io, `${join(options.repo, file)}: ${saved.error.message}`);
  const limit = written.value.limit;
  io.stdout(
    `${shown}: ${id} ${written.value.from ?? "(not set)"} -> ${written.value.to}${limit ? `; ${limit.field} ${limit.from} -> ${limit.to} (limit: ratio)` : ""}\n`,
  );
  return 0;
}

function fail(io: Io, message: string): number {
  io.stderr(`${message}\n`);
  return 1;
}
