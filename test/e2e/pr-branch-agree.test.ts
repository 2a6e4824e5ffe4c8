import { describe, expect, it } from "vitest";
import { DEPLOYMENT } from "../helpers/app-repo.js";
import { bareRepo, fakeGitHub, gitIn, readState, startApp, summary } from "./fake-github-process.js";

/**
 * Two replicas that recommend different values update one PR: the branch ends on the one whose
 * compare-and-swap came last, but the PR text on the one whose PATCH /pulls came last (a 502
 * retried a second later is enough). Then the PR says 690m while its branch sets 736m: merging it
 * deploys a value the ledger does not know, and its watch waits for a value that never comes.
 * Here the second replica's commit is put on the branch directly, as the race leaves it.
 */
describe("a PR whose branch head is another Governor decision than its text", () => {
  it("is rebuilt on the next tick, so that what is merged is what the PR says", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    expect(summary(await startApp(gh.url).done).failures).toEqual([]); // the PR for 690m
    const other = {
      ref: "refs/heads/governor/cpu",
      path: "apps/d.yaml",
      text: DEPLOYMENT.replace("cpu: 500m", "cpu: 736m"),
      message:
        "Tune cpu: 500m -> 736m\n\nfrom the other replica\n\nGovernor-Lever: cpu\nGovernor-Decision: other\nGovernor-Policy: k8s-cpu-request\nGovernor-From: 500m\nGovernor-To: 736m\n",
    };
    await gh.control({ hooks: [{ on: "graphql:governorSnapshot", when: "before", commit: other }] });
    expect(gitIn(bare, "show", "governor/cpu:apps/d.yaml")).toContain("cpu: 690m");

    // The same recommendation as the PR's text (690m): the branch must follow it again.
    const run = summary(await startApp(gh.url).done);
    expect(run).toEqual({ actions: ["update"], failures: [] });
    expect(gitIn(bare, "show", "governor/cpu:apps/d.yaml")).toContain("cpu: 690m");
    expect(gitIn(bare, "log", "-1", "--format=%B", "governor/cpu")).toContain("Governor-To: 690m");
    expect(readState(state).pulls.map((p) => p.title)).toEqual(["Tune cpu: 500m → 690m"]);
    // And then it is settled: nothing more to do.
    expect(summary(await startApp(gh.url).done)).toEqual({ actions: [], failures: [] });
  }, 60_000);
});
