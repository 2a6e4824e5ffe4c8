import { endpointFromEnv, type PrometheusEndpoint } from "../adapters/prometheus/endpoint.js";
import { PrometheusSignalSource } from "../adapters/prometheus/signal-source.js";
import { err, ok, type Result } from "../core/result.js";
import type { PublicLinks } from "../core/signals/links.js";
import type { Endpoint } from "../reconcile/github.js";

export const DEFAULT_ENDPOINT = "default";

/**
 * The operator's Prometheus endpoints: PROMETHEUS_URL is the default, PROMETHEUS_URL_<NAME> a
 * named one (a repository picks it with `prometheus.endpoint: <name>`, lowercase, `_` as `-`).
 * The auth variables apply to all of them. Every URL here is the operator's: a repository only
 * picks one by name, so it can never send the credentials to a server of its choosing.
 */
export function operatorEndpoints(
  env: Readonly<Record<string, string | undefined>>,
): Result<Map<string, PrometheusEndpoint>, string> {
  const out = new Map<string, PrometheusEndpoint>();
  for (const [key, value] of Object.entries(env)) {
    const m = /^PROMETHEUS_URL(?:_([A-Z0-9_]+))?$/.exec(key);
    if (!m || !value) continue;
    const name = m[1] ? m[1].toLowerCase().replace(/_/g, "-") : DEFAULT_ENDPOINT;
    const e = endpointFromEnv(env, value);
    if (!e.ok) return err(`${key}: ${e.error}`);
    out.set(name, e.value);
  }
  if (!out.has(DEFAULT_ENDPOINT))
    return err(
      "PROMETHEUS_URL is not set. The App reads metrics only from the operator's Prometheus (a repository's prometheus.url is for the CLI and is ignored here).",
    );
  return ok(out);
}

/**
 * A fresh source (and circuit breaker) per reconcile, for the endpoint a repository named. Links
 * point at the operator's public Prometheus (PROMETHEUS_PUBLIC_URL, for the default endpoint
 * only), never at the address Governor queries, which a reviewer often cannot open.
 */
export function endpointChooser(
  endpoints: ReadonlyMap<string, PrometheusEndpoint>,
  links: PublicLinks = {},
): (name: string | undefined) => Endpoint | string {
  return (name) => {
    const e = endpoints.get(name ?? DEFAULT_ENDPOINT);
    if (!e)
      return `unknown endpoint "${name}"; the operator offers: ${[...endpoints.keys()].sort().join(", ")}`;
    const url = (name ?? DEFAULT_ENDPOINT) === DEFAULT_ENDPOINT ? links.prometheus : undefined;
    return { source: new PrometheusSignalSource(e), url, grafana: links.grafana };
  };
}
