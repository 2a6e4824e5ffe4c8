import { generateKeyPairSync } from "node:crypto";
import examples from "@octokit/webhooks-examples";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { governorApp } from "../../src/app/app.js";
import { type PrMetadata, parseMetadata, renderMetadata } from "../../src/core/pr/metadata.js";
import { renderSignedBlock } from "../../src/core/pr/signed-block.js";
import { readDashboardState } from "../../src/core/reconcile/dashboard.js";
import type { RangeQuery, SignalData, SignalSource } from "../../src/core/signals/source.js";
import { CONFIG, DEPLOYMENT } from "../helpers/app-repo.js";
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

function app(usage = 0.6, other?: Other, now = NOW, signals: SignalSource = source(usage, other)) {
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: KEY,
    Octokit: TestOctokit,
    logLevel: (process.env.TEST_LOG as "fatal") ?? "fatal",
  });
  probot.load(
    governorApp({
      endpoint: (name) =>
        name === undefined
          ? { source: signals, url: "http://prometheus:9090" }
          : `unknown endpoint "${name}"; the operator offers: default`,
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
/** The dashboard issue's body as Governor last wrote it (the tests' GitHub keeps it). */
const dashboard: { body?: string } = {};

/**
 * The two GraphQL reads of a tick (and the installation token). With `existingDashboard`, the
 * dashboard issue exists with that body; otherwise Governor creates it (captured in `dashboard`).
 */
function mockReads(
  prs: unknown[] = [],
  config = CONFIG,
  deployment = DEPLOYMENT,
  existingDashboard?: string,
) {
  if (existingDashboard === undefined) {
    // Looked up by its marker before it is created, and once more after.
    const listed = {
      labels: "governor:dashboard",
      state: "open",
      sort: "created",
      direction: "asc",
      per_page: 100,
    };
    nock(API).get("/repos/Codertocat/Hello-World/issues").query(listed).reply(200, []);
    nock(API)
      .post(
        "/repos/Codertocat/Hello-World/issues",
        (b: { title: string; body: string; labels: string[] }) => {
          dashboard.body = b.body;
          return b.title === "Governor Dashboard" && b.labels[0] === "governor:dashboard";
        },
      )
      .reply(201, { number: 1 });
    nock(API)
      .get("/repos/Codertocat/Hello-World/issues")
      .query(listed)
      .reply(200, () => [{ number: 1, body: dashboard.body }]);
  }
  nock(API)
    .post("/app/installations/4242/access_tokens")
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
  nock(API)
    .post("/graphql", (b: { query: string }) => b.query.includes("governorSnapshot"))
    .reply(200, {
      data: {
        repository: {
          defaultBranchRef: { name: "master", target: { oid: "base0", tree: { oid: "tree0" } } },
          config: { text: config, byteSize: config.length, isBinary: false },
          policies: null,
          pullRequests: { nodes: prs },
          dashboard: {
            nodes: existingDashboard === undefined ? [] : [{ number: 1, body: existingDashboard }],
          },
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

/**
 * The default branch read again (it has not moved), the tree and commit of the lever's edit, and
 * the branch looked up (`branch`: its head commit, when it exists); returns what the commit carried.
 */
function mockCommit(
  seen: { tree?: unknown; commit?: { message: string } },
  branch = "governor/cpu",
  head?: { sha: string; message: string; tree?: string; parents?: string[] },
  commits = 1,
) {
  nock(API)
    .get("/repos/Codertocat/Hello-World/git/ref/heads%2Fmaster")
    .reply(200, { object: { sha: "base0" } });
  const ref = `/repos/Codertocat/Hello-World/git/ref/heads%2F${branch.replace("/", "%2F")}`;
  if (head) {
    nock(API)
      .get(ref)
      .reply(200, { object: { sha: head.sha } });
    nock(API)
      .get(`/repos/Codertocat/Hello-World/git/commits/${head.sha}`)
      .reply(200, {
        message: head.message,
        tree: { sha: head.tree ?? "oldtree" },
        parents: (head.parents ?? ["base0"]).map((sha) => ({ sha })),
      });
  } else nock(API).get(ref).reply(404, { message: "Not Found" });
  nock(API)
    .post("/repos/Codertocat/Hello-World/git/trees", (b) => {
      seen.tree = b;
      return true;
    })
    .reply(201, { sha: "tree1" });
  if (commits > 0)
    nock(API)
      .post("/repos/Codertocat/Hello-World/git/commits", (b) => {
        seen.commit = b;
        return true;
      })
      .times(commits)
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
      base_tree: "tree0",
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

  it("limit: ratio — the PR's one commit holds both edits: the request and its limit", async () => {
    const config = `${CONFIG}    limit: ratio\n`;
    const deployment = `${DEPLOYMENT}            limits:\n              cpu: 1\n`;
    mockReads([], config, deployment);
    const seen: { tree?: unknown; commit?: { message: string }; pr?: { body: string } } = {};
    mockCommit(seen);
    nock(API).post("/repos/Codertocat/Hello-World/git/refs").reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/pulls", (b) => {
        seen.pr = b;
        return true;
      })
      .reply(201, { number: 12 });
    nock(API).post("/repos/Codertocat/Hello-World/issues/12/labels").reply(200, []);
    await app().receive({ id: "1", name: "push", payload: pushPayload() as never });
    expect(seen.tree).toMatchObject({
      tree: [
        {
          path: "apps/d.yaml",
          content: deployment.replace("cpu: 500m", "cpu: 690m").replace("cpu: 1\n", "cpu: 1380m\n"),
        },
      ],
    });
    expect(seen.commit?.message).toContain(
      "Governor-From: 500m\nGovernor-To: 690m\nGovernor-Limit-From: 1\nGovernor-Limit-To: 1380m\n",
    );
    expect(seen.pr?.body).toContain("**limit**: limit moves 1 → 1380m (ratio 2.0)");
    expect(parseMetadata(seen.pr?.body, KEY)).toMatchObject({
      ok: true,
      value: { from: "500m", to: "690m", limit: { from: "1", to: "1380m" } },
    });
  });

  it("an unchanged recommendation makes zero write requests (once the dashboard exists)", async () => {
    const open = [prNode(12, `b\n${renderMetadata(meta("690m"), KEY)}`)];
    mockReads(open);
    await app().receive({ id: "2", name: "push", payload: pushPayload() as never });
    expect(dashboard.body).toContain("| cpu | k8s-cpu-request | 500m | propose → 690m |");
    expect(dashboard.body).toContain("- **cpu** 500m → 690m: proposed, awaiting review");
    expect(dashboard.body).toContain("| k8s-cpu-request | 0 | 0 | 0 | not yet (0/5 verified) |");
    mockReads(open, CONFIG, DEPLOYMENT, dashboard.body);
    await app().receive({ id: "2b", name: "push", payload: pushPayload() as never });
  });

  it("a changed recommendation updates the branch and the PR, never a second PR", async () => {
    mockReads([prNode(12, `b\n${renderMetadata(meta("650m"), KEY)}`)]);
    const seen: { commit?: { parents: string[] } } = {};
    mockCommit(seen as never, "governor/cpu", {
      sha: "old1",
      message: "Tune cpu: 500m -> 650m\n\nGovernor-Lever: cpu\nGovernor-Decision: old\n",
    });
    // Compare-and-swap: the new commit follows the head Governor read, and the update is not forced.
    nock(API)
      .patch("/repos/Codertocat/Hello-World/git/refs/heads%2Fgovernor%2Fcpu", {
        sha: "commit1",
        force: false,
      })
      .reply(200, {});
    nock(API)
      .patch("/repos/Codertocat/Hello-World/pulls/12", (b) => b.title === "Tune cpu: 500m → 690m")
      .reply(200, {});
    await app().receive({ id: "3", name: "push", payload: pushPayload() as never });
    expect(seen.commit?.parents).toEqual(["old1"]);
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
    mockCommit({}, "governor/cpu", { sha: "human1", message: "my own experiment" }, 0);
    await app().receive({ id: "6", name: "push", payload: pushPayload() as never });
  });

  it("an invalid config opens nothing and shows the error, with file:line, on the dashboard", async () => {
    mockReads([], CONFIG.replace("policy: k8s-cpu-request", "policy: k8s-cpu-requets"));
    await app().receive({ id: "7", name: "push", payload: pushPayload() as never });
    expect(dashboard.body).toContain("## ❌ Configuration errors");
    expect(dashboard.body).toContain(
      '`.github/governor.yml:4:13: levers[0].policy: unknown policy "k8s-cpu-requets" (did you mean "k8s-cpu-request"?)`',
    );
  });

  it("a repository may only pick one of the operator's named endpoints, never a URL", async () => {
    mockReads([], CONFIG.replace("version: 1\n", "version: 1\nprometheus: {endpoint: metadata-server}\n"));
    await app().receive({ id: "e1", name: "push", payload: pushPayload() as never });
    expect(dashboard.body).toContain(
      '`.github/governor.yml: prometheus.endpoint: unknown endpoint "metadata-server"; the operator offers: default`',
    );
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

describe("restart safety", () => {
  it("a crash between creating the branch and opening the PR: the next tick opens exactly one PR on the same branch", async () => {
    // Tick 1 dies after the branch exists: the PR request never succeeds.
    mockReads();
    mockCommit({});
    nock(API).post("/repos/Codertocat/Hello-World/git/refs").reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/pulls")
      .replyWithError("socket hang up (the App was killed)");
    await app().receive({ id: "r1", name: "push", payload: pushPayload() as never });
    expect(dashboard.body).toContain("## ⚠️ Not done this tick\n\n- cpu: socket hang up (the App was killed)");
    // Tick 2: no PR in the snapshot; the branch is Governor's, so it is adopted and the PR opened once.
    mockReads([], CONFIG, DEPLOYMENT, dashboard.body);
    // The branch already holds exactly this edit on this base: it is adopted as it is, no new commit.
    const message =
      "Tune cpu: 500m -> 690m\n\nGovernor-Lever: cpu\nGovernor-Decision: 20261123T100000Z-cpu\n";
    mockCommit({}, "governor/cpu", { sha: "commit1", message, tree: "tree1" }, 0);
    nock(API).post("/repos/Codertocat/Hello-World/pulls").once().reply(201, { number: 40 });
    nock(API)
      .get("/repos/Codertocat/Hello-World/issues/1")
      .reply(200, () => ({ number: 1, state: "open", body: dashboard.body }));
    nock(API)
      .patch("/repos/Codertocat/Hello-World/issues/1", (b: { body: string }) => !b.body.includes("Not done"))
      .reply(200, {});
    nock(API).post("/repos/Codertocat/Hello-World/issues/40/labels").reply(200, []);
    await app().receive({ id: "r2", name: "push", payload: pushPayload() as never });
  });
});

describe("tampered metadata", () => {
  it("labels the PR governor:needs-human, says why, and leaves it and its branch alone", async () => {
    const forged = `b\n${renderMetadata(meta("4"), "someone-else")}`;
    mockReads([prNode(12, forged)]);
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/comments", (b) =>
        b.body.startsWith("Governor's hidden metadata in this pull request was edited"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:needs-human"] })
      .reply(200, []);
    await app().receive({ id: "t1", name: "push", payload: pushPayload() as never });
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
  // A CPU upsize cannot cause throttling (the policy's guardrail is harmedBy: decrease): the
  // breaches that revert it are of an error ratio, which a change in any direction can cause.
  const WATCHED = CONFIG.replace(
    "levers:",
    "guardrails:\n  - {name: errors, query: 'sum(rate(http_errors_total[5m]))', max: 0.1}\nlevers:",
  );
  const errors =
    (after: number): Other =>
    (q, t) =>
      q.includes("http_errors") ? (t >= APPLIED ? after : 0.01) : throttling(0.02)(q, t);

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
    mockReads(merged(), WATCHED, HEAD);
    const seen: { tree?: { tree: Array<{ content: string }> }; commit?: { message: string } } = {};
    mockCommit(seen as never, "governor/revert-cpu");
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
    await app(0.6, errors(0.5)).receive({ id: "w2", name: "push", payload: pushPayload() as never });
    expect(seen.tree?.tree[0]?.content).toBe(DEPLOYMENT);
    expect(seen.commit?.message).toContain("Governor-Revert: old");
  });

  it("fail with limit: ratio: the revert PR restores the request and its limit, exactly", async () => {
    const config = `${WATCHED}    limit: ratio\n`;
    const original = `${DEPLOYMENT}            limits:\n              cpu: 1\n`;
    const head = original.replace("cpu: 500m", "cpu: 690m").replace("cpu: 1\n", "cpu: 1380m\n");
    const withLimit = { ...meta("690m"), limit: { from: "1", to: "1380m" } };
    mockReads([prNode(12, `b\n${renderMetadata(withLimit, KEY)}`, "MERGED", MERGED)], config, head);
    const seen: { tree?: { tree: Array<{ content: string }> }; commit?: { message: string } } = {};
    mockCommit(seen as never, "governor/revert-cpu");
    nock(API).post("/repos/Codertocat/Hello-World/git/refs").reply(201, {});
    nock(API).post("/repos/Codertocat/Hello-World/pulls").reply(201, { number: 13 });
    nock(API).post("/repos/Codertocat/Hello-World/issues/13/labels").reply(200, []);
    nock(API).post("/repos/Codertocat/Hello-World/issues/12/comments").reply(201, {});
    await app(0.6, errors(0.5)).receive({ id: "w2", name: "push", payload: pushPayload() as never });
    expect(seen.tree?.tree[0]?.content).toBe(original);
  });

  it("fail, but the value was changed since: no revert, a comment, the lever holds", async () => {
    mockReads(merged(), WATCHED, DEPLOYMENT.replace("cpu: 500m", "cpu: 800m"));
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/comments", (b) =>
        b.body.includes("No revert: the value is now 800m, not 690m as Governor set it"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:needs-human"] })
      .reply(200, []);
    await app(0.6, errors(0.5)).receive({ id: "w3", name: "push", payload: pushPayload() as never });
  });

  it("appliedWhen liveValue: applied at the first evaluation where the live value equals the new one", async () => {
    const config = `${CONFIG}watch:\n  appliedWhen: {liveValue: {query: 'max(kube_pod_container_resource_requests{resource="cpu"})'}}\n`;
    mockReads(merged(), config, HEAD);
    const live: Other = (q, t) =>
      q.includes("resource_requests")
        ? q.includes('pod=~"d-.*"')
          ? t >= Date.parse("2026-11-23T08:30:00Z")
            ? 0.69
            : 0.5
          : undefined
        : throttling(0.02)(q, t);
    nock(API)
      .post(
        "/repos/Codertocat/Hello-World/issues/12/comments",
        (b) => b.body.startsWith("✅ **Verified.**") && b.body.includes("2026-11-23+09%3A00%3A00"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:verified"] })
      .reply(200, []);
    await app(0.6, live).receive({ id: "w7", name: "push", payload: pushPayload() as never });
  });

  it("a breach visible inside the window reverts at once; nothing else acts before the window ends", async () => {
    const mergedRecently = [
      prNode(12, `b\n${renderMetadata(meta("690m"), KEY)}`, "MERGED", "2026-11-23T09:40:00Z"),
    ];
    const appliedRecently = Date.parse("2026-11-23T09:45:00Z");
    const breach: Other = (q, t) => (q.includes("http_errors") ? (t >= appliedRecently ? 0.5 : 0.01) : 0);
    mockReads(mergedRecently, WATCHED, HEAD);
    mockCommit({}, "governor/revert-cpu");
    nock(API)
      .post("/repos/Codertocat/Hello-World/git/refs", {
        ref: "refs/heads/governor/revert-cpu",
        sha: "commit1",
      })
      .reply(201, {});
    nock(API).post("/repos/Codertocat/Hello-World/pulls").reply(201, { number: 14 });
    nock(API).post("/repos/Codertocat/Hello-World/issues/14/labels").reply(200, []);
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/comments", (b) =>
        b.body.startsWith("❌ **Guardrail breached.**"),
      )
      .reply(201, {});
    await app(0.6, breach).receive({ id: "w8", name: "push", payload: pushPayload() as never });
    // The same change without a breach: inside its window, no verdict and no write yet (but the
    // dashboard of this fresh repository: the one above already shows the revert).
    mockReads(mergedRecently, WATCHED, HEAD);
    await app(0.6, throttling(0.02)).receive({ id: "w9", name: "push", payload: pushPayload() as never });
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

  it("a throttling breach after a CPU upsize is not reverted: extended, then held, and the comment says why", async () => {
    mockReads(merged(), CONFIG, HEAD);
    await app(0.6, throttling(0.5), APPLIED + 40 * 60_000).receive({
      id: "w11",
      name: "push",
      payload: pushPayload() as never,
    });
    mockReads(merged(), CONFIG, HEAD);
    nock(API)
      .post(
        "/repos/Codertocat/Hello-World/issues/12/comments",
        (b) =>
          b.body.startsWith(
            "❔ **Inconclusive.** A breach of cpu-throttling that the change's direction cannot cause (harmedBy), so it is not reverted; it is not treated as a pass.",
          ) &&
          b.body.includes("but an increase of the lever cannot cause it (harmedBy: decrease): not reverted"),
      )
      .reply(201, {});
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/12/labels", { labels: ["governor:inconclusive"] })
      .reply(200, []);
    await app(0.6, throttling(0.5), APPLIED + 61 * 60_000).receive({
      id: "w12",
      name: "push",
      payload: pushPayload() as never,
    });
  });

  it("a window mostly without data is extended, never verified on the rest", async () => {
    // Throttling has samples for the first 10 of the window's 30 minutes only (a scrape outage).
    const gap: Other = (q, t) =>
      q.includes("throttled") ? (t >= APPLIED + 10 * 60_000 ? undefined : 0.01) : 0;
    mockReads(merged(), CONFIG, HEAD);
    await app(0.6, gap, APPLIED + 31 * 60_000).receive({
      id: "w10",
      name: "push",
      payload: pushPayload() as never,
    });
  });

  it("while Prometheus is unreachable, no verdict and no label, even past the extension: the window waits", async () => {
    const down: SignalSource = {
      range: async () => ({
        status: "missing",
        kind: "unreachable",
        reason: "Prometheus unreachable (http://prometheus:9090): cannot connect (ECONNREFUSED)",
        warnings: [],
      }),
      instant: async () => ({ status: "missing", kind: "unreachable", reason: "down", warnings: [] }),
    };
    mockReads(merged(), CONFIG, HEAD);
    await app(0.6, undefined, APPLIED + 61 * 60_000, down).receive({
      id: "w11",
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

describe("the dashboard written by two replicas", () => {
  it("a hold another replica recorded after this tick read the dashboard is kept when this tick rewrites it", async () => {
    const signed = (holds: unknown[]) =>
      `<!-- governor:dashboard -->\nold\n${renderSignedBlock("state", { v: 1, holds, resumes: [], rejections: [] }, KEY)}\n`;
    // This tick read the dashboard without a hold...
    mockReads([], CONFIG.replace("policy: k8s-cpu-request", "policy: nope"), DEPLOYMENT, signed([]));
    // ...and the other replica's hold is there when it comes to write.
    const hold = { scope: { kind: "repo" }, reason: "incident 42", since: NOW - 60_000, by: "octocat" };
    nock(API)
      .get("/repos/Codertocat/Hello-World/issues/1")
      .reply(200, { number: 1, state: "open", body: signed([hold]) });
    const written: { body?: string } = {};
    nock(API)
      .patch("/repos/Codertocat/Hello-World/issues/1", (b: { body: string }) => {
        written.body = b.body;
        return true;
      })
      .reply(200, {});
    await app().receive({ id: "d1", name: "push", payload: pushPayload() as never });
    expect(written.body).toContain("## ❌ Configuration errors");
    expect(readDashboardState(written.body, KEY).state.holds).toEqual([hold]);
  });
});

describe("the repository's revert cap in the App's watch", () => {
  const LEVERS = ["c1", "c2", "c3", "c4"];
  const config = `version: 1\nguardrails:\n  - {name: errors, query: 'sum(rate(http_errors_total[5m]))', max: 0.1}\nlevers:\n${LEVERS.map(
    (c) =>
      `  - id: ${c}\n    policy: k8s-cpu-request\n    target: {file: apps/d.yaml, kind: Deployment, name: d, container: ${c}, field: resources.requests.cpu}\n    selector: '{pod=~"d-.*", container="${c}"}'\n    bounds: {min: 100m, max: "4"}\n`,
  ).join("")}`;
  const deployment = `kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n${LEVERS.map(
    (c) => `        - name: ${c}\n          resources:\n            requests:\n              cpu: 690m\n`,
  ).join("")}`;
  const MERGED = "2026-11-23T08:00:00Z";
  const APPLIED = Date.parse(MERGED) + 5 * 60_000;
  const merged = LEVERS.map((c, i) => ({
    ...prNode(
      11 + i,
      `b\n${renderMetadata({ ...meta("690m"), lever: c, decision: `old-${c}` }, KEY)}`,
      "MERGED",
      MERGED,
    ),
    headRefName: `governor/${c}`,
  }));
  // An error ratio: a CPU upsize cannot cause throttling (harmedBy: decrease), so never reverted for it.
  const breach: Other = (q, t) => (q.includes("http_errors") ? (t >= APPLIED ? 0.5 : 0.01) : 0);

  it("four levers breached in one hour: three reverts are opened, the fourth is reported as capped, with the reason", async () => {
    mockReads(merged, config, deployment);
    const reverted: string[] = [];
    for (const [i, c] of LEVERS.slice(0, 3).entries()) {
      mockCommit({}, `governor/revert-${c}`);
      nock(API)
        .post("/repos/Codertocat/Hello-World/git/refs", {
          ref: `refs/heads/governor/revert-${c}`,
          sha: "commit1",
        })
        .reply(201, {});
      nock(API)
        .post("/repos/Codertocat/Hello-World/pulls", (b: { head: string }) => {
          reverted.push(b.head);
          return b.head === `governor/revert-${c}`;
        })
        .reply(201, { number: 21 + i });
      nock(API)
        .post(`/repos/Codertocat/Hello-World/issues/${21 + i}/labels`)
        .reply(200, []);
      replied(11 + i, (b) => b.startsWith("❌ **Guardrail breached.**") && b.endsWith(`See #${21 + i}.`));
    }
    replied(
      14,
      (b) =>
        b.startsWith("❌ **Guardrail breached.**") &&
        b.endsWith(
          "No revert: 3 reverts in the last hour already (at most 3); a metrics problem is more likely — a person decides. The lever holds.",
        ),
    );
    nock(API)
      .post("/repos/Codertocat/Hello-World/issues/14/labels", { labels: ["governor:needs-human"] })
      .reply(200, []);
    await app(0.6, breach).receive({ id: "cap1", name: "push", payload: pushPayload() as never });
    expect(reverted).toEqual(["governor/revert-c1", "governor/revert-c2", "governor/revert-c3"]);
  });
});

/** The issue_comment.created example, adapted: the comment's text, the issue as a Governor PR or the dashboard. */
function commentPayload(body: string, on: "pr" | "dashboard", issueBody = "") {
  const example = (examples as unknown as Array<{ name: string; examples: Array<Record<string, unknown>> }>)
    .find((e) => e.name === "issue_comment")
    ?.examples.find((e) => e.action === "created");
  if (!example) throw new Error("no issue_comment example");
  const issue = example.issue as Record<string, unknown>;
  return {
    ...example,
    installation: { id: 4242, node_id: "x" },
    comment: { ...(example.comment as object), body },
    issue: {
      ...issue,
      number: on === "pr" ? 12 : 1,
      state: "open",
      body: issueBody,
      labels: [{ name: on === "pr" ? "governor" : "governor:dashboard" }],
      ...(on === "pr" ? { pull_request: { url: "x", html_url: "x", diff_url: "x", patch_url: "x" } } : {}),
    },
  };
}
const permission = (level: string) =>
  nock(API)
    .get("/repos/Codertocat/Hello-World/collaborators/Codertocat/permission")
    .reply(200, { permission: level, role_name: level, user: { login: "Codertocat" } });
const replied = (n: number, test: (body: string) => boolean) =>
  nock(API)
    .post(`/repos/Codertocat/Hello-World/issues/${n}/comments`, (b: { body: string }) => test(b.body))
    .reply(201, {});

describe("comment commands", () => {
  const prBody = () => `b\n${renderMetadata(meta("690m"), KEY)}`;

  it("refuses a user without write permission, and changes nothing", async () => {
    nock(API)
      .post("/app/installations/4242/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
    permission("read");
    replied(
      12,
      (b) =>
        b === "@Codertocat: only people with write permission on this repository can use `/governor hold`.",
    );
    await app().receive({
      id: "c1",
      name: "issue_comment",
      payload: commentPayload("/governor hold flaky metrics", "pr", prBody()) as never,
    });
  });

  it("hold from a writer: recorded on the dashboard, the lever blocked, acknowledged", async () => {
    permission("write");
    mockReads([prNode(12, prBody())]);
    replied(12, (b) => b.startsWith("⏸️ lever `cpu` is on hold (@Codertocat: flaky metrics)."));
    await app().receive({
      id: "c2",
      name: "issue_comment",
      payload: commentPayload("/governor hold flaky metrics", "pr", prBody()) as never,
    });
    expect(dashboard.body).toContain("## Holds\n\n- lever cpu: flaky metrics (since 2026-11-23T10:00:00Z)");
    expect(dashboard.body).toContain("| cpu | k8s-cpu-request | 500m | blocked | `hold` |");
  });

  it("resume from a writer lifts the hold", async () => {
    permission("admin");
    mockReads([prNode(12, prBody())]);
    replied(12, (b) => b === "▶️ lever `cpu` is resumed by @Codertocat.");
    await app().receive({
      id: "c3",
      name: "issue_comment",
      payload: commentPayload("/governor resume", "pr", prBody()) as never,
    });
    expect(dashboard.body).toContain("## Holds\n\nNone.");
  });

  it("reject with a reason: the PR is closed, the reason kept, the cooldown applies", async () => {
    permission("maintain");
    nock(API).patch("/repos/Codertocat/Hello-World/pulls/12", { state: "closed" }).reply(200, {});
    const closed = { ...prNode(12, prBody(), "CLOSED"), closedAt: "2026-11-23T09:59:00Z" };
    mockReads([closed]);
    replied(12, (b) => b.startsWith("🚫 Rejected by @Codertocat: we are mid-migration."));
    await app().receive({
      id: "c4",
      name: "issue_comment",
      payload: commentPayload("/governor reject we are mid-migration", "pr", prBody()) as never,
    });
    expect(dashboard.body).toContain("- **cpu** 500m → 690m: rejected by @Codertocat: we are mid-migration");
    expect(dashboard.body).toMatch(/\| cpu \| k8s-cpu-request \| 500m \| blocked \| `cooldown` \|/);
  });

  it("explain replies with the full decision, every check and the numbers", async () => {
    permission("write");
    mockReads();
    mockCommit({});
    nock(API).post("/repos/Codertocat/Hello-World/git/refs").reply(201, {});
    nock(API).post("/repos/Codertocat/Hello-World/pulls").reply(201, { number: 12 });
    nock(API).post("/repos/Codertocat/Hello-World/issues/12/labels").reply(200, []);
    replied(
      1,
      (b) =>
        b.startsWith("**cpu** (policy `k8s-cpu-request`): **propose** — 500m → 690m") &&
        b.includes("### Safety checks") &&
        b.includes("[Prometheus](http://prometheus:9090/graph?"),
    );
    await app().receive({
      id: "c5",
      name: "issue_comment",
      payload: commentPayload("/governor explain", "dashboard") as never,
    });
  });

  it("an unknown command gets the help", async () => {
    nock(API)
      .post("/app/installations/4242/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
    replied(1, (b) => b.startsWith("@Codertocat: I do not know `/governor pause`. Commands:"));
    await app().receive({
      id: "c6",
      name: "issue_comment",
      payload: commentPayload("thanks!\n/governor pause", "dashboard") as never,
    });
  });
});
