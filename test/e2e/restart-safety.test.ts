import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CONFIG, DEPLOYMENT } from "../helpers/app-repo.js";
import { tmpDir } from "../helpers/tmp-repo.js";

const HERE = new URL(".", import.meta.url).pathname;
/** Writes of a first proposal: tree, commit, branch, PR, labels, dashboard issue. */
const WRITES = 6;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

/** A bare repository with the config and the manifest on main, as GitHub would hold it. */
function bareRepo(): { bare: string; state: string } {
  const dir = tmpDir();
  const work = join(dir, "work");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, {
      cwd,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@t",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@t",
      },
    });
  execFileSync("mkdir", ["-p", join(work, ".github"), join(work, "apps")]);
  execFileSync("sh", ["-c", `cat > .github/governor.yml`], { cwd: work, input: CONFIG });
  execFileSync("sh", ["-c", `cat > apps/d.yaml`], { cwd: work, input: DEPLOYMENT });
  git(work, "init", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "initial");
  git(dir, "clone", "-q", "--bare", work, "bare.git");
  return { bare: join(dir, "bare.git"), state: join(dir, "state.json") };
}

/** The fake GitHub in its own process; resolves with its URL and a way to wait for "PAUSED n". */
async function fakeGitHub(bare: string, state: string) {
  const server = spawn(process.execPath, [join(HERE, "fake-github.mjs"), bare, state], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(server);
  let out = "";
  const waiters: Array<() => void> = [];
  server.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = (re: RegExp, ms = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake GitHub did not print ${re} (got: ${out})`)), ms);
      const check = () => {
        const m = re.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        } else waiters.push(check);
      };
      check();
    });
  const url = `http://127.0.0.1:${(await waitFor(/LISTENING (\d+)/))[1]}`;
  const control = (pauseAtWrite: number) =>
    fetch(`${url}/_control`, { method: "POST", body: JSON.stringify({ pauseAtWrite }) });
  return { url, waitFor, control };
}

function startApp(url: string): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", join(HERE, "run-reconcile.ts"), url], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const done = new Promise<string>((resolve) => child.on("exit", () => resolve(out)));
  return { child, done };
}

interface FakeState {
  pulls: Array<{
    number: number;
    head: string;
    title: string;
    body: string;
    state: string;
    labels: string[];
  }>;
  issues: Array<{ number: number; labels: string[] }>;
}

describe("restart safety: the App killed (SIGKILL) between any two GitHub writes", () => {
  it.each(Array.from({ length: WRITES }, (_, i) => i + 1))(
    "killed before write %d: the next tick completes, with no duplicate and no orphan branch",
    async (k) => {
      const { bare, state } = bareRepo();
      const gh = await fakeGitHub(bare, state);
      await gh.control(k);
      const killed = startApp(gh.url);
      await gh.waitFor(new RegExp(`PAUSED ${k}\\n`));
      killed.child.kill("SIGKILL");
      await killed.done;
      await gh.control(0);
      const resumed = JSON.parse((await startApp(gh.url).done).trim().split("\n").pop() ?? "{}");
      expect(resumed.failures).toEqual([]);
      const idle = JSON.parse((await startApp(gh.url).done).trim().split("\n").pop() ?? "{}");
      expect(idle).toEqual({ actions: [], failures: [] });

      const s = JSON.parse(readFileSync(state, "utf8")) as FakeState;
      expect(s.pulls.map((p) => [p.head, p.state, p.title, p.labels])).toEqual([
        ["governor/cpu", "open", "Tune cpu: 500m → 690m", ["governor", "governor:risk-low"]],
      ]);
      expect(s.issues.filter((i) => i.labels.includes("governor:dashboard"))).toHaveLength(1);
      const branches = execFileSync("git", ["for-each-ref", "--format=%(refname)", "refs/heads"], {
        cwd: bare,
        encoding: "utf8",
      })
        .trim()
        .split("\n");
      expect(branches.sort()).toEqual(["refs/heads/governor/cpu", "refs/heads/main"]);
      expect(execFileSync("git", ["show", "governor/cpu:apps/d.yaml"], { cwd: bare, encoding: "utf8" })).toBe(
        DEPLOYMENT.replace("cpu: 500m", "cpu: 690m"),
      );
      expect(
        execFileSync("git", ["log", "--format=%s", "main..governor/cpu"], {
          cwd: bare,
          encoding: "utf8",
        }).trim(),
      ).toBe("Tune cpu: 500m -> 690m");
    },
    60_000,
  );
});
