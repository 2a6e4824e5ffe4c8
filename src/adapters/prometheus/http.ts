import type { MissingKind } from "../../core/signals/source.js";
import type { PrometheusEndpoint } from "./endpoint.js";
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
/** Consecutive connection failures or timeouts after which the rest of the run does not ask. */
export const BREAKER_THRESHOLD = 3;

/** Per run: a client remembers that Prometheus is down so that a dead server costs one timeout cycle, not one per query. */
export class PrometheusHttp {
  private consecutiveFailures = 0;
  /** Requests actually sent, for benchmarks and tests. */
  requests = 0;

  constructor(
    readonly endpoint: PrometheusEndpoint,
    private readonly deps: HttpDeps = realDeps,
  ) {}

  get open(): boolean {
    return this.consecutiveFailures >= BREAKER_THRESHOLD;
  }

  async post(path: string, form: Record<string, string>, query: string): Promise<HttpResult> {
    const where = `${this.endpoint.url}${path}`;
    for (let attempt = 0; ; attempt++) {
      if (this.open)
        return fail(
          "unreachable",
          `Prometheus unreachable (${this.endpoint.url}): ${BREAKER_THRESHOLD} connection failures or timeouts in a row; not asking again in this run`,
        );
      const outcome = await this.once(path, form);
      if (outcome.type === "response") {
        this.consecutiveFailures = 0;
        const { status } = outcome.response;
        if (status === 429 || status >= 500) {
          const retryIn = this.delay(attempt, outcome.response.headers.get("retry-after"));
          if (attempt < this.endpoint.retries) {
            await this.deps.sleep(retryIn);
            continue;
          }
          return fail(
            "server-error",
            `${where} answered HTTP ${status} after ${attempt + 1} attempts: ${await snippet(outcome.response)}`,
          );
        }
        return interpret(outcome.response, where, query);
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
    { type: "response"; response: Response } | { type: "timeout" } | { type: "error"; reason: string }
  > {
    this.requests++;
    try {
      const response = await this.deps.fetch(`${this.endpoint.url}${path}`, {
        method: "POST",
        headers: {
          ...this.endpoint.headers,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.endpoint.timeoutMs),
        redirect: "error",
      });
      return { type: "response", response };
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

async function snippet(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  return plain === "" ? "(empty body)" : plain.slice(0, 200);
}

async function interpret(response: Response, where: string, query: string): Promise<HttpResult> {
  const { status } = response;
  if (status === 401 || status === 403) {
    return fail(
      "auth",
      `${where} answered HTTP ${status}: check the credentials in PROMETHEUS_BEARER_TOKEN / PROMETHEUS_USERNAME / PROMETHEUS_HEADERS`,
    );
  }
  const text = await response.text().catch(() => "");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const kind = status === 400 || status === 422 ? "query-error" : "bad-response";
    return fail(
      kind,
      `${where} answered HTTP ${status} with something that is not the Prometheus API: ${(/<title>([^<]*)<\/title>/i.exec(text)?.[1] ?? text).replace(/\s+/g, " ").trim().slice(0, 200) || "(empty body)"}`,
    );
  }
  const parsed = apiResponseSchema.safeParse(json);
  if (!parsed.success)
    return fail(
      "bad-response",
      `${where} answered HTTP ${status} with JSON that is not a Prometheus API response`,
    );
  if (parsed.data.status === "error") {
    // 400 bad_data and 422 execution errors are the query's fault: never retried.
    return fail(
      "query-error",
      `Prometheus refused the query (${parsed.data.errorType ?? `HTTP ${status}`}): ${parsed.data.error ?? "no reason given"} — query: ${query}`,
    );
  }
  return { ok: true, value: parsed.data };
}
