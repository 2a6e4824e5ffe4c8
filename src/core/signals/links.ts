import { formatDuration } from "../units/duration.js";

/** A URL without user:password, for anything a person or a PR may see. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}

function promTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "");
}

/** Prometheus' graph page for exactly this query and range. */
export function prometheusGraphLink(baseUrl: string, query: string, start: number, end: number): string {
  const params = new URLSearchParams({
    "g0.expr": query,
    "g0.range_input": formatDuration(Math.max(1000, end - start)),
    "g0.end_input": promTime(end),
    "g0.tab": "0",
  });
  return `${redactUrl(baseUrl)}/graph?${params.toString()}`;
}

/** Grafana Explore for exactly this query and range, on the configured datasource. */
export function grafanaExploreLink(
  grafanaUrl: string,
  datasource: string,
  query: string,
  start: number,
  end: number,
): string {
  const panes = {
    a: {
      datasource,
      queries: [{ refId: "A", expr: query, datasource: { type: "prometheus", uid: datasource } }],
      range: { from: String(start), to: String(end) },
    },
  };
  const params = new URLSearchParams({ schemaVersion: "1", panes: JSON.stringify(panes), orgId: "1" });
  return `${redactUrl(grafanaUrl)}/explore?${params.toString()}`;
}
