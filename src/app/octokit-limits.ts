import { ProbotOctokit } from "probot";

/**
 * What Probot's octokit already does (plugin-throttling, plugin-retry, auth-app), and what this
 * file adds:
 * - throttling spaces write *starts* ≥ 1 s per throttle id, but a write slower than a second
 *   overlaps the next, and a webhook's octokit has the id "no-id" (all installations share it):
 *   here writes are queued per installation id, one at a time, started ≥ 1 s apart;
 * - auth-app caches an installation token for 59 minutes and retries a 401 only within 5 s of
 *   minting it: here a 401 re-mints the token once and retries once;
 * - Probot's rate-limit handlers retry a primary limit up to three times after an unbounded wait
 *   and never a secondary one: here each is waited for once, at most `maxWaitMs`, and logged;
 * - plugin-retry retries a 429 three times whatever its retry-after: here a 429 is the limit
 *   handlers' only;
 * - a 403 that is no rate limit (a missing permission) was already sent once; its error now
 *   says what to do.
 */
export interface LimitOptions {
  /** The longest wait for a rate limit's reset or retry-after; a longer one fails the request. */
  readonly maxWaitMs: number;
  /** Gap between the starts of two writes of one installation. */
  readonly writeGapMs?: number;
  /**
   * How long one request may take, body included. undici's own limits are 300 s per phase, and a
   * reconcile holds its repository's lock (and the tick waits for it) while a request hangs.
   */
  readonly requestTimeoutMs?: number;
}

interface RequestOptions {
  method: string;
  url: string;
  query?: unknown;
  [key: string]: unknown;
}
type Request = (options: RequestOptions) => Promise<unknown>;
interface Log {
  warn(message: string): void;
  error(message: string): void;
}
interface Limited {
  hook: {
    wrap(name: "request", wrap: (request: Request, options: RequestOptions) => Promise<unknown>): void;
  };
  auth(options: Record<string, unknown>): Promise<unknown>;
  log: Log;
}
interface GitHubError {
  status?: number;
  message: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

/** Per installation: the end of the last queued write, and when the last one started. */
const queues = new Map<string, { tail: Promise<void>; lastStart: number }>();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The request's path with its parameters in (`/repos/o/r/issues`, not `/repos/{owner}/…`). */
const pathOf = (options: RequestOptions) =>
  new URL(
    options.url.replace(/\{(\w+)\}/g, (m, k: string) => (options[k] === undefined ? m : String(options[k]))),
    "http://github.test",
  ).pathname;

function isWrite(options: RequestOptions): boolean {
  const method = options.method.toUpperCase();
  if (method === "GET" || method === "HEAD") return false;
  const path = pathOf(options);
  if (/\/app\/installations\/[^/]+\/access_tokens$/.test(path)) return false; // minting, not writing
  if (path.endsWith("/graphql")) return /^\s*mutation\b/.test(String(options.query ?? ""));
  return true;
}

/** Runs `send` when the installation's previous write has ended and `gapMs` passed since it started. */
async function queued<T>(key: string, gapMs: number, send: () => Promise<T>): Promise<T> {
  const q = queues.get(key) ?? { tail: Promise.resolve(), lastStart: Number.NEGATIVE_INFINITY };
  queues.set(key, q);
  const previous = q.tail;
  let release = () => {};
  q.tail = new Promise<void>((resolve) => {
    release = resolve;
  });
  await previous;
  const wait = q.lastStart + gapMs - Date.now();
  if (wait > 0) await sleep(wait);
  q.lastStart = Date.now();
  try {
    return await send();
  } finally {
    release();
  }
}

const header = (e: GitHubError, name: string) => e.response?.headers?.[name];
const isSecondary = (e: GitHubError) => /\bsecondary rate\b/i.test(e.message);
const isPrimary = (e: GitHubError) => header(e, "x-ratelimit-remaining") === "0";

/** The error a reconcile reports: what GitHub refused, and what a person does about it. */
function clarify(e: unknown, options: RequestOptions, installation: string | undefined): unknown {
  const error = e as GitHubError;
  if (typeof error !== "object" || error === null || typeof error.status !== "number") return e;
  const what = `${options.method.toUpperCase()} ${pathOf(options)}`;
  const detail = (error.response?.data as { message?: unknown } | undefined)?.message;
  const said = typeof detail === "string" ? detail : error.message;
  let message: string | undefined;
  if (error.status === 401)
    message =
      installation === undefined
        ? `GitHub refused the App's own credentials for ${what} (401: ${said}): check that PRIVATE_KEY is the private key of the App APP_ID`
        : `GitHub refused installation ${installation}'s token for ${what} (401: ${said}), also a newly minted one: check that the App is still installed and that PRIVATE_KEY is the key of APP_ID`;
  else if ((error.status === 403 || error.status === 429) && isPrimary(error)) {
    const reset = new Date(Number(header(error, "x-ratelimit-reset")) * 1000).toISOString();
    message = `GitHub's rate limit for installation ${installation ?? "?"} is used up until ${reset} (${what}): this reconcile stops here and a later one goes on`;
  } else if (
    (error.status === 403 || error.status === 429) &&
    (isSecondary(error) || header(error, "retry-after"))
  )
    message = `GitHub's secondary rate limit refused ${what} (retry after ${header(error, "retry-after") ?? "?"}s): this reconcile stops here and a later one goes on`;
  else if (error.status === 403)
    message = `GitHub refused ${what} (403: ${said}): the App's installation lacks a permission this needs. Compare the installation's permissions with app.yml and accept the App's requested permissions in the installation's settings; Governor does not retry it`;
  if (message === undefined) return e;
  error.message = message;
  if (error.response && typeof error.response.data === "object" && error.response.data !== null)
    error.response.data = { ...(error.response.data as object), message };
  return error;
}

/** An error of a request the timed fetch aborted (@octokit/request wraps it as a 500 RequestError). */
function timedOut(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 4; x = x.cause, depth++)
    if (x.name === "TimeoutError") return true;
  return false;
}

function limits(octokit: Limited, octokitOptions: Record<string, unknown>, o: Required<LimitOptions>): void {
  const id = (octokitOptions.auth as { installationId?: unknown } | undefined)?.installationId;
  const installation = id === undefined || id === null || id === "" ? undefined : String(id);
  /** A try that the timed fetch cut off becomes an error that says so (plugin-retry has retried it by then). */
  const send = async (request: Request, options: RequestOptions): Promise<unknown> => {
    try {
      return await request(options);
    } catch (e) {
      if (!timedOut(e)) throw e;
      const what = `${options.method.toUpperCase()} ${pathOf(options)}`;
      throw Object.assign(
        new Error(
          `GitHub did not answer ${what} within ${o.requestTimeoutMs / 1000} s (GOVERNOR_GITHUB_TIMEOUT): the request was abandoned; the next tick tries again`,
        ),
        { status: 504 },
      );
    }
  };
  const attempt = async (request: Request, options: RequestOptions): Promise<unknown> => {
    try {
      return await send(request, options);
    } catch (e) {
      const error = e as GitHubError;
      const what = `${options.method.toUpperCase()} ${pathOf(options)}`;
      if (error?.status === 401 && installation !== undefined && !/access_tokens$/.test(pathOf(options))) {
        octokit.log.warn(
          `GitHub answered 401 to ${what}: minting a new token for installation ${installation} and retrying once`,
        );
        await octokit.auth({ type: "installation", installationId: Number(installation), refresh: true });
      } else if (
        (error?.status === 403 || error?.status === 429) &&
        header(error, "retry-after") !== undefined &&
        !isSecondary(error) &&
        !isPrimary(error)
      ) {
        // A limit GitHub signals by retry-after alone (the throttling plugin looks for its message).
        const ms = Number(header(error, "retry-after")) * 1000;
        if (!(ms <= o.maxWaitMs)) throw clarify(e, options, installation);
        octokit.log.warn(`GitHub asked to retry ${what} after ${ms / 1000}s: waiting once`);
        await sleep(ms);
      } else throw clarify(e, options, installation);
      try {
        return await send(request, options);
      } catch (again) {
        throw clarify(again, options, installation);
      }
    }
  };
  octokit.hook.wrap("request", (request, options) =>
    installation !== undefined && isWrite(options)
      ? queued(installation, o.writeGapMs, () => attempt(request, options))
      : attempt(request, options),
  );
}

/** Probot's octokit, with the limits above; the App passes it to Probot as its `Octokit`. */
export function governorOctokit(options: LimitOptions): typeof ProbotOctokit {
  const o = { writeGapMs: 1000, requestTimeoutMs: 30_000, ...options };
  /** One wait for a limit, if it ends within maxWaitMs; a second limit or a longer wait fails the request. */
  const handler =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      octokit: { log: Log },
      retryCount: number,
    ) => {
      const what = `${request.method} ${request.url}`;
      if (retryCount < 1 && retryAfter * 1000 <= o.maxWaitMs) {
        octokit.log.warn(
          `GitHub's ${kind} rate limit hit by ${what}: waiting ${retryAfter}s, then retrying once`,
        );
        return true;
      }
      octokit.log.error(
        `GitHub's ${kind} rate limit hit by ${what}: not waiting ${retryAfter}s (${retryCount > 0 ? "already retried" : `over GOVERNOR_GITHUB_MAX_WAIT, ${o.maxWaitMs / 1000}s`})`,
      );
      return false;
    };
  const Limited = (ProbotOctokit as unknown as { plugin(p: unknown): typeof ProbotOctokit }).plugin(
    (octokit: Limited, octokitOptions: Record<string, unknown>) => limits(octokit, octokitOptions, o),
  );
  return Limited.defaults((instance: Record<string, unknown>) => {
    const throttle = (instance.throttle ?? {}) as Record<string, unknown>;
    const id = (instance.auth as { installationId?: unknown } | undefined)?.installationId;
    const retry = (instance.retry ?? {}) as { doNotRetry?: number[] };
    // Probot gives auth-app a request without the API's base URL: a token minted on request (the
    // re-mint after a 401) would go to api.github.com instead of GHE_HOST.
    const auth = instance.auth as { request?: { defaults(o: object): unknown } } | undefined;
    const baseUrl = typeof instance.baseUrl === "string" ? instance.baseUrl : undefined;
    const request = (instance.request ?? {}) as { fetch?: typeof fetch };
    const inner = request.fetch ?? ((url, init) => fetch(url, init));
    return {
      ...instance,
      // At the bottom of every request (retries and token mints included): no answer, body
      // included, within requestTimeoutMs aborts it, whatever hook sits above.
      request: {
        ...request,
        fetch: (url: string, init: RequestInit = {}) =>
          inner(url, { ...init, signal: init.signal ?? AbortSignal.timeout(o.requestTimeoutMs) }),
      },
      ...(auth?.request && baseUrl ? { auth: { ...auth, request: auth.request.defaults({ baseUrl }) } } : {}),
      throttle: {
        ...throttle,
        onRateLimit: handler("primary"),
        onSecondaryRateLimit: handler("secondary"),
        // A webhook's octokit has no throttle id of its own: its installation's is the right key.
        ...(id !== undefined && id !== null ? { id: String(id) } : {}),
      },
      retry: { ...retry, doNotRetry: [...(retry.doNotRetry ?? [400, 401, 403, 404, 410, 422, 451]), 429] },
    };
  }) as typeof ProbotOctokit;
}
