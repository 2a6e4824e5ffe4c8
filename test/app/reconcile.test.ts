import { generateKeyPairSync } from "node:crypto";
import examples from "@octokit/webhooks-examples";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { governorApp } from "../../src/app/app.js";
import { type PrMetadata, parseMetadata, renderMetadata } from "../../src/core/pr/metadata.js";
import type { RangeQuery, SignalData, SignalSource } from "../../src/core/signals/source.js";
import { nock, strictHttp } from "../helpers/http-mock.js";

strictHttp();
const API = "https://api.github.com";
const KEY = "test-webhook-secret";
const NOW = Date.parse("2026-11-23T10:00:00Z");
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** The push example of @octokit/webhooks-examples, adapted only in ref, files and installation. */
function pushPayload(files = [".github/governor.yml"], ref = "refs/heads/master") {
  const push = (
    examples as unknown as Array<{ name: string; examples: Array<Record<string, unknown>> }>
  ).find((e) => e.name === "push")?.examples[0];
  if (!push) throw new Error("no push example");
  const commits = [{ ...(push.head_commit as object), id: "c1", added: [], removed: [], modified: files }];
  return { ...push, ref, commits, head_commit: commits[0], installation: { id: 4242, node_id: "x" } };
}

const CONFIG = `version: 1
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: apps/d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 100m, max: "4"}
`;
const DEPLOYMENT =
  "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources:\n            requests:\n              cpu: 500m\n";

/** Signals answered without Prometheus: CPU usage at `usage` cores, other queries by `other`. */
type Other = (query: string, t: number) => number | undefined;
const source = (usage: number, other: Other = () => 0): SignalSource => ({
  range: async (q: RangeQuery): Promise<SignalData> => {
    const samples = [];
    for (let t = q.start; t <= q.end; t += q.step) {
      const v = q.query.includes("usage") ? usage : other(q.query, t);
      if (v !== undefined) samples.push({ t, v });
    }
    if (samples.length === 0) return { status: "missing", kind: "empty", reason: "no data", warnings: [] };
    return { status: "ok", samples, warnings: [], dropped: 0 };
  },
  instant: async () => ({ status: "missing", kind: "empty", reason: "unused", warnings: [] }),
});

/**
 * Retry and throttling off, as Probot's testing guide says. Probot 14 merges its own throttle
 * options over class defaults, so the switch is applied last, in a function default.
 */
const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

function app(usage = 0.6, other?: Other, now = NOW) {
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: KEY,
    Octokit: TestOctokit,
    logLevel: (process.env.TEST_LOG as "fatal") ?? "fatal",
  });
  probot.load(
    governorApp({
      source: () => source(usage, other),
      prometheusUrl: "http://prometheus:9090",
      key: KEY,
      clock: () => now,
      serveTelemetry: false,
    }),
  );
  return probot;
}

const meta = (to: string): PrMetadata => ({
  v: 1,
  kind: "change",
  lever: "cpu",
  policy: "k8s-cpu-request",
  decision: "old",
  from: "500m",
  to,
  direction: "up",
  file: "apps/d.yaml",
  proposedAt: NOW - 3_600_000,
});
const prNode = (number: number, body: string, state = "OPEN", mergedAt: string | null = null) => ({
  number,
  state,
  createdAt: "2026-11-23T07:00:00Z",
  mergedAt,
  closedAt: mergedAt,
  body,
  headRefName: "governor/cpu",
  labels: { nodes: [{ name: "governor" }] },
});

/** The two GraphQL reads of a tick (and the installation token). */
function mockReads(prs: unknown[] = [], config = CONFIG, deployment = DEPLOYMENT) {
  nock(API)
    .post("/app/installations/4242/access_tokens")
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
  nock(API)
    .post("/graphql", (b: { query: string }) => b.query.includes("governorSnapshot"))
    .reply(200, {
      data: {
        repository: {
          defaultBranchRef: { name: "master", target: { oid: "base0" } },
          config: { text: config, byteSize: config.length, isBinary: false },
          policies: null,
          pullRequests: { nodes: prs },
        },
      },
    });
  nock(API)
    .post(
      "/graphql",
      (b: { query: string }) => b.query.includes("governorFiles") && b.query.includes('"base0:apps"'),
    )
    .reply(200, {
      data: {
        repository: {
          d0: {
            entries: [
              {
                name: "d.yaml",
                type: "blob",
                mode: 33188,
                object: { text: deployment, byteSize: deployment.length, isBinary: false },
              },
            ],
          },
        },
      },
    });
}

/** Tree + commit of the lever's edit; returns what the commit carried. */
function mockCommit(seen: { tree?: unknown; commit?: { message: string } }) {
  nock(API)
    .post("/repos/Codertocat/Hello-World/git/trees", (b) => {
      seen.tree = b;
      return true;
    })
    .reply(201, { sha: "tree1" });
  nock(API)
    .post("/repos/Codertocat/Hello-World/git/commits", (b) => {
      seen.commit = b;
      return true;
    })
    .reply(201, { sha: "commit1" });
}

describe("the App's reconcile, against GitHub's API (nock)", () => {
  it("first proposal: a branch through the Git Data API, a PR with labels and signed metadata", async () => {
    mockReads();
    const seen: {
      tree?: unknown;
      commit?: { message: string };
      pr?: { title: string; body: string; head: string; base: string };
    } = {};
    mockCommit(seen);
    nock(API)
      .post("/repos/Codertocat/Hello-World/git/refs", { ref: "refs/heads/governor/cpu", sha: "commit1" })
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/pulls", (b) => {
        seen.pr = b;
        return true;
      })
      .reply(201, { number: 12 });
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor", "governor:risk-low"] })
      .reply(200, []);
    await app().receive({ id: "1", name: "push", payload: pushPayload() as never });
    expect(seen.tree).toEqual({
      base_tree: "base0",
      tree: [
        {
          path: "apps/d.yaml",
          mode: "100644",
          type: "blob",
          content: DEPLOYMENT.replace("cpu: 500m", "cpu: 690m"),
        },
      ],
    });
    expect(seen.commit?.message).toMatch(
      /^Tune cpu: 500m -> 690m\n\n.*Governor-Lever: cpu\nGovernor-Decision: 20261123T100000Z-cpu\nGovernor-Policy: k8s-cpu-request\nGovernor-From: 500m\nGovernor-To: 690m\n$/s,
    );
    expect(seen.pr).toMatchObject({ title: "Tune cpu: 500m → 690m", head: "governor/cpu", base: "master" });
    expect(parseMetadata(seen.pr?.body, KEY)).toMatchObject({
      ok: true,
      value: { lever: "cpu", from: "500m", to: "690m", decision: "20261123T100000Z-cpu" },
    });
    expect(seen.pr?.body).toContain("### Rollback plan");
  });

  it("an unchanged recommendation makes zero write requests", async () => {
    mockReads([prNode(12, `b\n${renderMetadata(meta("690m"), KEY)}`)]);
    await app().receive({ id: "2", name: "push", payload: pushPayload() as never });
  });

  it("a changed recommendation updates the branch and the PR, never a second PR", async () => {
    mockReads([prNode(12, `b\n${renderMetadata(meta("650m"), KEY)}`)]);
    const seen = {};
    mockCommit(seen);
    nock(API)
      .post("/repos/Codertocat/Hello-World/git/refs")
      .reply(422, { message: "Reference already exists" });
    nock(API)
      .get("/repos/Codertocat/Hello-World/git/ref/heads%2Fgovernor%2Fcpu")
      .reply(200, { object: { sha: "old1" } });
    nock(API)
      .get("/repos/Codertocat/Hello-World/git/commits/old1")
      .reply(200, { message: "Tune cpu: 500m -> 650m\n\nGovernor-Lever: cpu\nGovernor-Decision: old\n" });
    nock(API)
      .patch("/repos/Codertocat/Hello-World/git/refs/heads%2Fgovernor%2Fcpu", { sha: "commit1", force: true })
      .reply(200, {});
    nock(API)
      .patch("/repos/Codertocat/Hello-World/pulls/12", (b) => b.title === "Tune cpu: 500m → 690m")
      .reply(200, {});
    await app().receive({ id: "3", name: "push", payload: pushPayload() as never });
  });

  it("a recommendation that no longer holds closes the PR with the reason", async () => {
    mockReads([prNode(12, `b\n${renderMetadata(meta("690m"), KEY)}`)]);
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/comments", (b) =>
        /no longer holds\.\n\nno change: the change would be 3\.6%/.test(b.body),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:superseded"] })
      .reply(200, []);
    nock(API).patch("/repos/Codertocat/Hello-World/pulls/12", { state: "closed" }).reply(200, {});
    const probot = app(0.45);
    await probot.receive({ id: "4", name: "push", payload: pushPayload() as never });
  });

  it("'A pull request already exists' after a retried request: the PR is adopted", async () => {
    mockReads();
    mockCommit({});
    nock(API).post("/repos/Codertocat/Hello-World/git/refs").reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/pulls")
      .reply(422, {
        message: "Validation Failed",
        errors: [{ message: "A pull request already exists for Codertocat:governor/cpu." }],
      });
    nock(API)
      .get("/repos/Codertocat/Hello-World/pulls")
      .query({ head: "Codertocat:governor/cpu", state: "open" })
      .reply(200, [{ number: 31 }]);
    nock(API).patch("/repos/Codertocat/Hello-World/pulls/31").reply(200, {});
    nock(API).post("/repos/Codertocat/Hello-World/issues/31/labels").reply(200, []);
    await app().receive({ id: "5", name: "push", payload: pushPayload() as never });
  });

  it("never touches a person's branch of the same name", async () => {
    mockReads();
    mockCommit({});
    nock(API)
      .post("/repos/Codertocat/Hello-World/git/refs")
      .reply(422, { message: "Reference already exists" });
    nock(API)
      .get("/repos/Codertocat/Hello-World/git/ref/heads%2Fgovernor%2Fcpu")
      .reply(200, { object: { sha: "human1" } });
    nock(API)
      .get("/repos/Codertocat/Hello-World/git/commits/human1")
      .reply(200, { message: "my own experiment" });
    await app().receive({ id: "6", name: "push", payload: pushPayload() as never });
  });

  it("an invalid config opens nothing", async () => {
    mockReads([], CONFIG.replace("policy: k8s-cpu-request", "policy: k8s-cpu-requets"));
    await app().receive({ id: "7", name: "push", payload: pushPayload() as never });
  });

  it("ignores pushes that do not touch the config, and other branches", async () => {
    await app().receive({ id: "8", name: "push", payload: pushPayload(["README.md"]) as never });
    await app().receive({
      id: "9",
      name: "push",
      payload: pushPayload([".github/governor.yml"], "refs/heads/feature") as never,
    });
  });
});

describe("the watch after merge", () => {
  const MERGED = "2026-11-23T08:00:00Z"; // applied at 08:05 (merged + 5m); the 30m window ends 08:35
  const APPLIED = Date.parse(MERGED) + 5 * 60_000;
  const merged = () => [prNode(12, `b\n${renderMetadata(meta("690m"), KEY)}`, "MERGED", MERGED)];
  const HEAD = DEPLOYMENT.replace("cpu: 500m", "cpu: 690m");
  const throttling =
    (after: number | undefined): Other =>
    (q, t) =>
      q.includes("throttled") ? (t >= APPLIED ? after : 0.01) : 0;

  it("pass: a comment with the effect and the verified label", async () => {
    mockReads(merged(), CONFIG, HEAD);
    nock(API)
      .post(
        "/repos/Codertocat/Hello-World/issues/12/comments",
        (b) => b.body.startsWith("✅ **Verified.**") && b.body.includes("cpu-throttling"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:verified"] })
      .reply(200, []);
    await app(0.6, throttling(0.02)).receive({ id: "w1", name: "push", payload: pushPayload() as never });
  });

  it("fail: a revert PR restoring the exact original value, and a comment on the change", async () => {
    mockReads(merged(), CONFIG, HEAD);
    const seen: { tree?: { tree: Array<{ content: string }> }; commit?: { message: string } } = {};
    mockCommit(seen as never);
    nock(API)
      .post("/repos/Codertocat/Hello-World/git/refs", {
        ref: "refs/heads/governor/revert-cpu",
        sha: "commit1",
      })
      .reply(201, {});
    nock(API)
      .post(
        "/repos/Codertocat/Hello-World/pulls",
        (b) => b.title === "Revert cpu: 690m → 500m" && b.head === "governor/revert-cpu",
      )
      .reply(201, { number: 13 });
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/13/labels", { labels: ["governor", "governor:revert"] })
      .reply(200, []);
    nock(API)
      .post(
        "/repos/Codertocat/Hello-World/issues/12/comments",
        (b) => b.body.startsWith("❌ **Guardrail breached.**") && b.body.endsWith("See #13."),
      )
      .reply(201, {});
    await app(0.6, throttling(0.5)).receive({ id: "w2", name: "push", payload: pushPayload() as never });
    expect(seen.tree?.tree[0]?.content).toBe(DEPLOYMENT);
    expect(seen.commit?.message).toContain("Governor-Revert: old");
  });

  it("fail, but the value was changed since: no revert, a comment, the lever holds", async () => {
    mockReads(merged(), CONFIG, DEPLOYMENT.replace("cpu: 500m", "cpu: 800m"));
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/comments", (b) =>
        b.body.includes("No revert: the value is now 800m, not 690m as Governor set it"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:needs-human"] })
      .reply(200, []);
    await app(0.6, throttling(0.5)).receive({ id: "w3", name: "push", payload: pushPayload() as never });
  });

  it("inconclusive: waits for the one extension, then holds — never a pass", async () => {
    mockReads(merged(), CONFIG, HEAD);
    await app(0.6, throttling(undefined), APPLIED + 40 * 60_000).receive({
      id: "w4",
      name: "push",
      payload: pushPayload() as never,
    });
    mockReads(merged(), CONFIG, HEAD);
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/comments", (b) =>
        b.body.startsWith("❔ **Inconclusive.**"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:inconclusive"] })
      .reply(200, []);
    await app(0.6, throttling(undefined), APPLIED + 61 * 60_000).receive({
      id: "w5",
      name: "push",
      payload: pushPayload() as never,
    });
  });

  it("appliedWhen commitStatus: applied when the deployer reports success after the merge", async () => {
    const config = `${CONFIG}watch:\n  appliedWhen: {commitStatus: {context: argocd/shop}}\n`;
    mockReads(merged(), config, HEAD);
    nock(API)
      .get("/repos/Codertocat/Hello-World/commits/base0/statuses")
      .query(true)
      .reply(200, [
        { context: "argocd/shop", state: "success", created_at: "2026-11-23T07:30:00Z" },
        { context: "ci", state: "success", created_at: "2026-11-23T08:10:00Z" },
        { context: "argocd/shop", state: "success", created_at: "2026-11-23T08:20:00Z" },
      ]);
    nock(API)
      .post(
        "/repos/Codertocat/Hello-World/issues/12/comments",
        (b) => b.body.startsWith("✅ **Verified.**") && b.body.includes("2026-11-23+08%3A50%3A00"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:verified"] })
      .reply(200, []);
    await app(0.6, throttling(0.02)).receive({ id: "w6", name: "push", payload: pushPayload() as never });
  });
});
