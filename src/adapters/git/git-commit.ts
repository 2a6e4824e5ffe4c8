import { type SimpleGit, simpleGit } from "simple-git";
import { err, ok, type Result } from "../../core/result.js";
import { writeRepoFile } from "../fs/repo-files.js";

export interface CommitRequest {
  readonly files: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  readonly message: string;
  /** Author and committer date (for --now); the clock otherwise. */
  readonly date?: number | undefined;
}

async function git(dir: string, date?: number): Promise<SimpleGit> {
  // Allowed only so that Governor's commits can point core.hooksPath at /dev/null (no hooks run).
  const g = simpleGit(dir, { unsafe: { allowUnsafeHooksPath: true } });
  // A minimal environment: simple-git refuses variables such as EDITOR that could run programs.
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"]) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  if (date !== undefined) {
    const iso = new Date(date).toISOString();
    env.GIT_AUTHOR_DATE = iso;
    env.GIT_COMMITTER_DATE = iso;
  }
  // Commit as Governor when the repository has no identity configured (CI checkouts often do not).
  const email = await g.raw(["config", "user.email"]).catch(() => "");
  if (email.trim() === "") {
    env.GIT_AUTHOR_NAME ??= "Governor";
    env.GIT_AUTHOR_EMAIL ??= "governor@localhost";
    env.GIT_COMMITTER_NAME ??= "Governor";
    env.GIT_COMMITTER_EMAIL ??= "governor@localhost";
  }
  return g.env(env);
}

export async function currentBranch(dir: string): Promise<Result<string, string>> {
  try {
    const name = (await simpleGit(dir).raw(["rev-parse", "--abbrev-ref", "HEAD"])).trim();
    return name === "HEAD" ? err("HEAD is detached: check out a branch first") : ok(name);
  } catch (e) {
    return err(
      `not a git repository with commits (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`,
    );
  }
}

export async function isClean(dir: string): Promise<boolean> {
  return (await simpleGit(dir).status()).isClean();
}

async function commitFiles(
  g: SimpleGit,
  dir: string,
  request: CommitRequest,
): Promise<Result<string, string>> {
  for (const f of request.files) {
    const written = await writeRepoFile(dir, f.path, f.text);
    if (!written.ok) return err(`${f.path}: ${written.error.message}`);
  }
  // Only Governor's own paths go into its commit (never what a person has staged), and no hook
  // runs: Governor never executes code from the repositories it edits (husky points core.hooksPath
  // into the repository itself).
  const noHooks = ["-c", "core.hooksPath=/dev/null"];
  const paths = request.files.map((f) => f.path);
  if (paths.length === 0)
    await g.raw([...noHooks, "commit", "-q", "--allow-empty", "--only", "-m", request.message]);
  else {
    await g.add(paths);
    await g.raw([...noHooks, "commit", "-q", "-m", request.message, "--", ...paths]);
  }
  return ok((await g.revparse(["HEAD"])).trim());
}

/** Commits on the current branch. */
export async function commitHere(dir: string, request: CommitRequest): Promise<Result<string, string>> {
  try {
    return await commitFiles(await git(dir, request.date), dir, request);
  } catch (e) {
    return err(`git: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
}

/** One commit on `branch`, created (or reset) from `base`; returns to `base` afterwards, whatever happens. */
export async function commitOnBranch(
  dir: string,
  branch: string,
  base: string,
  request: CommitRequest,
): Promise<Result<string, string>> {
  const g = await git(dir, request.date);
  try {
    await g.raw(["checkout", "-q", "-B", branch, base]);
    return await commitFiles(g, dir, request);
  } catch (e) {
    return err(`git: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  } finally {
    await g.raw(["checkout", "-q", "-f", base]).catch(() => undefined);
  }
}
