import { stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { CONFIG_PATH } from "../core/config/load-repo-config.js";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folder a command works on when --repo is not given, found as git finds its repository:
 * from `cwd` up to the first folder that holds `.git` (a folder, or a file in a worktree or
 * submodule). A folder on the way that holds Governor's config is taken first, so a repository
 * configured in a subfolder (infra/.github/governor.yml) keeps working from inside that folder.
 * Outside any repository it is `cwd` itself. Returned relative to `cwd` ("." or "../..") so that
 * messages read as they would with --repo.
 */
export async function findRepoRoot(cwd: string): Promise<string> {
  const start = resolve(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    if ((await exists(join(dir, CONFIG_PATH))) || (await exists(join(dir, ".git"))))
      return relative(start, dir) || ".";
    if (dirname(dir) === dir) return ".";
  }
}

/** --repo as given, or the repository around the current folder. */
export async function repoOption(given: string | undefined, cwd = process.cwd()): Promise<string> {
  return given ?? (await findRepoRoot(cwd));
}
