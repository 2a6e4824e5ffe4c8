import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { findImpurities } from "./core-purity.js";

const root = new URL("../..", import.meta.url).pathname;
const coreDir = join(root, "src", "core");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

describe("the core is pure", () => {
  const files = tsFiles(coreDir);

  it("has files to check", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("imports no I/O, reads no clock, no randomness, no environment", () => {
    const found = files.flatMap((f) => findImpurities(relative(root, f), readFileSync(f, "utf8")));
    expect(found.map((i) => `${i.file}:${i.line}: ${i.what}`)).toEqual([]);
  });

  it("the check catches each kind of impurity", () => {
    const bad = [
      'import { readFile } from "node:fs/promises";',
      'import { Octokit } from "@octokit/rest";',
      'export { simpleGit } from "simple-git";',
      'import type { Probot } from "probot";',
      "import cp = require('child_process');",
      "const a = await fetch('http://x');",
      "const b = Date.now();",
      "const c = new Date();",
      "const d = Math.random();",
      "const e = process.env.HOME;",
      "setTimeout(() => 1, 5);",
      "const f = await import('node:fs');",
      "const g = performance.now();",
    ].join("\n");
    expect(findImpurities("bad.ts", bad).map((i) => i.line)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
    ]);
  });

  it("allows what is pure", () => {
    const good = [
      'import { parseDocument } from "yaml";',
      'import { z } from "zod";',
      "const t = new Date(now);",
      "const o = { process: 1 };",
      "const p = o.process;",
      "const ms = Date.parse('2026-01-01T00:00:00Z');",
    ].join("\n");
    expect(findImpurities("good.ts", good)).toEqual([]);
  });
});
