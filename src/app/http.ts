import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Metrics } from "../telemetry/metrics.js";

/** Whether the App does its work: the schedule has ticked lately (undefined: no schedule to watch). */
export type HealthCheck = () => { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * /metrics (Prometheus text format) and /healthz, beside Probot's webhook route. /healthz answers
 * 503 with the reason when the schedule has stopped ticking: a liveness probe then restarts a
 * process that still answers HTTP but no longer reconciles anything.
 */
export function telemetryHandler(
  metrics: Metrics,
  health: HealthCheck = () => ({ ok: true }),
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET") return false;
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return true;
    }
    if (path === "/healthz") {
      const h = health();
      res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(h.ok ? { status: "ok" } : { status: "unhealthy", reason: h.reason }));
      return true;
    }
    return false;
  };
}

export interface BodyLimits {
  /** Bytes a request body may have; GitHub's webhooks are at most 25 MB. */
  readonly maxBytes: number;
  /** Time a client has to send its whole body once its headers arrived (a trickled body is cut off). */
  readonly timeoutMs: number;
}

type Warn = { warn(message: string): void };
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Answers `connection: close`, then hangs up a second later (a lingering close). Node would close
 * the socket as soon as the answer is written; with the client's body still arriving that is a
 * reset, and the client never reads the answer. So the socket is only half-closed, and the rest
 * of the body is drained, never kept, until the hang-up.
 */
function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: 408 | 413,
  message: string,
  log?: Warn,
): void {
  log?.warn(`${req.method} ${req.url} from ${req.socket.remoteAddress}: ${status}, ${message}`);
  const socket = req.socket as Socket & { destroySoon?: () => void };
  if (!res.headersSent) {
    socket.destroySoon = () => socket.end();
    res.writeHead(status, { "content-type": "text/plain", connection: "close" });
    res.end(`${message}\n`);
  }
  req.resume();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Puts a size cap and a deadline in front of every request listener of `server` (Probot's
 * webhook middleware reads a body in full before it checks the signature). A Content-Length
 * over the cap is refused before a byte is read; a chunked or lying body is counted while it
 * streams and cut off at the cap. The body read within the limits is handed on as `req.body`,
 * which @octokit/webhooks takes instead of reading the stream again.
 */
export function guardRequestBodies(server: Server, limits: BodyLimits, log?: Warn): void {
  const listeners = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  // Node's own limits as a backstop (checked only every 30 s); the per-request timer is exact.
  server.headersTimeout = limits.timeoutMs;
  server.requestTimeout = 2 * limits.timeoutMs;
  const tooLarge = `request body over ${limits.maxBytes} bytes (GitHub's webhooks are at most 25 MB)`;
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.maxBytes) return refuse(req, res, 413, tooLarge, log);
    const chunks: Buffer[] = [];
    let bytes = 0;
    // Once answered, the request is never handed on: Probot would answer it a second time, and
    // that throws out of the process (ERR_HTTP_HEADERS_SENT), taking every webhook down with it.
    let refused = false;
    const stop = () => {
      refused = true;
      clearTimeout(timer);
      req.removeListener("data", onData);
      req.pause();
    };
    const timer = setTimeout(() => {
      stop();
      refuse(req, res, 408, `request body not received within ${limits.timeoutMs / 1000}s`, log);
    }, limits.timeoutMs);
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) {
        stop();
        chunks.length = 0;
        return refuse(req, res, 413, tooLarge, log);
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("error", stop);
    req.on("close", () => clearTimeout(timer));
    req.on("end", () => {
      clearTimeout(timer);
      if (refused) return;
      (req as IncomingMessage & { body?: string }).body = decoder.decode(Buffer.concat(chunks));
      for (const l of listeners) l.call(server, req, res);
    });
  });
}

// The same decoding @octokit/webhooks applies to a body it reads itself.
const decoder = new TextDecoder("utf-8", { fatal: false });
