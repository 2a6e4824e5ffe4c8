import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { reconcileAndRecord } from "../../src/app/app.js";
import type { RangeQuery, SignalData } from "../../src/core/signals/source.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { bareRepo, dashboards, fakeGitHub, readState } from "./fake-github-process.js";

// The dashboard is where holds live. A person who closes it (it is an issue like any other) must
// not lift the holds recorded there: the next tick's new dashboard carries them, and the tick
// itself honours them.
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

describe("a person closes the dashboard issue", () => {
  it("the holds recorded on it still hold: no PR is opened, and the new dashboard lists them", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    const deps = { endpoint: () => ({ source }), key: "k", clock: () => NOW, metrics: createMetrics() };
    const run = (hold?: boolean) =>
      reconcileAndRecord(
        new Octokit({ auth: "token", baseUrl: gh.url } as never) as never,
        { owner: "o", repo: "r" },
        quiet as never,
        deps,
        hold ? { type: "hold", scope: { kind: "repo" }, reason: "freeze week", by: "octocat" } : undefined,
      );
    const held = await run(true);
    expect(held?.actions).toEqual([]);
    const first = dashboards(readState(state));
    expect(first).toHaveLength(1);
    expect(first[0]?.body).toContain("## Holds\n\n- the repository: freeze week");

    // "Too noisy": a person closes it.
    const closed = await fetch(`${gh.url}/repos/o/r/issues/${first[0]?.number}`, {
      method: "PATCH",
      body: JSON.stringify({ state: "closed" }),
    });
    expect(closed.status).toBe(200);

    const next = await run();
    expect(next?.actions).toEqual([]);
    expect(readState(state).pulls).toEqual([]);
    const open = dashboards(readState(state)).filter((i) => i.state === "open");
    expect(open).toHaveLength(1);
    expect(open[0]?.body).toContain("## Holds\n\n- the repository: freeze week");
  }, 60_000);
});
