import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOW } from "../helpers/engine.js";
import { EXAMPLE, EXAMPLE_SIGNALS } from "../helpers/example-signals.js";
import { git } from "../helpers/git-repo.js";
import { writeRecording } from "../helpers/recording.js";
import { tmpDir } from "../helpers/tmp-repo.js";

const root = new URL("../..", import.meta.url).pathname;
const bin = join(root, "bin", "governor.js");
const governor = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 30_000 });

/** The example repository copied into a fresh folder; a git repository when `commit`. */
function example(commit: boolean, into = tmpDir()): string {
  cpSync(EXAMPLE, into, { recursive: true });
  if (commit) {
    git(into, "init", "-q", "-b", "main");
    git(into, "add", "-A");
    git(into, "commit", "-q", "-m", "initial");
  }
  return into;
}

const VALID = "valid — 4 levers using 4 policies (0 of the repo's own), 1 guardrail, mode suggest";

describe.skipIf(!existsSync(join(root, "dist", "cli", "main.js")))(
  "the repository around the current folder",
  () => {
    it("validate, get and set from a subfolder work on the repository's root, as git finds it", () => {
      const dir = example(true);
      const sub = join(dir, "apps", "checkout");
      const v = governor(sub, "validate");
      expect(v.stderr).toBe("");
      expect(v.stdout).toBe(`../../.github/governor.yml: ${VALID}; every target found in its file\n`);
      expect(v.status).toBe(0);
      expect(governor(sub, "get", "checkout-cpu")).toMatchObject({ status: 0, stdout: "500m\n" });
      expect(governor(sub, "set", "checkout-cpu", "600m")).toMatchObject({ status: 0 });
      expect(readFileSync(join(dir, "apps/checkout/deployment.yaml"), "utf8")).toContain("cpu: 600m");
    });

    it("finds the root of a git worktree, whose .git is a file", () => {
      const main = example(true);
      const worktree = join(tmpDir(), "wt");
      git(main, "worktree", "add", "-q", worktree, "-b", "other");
      const v = governor(join(worktree, "apps", "frontend"), "validate");
      expect(v.stdout).toBe(`../../.github/governor.yml: ${VALID}; every target found in its file\n`);
      expect(v.status).toBe(0);
    });

    it("takes a folder on the way that holds the config: a repository configured in a subfolder", () => {
      const top = tmpDir();
      mkdirSync(join(top, "infra"));
      example(false, join(top, "infra"));
      git(top, "init", "-q", "-b", "main");
      const v = governor(join(top, "infra", "apps"), "validate");
      expect(v.stdout).toBe(`../.github/governor.yml: ${VALID}; every target found in its file\n`);
      expect(v.status).toBe(0);
      // Above it, the repository's root is the folder, and it says where the config was looked for.
      const above = governor(top, "validate");
      expect(above.stderr).toMatch(/^\.github\/governor\.yml: not found\./);
      expect(above.status).toBe(1);
    });
  },
);

describe.skipIf(!existsSync(join(root, "dist", "cli", "main.js")))("outside a git repository", () => {
  it("plan and apply say the ledger needs git and exit 1; --no-ledger runs and says what it costs", async () => {
    const dir = example(false);
    const recording = await writeRecording(dir, NOW, EXAMPLE_SIGNALS);
    for (const command of ["plan", "apply"]) {
      const r = governor(dir, command, "--signals", recording);
      expect(r.stderr, command).toBe(
        ". is not in a git repository: Governor's ledger (its changes, their watches and reverts, the holds people committed, cooldowns and the thrash guard) is read from git history, so this command needs git. Run it in a git checkout, or pass --no-ledger to go without the ledger\n",
      );
      expect(r.stdout, command).toBe("");
      expect(r.status, command).toBe(1);
    }
    const r = governor(dir, "plan", "--signals", recording, "--no-ledger", "--json");
    expect(r.stderr).toBe(
      [
        "--no-ledger: Governor's ledger (its changes, holds and resumes, read from git history) is not read, so this run has:",
        "  - no cooldown or reversal check: every lever looks never changed by Governor",
        "  - no in-flight check: a change still being watched does not hold back another on the same workload",
        "  - no holds or resumes people committed, and no thrash guard",
        "  - repository limits (open proposals, changes per day) that count this run only",
        "  - no track record for mode auto, so nothing is auto-merged",
        "  - no record of when the current value took effect (an older OOM kill counts against it)",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(r.stdout).decisions).toHaveLength(4);
    expect(r.status).toBe(0);
  });

  it("verify says it judges the changes recorded in git, and exits 1", async () => {
    const dir = example(false);
    const recording = await writeRecording(dir, NOW, EXAMPLE_SIGNALS);
    const r = governor(dir, "verify", "--signals", recording);
    expect(r.stderr).toBe(
      ". is not in a git repository: Governor's ledger (its changes, their watches and reverts, the holds people committed, cooldowns and the thrash guard) is read from git history, and verify judges the changes recorded there: run it in the git checkout where Governor's changes were committed\n",
    );
    expect(r.status).toBe(1);
  });
});

describe.skipIf(!existsSync(join(root, "dist", "cli", "main.js")))("--no-ledger in a git repository", () => {
  it("does not read the ledger: a hold committed there does not apply", async () => {
    const dir = example(true);
    const recording = await writeRecording(dir, NOW, EXAMPLE_SIGNALS);
    expect(governor(dir, "hold", "checkout-cpu", "--reason", "load test")).toMatchObject({ status: 0 });
    const held = JSON.parse(governor(dir, "plan", "--signals", recording, "--json").stdout);
    const free = JSON.parse(governor(dir, "plan", "--signals", recording, "--json", "--no-ledger").stdout);
    const cpu = (p: { decisions: Array<{ lever: string; decision: string }> }) =>
      p.decisions.find((d) => d.lever === "checkout-cpu")?.decision;
    expect([cpu(held), cpu(free)]).toEqual(["blocked", "propose"]);
  });
});

describe.skipIf(!existsSync(join(root, "dist", "cli", "main.js")))("--repo's help and default", () => {
  it("every command's --help tells the real default, the repository around the current folder", () => {
    for (const command of ["validate", "get", "set", "plan", "apply", "verify", "doctor", "record"]) {
      const help = governor(root, command, "--help").stdout;
      expect(help, command).not.toContain('(default: ".")');
      expect(help.replace(/\s+/g, " "), command).toContain(
        "default: the repository around the current folder",
      );
    }
  });

  it("doctor from a subfolder reads the repository's root", () => {
    const dir = example(true);
    // No Prometheus answers on port 9: the point is that the config was found, not where it looked.
    const r = governor(join(dir, "apps", "checkout"), "doctor", "--prometheus", "http://127.0.0.1:9");
    expect(r.stderr).not.toMatch(/governor\.yml: not found|cannot read/i);
    expect(r.stderr).toContain("127.0.0.1:9");
  });
});
