import { readFileSync } from "node:fs";
import { err, ok, type Result } from "../../core/result.js";
import { redactUrl } from "../../core/signals/links.js";
import { MAX_POINTS } from "../../core/signals/step.js";
import { parseDuration } from "../../core/units/duration.js";
import { DEFAULT_LIMITS, type ResponseLimits } from "./limits.js";

/** Where and how to ask Prometheus (or Thanos, Mimir, Cortex, VictoriaMetrics). */
export interface PrometheusEndpoint {
  /** Base URL without credentials or a trailing slash. */
  readonly url: string;
  /** Sent with every request; never logged, never in messages or links. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retries: number;
  /** How much of an answer is read before it is missing data; DEFAULT_LIMITS when absent. */
  readonly limits?: ResponseLimits | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export const ENV_HELP =
  "PROMETHEUS_URL, and for auth PROMETHEUS_BEARER_TOKEN (or _FILE), PROMETHEUS_USERNAME + PROMETHEUS_PASSWORD, PROMETHEUS_HEADERS (one 'Name: value' per line, e.g. X-Scope-OrgID: team-a)";

/**
 * The endpoint at an operator's URL: `url` (the CLI's --prometheus, the App's
 * PROMETHEUS_URL_<NAME>) or else PROMETHEUS_URL, with the credentials of the environment.
 * Never pass a URL a repository chose: that is `repoEndpoint`'s job.
 */
export function endpointFromEnv(env: Env, url?: string): Result<PrometheusEndpoint, string> {
  const raw = url ?? env.PROMETHEUS_URL;
  if (!raw)
    return err(
      `no Prometheus URL: pass --prometheus URL, set ${ENV_HELP}, or set prometheus.url in .github/governor.yml (used without credentials)`,
    );
  const parsed = parseUrl(raw);
  if (!parsed.ok) return parsed;
  const transport = transportFromEnv(env);
  if (!transport.ok) return transport;
  const headers = credentialsFromEnv(env, parsed.value);
  if (!headers.ok) return headers;
  return ok({ url: redactUrl(parsed.value.toString()), headers: headers.value, ...transport.value });
}

export interface ChosenEndpoint {
  readonly endpoint: PrometheusEndpoint;
  /** For stderr, once per run: the repository's URL is in use, and without credentials. */
  readonly notice?: string | undefined;
}

/**
 * The CLI's endpoint: --prometheus, then PROMETHEUS_URL, both with the operator's credentials;
 * only when the operator gave neither, the repository's prometheus.url, bare. A repository
 * must never be able to direct the operator's credentials to a server it chose.
 */
export function chooseEndpoint(
  env: Env,
  flag: string | undefined,
  repoUrl: string | undefined,
): Result<ChosenEndpoint, string> {
  if (flag !== undefined || env.PROMETHEUS_URL || !repoUrl) {
    const e = endpointFromEnv(env, flag);
    return e.ok ? ok({ endpoint: e.value }) : e;
  }
  const e = repoEndpoint(env, repoUrl);
  if (!e.ok) return e;
  const userinfo = new URL(repoUrl).username !== "";
  return ok({
    endpoint: e.value,
    notice: `governor: no --prometheus or PROMETHEUS_URL: asking the repository's prometheus.url (${e.value.url}) without credentials${userinfo ? " (the user:password in it is ignored)" : ""}; PROMETHEUS_BEARER_TOKEN, PROMETHEUS_USERNAME/PASSWORD and PROMETHEUS_HEADERS go only to --prometheus or PROMETHEUS_URL`,
  });
}

/** A URL from .github/governor.yml: no header, no user:password; the operator's timeout and limits. */
export function repoEndpoint(env: Env, url: string): Result<PrometheusEndpoint, string> {
  const parsed = parseUrl(url);
  if (!parsed.ok) return err(`prometheus.url in .github/governor.yml: ${parsed.error}`);
  const transport = transportFromEnv(env);
  if (!transport.ok) return transport;
  return ok({ url: redactUrl(parsed.value.toString()), headers: {}, ...transport.value });
}

function parseUrl(raw: string): Result<URL, string> {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return err(`the Prometheus URL ${JSON.stringify(redactUrl(raw))} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return err(`the Prometheus URL must be http(s), not ${parsed.protocol}`);
  return ok(parsed);
}

/** Authorization and extra headers for an operator's URL (its own user:password included). */
function credentialsFromEnv(env: Env, url: URL): Result<Record<string, string>, string> {
  const headers: Record<string, string> = {};
  let user: string;
  let password: string;
  try {
    user = env.PROMETHEUS_USERNAME ?? decodeURIComponent(url.username);
    password = env.PROMETHEUS_PASSWORD ?? decodeURIComponent(url.password);
  } catch {
    return err(
      "the user:password in the Prometheus URL has a % that is not followed by two hex digits (the value is not shown): write % as %25, or use PROMETHEUS_USERNAME / PROMETHEUS_PASSWORD",
    );
  }
  if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  let token = env.PROMETHEUS_BEARER_TOKEN;
  if (!token && env.PROMETHEUS_BEARER_TOKEN_FILE) {
    try {
      token = readFileSync(env.PROMETHEUS_BEARER_TOKEN_FILE, "utf8").trim();
    } catch {
      return err(`PROMETHEUS_BEARER_TOKEN_FILE: ${env.PROMETHEUS_BEARER_TOKEN_FILE} cannot be read`);
    }
  }
  if (token) {
    const from = env.PROMETHEUS_BEARER_TOKEN ? "PROMETHEUS_BEARER_TOKEN" : "PROMETHEUS_BEARER_TOKEN_FILE";
    if (!HEADER_VALUE.test(token)) return err(notAHeader(from, "the token"));
    headers.authorization = `Bearer ${token}`;
  }
  for (const line of (env.PROMETHEUS_HEADERS ?? "").split("\n")) {
    if (line.trim() === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return err(`PROMETHEUS_HEADERS: each line is "Name: value" (a line has no name)`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!HEADER_NAME.test(name)) return err(notAHeader("PROMETHEUS_HEADERS", "a header name"));
    if (!HEADER_VALUE.test(value)) return err(notAHeader("PROMETHEUS_HEADERS", `the value of ${name}`));
    headers[name] = value;
  }
  return ok(headers);
}

/**
 * What HTTP allows in a header (RFC 9110 field-name and field-value). Checked here because fetch
 * refuses anything else with an error that quotes the whole header, secret included, and that
 * error would become every signal's missing-data reason: on stdout, in a recording, on a dashboard.
 */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const notAHeader = (variable: string, what: string) =>
  `${variable}: ${what} has a line break or a control character, which an HTTP header cannot carry (the value is not shown): write it on one line`;

/** What every endpoint shares, credentials or not: the timeout, the retries, the response limits. */
function transportFromEnv(
  env: Env,
): Result<Pick<PrometheusEndpoint, "timeoutMs" | "retries"> & { limits: ResponseLimits }, string> {
  let timeoutMs = 30_000;
  if (env.PROMETHEUS_TIMEOUT) {
    const t = parseDuration(env.PROMETHEUS_TIMEOUT);
    if (!t.ok) return err(`PROMETHEUS_TIMEOUT: ${t.error}`);
    timeoutMs = t.value;
  }
  const maxBytes = integer(env, "PROMETHEUS_MAX_RESPONSE_BYTES", DEFAULT_LIMITS.maxBytes, 1024, 2 ** 30);
  if (!maxBytes.ok) return maxBytes;
  const maxSeries = integer(env, "PROMETHEUS_MAX_SERIES", DEFAULT_LIMITS.maxSeries, 1, 1_000_000);
  if (!maxSeries.ok) return maxSeries;
  // Below MAX_POINTS the engine's own long ranges would be refused; far above it, one series
  // costs more memory than the byte limit suggests.
  const maxPoints = integer(
    env,
    "PROMETHEUS_MAX_POINTS_PER_SERIES",
    DEFAULT_LIMITS.maxPointsPerSeries,
    MAX_POINTS,
    100_000,
  );
  if (!maxPoints.ok) return maxPoints;
  return ok({
    timeoutMs,
    retries: 3,
    limits: { maxBytes: maxBytes.value, maxSeries: maxSeries.value, maxPointsPerSeries: maxPoints.value },
  });
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): Result<number, string> {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return ok(fallback);
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    return err(
      `${name}=${JSON.stringify(raw)}: expected a whole number from ${min} to ${max} (default ${fallback})`,
    );
  return ok(n);
}
