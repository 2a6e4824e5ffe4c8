import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const START = join(ROOT, "src", "app", "start.ts");
export const SECRET = "a-test-webhook-secret-0123456789";

export const { privateKey: PRIVATE_KEY } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** The environment of a correctly configured App, nothing inherited but what node needs to run. */
export function appEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    APP_ID: "12345",
    PRIVATE_KEY,
    WEBHOOK_SECRET: SECRET,
    PROMETHEUS_URL: "http://127.0.0.1:9",
    HOST: "127.0.0.1",
    LOG_FORMAT: "json",
    LOG_LEVEL: "warn",
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** A port nobody listens on right now (Probot takes no port 0). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const address = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return typeof address === "object" && address ? address.port : 0;
}

export interface RunningApp {
  readonly child: ChildProcess;
  readonly base: string;
  /** The child's resident memory (VmRSS), in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** `src/app/start.ts` in a process of its own, once it listens on 127.0.0.1. */
export async function startApp(extra: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", START], {
    cwd: ROOT,
    env: appEnv({ ...extra, PORT: String(port), LOG_LEVEL: "info" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let errText = "";
  child.stderr?.on("data", (d: Buffer) => {
    errText += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the App did not listen within 15 s: ${errText}`)),
      15_000,
    );
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the App exited (${code}): ${errText}`));
    });
  });
  child.stdout?.resume();
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    rss: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      return Number(m?.[1] ?? 0) * 1024;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    },
  };
}
