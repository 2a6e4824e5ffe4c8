import { grafanaExploreLink, prometheusGraphLink } from "../signals/links.js";
import { rangeKey } from "../signals/recording.js";
import type { SignalRequest } from "../signals/requests.js";
import type { SignalData } from "../signals/source.js";
import { maxOf, mean, quantile } from "../stats/describe.js";
import type { Evidence } from "./decision.js";

const num = (x: number) => Number(x.toPrecision(3)).toString();

/** Where evidence links point: the Prometheus a person can open, and Grafana when configured. */
export interface LinkBases {
  readonly prometheus?: string | undefined;
  readonly grafana?: { readonly url: string; readonly datasource?: string | undefined } | undefined;
}

/** One row of evidence per question asked: the numbers, or why there are none, and links to the exact query and range. */
export function evidenceFor(
  requests: readonly SignalRequest[],
  answers: ReadonlyMap<string, SignalData>,
  links: LinkBases,
): Evidence[] {
  return requests.map((r) => {
    const data = answers.get(rangeKey(r));
    let value: string;
    let series: Array<[number, number]> | undefined;
    if (!data) value = "not asked";
    else if (data.status === "missing") value = `missing: ${data.reason}`;
    else {
      const v = data.samples.map((s) => s.v);
      value = `mean ${num(mean(v))}, p95 ${num(quantile(v, 0.95))}, max ${num(maxOf(v))} over ${v.length} samples${data.warnings.length > 0 ? ` (warnings: ${data.warnings.join("; ")})` : ""}`;
      series = data.samples.map((s) => [s.t, s.v]);
    }
    return {
      signal: r.kind === "guardrail" ? `${r.name} (guardrail)` : r.name,
      query: r.query,
      value,
      ...(links.prometheus ? { link: prometheusGraphLink(links.prometheus, r.query, r.start, r.end) } : {}),
      ...(links.grafana
        ? {
            grafana: grafanaExploreLink(links.grafana.url, links.grafana.datasource, r.query, r.start, r.end),
          }
        : {}),
      ...(series ? { series } : {}),
    };
  });
}
