import { join } from "node:path";
import { checkTargetsInCheckout, readRepoConfigInput } from "../../adapters/fs/read-repo-config.js";
import { CONFIG_PATH, loadRepoConfig } from "../../core/config/load-repo-config.js";
import { type Diagnostic, formatDiagnostic, sortDiagnostics } from "../../core/diagnostics.js";
import type { Io } from "../io.js";

export interface ValidateOptions {
  readonly repo: string;
}

/**
 * `governor validate`: every problem at once as FILE:LINE:COL, exit 1 — the config, the policies,
 * and each lever's target resolved in the checkout; or a one-line summary, exit 0.
 */
export async function validate(options: ValidateOptions, io: Io): Promise<number> {
  const input = await readRepoConfigInput(options.repo);
  if (!input.ok) {
    io.stderr(`${input.error}\n`);
    return 1;
  }
  const result = loadRepoConfig(input.value);
  // Every lever's target is resolved in its file, as plan and set will: a lever that cannot be
  // found there is a problem of the config, not a decision to be blocked on every run.
  const onDisk = await checkTargetsInCheckout(options.repo, result.targets);
  const builtin = new Set(input.value.builtinPolicies.map((f) => f.path));
  const shown = (d: Diagnostic): Diagnostic => ({
    ...d,
    file: builtin.has(d.file) ? `(built-in) ${d.file}` : join(options.repo, d.file),
  });
  const problems = sortDiagnostics([...result.diagnostics, ...onDisk]).map(shown);
  if (problems.length > 0 || !result.loaded) {
    for (const d of problems) io.stderr(`${formatDiagnostic(d)}\n`);
    // Say what is really held back: a config that does not load stops everything; a lever whose
    // target does not resolve holds back that lever only (plan and the App tune the others).
    const held = result.loaded
      ? `the lever${onDisk.length === 1 ? "" : "s"} named above ${onDisk.length === 1 ? "is" : "are"} not proposed until ${problems.length === 1 ? "it is" : "they are"} fixed; every other lever is planned as usual`
      : "nothing will be proposed until they are fixed";
    io.stderr(`${problems.length} problem${problems.length === 1 ? "" : "s"} found; ${held}.\n`);
    return 1;
  }
  const { config, policies, levers } = result.loaded;
  const used = new Set(levers.map((l) => l.policy));
  const repoOwn = [...policies.values()].filter((p) => p.origin === "repo").length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  io.stdout(
    `${join(options.repo, CONFIG_PATH)}: valid — ${plural(levers.length, "lever")} using ${plural(used.size, "policy").replace("policys", "policies")}` +
      ` (${repoOwn} of the repo's own), ${plural(config.guardrails.length, "guardrail")}, mode ${config.mode};` +
      ` every target found in its file\n`,
  );
  return 0;
}
