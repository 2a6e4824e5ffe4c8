import { Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { tick } from "../../src/app/schedule.js";
import { createMetrics } from "../../src/telemetry/metrics.js";
import { PRIVATE_KEY } from "../helpers/app-process.js";
import { type FakeGitHubApi, fakeGitHubApi, token } from "../helpers/fake-github-api.js";

const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));
const missing = { status: "missing" as const, kind: "empty" as const, reason: "", warnings: [] };

let github: FakeGitHubApi | undefined;
afterEach(async () => {
  await github?.close();
});

describe("governor_github_requests_total", () => {
  it("counts each request once when one installation's octokit reconciles three repositories in turn", async () => {
    github = await fakeGitHubApi((r) => {
      if (r.path.startsWith("/app/installations?")) return { status: 200, body: [{ id: 7 }] };
      if (r.path === "/app/installations/7/access_tokens") return token("ghs_x");
      if (r.path.startsWith("/installation/repositories"))
        return {
          status: 200,
          body: {
            total_count: 3,
            repositories: ["a", "b", "c"].map((name) => ({ name, owner: { login: "o" } })),
          },
        };
      if (r.path === "/graphql")
        return {
          status: 200,
          body: {
            data: {
              repository: {
                defaultBranchRef: { name: "main", target: { oid: "x" } },
                config: null,
                policies: null,
                pullRequests: { nodes: [] },
              },
            },
          },
        };
      return undefined;
    });
    const metrics = createMetrics();
    const probot = new Probot({
      appId: 1,
      privateKey: PRIVATE_KEY,
      secret: "s",
      Octokit: TestOctokit,
      baseUrl: github.baseUrl,
      logLevel: "fatal",
    });
    const deps = {
      endpoint: () => ({ source: { range: async () => missing, instant: async () => missing } }),
      key: "s",
      clock: () => 0,
      metrics,
    };
    expect(await tick(probot, deps, 1)).toBe(3);
    // The reconciles' own requests: one snapshot query per repository (none is opted in).
    const reconciles = github.received.filter((r) => r.path === "/graphql").length;
    expect(reconciles).toBe(3);
    expect(await metrics.registry.metrics()).toContain(`governor_github_requests_total ${reconciles}\n`);
  });
});
