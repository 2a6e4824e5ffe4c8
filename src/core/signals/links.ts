import { z } from "zod";
import { err, ok, type Result } from "../result.js";
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
  datasource: string | undefined,
  query: string,
  start: number,
  end: number,
): string {
  // Without a datasource Explore opens the default one, which is the operator's Prometheus.
  const panes = {
    a: {
      ...(datasource !== undefined ? { datasource } : {}),
      queries: [
        {
          refId: "A",
          expr: query,
          ...(datasource !== undefined ? { datasource: { type: "prometheus", uid: datasource } } : {}),
        },
      ],
      range: { from: String(start), to: String(end) },
    },
  };
  const params = new URLSearchParams({ schemaVersion: "1", panes: JSON.stringify(panes), orgId: "1" });
  return `${redactUrl(grafanaUrl)}/explore?${params.toString()}`;
}

const publicUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      const u = URL.canParse(v.trim()) ? new URL(v.trim()) : undefined;
      if (!u || (u.protocol !== "https:" && u.protocol !== "http:")) {
        ctx.addIssue({
          code: "custom",
          message: `"${v}" is not an http(s) URL: give the ${name} address a reviewer's browser opens`,
        });
        return z.NEVER;
      }
      return redactUrl(u.toString());
    });

/**
 * The operator's browser-reachable bases for evidence links (App and CLI alike). The Prometheus
 * Governor queries is often an in-cluster address a reviewer cannot open: links use these, and
 * without them a PR shows the query text instead.
 */
export const publicLinkEnv = z.object({
  PROMETHEUS_PUBLIC_URL: publicUrl("Prometheus"),
  GRAFANA_URL: publicUrl("Grafana"),
});

export interface PublicLinks {
  readonly prometheus?: string | undefined;
  readonly grafana?: string | undefined;
}

/** The public bases from the environment, or the variable that is wrong and why. */
export function publicLinksFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): Result<PublicLinks, string> {
  const p = publicLinkEnv.safeParse(env);
  if (!p.success) return err(p.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  return ok({ prometheus: p.data.PROMETHEUS_PUBLIC_URL, grafana: p.data.GRAFANA_URL });
}

/**
 * Where a decision's links point: the operator's public Prometheus; the operator's Grafana (with
 * the repository's datasource, if it names one) before the repository's own Grafana.
 */
export function linkBases(
  links: PublicLinks,
  repoGrafana: { readonly url: string; readonly datasource: string } | undefined,
): {
  prometheus?: string | undefined;
  grafana?: { url: string; datasource?: string | undefined } | undefined;
} {
  const grafana = links.grafana
    ? { url: links.grafana, datasource: repoGrafana?.datasource }
    : repoGrafana
      ? { url: repoGrafana.url, datasource: repoGrafana.datasource }
      : undefined;
  return { prometheus: links.prometheus, grafana };
}
