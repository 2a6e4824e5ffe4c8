import {
  missing,
  type RangeQuery,
  type Sample,
  type SignalData,
  type SignalSource,
} from "../../core/signals/source.js";
import { MAX_POINTS } from "../../core/signals/step.js";
import type { PrometheusEndpoint } from "./endpoint.js";
import type { HttpDeps } from "./http.js";
import { PrometheusHttp, realDeps } from "./http.js";
import type { QueryData } from "./responses.js";

const seconds = (ms: number) => (ms / 1000).toFixed(3).replace(/\.?0+$/, "");

/** A SignalSource over the Prometheus HTTP API: POST, form-encoded, times from the caller's `now`. */
export class PrometheusSignalSource implements SignalSource {
  readonly http: PrometheusHttp;

  constructor(endpoint: PrometheusEndpoint, deps: HttpDeps = realDeps) {
    this.http = new PrometheusHttp(endpoint, deps);
  }

  async range(q: RangeQuery): Promise<SignalData> {
    // Never more than Prometheus' 11,000 points per series: widen the step instead.
    const minStep = Math.ceil((q.end - q.start) / (MAX_POINTS - 1) / 1000) * 1000;
    const step = Math.max(q.step, minStep, 1000);
    const r = await this.http.post(
      "/api/v1/query_range",
      { query: q.query, start: seconds(q.start), end: seconds(q.end), step: seconds(step) },
      q.query,
    );
    return r.ok
      ? toSignal(r.value.data, [...(r.value.warnings ?? []), ...(r.value.infos ?? [])])
      : missing(r.error.kind, r.error.message);
  }

  async instant(query: string, time: number): Promise<SignalData> {
    const r = await this.http.post("/api/v1/query", { query, time: seconds(time) }, query);
    return r.ok
      ? toSignal(r.value.data, [...(r.value.warnings ?? []), ...(r.value.infos ?? [])])
      : missing(r.error.kind, r.error.message);
  }
}

function seriesName(metric: Record<string, string>): string {
  const { __name__: name = "", ...rest } = metric;
  return `${name}{${Object.entries(rest)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ")}}`;
}

/** One series expected: none is missing data, several is ambiguous, NaN/±Inf are dropped, never zero. */
export function toSignal(data: QueryData, warnings: readonly string[]): SignalData {
  let points: Array<[number, string]>;
  if (data.resultType === "scalar") points = [data.result];
  else if (data.resultType === "string")
    return missing("bad-response", "the query returned a string, not numbers", warnings);
  else {
    const series = data.result;
    if (series.length === 0) return missing("empty", "no data: the query matched no series", warnings);
    if (series.length > 1) {
      const names = series
        .slice(0, 3)
        .map((s) => seriesName(s.metric))
        .join(", ");
      return missing(
        "ambiguous",
        `ambiguous: ${series.length} series where one was expected (${names}${series.length > 3 ? ", …" : ""}); aggregate the query (sum, max, …)`,
        warnings,
      );
    }
    const only = series[0] as (typeof series)[number];
    const values = "values" in only ? only.values : "value" in only && only.value ? [only.value] : undefined;
    if (!values)
      return missing(
        "bad-response",
        "the series holds native histograms, not numbers: wrap it in histogram_quantile or similar",
        warnings,
      );
    points = values;
  }
  const samples: Sample[] = [];
  let dropped = 0;
  for (const [t, v] of points) {
    const n = Number(v);
    if (Number.isFinite(n) && v.trim() !== "") samples.push({ t: Math.round(t * 1000), v: n });
    else dropped++;
  }
  if (samples.length === 0)
    return missing("not-finite", `no usable data: all ${dropped} sample(s) are NaN or ±Inf`, warnings);
  return { status: "ok", samples, warnings, dropped };
}
