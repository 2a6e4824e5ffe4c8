import { generateKeyPairSync } from "node:crypto";
import examples from "@octokit/webhooks-examples";
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { governorApp } from "../../src/app/app.js";
import { type PrMetadata, renderMetadata } from "../../src/core/pr/metadata.js";
import type { SignalData } from "../../src/core/signals/source.js";
import { CONFIG, DEPLOYMENT } from "../helpers/app-repo.js";
import { nock, strictHttp } from "../helpers/http-mock.js";

// A person's `/governor hold` is acknowledged only once it is in the dashboard's signed state:
// that state is the only place a hold lives, so a reconcile that fails before writing it (GitHub
// answering 502) must not answer "on hold" while the next tick proposes the lever as before.
strictHttp();
const API = "https://api.github.com";
const KEY = "test-webhook-secret";
const NOW = Date.parse("2026-11-23T10:00:00Z");
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));
const flat = async (): Promise<SignalData> => ({
  status: "missing",
  kind: "empty",
  reason: "-",
  warnings: [],
});

function app() {
  const probot = new Probot({ appId: 1, privateKey, secret: KEY, Octokit: TestOctokit, logLevel: "fatal" });
  probot.load(
    governorApp({
      endpoint: () => ({ source: { range: flat, instant: flat }, url: "http://prometheus:9090" }),
      key: KEY,
      clock: () => NOW,
      serveTelemetry: false,
    }),
  );
  return probot;
}

const meta: PrMetadata = {
  v: 1,
  kind: "change",
  lever: "cpu",
  policy: "k8s-cpu-request",
  decision: "old",
  from: "500m",
  to: "690m",
  direction: "up",
  file: "apps/d.yaml",
  proposedAt: NOW - 3_600_000,
};
const prBody = `b\n${renderMetadata(meta, KEY)}`;

function holdOnPr() {
  const example = (examples as unknown as Array<{ name: string; examples: Array<Record<string, unknown>> }>)
    .find((e) => e.name === "issue_comment")
    ?.examples.find((e) => e.action === "created");
  if (!example) throw new Error("no issue_comment example");
  return {
    ...example,
    installation: { id: 4242, node_id: "x" },
    comment: { ...(example.comment as object), body: "/governor hold incident 7" },
    issue: {
      ...(example.issue as object),
      number: 12,
      state: "open",
      body: prBody,
      labels: [{ name: "governor" }],
      pull_request: { url: "x", html_url: "x", diff_url: "x", patch_url: "x" },
    },
  };
}

const token = () =>
  nock(API)
    .post("/app/installations/4242/access_tokens")
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
const writer = () =>
  nock(API)
    .get("/repos/Codertocat/Hello-World/collaborators/Codertocat/permission")
    .reply(200, { permission: "write", role_name: "write", user: { login: "Codertocat" } });
const snapshot = () =>
  nock(API)
    .post("/graphql", (b: { query: string }) => b.query.includes("governorSnapshot"))
    .reply(200, {
      data: {
        repository: {
          defaultBranchRef: { name: "master", target: { oid: "base0", tree: { oid: "tree0" } } },
          config: { text: CONFIG, byteSize: CONFIG.length, isBinary: false },
          policies: null,
          pullRequests: {
            nodes: [
              {
                number: 12,
                state: "OPEN",
                createdAt: "2026-11-23T07:00:00Z",
                mergedAt: null,
                closedAt: null,
                body: prBody,
                headRefName: "governor/cpu",
                labels: { nodes: [{ name: "governor" }] },
              },
            ],
          },
          dashboard: { nodes: [] },
        },
      },
    });
const files = () =>
  nock(API)
    .post("/graphql", (b: { query: string }) => b.query.includes("governorFiles"))
    .reply(200, {
      data: {
        repository: {
          d0: {
            entries: [
              {
                name: "d.yaml",
                type: "blob",
                mode: 33188,
                object: { text: DEPLOYMENT, byteSize: DEPLOYMENT.length, isBinary: false },
              },
            ],
          },
        },
      },
    });

/** What Governor answered on the PR. */
function reply(): { body?: string } {
  const got: { body?: string } = {};
  nock(API)
    .post("/repos/Codertocat/Hello-World/issues/12/comments", (b: { body: string }) => {
      got.body = b.body;
      return true;
    })
    .reply(201, {});
  return got;
}

describe("a command is acknowledged only once it is recorded on the dashboard", () => {
  it("GitHub answers 502 to the tick's read: the reply says the lever is not on hold", async () => {
    token();
    writer();
    nock(API).post("/graphql").reply(502, { message: "Server Error" });
    const got = reply();
    await app().receive({ id: "h1", name: "issue_comment", payload: holdOnPr() as never });
    expect(got.body).not.toContain("is on hold");
    expect(got.body).toContain("was not recorded");
    expect(got.body).toContain("lever `cpu` is not on hold");
  });

  it("the dashboard cannot be created (500): the reply says the lever is not on hold", async () => {
    token();
    writer();
    snapshot();
    files();
    const listed = {
      labels: "governor:dashboard",
      state: "open",
      sort: "created",
      direction: "asc",
      per_page: 100,
    };
    nock(API).get("/repos/Codertocat/Hello-World/issues").query(listed).times(2).reply(200, []);
    nock(API).post("/repos/Codertocat/Hello-World/issues").reply(500, { message: "Server Error" });
    const got = reply();
    await app().receive({ id: "h2", name: "issue_comment", payload: holdOnPr() as never });
    expect(got.body).not.toContain("is on hold");
    expect(got.body).toContain("was not recorded");
    expect(got.body).toContain("Server Error");
  });
});
