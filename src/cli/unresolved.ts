import { join } from "node:path";
import { checkTargetsResolve } from "../core/config/check-targets.js";
import { formatDiagnostic } from "../core/diagnostics.js";
import type { LocalContext, LocalPlan } from "../reconcile/local.js";
import type { Io } from "./io.js";

/**
 * Levers blocked because their target cannot be found in its file: not a condition that passes
 * on a later run but an error of the config. Printed (stderr) as validate prints them, with the
 * lever ids; returns how many there are, so the command exits 1 instead of 0.
 */
export function reportUnresolved(ctx: LocalContext, result: LocalPlan, io: Io): number {
  // A lever that resolves but cannot work (request above its limit...) is decided, and told, by plan.
  const unresolved = checkTargetsResolve(ctx.targets, result.input.files).filter((d) => !d.unfit);
  if (unresolved.length === 0) return 0;
  for (const d of unresolved) io.stderr(`${formatDiagnostic({ ...d, file: join(ctx.repo, d.file) })}\n`);
  const ids = [...new Set(unresolved.map((d) => d.lever))];
  const levers = ids.length === 1 ? `lever ${ids[0]}` : `${ids.length} levers (${ids.join(", ")})`;
  io.stderr(
    `${levers}: the value cannot be read where the target points in the checkout, so ${ids.length === 1 ? "it is" : "they are"} blocked on every run: a configuration error (exit 1); fix .github/governor.yml or the file — governor validate --repo ${ctx.repo} lists every problem\n`,
  );
  return ids.length;
}
