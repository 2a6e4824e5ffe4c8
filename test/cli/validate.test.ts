import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VALID_CONFIG } from "../helpers/config.js";
import { runCli } from "../helpers/run-cli.js";
import { symlink, tmpDir, tmpRepo } from "../helpers/tmp-repo.js";

const EXAMPLE = new URL("../../examples/infra", import.meta.url).pathname;
/** The two lever files of VALID_CONFIG, with the values its levers point at. */
const DEPLOYMENT =
  "kind: Deployment\nmetadata: {name: checkout}\nspec:\n  template:\n    spec:\n      containers:\n        - name: server\n          resources: {requests: {cpu: 500m}}\n";
const VALUES = "config: {database: {poolSize: 20}}\n";
const TARGETS = {
  "apps/checkout/deployment.yaml": DEPLOYMENT,
  "apps/checkout/values.yaml": VALUES,
};

describe("governor validate", () => {
  it("accepts the example repository with a one-line summary", async () => {
    const r = await runCli("validate", "--repo", EXAMPLE);
    expect(r).toEqual({
      code: 0,
      stdout: `${join(EXAMPLE, ".github/governor.yml")}: valid — 4 levers using 4 policies (0 of the repo's own), 1 guardrail, mode suggest; every target found in its file\n`,
      stderr: "",
    });
  });

  it("reports every problem at once as FILE:LINE:COL and exits 1", async () => {
    const config = VALID_CONFIG.replace("mode: suggest", "mode: sugest").replace(
      "cooldown: 6h",
      "cooldown: 6 hours",
    );
    const dir = tmpRepo({ ".github/governor.yml": config, ...TARGETS });
    const r = await runCli("validate", "--repo", dir);
    const f = join(dir, ".github/governor.yml");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `${f}:2:7: mode: unknown value "sugest" (did you mean "suggest"?)\n` +
        `${f}:28:15: levers[1].cooldown: "6 hours" is not a duration (use Prometheus style: 30s, 5m, 1h30m, 7d)\n` +
        "2 problems found; nothing will be proposed until they are fixed.\n",
    );
  });

  it("reports a target file that does not exist", async () => {
    const dir = tmpRepo({
      ".github/governor.yml": VALID_CONFIG,
      "apps/checkout/values.yaml": "config: {}\n",
    });
    const r = await runCli("validate", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, ".github/governor.yml")}:11:13: levers[0].target.file: "apps/checkout/deployment.yaml" does not exist in the repository\n`,
    );
  });

  it("refuses a target file that escapes the repository through a symlink", async () => {
    const outside = tmpDir();
    const dir = tmpRepo({
      ".github/governor.yml": VALID_CONFIG,
      "apps/checkout/values.yaml": "config: {}\n",
    });
    symlink(dir, "apps/checkout/deployment.yaml", join(outside, "secret.yaml"));
    symlink(outside, "secret.yaml", "/etc/hostname");
    const r = await runCli("validate", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /levers\[0\]\.target\.file: "apps\/checkout\/deployment\.yaml" resolves outside the repository through a symlink: point the lever at a file inside it$/m,
    );
  });

  it("refuses a symlinked directory that escapes the repository", async () => {
    const outside = tmpRepo({ "values.yaml": "config: {}\n" });
    const dir = tmpRepo({
      ".github/governor.yml": VALID_CONFIG,
      "apps/checkout/deployment.yaml": "kind: Deployment\n",
    });
    symlink(dir, "apps/checkout/values.yaml", join(outside, "values.yaml"));
    const r = await runCli("validate", "--repo", dir);
    expect(r.stderr).toMatch(
      /levers\[1\]\.target\.file: "apps\/checkout\/values\.yaml" resolves outside the repository/,
    );
  });

  it("allows a symlink that stays inside the repository", async () => {
    const dir = tmpRepo({
      ".github/governor.yml": VALID_CONFIG,
      "apps/checkout/deployment.yaml": DEPLOYMENT,
      "shared/values.yaml": VALUES,
    });
    symlink(dir, "apps/checkout/values.yaml", "../../shared/values.yaml");
    expect((await runCli("validate", "--repo", dir)).code).toBe(0);
  });

  it("says where to put the config when there is none", async () => {
    const dir = tmpRepo({ "README.md": "hi" });
    const r = await runCli("validate", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${join(dir, ".github/governor.yml")}: not found. Governor is configured by .github/governor.yml in the repository (see the README's configuration reference), or pass another folder with --repo DIR\n`,
    );
  });

  it("says when the folder does not exist", async () => {
    const r = await runCli("validate", "--repo", "/nonexistent/governor-repo");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "/nonexistent/governor-repo: no such directory (pass the repository's folder with --repo DIR)\n",
    });
  });

  it("refuses a config that is not UTF-8", async () => {
    const dir = tmpRepo({
      ".github/governor.yml": new Uint8Array([0x76, 0x65, 0x72, 0x3a, 0x20, 0xff, 0x0a]),
    });
    const r = await runCli("validate", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, ".github/governor.yml")}:1:6: file is not valid UTF-8 (byte 0xff at offset 5): save it as UTF-8\n`,
    );
  });

  it("refuses a config over 1 MiB before reading it", async () => {
    const dir = tmpRepo({ ".github/governor.yml": `# ${"x".repeat(1024 * 1024)}\nversion: 1\n` });
    const r = await runCli("validate", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${join(dir, ".github/governor.yml")}: ".github/governor.yml" is 1048590 bytes; Governor reads YAML files of at most 1 MiB\n`,
    );
  });

  it("refuses a config that is a symlink out of the repository", async () => {
    const outside = tmpRepo({ "governor.yml": VALID_CONFIG });
    const dir = tmpRepo({});
    symlink(dir, ".github/governor.yml", join(outside, "governor.yml"));
    const r = await runCli("validate", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/resolves outside the repository/);
  });

  it("refuses a config that is not YAML", async () => {
    const dir = tmpRepo({ ".github/governor.yml": "version: 1\nlevers: [\n" });
    const r = await runCli("validate", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${join(dir, ".github/governor.yml")}:\\d+:\\d+: not valid YAML: `));
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("checks the repository's own policies and lets levers use them", async () => {
    const policy = `id: pool-size
description: Pool size by latency.
valueType: integer
signals: {latency: max(latency_seconds), busy: max(pool_busy_ratio)}
strategy: {type: slo-step, signal: latency, target: 0.2, saturation: {signal: busy, threshold: 0.8}}
hypothesis: {signal: latency, expect: below, value: 0.2}
risk: low
`;
    const config = VALID_CONFIG.replace("policy: slo-step", "policy: pool-size");
    const ok = tmpRepo({
      ".github/governor.yml": config,
      ".github/governor/policies/pool-size.yaml": policy,
      ...TARGETS,
    });
    expect(await runCli("validate", "--repo", ok)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("(1 of the repo's own)"),
    });
    const bad = tmpRepo({
      ".github/governor.yml": config,
      ".github/governor/policies/pool-size.yaml": policy.replace("risk: low", "risk: tiny"),
      ...TARGETS,
    });
    const r = await runCli("validate", "--repo", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(bad, ".github/governor/policies/pool-size.yaml")}:7:7: risk: expected one of: low | medium | high, found "tiny"\n`,
    );
    expect(r.stderr).toContain('levers[1].policy: unknown policy "pool-size"');
  });

  it("prints usage for an unknown command and exits 1", async () => {
    const r = await runCli("valdate");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown command 'valdate'.*\(Did you mean validate\?\)/s);
  });

  it("prints help and exits 0", async () => {
    const r = await runCli("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/validate \[options\]/);
  });
});

describe("the public contract", () => {
  it("accepts the documented example config and policy verbatim", async () => {
    const dir = new URL("../fixtures/contract", import.meta.url).pathname;
    const r = await runCli("validate", "--repo", dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /valid — 2 levers using 2 policies \(1 of the repo's own\), 1 guardrail, mode suggest; every target found in its file\n$/,
    );
    expect(r.code).toBe(0);
  });
});
