import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { renderMetadata } from "../../src/core/pr/metadata.js";
import type { RangeQuery, SignalData, SignalSource } from "../../src/core/signals/source.js";
import { reconcileRepository } from "../../src/reconcile/github.js";
import { type FakeGitHubApi, fakeGitHubApi, type Received } from "../helpers/fake-github-api.js";

/**
 * An idle tick writes nothing: two ticks over the same state (no PR to open, update or close),
 * each with new samples, against a GitHub API on loopback that records every request.
 */
const KEY = "dashboard-idle-secret";
const NOW = Date.parse("2026-11-23T10:00:00Z");
const lever = (id: string, container: string) =>
  `  - {id: ${id}, policy: k8s-cpu-request, target: {file: apps/d.yaml, kind: Deployment, name: d, container: ${container}, field: resources.requests.cpu}, selector: '{pod=~"d-.*", container="${container}"}', bounds: {min: 100m, max: "4"}}`;
const CONFIG = `version: 1\nlevers:\n${lever("web", "web")}\n${lever("worker", "worker")}\n`;
const container = (name: string, cpu: string) =>
  `        - name: ${name}\n          resources:\n            requests:\n              cpu: ${cpu}\n`;
// web is at 690m already (its usage moves inside the deadband); worker has an open PR, #12, 500m → 690m.
const DEPLOYMENT = `kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n${container("web", "690m")}${container("worker", "500m")}`;
const OPEN_PR = {
  number: 12,
  state: "OPEN",
  createdAt: "2026-11-23T07:00:00Z",
  mergedAt: null,
  closedAt: null,
  body: `b\n${renderMetadata(
    {
      v: 1,
      kind: "change",
      lever: "worker",
      policy: "k8s-cpu-request",
      decision: "20261123T070000Z-worker",
      from: "500m",
      to: "690m",
      direction: "up",
      file: "apps/d.yaml",
      proposedAt: NOW - 3 * 3_600_000,
    },
    KEY,
  )}`,
  headRefName: "governor/worker",
  labels: { nodes: [{ name: "governor" }, { name: "governor:risk-low" }] },
};

let api: FakeGitHubApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

interface State {
  dashboard?: string;
  /** The PRs in the snapshot; a PR Governor opens is added. */
  pulls: Array<typeof OPEN_PR>;
}

/** The repository's GitHub: its snapshot and files, the dashboard issue and the PRs kept as they are written. */
function route(state: State) {
  return (r: Received) => {
    const p = r.path.split("?")[0];
    const json = r.body ? (JSON.parse(r.body) as { query?: string; body?: string; head?: string }) : {};
    if (r.method === "POST" && p === "/graphql") {
      if (json.query?.includes("governorSnapshot"))
        return {
          status: 200,
          body: {
            data: {
              repository: {
                defaultBranchRef: { name: "main", target: { oid: "base0", tree: { oid: "tree0" } } },
                config: { text: CONFIG, byteSize: CONFIG.length, isBinary: false },
                policies: null,
                pullRequests: { nodes: state.pulls },
                dashboard: {
                  nodes: state.dashboard === undefined ? [] : [{ number: 1, body: state.dashboard }],
                },
              },
            },
          },
        };
      const object = { text: DEPLOYMENT, byteSize: DEPLOYMENT.length, isBinary: false };
      return {
        status: 200,
        body: {
          data: { repository: { d0: { entries: [{ name: "d.yaml", type: "blob", mode: 33188, object }] } } },
        },
      };
    }
    if (r.method === "GET" && p === "/repos/o/r/issues")
      return {
        status: 200,
        body: state.dashboard === undefined ? [] : [{ number: 1, body: state.dashboard }],
      };
    if (r.method === "GET" && p === "/repos/o/r/issues/1")
      return { status: 200, body: { number: 1, state: "open", body: state.dashboard } };
    if (
      (r.method === "POST" && p === "/repos/o/r/issues") ||
      (r.method === "PATCH" && p === "/repos/o/r/issues/1")
    ) {
      state.dashboard = json.body;
      return { status: r.method === "POST" ? 201 : 200, body: { number: 1 } };
    }
    // Opening a PR: the branch through the Git Data API, the PR, its labels.
    if (r.method === "GET" && p === "/repos/o/r/git/ref/heads%2Fmain")
      return { status: 200, body: { object: { sha: "base0" } } };
    if (r.method === "GET" && p?.startsWith("/repos/o/r/git/ref/heads%2Fgovernor")) return undefined;
    if (r.method === "POST" && p === "/repos/o/r/git/trees") return { status: 201, body: { sha: "tree1" } };
    if (r.method === "POST" && p === "/repos/o/r/git/commits")
      return { status: 201, body: { sha: "commit1" } };
    if (r.method === "POST" && p === "/repos/o/r/git/refs") return { status: 201, body: {} };
    if (r.method === "POST" && p === "/repos/o/r/pulls") {
      const number = 20 + state.pulls.length;
      state.pulls.push({
        ...OPEN_PR,
        number,
        createdAt: new Date(NOW).toISOString(),
        body: json.body ?? "",
        headRefName: json.head ?? "",
      });
      return { status: 201, body: { number, node_id: `PR_${number}` } };
    }
    if (r.method === "POST" && /^\/repos\/o\/r\/issues\/\d+\/labels$/.test(p ?? ""))
      return { status: 200, body: [] };
    return undefined;
  };
}

/** Prometheus: worker's CPU at 0.6 cores, web's at `web` cores, with a wobble of its own each tick. */
const source = (web: number, wobble: number): SignalSource => ({
  range: async (q: RangeQuery): Promise<SignalData> => {
    const samples = [];
    for (let t = q.start, i = 0; t <= q.end; t += q.step, i++) {
      const usage = q.query.includes('container="worker"') ? 0.6 : web + wobble * Math.sin(i);
      samples.push({ t, v: q.query.includes("usage") ? usage : 0.01 });
    }
    return { status: "ok", samples, warnings: [], dropped: 0 };
  },
  instant: async () => ({ status: "missing", kind: "empty", reason: "unused", warnings: [] }),
});

const writes = (received: readonly Received[]) =>
  received.filter((r) => r.method !== "GET" && r.path !== "/graphql").map((r) => `${r.method} ${r.path}`);

async function repository(state: State) {
  const github = await fakeGitHubApi(route(state));
  api = github;
  const octokit = new (ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }))({
    auth: "token",
    baseUrl: github.baseUrl,
  } as never);
  const tick = (web: number, wobble: number, now: number) =>
    reconcileRepository(
      octokit as never,
      { owner: "o", repo: "r" },
      { endpoint: () => ({ source: source(web, wobble) }), key: KEY, now },
    );
  return { github, tick };
}

describe("an idle tick writes nothing", () => {
  it("two ticks with unchanged state and new samples: the second makes zero write requests", async () => {
    const state: State = { pulls: [OPEN_PR] };
    const { github, tick } = await repository(state);
    const first = await tick(0.58, 0.004, NOW);
    expect(first.decisions.map((d) => d.decision)).toEqual(["no-change", "propose"]);
    expect(first.actions).toEqual([]); // #12 already proposes worker's 690m
    expect(writes(github.received)).toEqual(["POST /repos/o/r/issues"]); // the dashboard, created once
    const body = state.dashboard ?? "";
    // The open PR linked by number, in the levers' table and among the changes in flight.
    expect(body).toContain("| worker | k8s-cpu-request | 500m | propose → 690m | #12 |");
    expect(body).toContain("- **worker** 500m → 690m: proposed, awaiting review (#12)");
    expect(body).toContain("| web | k8s-cpu-request | 690m | no-change | `deadband` |");

    const before = github.received.length;
    const second = await tick(0.59, 0.007, NOW + 3_600_000); // an hour later: other samples, other numbers
    expect(second.decisions.map((d) => d.reason)).not.toEqual(first.decisions.map((d) => d.reason));
    expect(writes(github.received.slice(before)), "write requests on the idle tick").toEqual([]);
    expect(state.dashboard).toBe(body);
  });

  it("the tick after one that opened a PR writes nothing: the dashboard already listed it, by number", async () => {
    const state: State = { pulls: [] };
    const { github, tick } = await repository(state);
    const first = await tick(0.58, 0.004, NOW);
    expect(first.actions.map((a) => a.type)).toEqual(["open"]);
    expect(state.pulls.map((p) => p.number)).toEqual([20]);
    expect(state.dashboard).toContain("- **worker** 500m → 690m: proposed, awaiting review (#20)");
    expect(state.dashboard).toContain("| worker | k8s-cpu-request | 500m | propose → 690m | #20 |");
    const before = github.received.length;
    const second = await tick(0.59, 0.007, NOW + 3_600_000);
    expect(second.actions).toEqual([]);
    expect(writes(github.received.slice(before)), "write requests on the next tick").toEqual([]);
  });
});
