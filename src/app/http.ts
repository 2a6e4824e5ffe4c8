import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "../telemetry/metrics.js";

/** /metrics (Prometheus text format) and /healthz, beside Probot's webhook route. */
export function telemetryHandler(
  metrics: Metrics,
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
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "ok" }));
      return true;
    }
    return false;
  };
}
