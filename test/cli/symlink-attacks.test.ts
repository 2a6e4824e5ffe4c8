import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeServer, json } from "../adapters/prometheus/fake-server.js";
import { NOW } from "../helpers/engine.js";
import { EXAMPLE, EXAMPLE_SIGNALS } from "../helpers/example-signals.js";
import { writeRecording } from "../helpers/recording.js";
import { runCli } from "../helpers/run-cli.js";
import { tmpDir } from "../helpers/tmp-repo.js";

/**
 * A lever file that is a symlink (or sits under a symlinked folder) must never let Governor
 * read or write CI, its own config, `.git/` or a file outside the repository: every command
 * that reads or writes a lever file refuses, exit 1, naming the file and the rule, and the
 * file the symlink leads to keeps its bytes. The repositories are real git repositories with
 * the symlinks committed, so these hold whether a commit is made from the working tree or the
 * commit's tree.
 */

const DEPLOYMENT = "apps/checkout/deployment.yaml";
const iso = (ms: number) => new Date(ms).toISOString();

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_DATE: iso(NOW - 86_400_000),
      GIT_COMMITTER_DATE: iso(NOW - 86_400_000),
    },
  });

function link(dir: string, path: string, target: string): void {
  rmSync(join(dir, path), { recursive: true, force: true });
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  symlinkSync(target, join(dir, path));
}
function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

interface Attack {
  readonly name: string;
  /** Plants the attack in the repository (the lever file's text is given) and says which file it reaches. */
  readonly plant: (dir: string, text: string) => string;
  /** What the refusal says about apps/checkout/deployment.yaml. */
  readonly message: string;
}

const WORKFLOW = "which is a GitHub Actions workflow: Governor never edits CI definitions";
const ATTACKS: Attack[] = [
  {
    name: "a symlink into .github/workflows/",
    plant: (dir, text) => {
      put(join(dir, ".github/workflows/ci.yml"), text);
      link(dir, DEPLOYMENT, "../../.github/workflows/ci.yml");
      return ".github/workflows/ci.yml";
    },
    message: `"${DEPLOYMENT}" resolves through a symlink to ".github/workflows/ci.yml", ${WORKFLOW}`,
  },
  {
    name: "a symlink to .github/governor.yml",
    plant: (dir) => {
      link(dir, DEPLOYMENT, "../../.github/governor.yml");
      return ".github/governor.yml";
    },
    message: `"${DEPLOYMENT}" resolves through a symlink to ".github/governor.yml", which is Governor's own configuration: Governor never edits it`,
  },
  {
    name: "a symlink to a git hook",
    plant: (dir, text) => {
      put(join(dir, ".git/hooks/pre-commit"), text);
      link(dir, DEPLOYMENT, "../../.git/hooks/pre-commit");
      return ".git/hooks/pre-commit";
    },
    message: `"${DEPLOYMENT}" resolves through a symlink to ".git/hooks/pre-commit", which is inside .git/ (git's own data: hooks, config): Governor never reads or edits it`,
  },
  {
    name: "a symlink out of the repository",
    plant: (dir, text) => {
      const outside = join(tmpDir(), "deployment.yaml");
      put(outside, text);
      link(dir, DEPLOYMENT, outside);
      return outside;
    },
    message: `"${DEPLOYMENT}" resolves outside the repository through a symlink: `,
  },
  {
    name: "a symlinked folder on the way",
    plant: (dir) => {
      mkdirSync(join(dir, ".github/workflows"), { recursive: true });
      for (const f of ["deployment.yaml", "values.yaml"])
        renameSync(join(dir, "apps/checkout", f), join(dir, ".github/workflows", f));
      link(dir, "apps/checkout", "../.github/workflows");
      return ".github/workflows/deployment.yaml";
    },
    message: `"${DEPLOYMENT}" resolves through a symlink to ".github/workflows/deployment.yaml", ${WORKFLOW}`,
  },
  {
    name: "a chain of symlinks",
    plant: (dir, text) => {
      put(join(dir, ".github/workflows/ci.yml"), text);
      link(dir, "deploy-link.yaml", ".github/workflows/ci.yml");
      link(dir, DEPLOYMENT, "../../deploy-link.yaml");
      return ".github/workflows/ci.yml";
    },
    message: `"${DEPLOYMENT}" resolves through a symlink to ".github/workflows/ci.yml", ${WORKFLOW}`,
  },
];

interface Planted {
  readonly dir: string;
  readonly recording: string;
  /** The bytes of the file the attack reaches, now. */
  readonly victim: () => Buffer;
  readonly head: () => string;
}

/**
 * The example repository in git with a recording of its metrics, then `before` (e.g. a
 * Governor change), then the attack, committed: the working tree is clean.
 */
async function planted(attack: Attack, before?: (dir: string) => void): Promise<Planted> {
  const dir = tmpDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  const recording = await writeRecording(dir, NOW, EXAMPLE_SIGNALS);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "initial");
  before?.(dir);
  const reached = attack.plant(dir, readFileSync(join(dir, DEPLOYMENT), "utf8"));
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", `attack: ${attack.name}`);
  expect(git(dir, "status", "--porcelain")).toBe("");
  const path = isAbsolute(reached) ? reached : join(dir, reached);
  return {
    dir,
    recording,
    victim: () => readFileSync(path),
    head: () => git(dir, "rev-parse", "HEAD").trim(),
  };
}

/** Runs `args` against the planted repository and checks the refusal and that nothing moved. */
async function refused(p: Planted, attack: Attack, args: string[], expected: string | RegExp): Promise<void> {
  const before = p.victim();
  const head = p.head();
  const r = await runCli(...args);
  expect(r.stderr).toEqual(
    typeof expected === "string" ? expect.stringContaining(expected) : expect.stringMatching(expected),
  );
  expect(r.stderr).toContain(attack.message);
  expect(r.code).toBe(1);
  expect(p.victim().equals(before)).toBe(true);
  expect(p.head()).toBe(head);
  expect(git(p.dir, "branch", "--list", "governor/*")).toBe("");
  expect(git(p.dir, "status", "--porcelain")).toBe("");
}

/** The config's problem as validate, plan, apply and verify report it: file:line:col, the lever's field, the rule. */
const configProblem = (dir: string, attack: Attack) =>
  `${join(dir, ".github/governor.yml")}:35:13: levers[0].target.file: ${attack.message}`;

describe.each(ATTACKS)("$name", (attack) => {
  it("validate reports it at the lever's target.file", async () => {
    const p = await planted(attack);
    await refused(p, attack, ["validate", "--repo", p.dir], configProblem(p.dir, attack));
  });

  it("get refuses to read through it", async () => {
    const p = await planted(attack);
    await refused(
      p,
      attack,
      ["get", "checkout-cpu", "--repo", p.dir],
      `${join(p.dir, DEPLOYMENT)}: ${attack.message}`,
    );
  });

  it("set refuses to write through it", async () => {
    const p = await planted(attack);
    await refused(
      p,
      attack,
      ["set", "checkout-cpu", "750m", "--repo", p.dir],
      `${join(p.dir, DEPLOYMENT)}: ${attack.message}`,
    );
  });

  it("plan refuses the run, as for any config problem", async () => {
    const p = await planted(attack);
    const r = ["plan", "--repo", p.dir, "--signals", p.recording];
    await refused(p, attack, r, /the configuration has problems: fix them first \(governor validate --repo /);
  });

  it("apply writes nothing", async () => {
    const p = await planted(attack);
    await refused(p, attack, ["apply", "--repo", p.dir, "--signals", p.recording], attack.message);
  });

  it("apply --commit commits nothing", async () => {
    const p = await planted(attack);
    await refused(
      p,
      attack,
      ["apply", "--commit", "--repo", p.dir, "--signals", p.recording],
      attack.message,
    );
  });

  it("verify --revert does not revert through it", async () => {
    const changedAt = NOW - 2 * 3_600_000;
    const prometheus = await fakeServer((req, res) => {
      // Every query answers 0.001 before the change and 0.05 after: the error-ratio guardrail
      // (max 0.01) is breached throughout the watch window, so verify --revert would revert.
      const form = new URLSearchParams(req.body);
      const start = Number(form.get("start") ?? form.get("time"));
      const end = Number(form.get("end") ?? form.get("time"));
      const step = Number(form.get("step") ?? 60);
      const values: Array<[number, string]> = [];
      for (let t = start; t <= end && values.length < 11_000; t += step)
        values.push([t, t * 1000 < changedAt ? "0.001" : "0.05"]);
      json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: {}, values }] } });
    });
    // A Governor change of checkout-cpu two hours ago; the file became a symlink afterwards.
    const change = (dir: string) => {
      const path = join(dir, DEPLOYMENT);
      writeFileSync(path, readFileSync(path, "utf8").replace("cpu: 500m", "cpu: 750m"));
      const at = iso(changedAt);
      execFileSync(
        "git",
        [
          "-c",
          "user.name=Governor",
          "-c",
          "user.email=g@g",
          "commit",
          "-q",
          "-am",
          "Tune checkout-cpu: 500m -> 750m\n\nGovernor-Lever: checkout-cpu\nGovernor-Decision: d1\nGovernor-Policy: k8s-cpu-request\nGovernor-From: 500m\nGovernor-To: 750m",
        ],
        { cwd: dir, env: { ...process.env, GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at } },
      );
    };
    const p = await planted(attack, change);
    const args = ["verify", "--revert", "--repo", p.dir, "--prometheus", prometheus.url, "--now", iso(NOW)];
    await refused(p, attack, args, attack.message);
  });
});

describe("the built binary, as CI runs it", () => {
  const bin = new URL("../../bin/governor.js", import.meta.url).pathname;
  it.each([[["set", "checkout-cpu", "750m"]], [["apply", "--commit"]]])(
    "%j refuses to write a workflow through a symlink",
    async (args) => {
      const attack = ATTACKS[0] as Attack;
      const p = await planted(attack);
      const before = p.victim();
      const extra = args[0] === "apply" ? ["--signals", p.recording] : [];
      const r = spawnSync(process.execPath, [bin, ...args, "--repo", p.dir, ...extra], {
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(r.stderr).toContain(attack.message);
      expect(r.status).toBe(1);
      expect(p.victim().equals(before)).toBe(true);
      expect(git(p.dir, "status", "--porcelain")).toBe("");
    },
  );
});
