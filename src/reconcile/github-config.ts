import { dirname } from "node:path";
import type { ProbotOctokit } from "probot";
import { readBuiltinPolicies } from "../adapters/fs/read-repo-config.js";
import { type RepoRef, type RepoSnapshot, readFolders } from "../adapters/github/snapshot.js";
import { checkTargetsResolve } from "../core/config/check-targets.js";
import { CONFIG_PATH, loadRepoConfig, type RepoConfigResult } from "../core/config/load-repo-config.js";
import { formatDiagnostic, sortDiagnostics } from "../core/diagnostics.js";
import type { PlanInput } from "../core/engine/plan.js";
import { parseLeverFile } from "../core/levers/parsed-file.js";
import type { LeverError } from "../core/reconcile/dashboard-errors.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** A repository's configuration as the App reads it from GitHub, with what is wrong in it, and where. */
export interface RepoConfigRead {
  readonly result: RepoConfigResult;
  /** The lever files, as read from the default branch. */
  readonly files: ReadonlyMap<string, { text: string } | { problem: string }>;
  /** The lever files that could be read, parsed. */
  readonly parsed: PlanInput["files"];
  /** Problems of the configuration as a whole (when it does not load, every problem is one). */
  readonly configErrors: readonly string[];
  /**
   * Problems of single levers in a configuration that loaded — a target file missing, unreadable,
   * or where the target does not resolve: only those levers are held back.
   */
  readonly leverErrors: readonly LeverError[];
}

const enc = (text: string) => new TextEncoder().encode(text);

export async function readRepoConfig(
  octokit: Octokit,
  ref: RepoRef,
  snapshot: RepoSnapshot & { readonly config: string },
): Promise<RepoConfigRead> {
  const result = loadRepoConfig({
    config: { path: CONFIG_PATH, bytes: enc(snapshot.config) },
    repoPolicies: snapshot.policies.map((p) => ({ path: p.path, bytes: enc(p.text) })),
    builtinPolicies: await readBuiltinPolicies(),
  });
  const folders = [...new Set(result.targets.map((t) => dirname(t.file)))];
  const files = folders.length > 0 ? await readFolders(octokit, ref, snapshot.oid, folders) : new Map();
  const parsed: PlanInput["files"] = new Map(
    [...files].flatMap(([path, f]) => ("text" in f ? [[path, parseLeverFile(f.text, path)] as const] : [])),
  );
  const missing = result.targets.flatMap((t) => {
    const f = files.get(t.file);
    const problem = !f
      ? `"${t.file}" does not exist in the repository`
      : "problem" in f
        ? f.problem
        : undefined;
    if (!problem) return [];
    const { file, line, col, field } = t.source;
    return [{ lever: t.leverId, file, line, col, message: `${field}: ${problem}` }];
  });
  // A symlink in the tree is only its target's path: reading it as a policy would mean following it.
  const linked = snapshot.symlinkPolicies.map(
    (p) => `${p}: is a symlink: Governor reads policies only from regular files in the repository`,
  );
  if (!result.loaded) {
    const all = sortDiagnostics([...result.diagnostics, ...missing]).map(formatDiagnostic);
    return { result, files, parsed, configErrors: [...all, ...linked], leverErrors: [] };
  }
  // What `governor validate` checks too: each target found in its file, with a value of its type.
  const unresolved = checkTargetsResolve(result.targets, parsed);
  const leverErrors = [...missing, ...unresolved]
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .map((d) => ({ lever: d.lever, error: formatDiagnostic(d) }));
  return { result, files, parsed, configErrors: linked, leverErrors };
}

/**
 * Why merged changes cannot be watched with this config, as the errors to show: it does not load,
 * or it names a Prometheus the operator does not offer (`refused`, the endpoint's answer).
 */
export function whyNotWatched(
  read: RepoConfigRead,
  refused: string | undefined,
): { errors: string[]; because: string } {
  if (!read.result.loaded) return { errors: [...read.configErrors], because: "the config does not load" };
  return {
    errors: [
      ...read.configErrors,
      ...read.leverErrors.map((e) => e.error),
      `${CONFIG_PATH}: prometheus.endpoint: ${refused}`,
    ],
    because: "the config's prometheus.endpoint is not one the operator offers",
  };
}
