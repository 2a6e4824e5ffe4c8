import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/tmp-repo.js";
import { bareRepo, fakeGitHub, gitIn, startApp, summary } from "./fake-github-process.js";

/**
 * A person rewrites governor/<lever> so that Governor's commit sits on top of their own (a rebase
 * onto their work, or a cherry-pick, keeps its message and trailers): the head looks like
 * Governor's, but the branch holds a commit Governor did not make. Governor's next update builds
 * its tree on the default branch's, so it would silently undo the person's change in the PR.
 */
describe("a person's commit under Governor's on governor/<lever>", () => {
  it("a history rewritten with a person's commit below Governor's head: not built on, the lever waits with the reason", async () => {
    const { bare, state } = bareRepo();
    const gh = await fakeGitHub(bare, state);
    expect(summary(await startApp(gh.url).done).failures).toEqual([]); // the PR for 690m
    // The person clones, commits their own change on main, cherry-picks Governor's commit on top, force-pushes.
    const work = join(tmpDir(), "person");
    gitIn(bare, "clone", "-q", bare, work);
    gitIn(work, "checkout", "-q", "-b", "rewrite", "origin/main");
    writeFileSync(join(work, "README.md"), "reviewed by the shop team\n");
    gitIn(work, "add", "README.md");
    gitIn(work, "commit", "-q", "-m", "docs: who reviews cpu");
    gitIn(work, "cherry-pick", "origin/governor/cpu");
    gitIn(work, "push", "-q", "--force", "origin", "HEAD:governor/cpu");
    const pushed = gitIn(bare, "rev-parse", "governor/cpu");
    expect(gitIn(bare, "log", "-1", "--format=%B", "governor/cpu")).toContain("Governor-Decision:");

    // A new recommendation (usage up): Governor would update the branch.
    const run = summary(await startApp(gh.url, { usage: 0.8 }).done);
    expect(run.failures).toEqual([
      expect.stringMatching(
        /^branch governor\/cpu holds commit [0-9a-f]{7} that Governor did not make .*it was not overwritten/,
      ),
    ]);
    expect(gitIn(bare, "rev-parse", "governor/cpu")).toBe(pushed);
    expect(gitIn(bare, "show", "governor/cpu:README.md")).toBe("reviewed by the shop team");
  }, 60_000);
});
