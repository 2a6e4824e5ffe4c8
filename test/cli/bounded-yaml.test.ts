import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOW } from "../helpers/engine.js";
import { EXAMPLE, EXAMPLE_SIGNALS } from "../helpers/example-signals.js";
import { git } from "../helpers/git-repo.js";
import { HOSTILE_YAML } from "../helpers/hostile-yaml.js";
import { writeRecording } from "../helpers/recording.js";
import { tmpDir } from "../helpers/tmp-repo.js";

/**
 * Each worst case of issue 11 through the real binary, in a child process killed after 20 s:
 * far above the fraction of a second these take now, far below the 82 s of a quadratic check,
 * so a regression fails here instead of hanging the suite. Needs `npm run build`.
 */
const root = new URL("../..", import.meta.url).pathname;
const bin = join(root, "bin", "governor.js");
const KILL_AFTER_MS = 20_000;
const TEST_TIMEOUT_MS = KILL_AFTER_MS + 10_000;

function governor(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    timeout: KILL_AFTER_MS,
    killSignal: "SIGKILL",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Refused as a user error: exit 1, the file and a position named, no stack trace. */
function expectRefused(r: ReturnType<typeof governor>, file: string, message: RegExp) {
  expect({ status: r.status, signal: r.signal }).toEqual({ status: 1, signal: null });
  expect(r.stderr).toMatch(new RegExp(`${escapeRe(file)}:\\d+:\\d+: ${message.source}`));
  expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|\n\s+at .*:\d+:\d+/);
}
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const LIMIT =
  /(nesting deeper than 64 levels|more than 50000 keys, values and items|more than 200 aliases): Governor refuses/;
const REFUSED = Object.entries(HOSTILE_YAML).filter(([name]) => !name.includes("under the limit"));

function example(): string {
  const dir = tmpDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main"); // plan reads its ledger from git
  return dir;
}

describe.skipIf(!existsSync(join(root, "dist", "cli", "main.js")))(
  "hostile YAML through the governor binary",
  () => {
    it.each(REFUSED)(
      "validate refuses a config of %s",
      (_, make) => {
        const dir = example();
        const config = join(dir, ".github", "governor.yml");
        writeFileSync(config, make());
        expectRefused(governor("validate", "--repo", dir), config, LIMIT);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "validate reports every unknown key of the largest config under the limit (24k keys), in one pass",
      () => {
        const dir = example();
        const config = join(dir, ".github", "governor.yml");
        writeFileSync(config, (HOSTILE_YAML["24k flat keys (under the limit)"] as () => string)());
        const r = governor("validate", "--repo", dir);
        expect({ status: r.status, signal: r.signal }).toEqual({ status: 1, signal: null });
        expect(r.stderr).toContain(
          `${config}:24000:1: k23999: unknown key "k23999" (expected one of: version,`,
        );
        expect(r.stderr).toMatch(
          /\n24002 problems found; nothing will be proposed until they are fixed\.\n$/,
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "validate refuses a repository policy of 80k flat keys, naming the policy",
      () => {
        const dir = example();
        const policy = join(dir, ".github", "governor", "policies", "big.yaml");
        mkdirSync(dirname(policy), { recursive: true });
        writeFileSync(policy, (HOSTILE_YAML["80k flat keys"] as () => string)());
        expectRefused(governor("validate", "--repo", dir), policy, LIMIT);
      },
      TEST_TIMEOUT_MS,
    );

    it.each(REFUSED)(
      "get refuses a lever file of %s",
      (_, make) => {
        const dir = example();
        writeFileSync(join(dir, "apps", "checkout", "values.yaml"), make());
        expectRefused(
          governor("get", "checkout-db-pool", "--repo", dir),
          join(dir, "apps", "checkout", "values.yaml"),
          LIMIT,
        );
      },
      TEST_TIMEOUT_MS,
    );

    it.each(REFUSED)(
      "simulate refuses a scenario of %s",
      (_, make) => {
        const file = join(tmpDir(), "scenario.yaml");
        writeFileSync(file, make());
        expectRefused(governor("simulate", file), file, LIMIT);
      },
      TEST_TIMEOUT_MS,
    );

    it.each([
      ["80k flat keys", (HOSTILE_YAML["80k flat keys"] as () => string)()],
      ["1 MB of [[[[", `spec: ${"[".repeat(500_000)}${"]".repeat(500_000)}\n`],
    ])(
      "plan reads no HPA from a file of %s beside a lever: the request levers there are blocked (an HPA cannot be ruled out), the rest is planned",
      async (_, hostile) => {
        const dir = example();
        const recording = await writeRecording(dir, NOW, EXAMPLE_SIGNALS);
        writeFileSync(join(dir, "apps", "checkout", "hpa.yaml"), `kind: HorizontalPodAutoscaler\n${hostile}`);
        const r = governor("plan", "--repo", dir, "--signals", recording, "--json");
        expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({
          status: 0,
          signal: null,
          stderr: "",
        });
        const decisions = JSON.parse(r.stdout).decisions as Array<{
          lever: string;
          decision: string;
          checks: Array<{ name: string; ok: boolean; detail: string }>;
        }>;
        expect(decisions.map((d) => [d.lever, d.decision])).toEqual([
          ["checkout-cpu", "blocked"],
          ["checkout-memory", "blocked"],
          ["frontend-min-replicas", "propose"],
          ["checkout-db-pool", "propose"],
        ]);
        expect(decisions[0]?.checks.find((c) => c.name === "hpa")).toMatchObject({
          ok: false,
          detail: expect.stringMatching(
            /^apps\/checkout\/hpa\.yaml names a HorizontalPodAutoscaler but could not be read \(.+\): Governor cannot tell whether an HPA scales this request/,
          ),
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "plan refuses a recording nested 5 million levels deep, before parsing it",
      async () => {
        const dir = example();
        const file = join(dir, "deep.json");
        writeFileSync(file, `{"version":1,"entries":[{"data":${"[".repeat(5e6)}${"]".repeat(5e6)}}]}`);
        const r = governor("plan", "--repo", dir, "--signals", file);
        expect({ status: r.status, signal: r.signal }).toEqual({ status: 1, signal: null });
        expect(r.stderr).toBe(
          `${file}: nesting deeper than 32 levels at offset 61: not a Governor recording (make one with governor record)\n`,
        );
      },
      TEST_TIMEOUT_MS,
    );

    it(
      "plan refuses a recording over 16 MiB without reading it",
      async () => {
        const dir = example();
        const file = join(dir, "huge.json");
        writeFileSync(file, `{"version":1,"pad":"${"x".repeat(16 * 1024 * 1024)}"}`);
        const r = governor("plan", "--repo", dir, "--signals", file);
        expect({ status: r.status, signal: r.signal }).toEqual({ status: 1, signal: null });
        expect(r.stderr).toMatch(
          new RegExp(
            `^${escapeRe(file)}: 16777238 bytes; Governor reads recordings of at most 16777216 bytes`,
          ),
        );
      },
      TEST_TIMEOUT_MS,
    );
  },
);
