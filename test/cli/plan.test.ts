import { cpSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NOW } from "../helpers/engine.js";
import { EXAMPLE, EXAMPLE_SIGNALS } from "../helpers/example-signals.js";
import { git } from "../helpers/git-repo.js";
import { writeRecording } from "../helpers/recording.js";
import { runCli } from "../helpers/run-cli.js";
import { tmpDir } from "../helpers/tmp-repo.js";

async function example(): Promise<{ dir: string; recording: string }> {
  const dir = tmpDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main"); // plan reads its ledger from git
  return { dir, recording: await writeRecording(dir, NOW, EXAMPLE_SIGNALS) };
}

describe("governor plan (CLI)", () => {
  it("replays a recording and explains every lever", async () => {
    const { dir, recording } = await example();
    const r = await runCli("plan", "--repo", dir, "--signals", recording, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const decisions = JSON.parse(r.stdout).decisions as Array<Record<string, unknown>>;
    expect(decisions.map((d) => [d.lever, d.decision, d.from, d.to])).toEqual([
      ["checkout-cpu", "propose", "500m", "750m"],
      ["checkout-memory", "blocked", "512Mi", "359Mi"],
      ["frontend-min-replicas", "propose", "4", "6"],
      ["checkout-db-pool", "propose", "20", "25"],
    ]);
    expect(decisions[1]?.reason).toBe("direction: this lever only goes up; the recommendation goes down");
    expect(decisions[3]?.reason).toMatch(
      /^20 → 25: latency averages 0\.4 over 30m \(target 0\.25 ± 0\.025\)/,
    );
  });

  it("prints a table, then each proposal's diff and PR body", async () => {
    const { dir, recording } = await example();
    const r = await runCli("plan", "--repo", dir, "--signals", recording);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^LEVER\s+CURRENT → RECOMMENDED\s+DECISION\s+REASON$/);
    expect(lines[1]).toMatch(
      /^checkout-cpu\s+500m → 750m\s+propose\s+500m → 750m: usage p95 over 7d is 0\.9 cores/,
    );
    expect(r.stdout).toContain("── Tune checkout-cpu: 500m → 750m");
    expect(r.stdout).toContain(
      "-              cpu: 500m      # sized for the 2025 peak; revisit\n+              cpu: 750m      # sized for the 2025 peak; revisit",
    );
    expect(r.stdout).toContain("### Expected effect and guardrails");
    expect(r.stdout).toContain(
      "### Rollback plan\n\nOn a guardrail breach Governor reverts `apps/checkout/deployment.yaml`",
    );
    expect(r.stdout).toContain("<details><summary>Safety checks: ");
  });

  it("refuses --signals with --prometheus, and a file that is not a recording", async () => {
    const { dir, recording } = await example();
    expect(
      await runCli("plan", "--repo", dir, "--signals", recording, "--prometheus", "http://x"),
    ).toMatchObject({
      code: 1,
      stderr: "--signals and --prometheus exclude each other: replay a recording, or ask Prometheus\n",
    });
    expect(await runCli("plan", "--repo", dir, "--signals", `${dir}/.github/governor.yml`)).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/governor\.yml: not JSON/),
    });
  });
});
