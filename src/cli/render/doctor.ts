import { formatDuration } from "../../core/units/duration.js";
import type { LeverCheck, MetricCheck, QueryCheck } from "../commands/doctor.js";

/** Built-in policies with a variant for a cluster that lacks an exporter they read. */
const VARIANTS: Readonly<Record<string, { exporter: string; variant: string }>> = {
  "k8s-memory-request": { exporter: "kube-state-metrics", variant: "k8s-memory-request-cadvisor" },
};

/** What is missing of one metric of a query, in words: the exporter, or the selector that matches nothing. */
export function missingMetric(m: MetricCheck): string | undefined {
  if (m.series !== 0) return undefined;
  const name = m.metric ?? m.selector;
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
export function renderDoctorText(levers: readonly LeverCheck[]): string {
  const header = ["LEVER", "QUERY", "SERIES", "SAMPLES", "NEWEST", "STATUS"];
  const rows: Array<{ cells: string[]; more: string[] }> = [];
  for (const l of levers) {
    if (l.problem !== null)
      rows.push({ cells: [l.lever, "(lever)", "", "", "", `unresolved: ${l.problem}`], more: [] });
    for (const q of l.queries) {
      const more = [
        `query: ${q.query}`,
        ...q.metrics.flatMap((m) => missingMetric(m) ?? []).map((t) => `missing: ${t}`),
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
  out.push("", ...summary(levers));
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
  const absent = new Map<string, Set<string>>();
  for (const l of levers)
    for (const q of l.queries)
      for (const m of q.metrics)
        if (m.series === 0 && m.anyLabels === 0 && m.exporter && m.metric)
          absent.set(m.exporter.name, (absent.get(m.exporter.name) ?? new Set()).add(m.metric));
  for (const [exporter, metrics] of absent)
    lines.push(`no series at all from ${exporter}: ${[...metrics].join(", ")}`);
  for (const l of levers) {
    const v = VARIANTS[l.policy];
    if (v && absent.has(v.exporter))
      lines.push(
        `${l.lever}: without ${v.exporter}, the built-in policy ${v.variant} works from cAdvisor's metrics alone (set policy: ${v.variant} on the lever)`,
      );
  }
  return lines;
}
