import { readFileSync } from "node:fs";
import { err, ok, type Result } from "../../core/result.js";
import { redactUrl } from "../../core/signals/links.js";
import { parseDuration } from "../../core/units/duration.js";

/** Where and how to ask Prometheus (or Thanos, Mimir, Cortex, VictoriaMetrics). */
export interface PrometheusEndpoint {
  /** Base URL without credentials or a trailing slash. */
  readonly url: string;
  /** Sent with every request; never logged, never in messages or links. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retries: number;
}

export const ENV_HELP =
  "PROMETHEUS_URL, and for auth PROMETHEUS_BEARER_TOKEN (or _FILE), PROMETHEUS_USERNAME + PROMETHEUS_PASSWORD, PROMETHEUS_HEADERS (one 'Name: value' per line, e.g. X-Scope-OrgID: team-a)";

/**
 * The endpoint from the operator's environment. Credentials come only from here, never from a
 * repository's config; `url` (the CLI's --prometheus or the repo's prometheus.url) may replace
 * the URL alone.
 */
export function endpointFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  url?: string,
): Result<PrometheusEndpoint, string> {
  const raw = url ?? env.PROMETHEUS_URL;
  if (!raw)
    return err(
      `no Prometheus URL: pass --prometheus URL, set prometheus.url in .github/governor.yml, or set ${ENV_HELP}`,
    );
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return err(`the Prometheus URL ${JSON.stringify(redactUrl(raw))} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return err(`the Prometheus URL must be http(s), not ${parsed.protocol}`);
  const headers: Record<string, string> = {};
  const user = env.PROMETHEUS_USERNAME ?? decodeURIComponent(parsed.username);
  const password = env.PROMETHEUS_PASSWORD ?? decodeURIComponent(parsed.password);
  if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  let token = env.PROMETHEUS_BEARER_TOKEN;
  if (!token && env.PROMETHEUS_BEARER_TOKEN_FILE) {
    try {
      token = readFileSync(env.PROMETHEUS_BEARER_TOKEN_FILE, "utf8").trim();
    } catch {
      return err(`PROMETHEUS_BEARER_TOKEN_FILE: ${env.PROMETHEUS_BEARER_TOKEN_FILE} cannot be read`);
    }
  }
  if (token) headers.authorization = `Bearer ${token}`;
  for (const line of (env.PROMETHEUS_HEADERS ?? "").split("\n")) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return err(`PROMETHEUS_HEADERS: each line is "Name: value" (a line has no name)`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let timeoutMs = 30_000;
  if (env.PROMETHEUS_TIMEOUT) {
    const t = parseDuration(env.PROMETHEUS_TIMEOUT);
    if (!t.ok) return err(`PROMETHEUS_TIMEOUT: ${t.error}`);
    timeoutMs = t.value;
  }
  return ok({ url: redactUrl(parsed.toString()), headers, timeoutMs, retries: 3 });
}
