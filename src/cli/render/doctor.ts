import { formatDuration } from "../../core/units/duration.js";
import type { LeverCheck, MetricCheck, QueryCheck } from "../commands/doctor.js";

/** Built-in policies with a variant for a cluster that lacks an exporter they read. */
const VARIANTS: Readonly<Record<string, { exporter: string; variant: string }>> = {
  "k8s-memory-request": { exporter: "kube-state-metrics", variant: "k8s-memory-request-cadvisor" },
};

/**
 * What is missing of one metric of a query, in words: the exporter, the query's own matchers, or
 * the selector that matches nothing. `present` maps an exporter to a metric of it that has series,
 * when one has: then the exporter runs, and installing it is not the advice.
 */
export function missingMetric(
  m: MetricCheck,
  present: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  const name = m.metric ?? m.selector;
  if (m.current === 0)
    return `${name}: no sample in the last 5m, though ${m.series} series had some in the lookback — ${m.exporter ? `${m.exporter.name} stopped, or Prometheus stopped scraping it` : "the metric stopped"}`;
  if (m.series !== 0) return undefined;
  if (m.leverSeries !== null && m.leverSeries > 0)
    return `${name}: ${m.leverSeries} series of ${m.leverPart}, none also matching the query's own ${m.own.join(", ")} in the lookback — the lever's selector is fine; if none is normal (no errors yet), write that part as (… or vector(0)) so the query gives 0 instead of no data`;
  const other = m.exporter ? present.get(m.exporter.name) : undefined;
  if (m.anyLabels === 0 && m.exporter && other !== undefined)
    return `${name}: no series at all, though ${m.exporter.name} runs (${other} has series): it exports none of this metric yet (or it is turned off there)`;
  if (m.anyLabels === 0)
    return `${name}: no series at all — ${m.exporter ? `exported by ${m.exporter.name}: ${m.exporter.hint}` : "nothing exports it"}`;
  if (m.anyLabels !== null && m.anyLabels > 0)
    return `${name}: ${m.anyLabels} series, none matching ${m.selector} in the lookback — check the lever's selector`;
  return `${name}: no series matching ${m.selector} in the lookback`;
}

const status = (q: QueryCheck) => (q.status === "ok" ? "ok" : `${q.status}: ${q.reason ?? ""}`);

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join("  ")
    .trimEnd();
}

/** doctor's report: one row per lever and query, the scoped query and what is missing under it, then a summary. */
export function renderDoctorText(levers: readonly LeverCheck[], outage = false): string {
  const header = ["LEVER", "QUERY", "SERIES", "SAMPLES", "NEWEST", "STATUS"];
  const rows: Array<{ cells: string[]; more: string[] }> = [];
  const present = presentExporters(levers);
  for (const l of levers) {
    if (l.problem !== null)
      rows.push({ cells: [l.lever, "(lever)", "", "", "", `unresolved: ${l.problem}`], more: [] });
    else if (outage)
      rows.push({
        cells: [
          l.lever,
          "(lever)",
          "",
          "",
          "",
          `resolved: ${l.value ?? "(not set)"} in ${l.file}; queries not run`,
        ],
        more: [],
      });
    for (const q of l.queries) {
      const more = [
        `query: ${q.query}`,
        // An ok row's empty part is the query's own business (an `or` that covers it): no advice.
        ...(q.status === "ok" ? [] : q.metrics)
          .flatMap((m) => missingMetric(m, present) ?? [])
          .map((t) => `missing: ${t}`),
      ];
      rows.push({
        cells: [
          l.lever,
          `${q.kind} ${q.name}`,
          String(q.series),
          `${q.samples}/${q.expected}`,
          q.ageMs === null ? "-" : `${formatDuration(Math.round(q.ageMs / 1000) * 1000)} ago`,
          status(q),
        ],
        more,
      });
    }
  }
  const widths = header.map((h, i) =>
    i === header.length - 1 ? 0 : Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? "").length)),
  );
  const indent = " ".repeat((widths[0] ?? 0) + 2);
  const out = [pad(header, widths)];
  for (const r of rows) out.push(pad(r.cells, widths), ...r.more.map((m) => `${indent}  ${m}`));
  out.push(
    "",
    ...(outage
      ? [
          `${levers.filter((l) => l.problem === null).length} of ${levers.length} lever${levers.length === 1 ? "" : "s"} resolved in ${levers.length === 1 ? "its file" : "their files"}; none can be evaluated without Prometheus`,
        ]
      : summary(levers)),
  );
  return `${out.join("\n")}\n`;
}

function summary(levers: readonly LeverCheck[]): string[] {
  const ready = levers.filter((l) => l.problem === null && l.queries.every((q) => q.status === "ok"));
  const lines = [
    `${ready.length} of ${levers.length} lever${levers.length === 1 ? "" : "s"} can be evaluated${
      ready.length === levers.length
        ? ""
        : `; not: ${levers
            .filter((l) => !ready.includes(l))
            .map((l) => l.lever)
            .join(", ")}`
    }`,
  ];
  // Only what kept a row from ok counts, and an exporter is absent only when none of its metrics has series.
  const present = presentExporters(levers);
  const absent = new Map<string, Set<string>>();
  const stopped = new Map<string, Set<string>>();
  const add = (to: Map<string, Set<string>>, exporter: string, metric: string) =>
    to.set(exporter, (to.get(exporter) ?? new Set()).add(metric));
  const blockedOn = new Map<string, Set<string>>();
  for (const l of levers)
    for (const q of l.queries) {
      if (q.status === "ok") continue;
      for (const m of q.metrics) {
        if (!m.exporter || !m.metric) continue;
        if (m.current === 0) add(stopped, m.exporter.name, m.metric);
        else if (m.series === 0 && m.anyLabels === 0 && !present.has(m.exporter.name)) {
          add(absent, m.exporter.name, m.metric);
          add(blockedOn, l.lever, m.exporter.name);
        }
      }
    }
  for (const [exporter, metrics] of absent)
    lines.push(`no series at all from ${exporter}: ${[...metrics].join(", ")}`);
  for (const [exporter, metrics] of stopped)
    lines.push(
      `${exporter}'s series stopped (samples in the lookback, none in the last 5m): ${[...metrics].join(", ")} — is it still running and scraped?`,
    );
  for (const l of levers) {
    const v = VARIANTS[l.policy];
    if (v && blockedOn.get(l.lever)?.has(v.exporter))
      lines.push(
        `${l.lever}: without ${v.exporter}, the built-in policy ${v.variant} works from cAdvisor's metrics alone (set policy: ${v.variant} on the lever)`,
      );
  }
  return lines;
}

/** For each exporter with a metric that has series somewhere in the report: one such metric. */
function presentExporters(levers: readonly LeverCheck[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of levers)
    for (const q of l.queries)
      for (const m of q.metrics) {
        const seen = (m.series ?? 0) > 0 || (m.anyLabels ?? 0) > 0 || (m.leverSeries ?? 0) > 0;
        // Not "the application": one service's metrics say nothing of another's.
        if (
          seen &&
          m.exporter &&
          m.metric &&
          m.exporter.name !== "the application" &&
          !out.has(m.exporter.name)
        )
          out.set(m.exporter.name, m.metric);
      }
  return out;
}
