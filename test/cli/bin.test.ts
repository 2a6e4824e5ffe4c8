import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tmpRepo } from "../helpers/tmp-repo.js";

const root = new URL("../..", import.meta.url).pathname;
const bin = `${root}bin/governor.js`;
const run = (args: string[], cwd = root) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 15_000 });

describe("the governor binary", () => {
  it("is built (npm test builds before testing; run `npm run build` when running vitest alone)", () => {
    expect(existsSync(`${root}dist/cli/main.js`)).toBe(true);
  });

  it("validates the example repository", () => {
    const r = run(["validate", "--repo", "examples/infra"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "examples/infra/.github/governor.yml: valid — 4 levers using 4 policies (0 of the repo's own), 1 guardrail, mode suggest; every target found in its file\n",
    );
    expect(r.status).toBe(0);
  });

  it("defaults --repo to the current folder", () => {
    const r = run(["validate"], `${root}examples/infra`);
    expect(r.stdout).toMatch(/^\.github\/governor\.yml: valid/);
    expect(r.status).toBe(0);
  });

  it("exits 1 with messages and no stack trace on bad input", () => {
    const dir = tmpRepo({ ".github/governor.yml": "version: 1\nlevers:\n  - id: x\n    __proto__: {}\n" });
    const r = run(["validate", "--repo", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(':4:5: the key "__proto__" is not allowed: rename or remove it');
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });

  it("runs the README's main command: the demo", () => {
    const out = tmpRepo({});
    const r = run(["simulate", "examples/scenarios/bad-change.yaml", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^scenario bad-change \(seed 11, 7d, evaluated every 1h\)\n/);
    expect(r.stdout).toContain("revert       1 → 2");
    expect(r.stdout).toMatch(/changes \d+, reverts \d+ \(false 0\), missed regressions 0/);
  });
});
