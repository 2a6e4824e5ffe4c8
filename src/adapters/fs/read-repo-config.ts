import { join } from "node:path";
import type { LeverTargetRef } from "../../core/config/check-levers.js";
import { checkTargetsResolve, type TargetFile } from "../../core/config/check-targets.js";
import { CONFIG_PATH, REPO_POLICY_DIR, type RepoConfigInput } from "../../core/config/load-repo-config.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import { parseLeverFile } from "../../core/levers/parsed-file.js";
import { err, ok, type Result } from "../../core/result.js";
import type { SourceFile } from "../../core/yaml/load.js";
import {
  decodeText,
  isDirectory,
  listYamlFiles,
  packageRoot,
  readConfigFile,
  readRepoFile,
} from "./repo-files.js";

/** Everything `loadRepoConfig` needs from a checkout, or the one reason it cannot be had. */
export async function readRepoConfigInput(repoDir: string): Promise<Result<RepoConfigInput, string>> {
  if (!(await isDirectory(repoDir)))
    return err(`${repoDir}: no such directory (pass the repository's folder with --repo DIR)`);
  const config = await readConfigFile(repoDir, CONFIG_PATH);
  if (!config.ok) {
    const where = join(repoDir, CONFIG_PATH);
    if (config.error.problem === "missing") {
      return err(
        `${where}: not found. Governor is configured by ${CONFIG_PATH} in the repository (see the README's configuration reference), or pass another folder with --repo DIR`,
      );
    }
    return err(`${where}: ${config.error.message}`);
  }
  const repoPolicies: SourceFile[] = [];
  const problems: string[] = [];
  const paths = await listYamlFiles(repoDir, REPO_POLICY_DIR);
  if (!paths.ok) return err(`${join(repoDir, REPO_POLICY_DIR)}: ${paths.error.message}`);
  for (const path of paths.value) {
    const file = await readConfigFile(repoDir, path);
    if (file.ok) repoPolicies.push(file.value);
    else problems.push(`${join(repoDir, path)}: ${file.error.message}`);
  }
  if (problems.length > 0) return err(problems.join("\n"));
  return ok({ config: config.value, repoPolicies, builtinPolicies: await readBuiltinPolicies() });
}

/** Governor's own policies, shipped in the package's `policies/` folder. */
export async function readBuiltinPolicies(): Promise<SourceFile[]> {
  const root = packageRoot();
  const out: SourceFile[] = [];
  const paths = await listYamlFiles(root, "policies");
  if (!paths.ok) throw new Error(`built-in policies: ${paths.error.message}`);
  for (const path of paths.value) {
    const file = await readConfigFile(root, path);
    // The package's own files: failing to read one is a broken installation, not a user error.
    if (!file.ok) throw new Error(`built-in policy ${path}: ${file.error.message}`);
    out.push(file.value);
  }
  return out;
}

/**
 * The checks only the file system can make: does each lever's file exist, and do it and every
 * symlink on its way stay clear of `.git/`, CI, Governor's config and the world outside?
 */
export async function checkTargetsOnDisk(
  repoDir: string,
  targets: readonly LeverTargetRef[],
): Promise<Diagnostic[]> {
  return (await readTargets(repoDir, targets)).problems;
}

/** The lever files that pass `checkTargetsOnDisk`, each read once, and the problems of the others. */
async function readTargets(repoDir: string, targets: readonly LeverTargetRef[]) {
  const problems: Diagnostic[] = [];
  const files = new Map<string, Result<SourceFile, string>>();
  for (const t of targets) {
    if (!files.has(t.file)) {
      const file = await readRepoFile(repoDir, t.file);
      files.set(t.file, file.ok ? file : err(file.error.message));
    }
    const file = files.get(t.file);
    if (file && !file.ok) {
      problems.push({
        file: t.source.file,
        line: t.source.line,
        col: t.source.col,
        message: `${t.source.field}: ${file.error}`,
      });
    }
  }
  return { problems, files };
}

/**
 * Every problem of the levers' targets in the checkout: each file as `checkTargetsOnDisk` checks
 * it, then each target resolved in its file (read once, parsed once) by `checkTargetsResolve`.
 */
export async function checkTargetsInCheckout(
  repoDir: string,
  targets: readonly LeverTargetRef[],
): Promise<Diagnostic[]> {
  const { problems, files } = await readTargets(repoDir, targets);
  const parsed = new Map<string, TargetFile>();
  for (const [path, file] of files) {
    if (!file.ok) continue; // reported above
    const text = decodeText(file.value);
    parsed.set(path, text.ok ? parseLeverFile(text.value, path) : { ok: false, error: text.error });
  }
  return [...problems, ...checkTargetsResolve(targets, parsed)];
}
