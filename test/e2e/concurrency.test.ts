import { describe, expect, it } from "vitest";
import { DEPLOYMENT } from "../helpers/app-repo.js";
import {
  bareRepo,
  dashboards,
  fakeGitHub,
  gitIn,
  readState,
  startApp,
  summary,
} from "./fake-github-process.js";

/** The App's writes racing other writers: a second replica, a 502, a person's push, a moving base. */

const openPulls = (state: string) => readState(state).pulls.filter((p) => p.state === "open");

describe("two App processes reconcile one repository at the same moment", () => {
  it("one PR per proposal and one open dashboard; the duplicate is closed as superseded, pointing at the kept one", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    // Both read the repository before either writes, and both look for the dashboard before either creates it.
    await gh.control({
      barriers: [
        { on: "graphql:governorSnapshot", count: 2 },
        { on: "GET /issues", count: 2 },
      ],
    });
    const [a, b] = await Promise.all([startApp(gh.url).done, startApp(gh.url).done]);
    expect([summary(a).failures, summary(b).failures]).toEqual([[], []]);

    expect(openPulls(state).map((p) => [p.head, p.title])).toEqual([
      ["governor/cpu", "Tune cpu: 500m → 690m"],
    ]);
    const s = readState(state);
    const open = dashboards(s).filter((i) => i.state === "open");
    expect(open).toHaveLength(1);
    const kept = open[0]?.number;
    const closed = dashboards(s).filter((i) => i.state === "closed");
    for (const d of closed) {
      expect(d.labels).toContain("governor:superseded");
      expect(s.comments.filter((c) => c.issue === d.number).map((c) => c.body)).toEqual([
        expect.stringContaining(`#${kept} is this repository's dashboard`),
      ]);
    }
    expect(closed.length).toBe(1); // the barrier made both create one: the race happened, and was undone
    expect(gitIn(bare, "log", "--format=%s", "main..governor/cpu")).toBe("Tune cpu: 500m -> 690m");

    // And the next tick, with both dashboards in the history, changes nothing.
    expect(summary(await startApp(gh.url).done)).toEqual({ actions: [], failures: [] });
    expect(dashboards(readState(state)).filter((i) => i.state === "open")).toHaveLength(1);
  }, 60_000);

  it("both update the same branch at once: one update lands, the other re-reads and builds on it; nothing is forced", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    expect(summary(await startApp(gh.url).done).failures).toEqual([]); // the PR for 690m
    await gh.control({
      barriers: [
        { on: "graphql:governorSnapshot", count: 2 },
        { on: "PATCH /git/refs/heads/governor/cpu", count: 2 },
      ],
    });
    // Two replicas that read usage a moment apart recommend different values: their commits differ.
    const [a, b] = await Promise.all([
      startApp(gh.url, { usage: 0.62 }).done,
      startApp(gh.url, { usage: 0.64 }).done,
    ]);
    expect([summary(a), summary(b)]).toEqual([
      { actions: ["update"], failures: [] },
      { actions: ["update"], failures: [] },
    ]);
    const patches = (await gh.log()).filter((r) => r.key === "PATCH /git/refs/heads/governor/cpu");
    expect(patches.map((r) => r.status).sort()).toEqual([200, 200, 422]); // the 422 was retried once, on the new head
    const history = gitIn(bare, "log", "--format=%s", "main..governor/cpu").split("\n");
    expect(history).toHaveLength(3);
    expect(history[2]).toBe("Tune cpu: 500m -> 690m");
    expect(history.slice(0, 2).sort()).toEqual(["Tune cpu: 500m -> 713m", "Tune cpu: 500m -> 736m"]);
    expect(gitIn(bare, "log", "--merges", "--format=%H", "main..governor/cpu")).toBe("");
    expect(openPulls(state)).toHaveLength(1);
  }, 60_000);
});

describe("a dashboard create answered 502 after GitHub created it", () => {
  it("with Octokit's retries on, as in production: exactly one dashboard, and no failure", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    await gh.control({ issue502: true });
    const run = summary(await startApp(gh.url, { retry: true }).done);
    expect(run.failures).toEqual([]);
    expect(dashboards(readState(state))).toHaveLength(1);
    expect((await gh.log()).filter((r) => r.key === "POST /issues").map((r) => r.status)).toEqual([502]);
  }, 60_000);
});

describe("trees are built on a tree", () => {
  it("the fake GitHub refuses a commit as base_tree, as GitHub documents; the App's push passes a tree", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    const main = gitIn(bare, "rev-parse", "main");
    const refused = await fetch(`${gh.url}/repos/o/r/git/trees`, {
      method: "POST",
      body: JSON.stringify({ base_tree: main, tree: [] }),
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { message: string }).message).toBe("base_tree is not a valid tree oid");

    expect(summary(await startApp(gh.url).done).failures).toEqual([]);
    const trees = (await gh.log()).filter(
      (r) => r.key === "POST /git/trees" && r.agent.startsWith("governor-e2e"),
    );
    expect(trees.map((r) => r.status)).toEqual([201]);
    // Every file of main is on the branch, with only the lever's line changed.
    expect(gitIn(bare, "diff", "--stat", "main", "governor/cpu")).toMatch(/^apps\/d\.yaml \| 2 \+-/);
  }, 60_000);
});

describe("a person pushes to governor/<lever> while Governor updates it", () => {
  it("the person's commit is not overwritten; the lever is aborted with the reason, on the dashboard too", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    expect(summary(await startApp(gh.url).done).failures).toEqual([]); // the PR for 690m
    const person = {
      ref: "refs/heads/governor/cpu",
      path: "apps/d.yaml",
      text: DEPLOYMENT.replace("cpu: 500m", "cpu: 750m"),
      message: "I know better: 750m",
    };
    // A new recommendation (usage up); the person's push lands just before Governor's update.
    await gh.control({
      hooks: [{ on: "PATCH /git/refs/heads/governor/cpu", when: "before", commit: person }],
    });
    const run = summary(await startApp(gh.url, { usage: 0.8 }).done);
    expect(run.actions).toEqual(["update"]);
    expect(run.failures).toEqual([
      expect.stringMatching(
        /^branch governor\/cpu was pushed to by someone else \(commit [0-9a-f]{7}\) while Governor updated it: it was not overwritten/,
      ),
    ]);
    expect(gitIn(bare, "log", "-1", "--format=%s", "governor/cpu")).toBe("I know better: 750m");
    expect(gitIn(bare, "show", "governor/cpu:apps/d.yaml")).toBe(person.text.trimEnd());
    // The PR was not rewritten to describe a commit that is not on its branch.
    expect(openPulls(state).map((p) => p.title)).toEqual(["Tune cpu: 500m → 690m"]);
    const dashboard = dashboards(readState(state))[0]?.body ?? "";
    expect(dashboard).toContain(
      "## ⚠️ Not done this tick\n\n- cpu: branch governor/cpu was pushed to by someone else",
    );
  }, 60_000);
});

describe("the default branch moves between the snapshot and the push", () => {
  const readme = { ref: "refs/heads/main", path: "README.md", text: "hello\n", message: "docs" };

  it("a commit that leaves the lever's file alone: the branch is built on the new head", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    await gh.control({ hooks: [{ on: "graphql:governorSnapshot", when: "after", commit: readme }] });
    expect(summary(await startApp(gh.url).done).failures).toEqual([]);
    const main = gitIn(bare, "rev-parse", "main");
    expect(gitIn(bare, "log", "-1", "--format=%s", "main")).toBe("docs");
    expect(gitIn(bare, "log", "-1", "--format=%P", "governor/cpu")).toBe(main);
    expect(gitIn(bare, "show", "governor/cpu:README.md")).toBe("hello");
    expect(gitIn(bare, "diff", "--stat", "main", "governor/cpu")).toMatch(/^apps\/d\.yaml \| 2 \+-/);
  }, 60_000);

  it("a commit that changes the lever's file: nothing is pushed, the reason is given, the next tick proposes on it", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    const edited = { ...readme, path: "apps/d.yaml", text: `# owned by team shop\n${DEPLOYMENT}` };
    await gh.control({ hooks: [{ on: "graphql:governorSnapshot", when: "after", commit: edited }] });
    const first = summary(await startApp(gh.url).done);
    expect(first.failures).toEqual([
      expect.stringMatching(
        /^main moved while Governor worked \(from [0-9a-f]{7} to [0-9a-f]{7}\) and apps\/d\.yaml changed there: nothing was pushed/,
      ),
    ]);
    expect(gitIn(bare, "for-each-ref", "--format=%(refname)", "refs/heads")).toBe("refs/heads/main");
    expect(openPulls(state)).toEqual([]);

    expect(summary(await startApp(gh.url).done).failures).toEqual([]);
    expect(gitIn(bare, "show", "governor/cpu:apps/d.yaml")).toBe(
      edited.text.replace("cpu: 500m", "cpu: 690m").trimEnd(),
    );
    expect(gitIn(bare, "log", "-1", "--format=%P", "governor/cpu")).toBe(gitIn(bare, "rev-parse", "main"));
  }, 60_000);
});
