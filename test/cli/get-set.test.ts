import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { symlink, tmpDir } from "../helpers/tmp-repo.js";

const EXAMPLE = new URL("../../examples/infra", import.meta.url).pathname;
const DEPLOYMENT = "apps/checkout/deployment.yaml";

/** A scratch copy of the example repository. */
function example(): string {
  const dir = tmpDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}
const read = (dir: string, file = DEPLOYMENT) => readFileSync(join(dir, file), "utf8");

describe("governor get", () => {
  it.each([
    ["checkout-cpu", "500m"],
    ["checkout-memory", "512Mi"],
    ["frontend-min-replicas", "4"],
    ["checkout-db-pool", "20"],
  ])("prints %s as written", async (id, value) => {
    expect(await runCli("get", id, "--repo", EXAMPLE)).toEqual({ code: 0, stdout: `${value}\n`, stderr: "" });
  });

  it("names the levers there are when the id is unknown", async () => {
    const r = await runCli("get", "checkout-cpus", "--repo", EXAMPLE);
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr: `${join(EXAMPLE, ".github/governor.yml")}: no lever "checkout-cpus" (did you mean "checkout-cpu"?)\n`,
    });
  });

  it("says when the field is not set yet", async () => {
    const dir = example();
    writeFileSync(
      join(dir, DEPLOYMENT),
      read(dir).replace("              cpu: 500m      # sized for the 2025 peak; revisit\n", ""),
    );
    const r = await runCli("get", "checkout-cpu", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${join(dir, DEPLOYMENT)}: Deployment checkout, container server, field resources.requests.cpu: not set yet (governor set checkout-cpu VALUE adds it)\n`,
    );
  });

  it("refuses to act on an invalid configuration", async () => {
    const dir = example();
    const config = join(dir, ".github/governor.yml");
    writeFileSync(config, readFileSync(config, "utf8").replace("cooldown: 24h", "cooldown: soon"));
    const r = await runCli("get", "checkout-cpu", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${config}:43:15: levers[0].cooldown: "soon" is not a duration`);
    expect(r.stderr).toContain("fix them first (governor validate --repo");
  });
});

describe("governor set", () => {
  it("writes the value in the file's style and changes only that line", async () => {
    const dir = example();
    const before = read(dir);
    expect(await runCli("set", "checkout-cpu", "0.75", "--repo", dir)).toEqual({
      code: 0,
      stdout: `${join(dir, DEPLOYMENT)}: checkout-cpu 500m -> 750m\n`,
      stderr: "",
    });
    expect(read(dir)).toBe(before.replace("cpu: 500m      # sized", "cpu: 750m      # sized"));
    expect(await runCli("get", "checkout-cpu", "--repo", dir)).toMatchObject({ stdout: "750m\n" });
  });

  it("leaves the file byte-identical when the value is already there in another spelling", async () => {
    const dir = example();
    const before = read(dir);
    expect(await runCli("set", "checkout-cpu", "0.5", "--repo", dir)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("already 500m"),
    });
    expect(read(dir)).toBe(before);
  });

  it.each([
    ["3", "3 is outside the bounds of lever checkout-cpu: [100m, 2]"],
    ["50m", "50m is outside the bounds of lever checkout-cpu: [100m, 2]"],
    ["fast", '"fast" is not a Kubernetes quantity'],
  ])("refuses %s and leaves the file untouched", async (value, message) => {
    const dir = example();
    const before = read(dir);
    const r = await runCli("set", "checkout-cpu", value, "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(read(dir)).toBe(before);
  });

  it("refuses a value the file holds in the wrong type, leaving it untouched", async () => {
    const dir = example();
    const values = "apps/checkout/values.yaml";
    writeFileSync(join(dir, values), read(dir, values).replace("poolSize: 20", "poolSize: 20m"));
    const before = read(dir, values);
    const r = await runCli("set", "checkout-db-pool", "25", "--repo", dir);
    expect(r).toMatchObject({ code: 1, stdout: "" });
    expect(r.stderr).toBe(
      `${join(dir, values)}: path config.database.poolSize: found "20m" where a integer value is expected ("20m" is not an integer); the file was not changed\n`,
    );
    expect(read(dir, values)).toBe(before);
  });

  it("creates a missing resources field", async () => {
    const dir = example();
    const text = read(dir).replace(
      "            requests:\n              cpu: 500m      # sized for the 2025 peak; revisit\n              memory: 512Mi\n",
      "",
    );
    writeFileSync(join(dir, DEPLOYMENT), text);
    expect(await runCli("set", "checkout-cpu", "250m", "--repo", dir)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("checkout-cpu (not set) -> 250m"),
    });
    expect(read(dir)).toBe(
      text.replace(
        "            limits:\n              memory: 1Gi\n",
        "            limits:\n              memory: 1Gi\n            requests:\n              cpu: 250m\n",
      ),
    );
  });

  it("keeps CRLF line endings and a byte-order mark", async () => {
    const dir = example();
    const crlf = `\uFEFF${read(dir).replace(/\n/g, "\r\n")}`;
    writeFileSync(join(dir, DEPLOYMENT), crlf);
    expect((await runCli("set", "checkout-memory", "1Gi", "--repo", dir)).code).toBe(0);
    expect(read(dir)).toBe(crlf.replace("memory: 512Mi\r\n", "memory: 1Gi\r\n"));
  });

  it("writes through a symlink that stays inside the repository", async () => {
    const dir = example();
    cpSync(join(dir, "apps/checkout/values.yaml"), join(dir, "shared-values.yaml"));
    symlink(dir, "apps/checkout/values.yaml.link", "../../shared-values.yaml");
    const config = join(dir, ".github/governor.yml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace(
        "file: apps/checkout/values.yaml",
        "file: apps/checkout/values.yaml.link",
      ),
    );
    expect((await runCli("set", "checkout-db-pool", "30", "--repo", dir)).code).toBe(0);
    expect(read(dir, "shared-values.yaml")).toContain("poolSize: 30\n");
  });
});

describe("a lever pointed at another forge's CI definition", () => {
  it("is refused by set, and the pipeline's bytes are unchanged", async () => {
    const dir = example();
    const pipeline = "deploy:\n  config:\n    poolSize: 20\n";
    writeFileSync(join(dir, ".gitlab-ci.yml"), pipeline);
    const config = join(dir, ".github/governor.yml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace("file: apps/checkout/values.yaml", "file: .gitlab-ci.yml"),
    );
    const r = await runCli("set", "checkout-db-pool", "30", "--repo", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('".gitlab-ci.yml" is a CI definition');
    expect(read(dir, ".gitlab-ci.yml")).toBe(pipeline);
  });
});
