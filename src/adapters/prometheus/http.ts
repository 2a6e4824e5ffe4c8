import type { MissingKind } from "../../core/signals/source.js";
import { readBody } from "./body.js";
import type { PrometheusEndpoint } from "./endpoint.js";
import { DEFAULT_LIMITS, overBytesReason, overJsonShape, overShapeLimits } from "./limits.js";
import { type ApiSuccess, apiResponseSchema } from "./responses.js";

export interface PrometheusError {
  readonly kind: MissingKind;
  /** For people: names the server (without credentials) and what to do; never a secret. */
  readonly message: string;
}

export type HttpResult =
  | { readonly ok: true; readonly value: ApiSuccess }
  | { readonly ok: false; readonly error: PrometheusError };

/** What the HTTP layer needs from the outside world, injected so tests control time and chance. */
export interface HttpDeps {
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const realDeps: HttpDeps = {
  fetch: (...args) => fetch(...args),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 30_000;
/** An error page is read only as far as its first words. */
const SNIPPET_BYTES = 4096;
/**
 * How the reason of a run against a server that is not the Prometheus API begins: the server
 * answered, so "unreachable" would send the user looking at the network instead of at the URL.
 */
export const NOT_API = "Not the Prometheus HTTP API";
/** Consecutive connection failures, timeouts or queries refused after every retry, after which the rest of the run does not ask. */
export const BREAKER_THRESHOLD = 3;

/** Per run: a client remembers that Prometheus is down so that a dead server costs one timeout cycle, not one per query. */
export class PrometheusHttp {
  private consecutiveFailures = 0;
  /** Set once the server answered as something other than the Prometheus API: no later query can fare better. */
  private notApi: string | undefined;
  /** Requests actually sent, for benchmarks and tests. */
  requests = 0;

  constructor(
    readonly endpoint: PrometheusEndpoint,
    private readonly deps: HttpDeps = realDeps,
  ) {}

  get open(): boolean {
    return this.consecutiveFailures >= BREAKER_THRESHOLD || this.notApi !== undefined;
  }

  async post(path: string, form: Record<string, string>, query: string): Promise<HttpResult> {
    const where = `${this.endpoint.url}${path}`;
    for (let attempt = 0; ; attempt++) {
      if (this.notApi !== undefined) return fail("unreachable", this.notApi);
      if (this.open)
        return fail(
          "unreachable",
          `Prometheus unreachable (${this.endpoint.url}): ${BREAKER_THRESHOLD} connection failures, timeouts or queries refused after every retry, in a row; not asking again in this run`,
        );
      const outcome = await this.once(path, form);
      if (outcome.type === "response") {
        const { response, abort } = outcome;
        const { status } = response;
        // 501 is a server that has no POST at all (`python3 -m http.server`): retrying cannot help.
        if (status === 429 || (status >= 500 && status !== 501)) {
          const retryIn = this.delay(attempt, response.headers.get("retry-after"));
          if (attempt < this.endpoint.retries) {
            abort(); // an unread body would hold the connection (and the server's stream) open
            await this.deps.sleep(retryIn);
            continue;
          }
          // A query refused after all its retries counts like a dead connection: a server that
          // answers only 503 would otherwise cost every query of the run its retries and waits.
          this.consecutiveFailures++;
          return fail(
            "server-error",
            `${where} answered HTTP ${status} after ${attempt + 1} attempts: ${await snippet(response, abort)}`,
          );
        }
        this.consecutiveFailures = 0;
        const answer = await interpret(response, abort, where, query, this.endpoint);
        if (answer.ok) return answer;
        const { error } = answer;
        if (error.kind !== "not-api") return fail(error.kind, error.message);
        // A wrong URL is an outage of the whole run, said once: every other query would get the same page.
        this.notApi ??= `${NOT_API} (${this.endpoint.url}): ${error.message}; --prometheus (or PROMETHEUS_URL) must be the server's base URL, the one under which /api/v1/query answers (e.g. http://prometheus:9090, without /api/v1, /graph or /metrics)`;
        return fail("unreachable", this.notApi);
      }
      this.consecutiveFailures++;
      const what =
        outcome.type === "timeout"
          ? `no answer within ${this.endpoint.timeoutMs} ms`
          : `cannot connect (${outcome.reason})`;
      if (attempt >= this.endpoint.retries || this.open) {
        return fail("unreachable", `Prometheus unreachable (${this.endpoint.url}): ${what}`);
      }
      await this.deps.sleep(this.delay(attempt, null));
    }
  }

  private async once(
    path: string,
    form: Record<string, string>,
  ): Promise<
    | { type: "response"; response: Response; abort: () => void }
    | { type: "timeout" }
    | { type: "error"; reason: string }
  > {
    this.requests++;
    // The timeout covers the body too; `abort` ends a body read no further than a limit.
    const controller = new AbortController();
    try {
      const response = await this.deps.fetch(`${this.endpoint.url}${path}`, {
        method: "POST",
        headers: {
          ...this.endpoint.headers,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.endpoint.timeoutMs)]),
        // Never followed: the credentials would go along to wherever the server points.
        redirect: "manual",
      });
      return { type: "response", response, abort: () => controller.abort() };
    } catch (e) {
      if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"))
        return { type: "timeout" };
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
      const code = (cause as { code?: unknown } | undefined)?.code;
      return {
        type: "error",
        reason: typeof code === "string" ? code : e instanceof Error ? e.message : String(e),
      };
    }
  }

  /** Capped exponential backoff with full jitter, or the server's Retry-After when it gives one. */
  private delay(attempt: number, retryAfter: string | null): number {
    if (retryAfter) {
      const seconds = Number(retryAfter);
      const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
      if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, RETRY_AFTER_CAP_MS);
    }
    return Math.floor(this.deps.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
  }
}

const fail = (kind: MissingKind, message: string): HttpResult => ({ ok: false, error: { kind, message } });

async function snippet(response: Response, abort: () => void): Promise<string> {
  const body = await readBody(response, SNIPPET_BYTES, abort);
  return plainText(body.type === "complete" ? body.text : body.type === "over" ? body.prefix() : "");
}

/** An HTML page's title, or the text without tags, short: what a person needs from an error page. */
function plainText(text: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return plain === "" ? "(empty body)" : plain.slice(0, 200);
}

/** Where a redirect points, as an origin only: its path or query may carry a sign-in token. */
function redirectTarget(location: string | null, base: string): string {
  if (!location) return "";
  try {
    return ` to ${new URL(location, base).origin}`;
  } catch {
    return "";
  }
}

/** What `interpret` found: an answer, missing data, or a server that is not the Prometheus API at all. */
type Interpreted = HttpResult | { readonly ok: false; readonly error: { kind: "not-api"; message: string } };

const notApi = (message: string): Interpreted => ({ ok: false, error: { kind: "not-api", message } });

/** The Prometheus text format of a scrape target: `# HELP`/`# TYPE` lines, or `name{labels} value` lines. */
const EXPOSITION = /^(# (HELP|TYPE) [a-zA-Z_:]|[a-zA-Z_:][a-zA-Z0-9_:]*\{[^}\n]*\} \S+( -?\d+)?$)/m;

/** A page that is not the API, in words a person recognises: an HTML page, an exporter's /metrics, or its first words. */
function describePage(text: string, contentType: string | null): string {
  const head = text.slice(0, SNIPPET_BYTES);
  if (/html/i.test(contentType ?? "") || /^\s*<(!doctype html|html)/i.test(head))
    return ` with an HTML page (${JSON.stringify(plainText(head))})`;
  if (/version=0\.0\.4|openmetrics/i.test(contentType ?? "") || EXPOSITION.test(head))
    return " with an exporter's metrics page (the Prometheus text format, which Prometheus scrapes — not its query API)";
  return `: ${JSON.stringify(plainText(head))}`;
}

async function interpret(
  response: Response,
  abort: () => void,
  where: string,
  query: string,
  { timeoutMs, limits = DEFAULT_LIMITS }: PrometheusEndpoint,
): Promise<Interpreted> {
  const { status } = response;
  if (status >= 300 && status < 400) {
    abort();
    const to = redirectTarget(response.headers.get("location"), where);
    return fail(
      "bad-response",
      `${where} answered HTTP ${status}, a redirect${to}: Governor does not follow redirects, so that credentials never go to another server; use the final URL`,
    );
  }
  if (status === 401 || status === 403) {
    abort();
    return fail(
      "auth",
      `${where} answered HTTP ${status}: check the credentials in PROMETHEUS_BEARER_TOKEN / PROMETHEUS_USERNAME / PROMETHEUS_HEADERS`,
    );
  }
  // Prometheus (and Thanos, Mimir, VictoriaMetrics) never answer a query endpoint with 404: the URL
  // is wrong; nor with 405 or 501: the server (a static file server, a web UI) does not take queries.
  if (status === 404 || status === 405 || status === 501) {
    const page = await readBody(response, SNIPPET_BYTES, abort);
    const text = page.type === "complete" ? page.text : page.type === "over" ? page.prefix() : "";
    return notApi(
      `${where} answered HTTP ${status}${describePage(text, response.headers.get("content-type"))}`,
    );
  }
  // A declared length over the limit is refused unread; a missing or false one is caught while reading.
  const tooLong = () =>
    fail("bad-response", `${where} answered HTTP ${status} with ${overBytesReason(limits)}`);
  if (Number(response.headers.get("content-length") ?? Number.NaN) > limits.maxBytes) {
    abort();
    return tooLong();
  }
  const body = await readBody(response, limits.maxBytes, abort);
  if (body.type === "over") return tooLong();
  if (body.type === "error")
    return fail(
      "bad-response",
      `${where} answered HTTP ${status} but its body could not be read: ${body.reason === "timeout" ? `no answer within ${timeoutMs} ms` : body.reason}`,
    );
  const shape = overJsonShape(body.text, limits);
  if (shape) return fail("bad-response", `${where} answered HTTP ${status} with ${shape}`);
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    // The API answers every query with JSON, its errors too: this is another server, or another page.
    return notApi(
      `${where} answered HTTP ${status}${describePage(body.text, response.headers.get("content-type"))}`,
    );
  }
  const over = overShapeLimits(json, limits);
  if (over) return fail("bad-response", `${where} answered HTTP ${status} with ${over}`);
  const parsed = apiResponseSchema.safeParse(json);
  if (!parsed.success)
    return notApi(`${where} answered HTTP ${status} with JSON that is not a Prometheus API response`);
  if (parsed.data.status === "error") {
    // 400 bad_data and 422 execution errors are the query's fault: never retried.
    return fail(
      "query-error",
      `Prometheus refused the query (${parsed.data.errorType ?? `HTTP ${status}`}): ${parsed.data.error ?? "no reason given"} — query: ${query}`,
    );
  }
  return { ok: true, value: parsed.data };
}
