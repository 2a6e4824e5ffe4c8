import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { findBinary, prometheusAvailable } from "../integration/prometheus-server.js";

/**
 * The Grafana dashboard and the Prometheus alert rules shipped in deploy/: valid for promtool,
 * the alerts fire on the series they are about (promtool's own unit tests), and every metric
 * they name is one the App exports.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const rulesDir = join(root, "deploy", "prometheus");
const dashboard = JSON.parse(
  readFileSync(join(root, "deploy", "grafana", "governor-dashboard.json"), "utf8"),
) as {
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
};
const rules = parse(readFileSync(join(rulesDir, "governor-alerts.yml"), "utf8")) as {
  groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
};
const dashboardExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
const alertExprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));

/** The metric names a PromQL expression reads (the App's own and the process metrics). */
const namesIn = (expr: string) =>
  [...expr.matchAll(/\b(?:governor|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]);

async function exported(): Promise<Map<string, string>> {
  const all = await createMetrics().registry.getMetricsAsJSON();
  return new Map(all.map((m) => [m.name, String(m.type)] as const));
}

/** A series name as the registry calls its metric: a histogram's _bucket/_count/_sum are the histogram. */
function metricOf(series: string, registry: ReadonlyMap<string, string>): string {
  const base = series.replace(/_(bucket|count|sum)$/, "");
  return base !== series && registry.get(base) === "histogram" ? base : series;
}

describe("deploy/: Grafana dashboard and Prometheus alerts for the App's metrics", () => {
  it("every metric the dashboard and the alerts name is in the App's registry", async () => {
    const registry = await exported();
    const named = [...dashboardExprs, ...alertExprs].flatMap(namesIn);
    expect(named.length).toBeGreaterThan(10);
    const unknown = named.filter((n) => !registry.has(metricOf(n, registry)));
    expect(unknown, "names no metric of the App").toEqual([]);
  });

  it("every metric of the App's own is on the dashboard", async () => {
    const registry = await exported();
    const shown = new Set(dashboardExprs.flatMap(namesIn).map((n) => metricOf(n, registry)));
    const own = [...registry.keys()].filter((n) => n.startsWith("governor_"));
    expect(own.filter((n) => !shown.has(n))).toEqual([]);
  });

  it.runIf(prometheusAvailable())(
    "promtool checks the rules and runs their unit tests",
    async () => {
      const promtool = findBinary("promtool") as string;
      const checked = await run(promtool, ["check", "rules", "governor-alerts.yml"], { cwd: rulesDir });
      expect(checked.stdout).toContain(`SUCCESS: ${alertExprs.length} rules found`);
      const tested = await run(promtool, ["test", "rules", "governor-alerts.test.yml"], { cwd: rulesDir });
      expect(tested.stdout).toContain("SUCCESS");
    },
    30_000,
  );
});
