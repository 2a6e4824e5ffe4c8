import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { CONFIG, DEPLOYMENT } from "../helpers/app-repo.js";
import { tmpDir } from "../helpers/tmp-repo.js";

/** The fake GitHub and App processes the e2e tests start; each is killed after its test. */
const HERE = new URL(".", import.meta.url).pathname;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

export const gitIn = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
  }).trim();

/** A bare repository with the config and the manifest on main, as GitHub would hold it. */
export function bareRepo(): { bare: string; state: string } {
  const dir = tmpDir();
  const work = join(dir, "work");
  execFileSync("mkdir", ["-p", join(work, ".github"), join(work, "apps")]);
  execFileSync("sh", ["-c", "cat > .github/governor.yml"], { cwd: work, input: CONFIG });
  execFileSync("sh", ["-c", "cat > apps/d.yaml"], { cwd: work, input: DEPLOYMENT });
  gitIn(work, "init", "-q", "-b", "main");
  gitIn(work, "add", "-A");
  gitIn(work, "commit", "-q", "-m", "initial");
  gitIn(dir, "clone", "-q", "--bare", work, "bare.git");
  return { bare: join(dir, "bare.git"), state: join(dir, "state.json") };
}

/** A person's commit, as the fake's hooks make it: on `ref`, one file changed. */
export interface PersonCommit {
  readonly ref: string;
  readonly path: string;
  readonly text: string;
  readonly message: string;
}

export interface Control {
  readonly pauseAtWrite?: number;
  readonly issue502?: boolean;
  readonly barriers?: ReadonlyArray<{ readonly on: string; readonly count: number }>;
  readonly hooks?: ReadonlyArray<{
    readonly on: string;
    readonly when?: "before" | "after";
    readonly commit: PersonCommit;
  }>;
}

/** The fake GitHub in its own process; resolves with its URL and a way to wait for "PAUSED n". */
export async function fakeGitHub(bare: string, state: string) {
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
  const control = (c: Control | number) =>
    fetch(`${url}/_control`, {
      method: "POST",
      body: JSON.stringify(typeof c === "number" ? { pauseAtWrite: c } : c),
    });
  const log = async () =>
    (await (await fetch(`${url}/_log`)).json()) as Array<{ key: string; agent: string; status: number }>;
  return { url, waitFor, control, log };
}

/** How run-reconcile.ts runs: CPU usage it reads, Octokit's retries (off unless asked), its user agent. */
export interface RunOptions {
  readonly usage?: number;
  readonly retry?: boolean;
  readonly agent?: string;
}

export function startApp(
  url: string,
  options: RunOptions = {},
): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(HERE, "run-reconcile.ts"), url, JSON.stringify(options)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
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

/** The last line a reconcile process printed: its actions and failures. */
export const summary = (out: string): { actions: string[]; failures: string[] } =>
  JSON.parse(out.trim().split("\n").pop() ?? "{}");

export interface FakeState {
  pulls: Array<{
    number: number;
    head: string;
    title: string;
    body: string;
    state: string;
    labels: string[];
  }>;
  issues: Array<{ number: number; body: string; labels: string[]; state: string }>;
  comments: Array<{ issue: number; body: string }>;
}

export const readState = (state: string) => JSON.parse(readFileSync(state, "utf8")) as FakeState;
export const dashboards = (s: FakeState) => s.issues.filter((i) => i.labels.includes("governor:dashboard"));
