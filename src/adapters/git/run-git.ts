import { spawn } from "node:child_process";
import { err, ok, type Result } from "../../core/result.js";

export interface GitCall {
  /** Written to git's standard input (a blob's bytes, a tree listing, a commit message). */
  readonly input?: string | Uint8Array | undefined;
  /** Author and committer date (for --now); git's clock otherwise. */
  readonly date?: number | undefined;
  /** Commit as Governor when the repository has no identity of its own. */
  readonly identity?: boolean | undefined;
}

/** Output beyond this is refused (a lever file is at most 1 MiB; a tree listing of a huge folder may be more). */
const MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * Runs one git plumbing command in `dir`. No hook, no fsmonitor and no filter runs: Governor
 * never executes a program a repository names (husky points core.hooksPath into the repository
 * itself, and update-ref runs the reference-transaction hook). A minimal environment, so that
 * GIT_DIR, GIT_INDEX_FILE or an editor of the caller never redirect or extend what git does.
 */
export async function runGit(
  dir: string,
  args: readonly string[],
  call: GitCall = {},
): Promise<Result<Buffer, string>> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"]) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  if (call.date !== undefined) {
    const iso = new Date(call.date).toISOString();
    env.GIT_AUTHOR_DATE = iso;
    env.GIT_COMMITTER_DATE = iso;
  }
  if (call.identity) {
    env.GIT_AUTHOR_NAME = "Governor";
    env.GIT_AUTHOR_EMAIL = "governor@localhost";
    env.GIT_COMMITTER_NAME = "Governor";
    env.GIT_COMMITTER_EMAIL = "governor@localhost";
  }
  const full = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", ...args];
  return new Promise((resolve) => {
    const child = spawn("git", full, { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let size = 0;
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      size += d.length;
      if (size > MAX_OUTPUT) child.kill("SIGKILL");
      else out.push(d);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", (e) => resolve(err(`git ${args[0]}: ${e.message}`)));
    child.on("close", (code) => {
      if (size > MAX_OUTPUT) resolve(err(`git ${args[0]}: more than ${MAX_OUTPUT} bytes of output`));
      else if (code === 0) resolve(ok(Buffer.concat(out)));
      else
        resolve(
          err(`git ${args[0]}: ${stderr.trim().split("\n")[0] || `exited with ${code ?? "a signal"}`}`),
        );
    });
    child.stdin.on("error", () => undefined); // git may exit before reading all of its input
    child.stdin.end(call.input ?? "");
  });
}

/** git's output as text without the final newline. */
export async function gitText(
  dir: string,
  args: readonly string[],
  call?: GitCall,
): Promise<Result<string, string>> {
  const r = await runGit(dir, args, call);
  return r.ok ? ok(r.value.toString("utf8").replace(/\n$/, "")) : r;
}

/** Whether commits need Governor's identity: CI checkouts often have none configured. */
export async function needsIdentity(dir: string): Promise<boolean> {
  const email = await gitText(dir, ["config", "user.email"]);
  return !email.ok || email.value.trim() === "";
}
