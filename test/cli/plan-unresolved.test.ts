import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOW } from "../helpers/engine.js";
import { EXAMPLE, EXAMPLE_SIGNALS } from "../helpers/example-signals.js";
import { git } from "../helpers/git-repo.js";
import { writeRecording } from "../helpers/recording.js";
import { runCli } from "../helpers/run-cli.js";
import { tmpDir } from "../helpers/tmp-repo.js";

/** The example repository as a real git checkout, with the container of checkout-memory misnamed. */
async function brokenExample(): Promise<{ dir: string; recording: string }> {
  const dir = tmpDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  const config = join(dir, ".github/governor.yml");
  const text = readFileSync(config, "utf8");
  const memory = text.indexOf("id: checkout-memory");
  writeFileSync(
    config,
    text.slice(0, memory) + text.slice(memory).replace("container: server", "container: web"),
  );
  const recording = await writeRecording(dir, NOW, EXAMPLE_SIGNALS);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "initial");
  return { dir, recording };
}

describe("plan with a lever whose target cannot resolve", () => {
  it("still decides every lever, then says it is a config error at FILE:LINE:COL and exits 1", async () => {
    const { dir, recording } = await brokenExample();
    const r = await runCli("plan", "--repo", dir, "--signals", recording, "--json");
    const decisions = JSON.parse(r.stdout).decisions as Array<Record<string, unknown>>;
    expect(decisions.map((d) => [d.lever, d.decision])).toEqual([
      ["checkout-cpu", "propose"],
      ["checkout-memory", "blocked"],
      ["frontend-min-replicas", "propose"],
      ["checkout-db-pool", "propose"],
    ]);
    expect(r.stderr).toBe(
      `${join(dir, ".github/governor.yml")}:51:18: levers[1].target.container: apps/checkout/deployment.yaml: Deployment checkout has no container "web"; it has containers: server, log-shipper\n` +
        `lever checkout-memory: the value cannot be read where the target points in the checkout, so it is blocked on every run: a configuration error (exit 1); fix .github/governor.yml or the file — governor validate --repo ${dir} lists every problem\n`,
    );
    expect(r.code).toBe(1);
  });

  it("with Prometheus also down, exit 1 (the config error comes first), and the message says 1, not 2", async () => {
    const { dir } = await brokenExample();
    // A port nothing listens on: bound, then closed.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    await new Promise((r) => server.close(r));
    const r = await runCli("plan", "--repo", dir, "--prometheus", `http://127.0.0.1:${port}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("levers[1].target.container");
    expect(r.stderr).toContain(
      "Prometheus could not be used: every lever that needed it is blocked (exit 1: the configuration errors above come first)",
    );
    expect(r.stderr).not.toContain("(exit 2)");
  });

  it("apply writes the levers that resolve and exits 1 for the one that does not", async () => {
    const { dir, recording } = await brokenExample();
    const r = await runCli("apply", "--repo", dir, "--signals", recording);
    expect(r.stdout).toContain("checkout-cpu: apps/checkout/deployment.yaml 500m -> 750m");
    expect(r.stderr).toContain("lever checkout-memory: the value cannot be read where the target points");
    expect(r.code).toBe(1);
  });
});
