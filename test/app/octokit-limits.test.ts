import { Probot } from "probot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { governorOctokit } from "../../src/app/octokit-limits.js";
import { reconcileRepository } from "../../src/reconcile/github.js";
import { PRIVATE_KEY } from "../helpers/app-process.js";
import { CONFIG, DEPLOYMENT } from "../helpers/app-repo.js";
import {
  type FakeGitHubApi,
  fakeGitHubApi,
  type Received,
  type Reply,
  token,
} from "../helpers/fake-github-api.js";

// Each test has an installation of its own: plugin-throttling's limiters are per installation and
// shared by the whole process, and a test with a faked clock leaves them in its future.
// The App's own octokit (src/app/start.ts passes it to Probot), waits bounded at 5 s.
const MAX_WAIT_MS = 5000;
let github: FakeGitHubApi | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await github?.close();
  github = undefined;
});

/** A fake GitHub that mints tokens ghs_1, ghs_2, … for any installation and answers the rest with `route`. */
async function setUp(route: (r: Received) => Reply | undefined) {
  let minted = 0;
  github = await fakeGitHubApi((r) => {
    if (/^\/app\/installations\/\d+\/access_tokens$/.test(r.path)) return token(`ghs_${++minted}`);
    return route(r);
  });
  const probot = new Probot({
    appId: 1,
    privateKey: PRIVATE_KEY,
    secret: "s",
    baseUrl: github.baseUrl,
    Octokit: governorOctokit({ maxWaitMs: MAX_WAIT_MS }),
    logLevel: "fatal",
  });
  const received = github.received;
  return {
    probot,
    received,
    minted: () => minted,
    at: (path: string) => received.filter((r) => r.path === path),
  };
}

const fail = async (p: Promise<unknown>) =>
  p.then(
    () => ({ message: "no error", status: 0 }),
    (e: { message: string; status: number }) => e,
  );

describe("an expired installation token (401)", () => {
  it("is re-minted once and the request retried once, with the new token", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const gh = await setUp((r) =>
      r.path === "/repos/o/r" && r.authorization === "token ghs_1"
        ? { status: 401, body: { message: "Bad credentials" } }
        : { status: 200, body: { name: "r" } },
    );
    const octokit = await gh.probot.auth(101);
    await octokit.request("GET /repos/{owner}/{repo}/branches", { owner: "o", repo: "r" });
    vi.setSystemTime(Date.now() + 30 * 60_000); // half an hour on: the cached token is GitHub's no more
    const repo = await octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" });
    expect(repo.status).toBe(200);
    expect(gh.minted()).toBe(2);
    expect(gh.at("/repos/o/r").map((r) => r.authorization)).toEqual(["token ghs_1", "token ghs_2"]);
  });

  it("a 401 for the new token too is an error that says what to check, with no third token", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const gh = await setUp((r) => {
      if (r.path !== "/repos/o/r") return { status: 200, body: {} };
      // auth-app itself retries a token younger than 5 s once a second: let that time pass.
      if (r.authorization === "token ghs_2") vi.setSystemTime(Date.now() + 10_000);
      return { status: 401, body: { message: "Bad credentials" } };
    });
    const octokit = await gh.probot.auth(102);
    await octokit.request("GET /repos/{owner}/{repo}/branches", { owner: "o", repo: "r" });
    vi.setSystemTime(Date.now() + 30 * 60_000);
    const e = await fail(octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" }));
    expect(e.status).toBe(401);
    expect(e.message).toContain("also a newly minted one: check that the App is still installed");
    expect(gh.minted()).toBe(2);
    const tokens = gh.at("/repos/o/r").map((r) => r.authorization);
    expect(tokens[0]).toBe("token ghs_1");
    expect(new Set(tokens.slice(1))).toEqual(new Set(["token ghs_2"])); // auth-app's one 1 s retry of a fresh token
    expect(tokens.length).toBeLessThanOrEqual(3);
  });
});

describe("a 401 for the App's own JWT (a private key that is not the App's)", () => {
  it("is not re-minted, and says which variables to check", async () => {
    const gh = await setUp((r) =>
      r.path.startsWith("/app/installations?")
        ? { status: 401, body: { message: "A JSON web token could not be decoded" } }
        : undefined,
    );
    const app = await gh.probot.auth();
    const e = await fail(app.request("GET /app/installations", { per_page: 100 }));
    expect(e.message).toContain(
      "GitHub refused the App's own credentials for GET /app/installations (401: A JSON web token could not be decoded): check that PRIVATE_KEY is the private key of the App APP_ID",
    );
    expect(gh.minted()).toBe(0);
    expect(gh.received).toHaveLength(1);
  });
});

describe("the primary rate limit (x-ratelimit-remaining: 0)", () => {
  const limited = (resetInS: number): Reply => ({
    status: 403,
    body: { message: "API rate limit exceeded for installation ID 7." },
    headers: {
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + resetInS),
    },
  });

  it("a reset within GOVERNOR_GITHUB_MAX_WAIT is waited for, then the request is sent once more", async () => {
    let n = 0;
    const gh = await setUp((r) =>
      r.path === "/repos/o/r" && ++n === 1 ? limited(0) : { status: 200, body: { name: "r" } },
    );
    const octokit = await gh.probot.auth(103);
    expect((await octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" })).status).toBe(200);
    const [first, second] = gh.at("/repos/o/r");
    expect(gh.at("/repos/o/r")).toHaveLength(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000); // plugin-throttling: reset + 1 s
  });

  it("a reset an hour away is not waited for: one request, and an error saying until when", async () => {
    const gh = await setUp((r) => (r.path === "/repos/o/r" ? limited(3600) : undefined));
    const octokit = await gh.probot.auth(104);
    const e = await fail(octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" }));
    expect(gh.at("/repos/o/r")).toHaveLength(1);
    expect(e.message).toMatch(/rate limit for installation 104 is used up until \d{4}-\d\d-\d\dT/);
  });
});

describe("the secondary rate limit (retry-after)", () => {
  const secondary = (after: number, status = 403): Reply => ({
    status,
    body: {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    },
    headers: { "retry-after": String(after) },
  });

  it("a retry-after within the bound is waited for, then the write is sent once more", async () => {
    let n = 0;
    const gh = await setUp((r) =>
      r.path === "/repos/o/r/issues" && ++n === 1 ? secondary(1) : { status: 201, body: { number: 1 } },
    );
    const octokit = await gh.probot.auth(105);
    const created = await octokit.request("POST /repos/{owner}/{repo}/issues", {
      owner: "o",
      repo: "r",
      title: "t",
    });
    expect(created.status).toBe(201);
    const [first, second] = gh.at("/repos/o/r/issues");
    expect(gh.at("/repos/o/r/issues")).toHaveLength(2);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("a retry-after over the bound is not waited for: one request, a clear error (403 and 429 alike)", async () => {
    const gh = await setUp((r) =>
      r.path === "/repos/o/r/issues"
        ? secondary(3600)
        : r.path === "/repos/o/r/pulls"
          ? { status: 429, body: { message: "Too many requests" }, headers: { "retry-after": "3600" } }
          : undefined,
    );
    const octokit = await gh.probot.auth(106);
    const e = await fail(
      octokit.request("POST /repos/{owner}/{repo}/issues", { owner: "o", repo: "r", title: "t" }),
    );
    expect(e.message).toContain("secondary rate limit refused POST /repos/o/r/issues (retry after 3600s)");
    const p = await fail(
      octokit.request("POST /repos/{owner}/{repo}/pulls", { owner: "o", repo: "r", head: "h", base: "main" }),
    );
    expect(p.status).toBe(429);
    expect(gh.at("/repos/o/r/issues")).toHaveLength(1);
    expect(gh.at("/repos/o/r/pulls")).toHaveLength(1); // plugin-retry sent a 429 four times, retry-after unread
  }, 30_000);
});

describe("a 403 that is no rate limit (a permission the installation lacks)", () => {
  it("is sent once, and the reconcile reports one clear error naming the request and what to do", async () => {
    const config = "version: 1\nlevers: []\n";
    const gh = await setUp((r) => {
      if (r.path === "/graphql")
        return {
          status: 200,
          body: {
            data: {
              repository: {
                defaultBranchRef: { name: "main", target: { oid: "x", tree: { oid: "tx" } } },
                config: { text: config, byteSize: config.length, isBinary: false },
                policies: null,
                dashboard: { nodes: [] },
                pullRequests: { nodes: [] },
              },
            },
          },
        };
      if (r.method === "GET" && r.path.startsWith("/repos/o/r/issues?")) return { status: 200, body: [] };
      if (r.path === "/repos/o/r/issues")
        return {
          status: 403,
          body: {
            message: "Resource not accessible by integration",
            documentation_url: "https://docs.github.com/rest/issues/issues#create-an-issue",
          },
        };
      return undefined;
    });
    const octokit = await gh.probot.auth(107);
    const missing = { status: "missing" as const, kind: "empty" as const, reason: "", warnings: [] };
    const result = await reconcileRepository(
      octokit as never,
      { owner: "o", repo: "r" },
      {
        endpoint: () => ({ source: { range: async () => missing, instant: async () => missing } }),
        key: "s",
        now: Date.parse("2026-11-23T10:00:00Z"),
      },
    );
    expect(gh.at("/repos/o/r/issues")).toHaveLength(1);
    expect(result.failures.map((f) => f.problem.message)).toEqual([
      expect.stringContaining(
        "GitHub refused POST /repos/o/r/issues (403: Resource not accessible by integration): the App's installation lacks a permission",
      ),
    ]);
  });
});

describe("a 403 on a change, with the dashboard still writable", () => {
  it("is sent once, and the dashboard issue says what GitHub refused and what to do", async () => {
    const snapshot = {
      data: {
        repository: {
          defaultBranchRef: { name: "main", target: { oid: "base0", tree: { oid: "tree0" } } },
          config: { text: CONFIG, byteSize: CONFIG.length, isBinary: false },
          policies: null,
          dashboard: { nodes: [] },
          pullRequests: { nodes: [] },
        },
      },
    };
    const file = { name: "d.yaml", type: "blob", mode: 33188 };
    const files = {
      data: {
        repository: {
          d0: {
            entries: [
              { ...file, object: { text: DEPLOYMENT, byteSize: DEPLOYMENT.length, isBinary: false } },
            ],
          },
        },
      },
    };
    let dashboard = "";
    const gh = await setUp((r) => {
      if (r.path === "/graphql")
        return { status: 200, body: r.body.includes("governorFiles") ? files : snapshot };
      if (r.path === "/repos/o/r/git/ref/heads%2Fmain")
        return { status: 200, body: { object: { sha: "base0" } } };
      if (r.path === "/repos/o/r/git/trees")
        return { status: 403, body: { message: "Resource not accessible by integration" } };
      if (r.method === "GET" && r.path.startsWith("/repos/o/r/issues?"))
        return { status: 200, body: dashboard === "" ? [] : [{ number: 1, body: dashboard }] };
      if (r.path === "/repos/o/r/issues") {
        dashboard = (JSON.parse(r.body) as { body: string }).body;
        return { status: 201, body: { number: 1 } };
      }
      return undefined;
    });
    const octokit = await gh.probot.auth(109);
    const usage = { status: "ok" as const, warnings: [], dropped: 0 };
    const result = await reconcileRepository(
      octokit as never,
      { owner: "o", repo: "r" },
      {
        endpoint: () => ({
          source: {
            range: async (q) => {
              const samples = [];
              for (let t = q.start; t <= q.end; t += q.step)
                samples.push({ t, v: q.query.includes("usage") ? 0.6 : 0 });
              return { ...usage, samples };
            },
            instant: async () => ({ status: "missing", kind: "empty", reason: "", warnings: [] }),
          },
        }),
        key: "s",
        now: Date.parse("2026-11-23T10:00:00Z"),
      },
    );
    expect(result.actions.map((a) => a.type)).toEqual(["open"]);
    expect(gh.at("/repos/o/r/git/trees")).toHaveLength(1);
    expect(dashboard).toContain("## ⚠️ Not done this tick");
    expect(dashboard).toContain(
      "cpu: GitHub refused POST /repos/o/r/git/trees (403: Resource not accessible by integration): the App's installation lacks a permission",
    );
  });
});

describe("writes of one installation", () => {
  it("are sent one at a time, each ≥ 1 s after the previous one started, across octokits of the installation", async () => {
    const gh = await setUp((r) =>
      r.method === "POST" ? { status: 201, body: { number: 1 }, delayMs: 1500 } : { status: 200, body: {} },
    );
    const a = await gh.probot.auth(110);
    const b = await gh.probot.auth(110);
    // Git Data writes (as pushBranch makes): plugin-throttling spaces these by 1 s, not by 3 s as
    // writes that notify people.
    const post = (o: typeof a, sha: string) =>
      o.request("POST /repos/{owner}/{repo}/git/trees", { owner: "o", repo: "r", base_tree: sha, tree: [] });
    await Promise.all([post(a, "1"), post(b, "2"), post(a, "3")]);
    const writes = gh.received.flatMap((r, i) => (r.path === "/repos/o/r/git/trees" ? [{ ...r, i }] : []));
    expect(writes).toHaveLength(3);
    for (let k = 1; k < writes.length; k++) {
      const previous = writes[k - 1] as (typeof writes)[number];
      const current = writes[k] as (typeof writes)[number];
      expect(current.at - previous.at).toBeGreaterThanOrEqual(1000);
      // Serialised: a slow write is answered before the next one is sent.
      expect(current.at).toBeGreaterThanOrEqual(github?.answered[previous.i] ?? Number.POSITIVE_INFINITY);
    }
  }, 30_000);
});

describe("a GitHub request that is never answered", () => {
  it("fails after GOVERNOR_GITHUB_TIMEOUT with an error naming the request, instead of holding the repository's reconcile for minutes", async () => {
    let minted = 0;
    github = await fakeGitHubApi((r) => {
      if (/^\/app\/installations\/\d+\/access_tokens$/.test(r.path)) return token(`ghs_${++minted}`);
      return { status: 200, body: {}, delayMs: 60_000 }; // a stalled connection: no answer for a minute
    });
    const probot = new Probot({
      appId: 1,
      privateKey: PRIVATE_KEY,
      secret: "s",
      baseUrl: github.baseUrl,
      Octokit: governorOctokit({ maxWaitMs: MAX_WAIT_MS, requestTimeoutMs: 500 }),
      logLevel: "fatal",
    });
    const octokit = await probot.auth(111);
    // Without a timeout the request waits the server's full minute, past this test's own timeout.
    const e = await fail(octokit.request("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" }));
    expect(e.message).toMatch(/^GitHub did not answer GET \/repos\/o\/r within 0\.5 s/);
  }, 40_000);
});
