import { execFileSync } from "node:child_process";
import { tmpRepo } from "./tmp-repo.js";

/** Runs git in `dir` with a throwaway identity. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
}

/** A real git repository with these files, committed on main; removed after the test. */
export function gitRepo(files: Record<string, string>): string {
  const dir = tmpRepo(files);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "initial");
  return dir;
}
