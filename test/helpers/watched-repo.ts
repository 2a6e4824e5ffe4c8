import { renderMetadata } from "../../src/core/pr/metadata.js";
import type { RangeQuery, SignalData, SignalSource } from "../../src/core/signals/source.js";
import { CONFIG, DEPLOYMENT } from "./app-repo.js";

/**
 * GitHub for one installation (7) with one repository, o/infra, whose Governor change
 * cpu 500m → 690m (PR #12) was merged at `mergedAt`: what the App's schedule and reconcile ask,
 * answered from a state kept here (the dashboard issue, the revert PR once opened). The same
 * routes serve nock in tests and a loopback server in the benchmarks.
 */
export interface WatchedRepo {
  /** Answers one request: undefined is a 404 (nothing else is served). */
  route(method: string, path: string, body: string): { status: number; body: unknown };
  /** When (the caller's clock) the revert PR was opened, once it was. */
  readonly revertOpenedAt: () => number | undefined;
  /** Requests served, by "METHOD path". */
  readonly served: string[];
  /** The dashboard issue's body as Governor last wrote it. */
  readonly dashboard: () => string | undefined;
}

export const WATCHED_KEY = "watched-repo-webhook-secret";

export function watchedRepo(options: {
  readonly mergedAt: number;
  readonly watchInterval: string;
  readonly scheduleInterval: string;
  readonly clock: () => number;
  /** The config as served, from the one of this repository (a test breaking it). */
  readonly config?: ((config: string) => string) | undefined;
  /** The entries of `.github/governor/policies` (none by default). */
  readonly policies?: ReadonlyArray<Record<string, unknown>> | undefined;
}): WatchedRepo {
  // The breach that reverts is of an error ratio: a CPU upsize cannot cause throttling (the
  // policy's guardrail is harmedBy: decrease), so a throttling breach would hold, not revert.
  const own = `${CONFIG}schedule: {interval: ${options.scheduleInterval}}\nwatch: {interval: ${options.watchInterval}, window: 30m, appliedWhen: {merged: 1m}}\nguardrails:\n  - ${ERRORS_GUARDRAIL}\n`;
  const config = options.config ? options.config(own) : own;
  const head = DEPLOYMENT.replace("cpu: 500m", "cpu: 690m");
  const iso = (t: number) => new Date(t).toISOString();
  const meta = renderMetadata(
    {
      v: 1,
      kind: "change",
      lever: "cpu",
      policy: "k8s-cpu-request",
      decision: "d12",
      from: "500m",
      to: "690m",
      direction: "up",
      file: "apps/d.yaml",
      proposedAt: options.mergedAt - 3_600_000,
    },
    WATCHED_KEY,
  );
  const pulls: Array<Record<string, unknown>> = [
    {
      number: 12,
      state: "MERGED",
      createdAt: iso(options.mergedAt - 3_600_000),
      mergedAt: iso(options.mergedAt),
      closedAt: iso(options.mergedAt),
      body: `b\n${meta}`,
      headRefName: "governor/cpu",
      labels: { nodes: [{ name: "governor" }] },
    },
  ];
  let dashboard: string | undefined;
  let revertOpenedAt: number | undefined;
  let revertBody = "";
  const served: string[] = [];
  const ok = (body: unknown, status = 200) => ({ status, body });
  const route = (method: string, path: string, body: string) => {
    served.push(`${method} ${path.split("?")[0]}`);
    const p = path.split("?")[0] ?? "";
    const json = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (method === "GET" && p === "/app/installations") return ok([{ id: 7 }]);
    if (method === "POST" && p === "/app/installations/7/access_tokens")
      return ok({ token: "ghs_watch", expires_at: "2099-01-01T00:00:00Z" }, 201);
    if (method === "GET" && p === "/installation/repositories")
      return ok({ total_count: 1, repositories: [{ name: "infra", owner: { login: "o" } }] });
    if (method === "POST" && p === "/graphql") {
      const query = String(json.query);
      if (query.includes("governorSnapshot"))
        return ok({
          data: {
            repository: {
              defaultBranchRef: { name: "main", target: { oid: "base0", tree: { oid: "tree0" } } },
              config: { text: config, byteSize: config.length, isBinary: false },
              policies: options.policies ? { entries: options.policies } : null,
              pullRequests: { nodes: pulls },
              dashboard: { nodes: dashboard === undefined ? [] : [{ number: 1, body: dashboard }] },
            },
          },
        });
      const entry = { name: "d.yaml", type: "blob", mode: 33188 };
      return ok({
        data: {
          repository: {
            d0: { entries: [{ ...entry, object: { text: head, byteSize: head.length, isBinary: false } }] },
          },
        },
      });
    }
    const repo = "/repos/o/infra";
    if (method === "GET" && p === `${repo}/issues`)
      return ok(dashboard === undefined ? [] : [{ number: 1, body: dashboard }]);
    if (method === "POST" && p === `${repo}/issues`) {
      dashboard = String(json.body);
      return ok({ number: 1 }, 201);
    }
    if (method === "GET" && p === `${repo}/issues/1`)
      return ok({ number: 1, state: "open", body: dashboard });
    if (method === "PATCH" && p === `${repo}/issues/1`) {
      dashboard = String(json.body);
      return ok({ number: 1 });
    }
    if (method === "GET" && p === `${repo}/git/ref/heads%2Fmain`) return ok({ object: { sha: "base0" } });
    if (method === "GET" && p.startsWith(`${repo}/git/ref/heads%2Fgovernor`))
      return ok({ message: "Not Found" }, 404);
    if (method === "POST" && p === `${repo}/git/trees`) return ok({ sha: "tree1" }, 201);
    if (method === "POST" && p === `${repo}/git/commits`) return ok({ sha: "commit1" }, 201);
    if (method === "POST" && p === `${repo}/git/refs`) return ok({}, 201);
    if (method === "POST" && p === `${repo}/pulls`) {
      revertOpenedAt = options.clock();
      revertBody = String(json.body);
      pulls.push({
        number: 13,
        state: "OPEN",
        createdAt: iso(revertOpenedAt),
        mergedAt: null,
        closedAt: null,
        body: revertBody,
        headRefName: String(json.head),
        labels: { nodes: [{ name: "governor" }, { name: "governor:revert" }] },
      });
      return ok({ number: 13, node_id: "PR_13" }, 201);
    }
    if (method === "POST" && /^\/repos\/o\/infra\/issues\/1[23]\/(labels|comments)$/.test(p))
      return ok([], 201);
    return ok({ message: `not served: ${method} ${p}` }, 404);
  };
  return { route, revertOpenedAt: () => revertOpenedAt, served, dashboard: () => dashboard };
}

/** The repository guardrail breachingSource breaches. */
export const ERRORS_GUARDRAIL = "{name: errors, query: 'sum(rate(http_errors_total[5m]))', max: 0.1}";

/**
 * Prometheus for the watched repository: CPU usage at 0.6 cores (690m is right: nothing to
 * propose), throttling at 0, the error ratio at 1% until `breachAt`, then 50% (over its 10%).
 */

export function breachingSource(breachAt: number, onQuery?: () => void): SignalSource {
  return {
    range: async (q: RangeQuery): Promise<SignalData> => {
      onQuery?.();
      const samples = [];
      for (let t = q.start; t <= q.end; t += q.step) {
        const v = q.query.includes("usage")
          ? 0.6
          : q.query.includes("http_errors")
            ? t >= breachAt
              ? 0.5
              : 0.01
            : 0;
        samples.push({ t, v });
      }
      if (samples.length === 0) return { status: "missing", kind: "empty", reason: "no data", warnings: [] };
      return { status: "ok", samples, warnings: [], dropped: 0 };
    },
    instant: async () => ({ status: "missing", kind: "empty", reason: "unused", warnings: [] }),
  };
}
