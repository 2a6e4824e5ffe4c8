import { posix } from "node:path";
import { err, ok, type Result } from "../result.js";

/**
 * A lever's file, relative to the repository root: never absolute, never outside the
 * repository, never inside `.git/` or `.github/`, never a CI definition of any forge or
 * Governor's own config (a tuning PR must not be able to change what runs in CI, what Governor
 * is allowed to do, who reviews, or a git hook).
 * This is the path as written; `checkResolvedPath` applies the same rules to where it leads.
 */
export function checkTargetPath(file: string): Result<string> {
  const normal = normalTarget(file);
  if (!normal.ok) return normal;
  const forbidden = forbiddenTarget(normal.value);
  return forbidden === undefined ? normal : err(`"${file}" ${forbidden}`);
}

/**
 * The rules of `checkTargetPath` for a lever file that resolves, through symlinks (of the file
 * or of a folder on its way), to `resolved`: the real path relative to the repository's real
 * root, with forward slashes, as the adapter that can see the file system (or a tree) found
 * it. A symlink to an allowed file inside the repository is allowed.
 */
export function checkResolvedPath(written: string, resolved: string): Result<string> {
  const own = checkTargetPath(written);
  if (!own.ok) return own;
  const real = realInRepo(written, resolved, "point the lever at a file inside it");
  if (!real.ok) return real;
  const forbidden = forbiddenTarget(real.value);
  if (forbidden === undefined) return own;
  return err(`"${written}" resolves through a symlink to "${real.value}", which ${forbidden}`);
}

/**
 * The rule for the files Governor only reads (its config and the repository's policies):
 * wherever a symlink leads, they stay inside the repository and out of `.git/`, so no error
 * message can quote a file of the machine or the repository's git credentials.
 */
export function checkReadPath(written: string, resolved: string): Result<string> {
  const real = realInRepo(
    written,
    resolved,
    "Governor reads its configuration from inside the repository only",
  );
  if (!real.ok) return real;
  if (insideGitDir(components(real.value)))
    return err(`"${written}" resolves through a symlink to "${real.value}", which ${GIT_DIR}`);
  return real;
}

const GIT_DIR = "is inside .git/ (git's own data: hooks, config): Governor never reads or edits it";

function normalTarget(file: string): Result<string> {
  if (file.includes("\0")) return err("the path contains a NUL character");
  if (file.includes("\\"))
    return err(
      `"${file}" uses backslashes: write paths with forward slashes, relative to the repository root`,
    );
  if (posix.isAbsolute(file) || /^[a-zA-Z]:/.test(file)) {
    return err(
      `"${file}" is absolute: write the path relative to the repository root (e.g. apps/checkout/deployment.yaml)`,
    );
  }
  const normal = posix.normalize(file);
  if (normal === ".." || normal.startsWith("../"))
    return err(`"${file}" points outside the repository: targets must be files inside it`);
  if (normal === "." || normal.endsWith("/")) return err(`"${file}" is a directory, not a file`);
  return ok(normal);
}

/**
 * `resolved` checked to be a path inside the repository, normalised. Where a path outside
 * leads is not said: it would tell a CI log about the machine (a home folder, a mount).
 */
function realInRepo(written: string, resolved: string, hint: string): Result<string> {
  const normal = posix.normalize(resolved);
  if (
    resolved.includes("\0") ||
    posix.isAbsolute(normal) ||
    /^[a-zA-Z]:/.test(normal) ||
    normal === ".." ||
    normal.startsWith("../")
  ) {
    return err(`"${written}" resolves outside the repository through a symlink: ${hint}`);
  }
  return ok(normal);
}

/** Why Governor never edits this normalised, relative path; undefined when it may. */
function forbiddenTarget(normal: string): string | undefined {
  const c = components(normal);
  if (insideGitDir(c)) return GIT_DIR;
  if (c[0] === ".github" && c[1] === "workflows" && c.length > 2)
    return "is a GitHub Actions workflow: Governor never edits CI definitions";
  if (c[0] === ".github" && c[1] === "actions" && c.length > 2)
    return "is a local GitHub Action (workflows run it): Governor never edits CI definitions";
  if (c[0] === ".github" && (c[1] === "governor.yml" || (c[1] === "governor" && c.length > 2)))
    return "is Governor's own configuration: Governor never edits it";
  if (c[0] === ".github")
    return "is under .github/ (the repository's automation and governance: CODEOWNERS, dependabot, settings): Governor never edits it";
  if (c.length > 0 && OTHER_CI.has(c[0] as string))
    return "is a CI definition or a file git or a hook manager acts on (GitLab, CircleCI, Jenkins, Azure, Bitbucket, Buildkite, Drone, Woodpecker, Tekton, pre-commit, .gitattributes, .gitmodules): Governor never edits it";
  return undefined;
}

/**
 * Root entries other CI systems and git itself act on: the CLI runs on any forge, so a tuning
 * change must not reach their pipelines either. Compared after case folding.
 */
const OTHER_CI: ReadonlySet<string> = new Set([
  ".gitlab-ci.yml",
  ".gitlab",
  ".circleci",
  ".travis.yml",
  "jenkinsfile",
  "azure-pipelines.yml",
  ".azure-pipelines",
  "bitbucket-pipelines.yml",
  ".buildkite",
  ".drone.yml",
  ".woodpecker.yml",
  ".woodpecker",
  ".tekton",
  ".pre-commit-config.yaml",
  ".gitattributes",
  ".gitmodules",
]);

/** `.git` as any component: the repository's own, a submodule's (`sub/.git/config`), a worktree's `.git` file. */
function insideGitDir(c: readonly string[]): boolean {
  return c.includes(".git");
}

/**
 * The components of a path as a case-insensitive or forgiving file system compares them, so
 * that `.GitHub/Workflows`, `.github./workflows` or `.g\u200cit` cannot reach the same
 * folder under another spelling: case folded (both ways, for `ſ` and `K`), characters HFS+
 * ignores dropped, trailing dots and spaces dropped and an NTFS stream (`:$DATA`) cut as
 * Windows does, and the 8.3 short names of the folders that matter read as the long ones.
 */
function components(normal: string): string[] {
  return normal.split("/").map((part) => {
    const name = part
      .replace(HFS_IGNORED, "")
      .split(":")[0]
      ?.replace(/[. ]+$/, "")
      .toUpperCase()
      .toLowerCase();
    return SHORT_NAMES.find(([short]) => short.test(name ?? ""))?.[1] ?? name ?? "";
  });
}

/** Code points HFS+ leaves out when it compares names (the list git checks in `is_hfs_dotgit`). */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

const SHORT_NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^git~\d+$/, ".git"],
  [/^github~\d+$/, ".github"],
  [/^workfl~\d+$/, "workflows"],
];
