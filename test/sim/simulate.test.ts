import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tmpDir, tmpRepo } from "../helpers/tmp-repo.js";

const SCENARIOS = new URL("../../examples/scenarios/", import.meta.url).pathname;

describe("governor simulate", () => {
  it("is deterministic: the same seed gives the same output, byte for byte", async () => {
    const a = await runCli("simulate", `${SCENARIOS}bad-change.yaml`, "--json");
    const b = await runCli("simulate", `${SCENARIOS}bad-change.yaml`, "--json");
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const c = await runCli("simulate", `${SCENARIOS}bad-change.yaml`, "--json", "--seed", "12");
    expect(c.stdout).not.toBe(a.stdout);
  }, 30_000);

  it("a change that truly adds 20% latency is reverted; none is missed", async () => {
    const r = JSON.parse((await runCli("simulate", `${SCENARIOS}bad-change.yaml`, "--json")).stdout);
    expect(r.summary).toMatchObject({ missedRegressions: 0, falseReverts: 0 });
    expect(r.summary.reverts).toBeGreaterThan(0);
    expect(r.summary.reverts).toBe(r.summary.changes);
    expect(r.timeline.map((e: { event: string }) => e.event)).toContain("revert");
  }, 30_000);

  it("A/A: changes with no real effect are never reverted", async () => {
    const r = JSON.parse((await runCli("simulate", `${SCENARIOS}aa-noise.yaml`, "--json")).stdout);
    expect(r.summary.changes).toBeGreaterThan(0);
    expect(r.summary).toMatchObject({ reverts: 0, falseReverts: 0, incidents: 0 });
    expect(r.summary.cost.after).toBeLessThan(r.summary.cost.before);
  }, 30_000);

  it("--out writes the SVG chart and every PR body", async () => {
    const out = tmpDir();
    const r = await runCli("simulate", `${SCENARIOS}pool-size-queueing.yaml`, "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/chart: .*pool-size-queueing\.svg; PR bodies: .*pr-\*\.md \(\d+\)/);
    expect(readFileSync(`${out}/pool-size-queueing.svg`, "utf8")).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline[\s\S]*<\/svg>\n$/,
    );
    expect(readFileSync(`${out}/pr-01.md`, "utf8")).toMatch(/^# Tune sim: 9 → 10\n\n\*\*Why:\*\* /);
  }, 30_000);

  it("a bad --seed or --out is an error that names it, never a hang or a stack trace", async () => {
    const dir = tmpRepo({ "a-file": "x" });
    const file = `${SCENARIOS}bad-change.yaml`;
    expect(await runCli("simulate", file, "--seed", "1.5")).toMatchObject({
      code: 1,
      stderr: "--seed 1.5: expected an integer\n",
    });
    expect(await runCli("simulate", file, "--out", `${dir}/a-file/charts`)).toMatchObject({
      code: 1,
      stdout: "",
      stderr: `--out ${dir}/a-file/charts: cannot write there (ENOTDIR); choose a folder you can write to\n`,
    });
    if (process.platform === "linux") {
      // Node's recursive mkdir never returns for a folder under /proc.
      expect((await runCli("simulate", file, "--out", "/proc/governor-nope")).stderr).toMatch(
        /cannot write there/,
      );
    }
  }, 30_000);

  it("a scenario's lever that no repository could configure is reported at the scenario's own field", async () => {
    const dir = tmpRepo({
      "s.yaml":
        "name: x\nduration: 1d\nplant: {type: cpu-service, usage: 1, latency: 0.1}\nlever:\n  policy: k8s-cpu-request\n  initial: 1\n  bounds: {min: 3, max: 2}\n",
    });
    expect(await runCli("simulate", `${dir}/s.yaml`)).toMatchObject({
      code: 1,
      stderr: `${dir}/s.yaml:7:17: lever.bounds.min: bounds.min (3) is greater than bounds.max (2)\n`,
    });
  });

  it("a run too long to finish in minutes is refused, not started", async () => {
    const dir = tmpRepo({
      "s.yaml":
        "name: x\nduration: 3650d\nevaluateEvery: 1s\nplant: {type: queue, arrivals: 10, serviceRate: 1}\nlever: {policy: slo-step, initial: 12, bounds: {min: 1, max: 20}, step: 1}\n",
    });
    expect(await runCli("simulate", `${dir}/s.yaml`)).toMatchObject({
      code: 1,
      stderr: `${dir}/s.yaml:3:16: evaluateEvery: 3650d evaluated every 1s is 315360000 evaluations; at most 50000 (a few minutes): shorten the duration or evaluate less often\n`,
    });
  });

  it("a bad scenario is an error at its file:line", async () => {
    const dir = tmpRepo({
      "s.yaml":
        "name: x\nduration: 2 days\nplant: {type: cpu-service, usage: 1, latency: 0.1}\nlever: {policy: k8s-cpu-request, initial: 1, bounds: {min: 1, max: 2}}\n",
    });
    const r = await runCli("simulate", `${dir}/s.yaml`);
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toBe(
      `${dir}/s.yaml:2:11: duration: "2 days" is not a duration (use Prometheus style: 30s, 5m, 1h30m, 7d)\n`,
    );
  });
});
