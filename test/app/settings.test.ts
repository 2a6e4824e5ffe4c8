import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { appEnv, freePort, ROOT, START, startApp } from "../helpers/app-process.js";

/** The real start script with one bad variable: it must refuse before it listens. */
async function start(extra: Record<string, string | undefined>) {
  const port = await freePort();
  const r = spawnSync(process.execPath, ["--import", "tsx", START], {
    cwd: ROOT,
    env: appEnv({ PORT: String(port), LOG_LEVEL: "info", ...extra }),
    encoding: "utf8",
    timeout: 12_000, // an App that started would run forever: this bounds the test
  });
  return { ...r, port };
}

const BAD: ReadonlyArray<readonly [string, string | undefined, string]> = [
  ["GOVERNOR_CONCURRENCY", "abc", "1 to 64"],
  ["GOVERNOR_TICK_INTERVAL", "0s", "1m to 1d"],
  ["WEBHOOK_SECRET", "development", "16 characters or more"],
  ["APP_ID", "my-app", "a whole number from 1"],
  ["GOVERNOR_WEBHOOK_MAX_BYTES", "30000000", "1024 to 26214400"],
  ["GOVERNOR_WEBHOOK_BODY_TIMEOUT", "10m", "1s to 5m"],
  ["GOVERNOR_GITHUB_MAX_WAIT", "0s", "1s to 1h"],
  ["GOVERNOR_GITHUB_TIMEOUT", "10m", "1s to 5m"],
  ["PORT", "http", "1 to 65535"],
  ["LOG_LEVEL", "loud", "trace, debug, info, warn, error, fatal"],
];

function expectRefused(r: Awaited<ReturnType<typeof start>>) {
  expect(r.status).toBe(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).not.toContain("Listening");
}

describe("the App refuses a bad setting at start, naming the variable and its allowed range", () => {
  it("GOVERNOR_CONCURRENCY=abc alone (it meant zero workers) → exit 1 before listening", async () => {
    const r = await start({ GOVERNOR_CONCURRENCY: "abc" });
    expectRefused(r);
    expect(r.stderr).toContain('GOVERNOR_CONCURRENCY: "abc" is not a whole number from 1 to 64');
  }, 20_000);

  it("every bad value at once is named in one refusal, each with its range", async () => {
    const r = await start(Object.fromEntries(BAD.map(([k, v]) => [k, v])));
    expectRefused(r);
    for (const [variable, , range] of BAD) expect(r.stderr).toMatch(new RegExp(`${variable}: .*${range}`));
  }, 20_000);

  it("a short or missing WEBHOOK_SECRET and a PRIVATE_KEY that is no key are refused", async () => {
    const short = await start({ WEBHOOK_SECRET: "short", GOVERNOR_TICK_INTERVAL: "2d" });
    expectRefused(short);
    expect(short.stderr).toMatch(/WEBHOOK_SECRET: .*16 characters or more/);
    expect(short.stderr).toMatch(/GOVERNOR_TICK_INTERVAL: .*1m to 1d/);
    const key = await start({ PRIVATE_KEY: "not a key" });
    expectRefused(key);
    expect(key.stderr).toContain("PRIVATE_KEY: is not a PEM private key");
  }, 30_000);

  it("a missing PROMETHEUS_URL is refused by name (operatorEndpoints, from the same step)", async () => {
    const r = await start({ PROMETHEUS_URL: undefined });
    expectRefused(r);
    expect(r.stderr).toContain("PROMETHEUS_URL is not set");
  }, 20_000);

  it("the same environment with good values starts (the refusals above are the bad values' doing)", async () => {
    const app = await startApp({ GOVERNOR_CONCURRENCY: "8", GOVERNOR_TICK_INTERVAL: "5m" });
    try {
      expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  }, 30_000);
});
