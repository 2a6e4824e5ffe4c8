import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * Least privilege, kept true: every event app.yml subscribes to has a handler, every handler's
 * event is subscribed, and the README's permission table says what each permission is for.
 */
const root = join(import.meta.dirname, "..", "..");
const manifest = parse(readFileSync(join(root, "app.yml"), "utf8")) as {
  default_events: string[];
  default_permissions: Record<string, string>;
};
const appSource = readdirSync(join(root, "src", "app"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join(root, "src", "app", f), "utf8"))
  .join("\n");
const readme = readFileSync(join(root, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## The GitHub App"), readme.indexOf("### One tuning PR's life"));

/** The events the App's handlers listen to: `app.on("push"`, `app.on(["pull_request.closed", …]`. */
function handledEvents(): Set<string> {
  const out = new Set<string>();
  for (const m of appSource.matchAll(/app\.on\(\s*(\[[^\]]*\]|"[^"]+")/g))
    for (const name of (m[1] ?? "").matchAll(/"([a-z_]+)(?:\.[a-z_]+)?"/g)) out.add(name[1] as string);
  return out;
}

/** The rows of a README table whose first column is a code span: name → the other cells. */
function tableRows(header: string): Map<string, string[]> {
  const start = section.indexOf(header);
  expect(start, `README table "${header}"`).toBeGreaterThan(-1);
  const rows = new Map<string, string[]>();
  for (const line of section.slice(start).split("\n").slice(2)) {
    const t = line.trim();
    if (!t.startsWith("|")) break;
    const cells = t
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    for (const name of (cells[0] ?? "").matchAll(/`([a-z_]+)`/g)) rows.set(name[1] as string, cells.slice(1));
  }
  return rows;
}

describe("app.yml asks for no more than Governor uses", () => {
  it("subscribes to exactly the events the App handles", () => {
    expect(new Set(manifest.default_events)).toEqual(handledEvents());
  });

  it("asks no permission that nothing uses (checks: nothing reads check runs)", () => {
    expect(manifest.default_permissions).not.toHaveProperty("checks");
    expect(
      appSource + readFileSync(join(root, "src", "adapters", "github", "writes.ts"), "utf8"),
    ).not.toMatch(/check-runs|check-suites/);
  });

  it("the README says what each permission and each event is for", () => {
    const permissions = tableRows("| permission | access | what for |");
    expect([...permissions.keys()].sort()).toEqual(Object.keys(manifest.default_permissions).sort());
    for (const [name, access] of Object.entries(manifest.default_permissions)) {
      expect(permissions.get(name)?.[0], name).toBe(access);
      expect(permissions.get(name)?.[1]?.length ?? 0, `what ${name} is for`).toBeGreaterThan(10);
    }
    const events = tableRows("| event | what Governor does with it |");
    expect([...events.keys()].sort()).toEqual([...manifest.default_events].sort());
  });
});
