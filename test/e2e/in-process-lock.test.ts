import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { reconcileAndRecord } from "../../src/app/app.js";
import type { RangeQuery, SignalData } from "../../src/core/signals/source.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { bareRepo, dashboards, fakeGitHub, readState } from "./fake-github-process.js";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const source = {
  range: async (q: RangeQuery): Promise<SignalData> => {
    const samples = [];
    for (let t = q.start; t <= q.end; t += q.step)
      samples.push({ t, v: q.query.includes("usage") ? 0.6 : 0 });
    return { status: "ok", samples, warnings: [], dropped: 0 };
  },
  instant: async (): Promise<SignalData> => ({ status: "missing", kind: "empty", reason: "", warnings: [] }),
};
const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { enabled: false },
}));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("within one App process, reconciles of one repository", () => {
  it("are serialised: calls during a run wait and are coalesced into the next one, which keeps the webhook's hold", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    const deps = { endpoint: () => ({ source }), key: "k", clock: () => NOW, metrics: createMetrics() };
    // Three webhooks for o/r at once, each with its own client (as Probot gives each event); the third is a hold.
    const client = (agent: string) =>
      new Octokit({ auth: "token", baseUrl: gh.url, userAgent: agent } as never);
    const call = (agent: string, hold?: boolean) =>
      reconcileAndRecord(
        client(agent) as never,
        { owner: "o", repo: "r" },
        quiet as never,
        deps,
        hold ? { type: "hold", scope: { kind: "repo" }, reason: "freeze week", by: "octocat" } : undefined,
      );
    const [a, b, c] = await Promise.all([call("tick-a"), call("webhook-b"), call("comment-c", true)]);

    const log = await gh.log();
    const who = log.map((r) => r.agent.split(" ")[0]);
    const firstOfC = who.indexOf("comment-c");
    // a ran alone, then one more run (with c's client, the newest): never two at once, b folded into it.
    expect(firstOfC).toBeGreaterThan(0);
    expect(who.slice(0, firstOfC).every((w) => w === "tick-a")).toBe(true);
    expect(who.slice(firstOfC).every((w) => w === "comment-c")).toBe(true);
    expect(log.filter((r) => r.key === "graphql:governorSnapshot")).toHaveLength(2);
    expect(b).toBe(c);
    expect(a?.actions.map((x) => x.type)).toEqual(["open"]);
    expect(c?.actions).toEqual([]);

    const s = readState(state);
    expect(s.pulls.filter((p) => p.state === "open")).toHaveLength(1);
    expect(dashboards(s)).toHaveLength(1);
    expect(dashboards(s)[0]?.body).toContain(
      "## Holds\n\n- the repository: freeze week (since 2026-11-23T10:00:00Z)",
    );
  }, 60_000);
});
