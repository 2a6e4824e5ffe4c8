import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLE } from "../helpers/example-signals.js";
import { runCli } from "../helpers/run-cli.js";
import { tmpDir } from "../helpers/tmp-repo.js";

/**
 * Governor's config and the repository's policies are read wherever a symlink leads only if
 * that is inside the repository and out of `.git/`: an error message quotes what it read
 * (`found "…"`), so a config that is a symlink to `.git/FETCH_HEAD` would print the remote's
 * URL with its credentials into a CI log, and one to `~/.ssh/id_rsa` a private key.
 */

const TOKEN = "ghp_SecretTokenOfTheRemote0123456789";
const KEY = "PRIVATE-KEY-MATERIAL-7f3a";

function link(dir: string, path: string, target: string): void {
  rmSync(join(dir, path), { recursive: true, force: true });
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  symlinkSync(target, join(dir, path));
}

/** The example repository in git, fetched from a remote whose URL carries a token (as CI checkouts often do). */
function example(): string {
  const dir = tmpDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir });
  writeFileSync(
    join(dir, ".git/FETCH_HEAD"),
    `3f786850e387550fdab836ed7e6dc881de23001b\t\tbranch 'main' of https://x-access-token:${TOKEN}@github.com/o/r\n`,
  );
  return dir;
}

/** A file outside any repository that must never be printed: a private key. */
function secret(): string {
  const path = join(tmpDir(), "id_rsa");
  writeFileSync(path, `${KEY}\n`);
  return path;
}

const INSIDE_GIT = "which is inside .git/ (git's own data: hooks, config): Governor never reads or edits it";
const OUTSIDE = "resolves outside the repository through a symlink: ";

const CASES: Array<[string, (dir: string) => void, string]> = [
  [
    "the config is a symlink to .git/FETCH_HEAD",
    (dir) => link(dir, ".github/governor.yml", "../.git/FETCH_HEAD"),
    `".github/governor.yml" resolves through a symlink to ".git/FETCH_HEAD", ${INSIDE_GIT}`,
  ],
  [
    "a policy is a symlink to .git/FETCH_HEAD",
    (dir) => link(dir, ".github/governor/policies/leak.yaml", "../../../.git/FETCH_HEAD"),
    `".github/governor/policies/leak.yaml" resolves through a symlink to ".git/FETCH_HEAD", ${INSIDE_GIT}`,
  ],
  [
    "the policies folder is a symlink into .git/",
    (dir) => link(dir, ".github/governor/policies", "../../.git"),
    `".github/governor/policies" resolves through a symlink to ".git", ${INSIDE_GIT}`,
  ],
  [
    "the config is a symlink to a private key outside",
    (dir) => link(dir, ".github/governor.yml", secret()),
    `".github/governor.yml" ${OUTSIDE}`,
  ],
  [
    "the config is a symlink to /etc/passwd",
    (dir) => link(dir, ".github/governor.yml", "/etc/passwd"),
    `".github/governor.yml" ${OUTSIDE}`,
  ],
  [
    "a policy is a symlink to a private key outside",
    (dir) => link(dir, ".github/governor/policies/key.yaml", secret()),
    `".github/governor/policies/key.yaml" ${OUTSIDE}`,
  ],
  [
    "the policies folder is a symlink out of the repository",
    (dir) => link(dir, ".github/governor/policies", dirname(secret())),
    `".github/governor/policies" ${OUTSIDE}`,
  ],
  [
    "the .github folder is a symlink out of the repository",
    (dir) => {
      const outside = tmpDir();
      cpSync(join(dir, ".github"), outside, { recursive: true });
      link(dir, ".github", outside);
    },
    `".github/governor.yml" ${OUTSIDE}`,
  ],
];

describe.each(CASES)("%s", (_, plant, message) => {
  it.each([[["validate"]], [["get", "checkout-cpu"]], [["plan", "--prometheus", "http://127.0.0.1:9"]]])(
    "%j refuses it and prints nothing of the file",
    async (args) => {
      const dir = example();
      plant(dir);
      const r = await runCli(...args, "--repo", dir);
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      for (const s of [TOKEN, KEY, "root:", "id_rsa"]) expect(r.stderr).not.toContain(s);
    },
  );
});

describe("a config symlink that stays inside the repository", () => {
  it("is read as the config", async () => {
    const dir = example();
    cpSync(join(dir, ".github/governor.yml"), join(dir, "governor-config.yml"));
    link(dir, ".github/governor.yml", "../governor-config.yml");
    const r = await runCli("validate", "--repo", dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
