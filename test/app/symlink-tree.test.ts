import { generateKeyPairSync } from "node:crypto";
import examples from "@octokit/webhooks-examples";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { governorApp } from "../../src/app/app.js";
import type { SignalData, SignalSource } from "../../src/core/signals/source.js";
import { CONFIG } from "../helpers/app-repo.js";
import { nock, strictHttp } from "../helpers/http-mock.js";

/**
 * The App reads lever files from GitHub's tree, where a symlink is an entry of mode 120000
 * whose blob is the link's target path. It never follows one: a lever file that is a symlink
 * (to a workflow, say) is a configuration error on the dashboard, and nothing is written —
 * the strict HTTP mock fails the test on any request it does not expect (a tree, a commit, a PR).
 */

strictHttp();
const API = "https://api.github.com";
const KEY = "test-webhook-secret";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

function pushPayload() {
  const push = (
    examples as unknown as Array<{ name: string; examples: Array<Record<string, unknown>> }>
  ).find((e) => e.name === "push")?.examples[0];
  if (!push) throw new Error("no push example");
  const commits = [
    { ...(push.head_commit as object), id: "c1", added: [], removed: [], modified: [".github/governor.yml"] },
  ];
  return {
    ...push,
    ref: "refs/heads/master",
    commits,
    head_commit: commits[0],
    installation: { id: 4242, node_id: "x" },
  };
}

const noData: SignalSource = {
  range: async (): Promise<SignalData> => ({
    status: "missing",
    kind: "empty",
    reason: "unused",
    warnings: [],
  }),
  instant: async (): Promise<SignalData> => ({
    status: "missing",
    kind: "empty",
    reason: "unused",
    warnings: [],
  }),
};

const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

function app(): Probot {
  const probot = new Probot({ appId: 1, privateKey, secret: KEY, Octokit: TestOctokit, logLevel: "fatal" });
  probot.load(
    governorApp({
      endpoint: () => ({ source: noData, url: "http://prometheus:9090" }),
      key: KEY,
      clock: () => Date.parse("2026-11-23T10:00:00Z"),
      serveTelemetry: false,
    }),
  );
  return probot;
}

/** The config read, the `apps` folder answered with `apps`, and the dashboard Governor looks up and creates (its body kept). */
function mockGitHub(apps: unknown, policies: unknown = null): { body?: string } {
  const dashboard: { body?: string } = {};
  nock(API)
    .post("/app/installations/4242/access_tokens")
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
  nock(API)
    .post("/graphql", (b: { query: string }) => b.query.includes("governorSnapshot"))
    .reply(200, {
      data: {
        repository: {
          defaultBranchRef: { name: "master", target: { oid: "base0", tree: { oid: "tree0" } } },
          config: { text: CONFIG, byteSize: CONFIG.length, isBinary: false },
          policies,
          pullRequests: { nodes: [] },
          dashboard: { nodes: [] },
        },
      },
    });
  nock(API)
    .post(
      "/graphql",
      (b: { query: string }) => b.query.includes("governorFiles") && b.query.includes('"base0:apps"'),
    )
    .reply(200, { data: { repository: { d0: apps } } });
  // The dashboard is looked up by its marker before it is created, and once more after.
  const listed = {
    labels: "governor:dashboard",
    state: "open",
    sort: "created",
    direction: "asc",
    per_page: 100,
  };
  nock(API).get("/repos/Codertocat/Hello-World/issues").query(listed).reply(200, []);
  nock(API)
    .post("/repos/Codertocat/Hello-World/issues", (b: { title: string; body: string }) => {
      dashboard.body = b.body;
      return b.title === "Governor Dashboard";
    })
    .reply(201, { number: 1 });
  nock(API)
    .get("/repos/Codertocat/Hello-World/issues")
    .query(listed)
    .reply(200, () => [{ number: 1, body: dashboard.body }]);
  return dashboard;
}

describe("the App never follows a symlink in the repository's tree", () => {
  it("a lever file that is a symlink to a workflow is a configuration error, and nothing is written", async () => {
    const target = "../.github/workflows/ci.yml";
    const dashboard = mockGitHub({
      entries: [
        {
          name: "d.yaml",
          type: "blob",
          mode: 0o120000,
          object: { text: target, byteSize: target.length, isBinary: false },
        },
      ],
    });
    await app().receive({ id: "s1", name: "push", payload: pushPayload() as never });
    expect(dashboard.body).toContain("## ❌ Configuration errors");
    expect(dashboard.body).toContain(
      '`.github/governor.yml:5:20: levers[0].target.file: "apps/d.yaml" is a symlink: point the lever at the file itself`',
    );
  });

  it("a folder on the way that is a symlink (a blob, not a tree, for GitHub) leaves the lever's file missing", async () => {
    const dashboard = mockGitHub({});
    await app().receive({ id: "s2", name: "push", payload: pushPayload() as never });
    expect(dashboard.body).toContain(
      '`.github/governor.yml:5:20: levers[0].target.file: "apps/d.yaml" does not exist in the repository`',
    );
  });

  it("a repository policy that is a symlink is a configuration error, never read as YAML", async () => {
    const target = "../../workflows/ci.yml";
    const dashboard = mockGitHub(
      {},
      {
        entries: [
          {
            name: "linked.yaml",
            type: "blob",
            mode: 0o120000,
            object: { text: target, byteSize: target.length, isBinary: false },
          },
        ],
      },
    );
    await app().receive({ id: "s3", name: "push", payload: pushPayload() as never });
    expect(dashboard.body).toContain(
      ".github/governor/policies/linked.yaml: is a symlink: Governor reads policies only from regular files in the repository",
    );
  });
});
