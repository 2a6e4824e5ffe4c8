import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEPLOYMENT } from "../helpers/app-repo.js";
import { bareRepo, dashboards, fakeGitHub, readState, startApp, summary } from "./fake-github-process.js";

/** Writes of a first proposal: tree, commit, branch, PR, labels, dashboard issue. */
const WRITES = 6;

describe("restart safety: the App killed (SIGKILL) between any two GitHub writes", () => {
  it.each(Array.from({ length: WRITES }, (_, i) => i + 1))(
    "killed before write %d: the next tick completes, with no duplicate and no orphan branch",
    async (k) => {
      const { bare, state } = bareRepo();
      const gh = await fakeGitHub(bare, state);
      await gh.control(k);
      const killed = startApp(gh.url);
      await gh.waitFor(new RegExp(`PAUSED ${k}\\n`));
      killed.child.kill("SIGKILL");
      await killed.done;
      await gh.control(0);
      const resumed = summary(await startApp(gh.url).done);
      expect(resumed.failures).toEqual([]);
      const idle = summary(await startApp(gh.url).done);
      expect(idle).toEqual({ actions: [], failures: [] });

      const s = readState(state);
      expect(s.pulls.map((p) => [p.head, p.state, p.title, p.labels])).toEqual([
        ["governor/cpu", "open", "Tune cpu: 500m → 690m", ["governor", "governor:risk-low"]],
      ]);
      expect(dashboards(s)).toHaveLength(1);
      const branches = execFileSync("git", ["for-each-ref", "--format=%(refname)", "refs/heads"], {
        cwd: bare,
        encoding: "utf8",
      })
        .trim()
        .split("\n");
      expect(branches.sort()).toEqual(["refs/heads/governor/cpu", "refs/heads/main"]);
      expect(execFileSync("git", ["show", "governor/cpu:apps/d.yaml"], { cwd: bare, encoding: "utf8" })).toBe(
        DEPLOYMENT.replace("cpu: 500m", "cpu: 690m"),
      );
      expect(
        execFileSync("git", ["log", "--format=%s", "main..governor/cpu"], {
          cwd: bare,
          encoding: "utf8",
        }).trim(),
      ).toBe("Tune cpu: 500m -> 690m");
    },
    60_000,
  );
});
