import { describe, expect, it } from "vitest";
import { checkReadPath, checkResolvedPath, checkTargetPath } from "../../../src/core/config/target-path.js";

const WORKFLOW = "is a GitHub Actions workflow: Governor never edits CI definitions";
const ACTION = "is a local GitHub Action (workflows run it): Governor never edits CI definitions";
const OWN = "is Governor's own configuration: Governor never edits it";
const GIT = "is inside .git/ (git's own data: hooks, config): Governor never reads or edits it";
const GITHUB =
  "is under .github/ (the repository's automation and governance: CODEOWNERS, dependabot, settings): Governor never edits it";
const OTHER_CI =
  "is a CI definition or a file git or a hook manager acts on (GitLab, CircleCI, Jenkins, Azure, Bitbucket, Buildkite, Drone, Woodpecker, Tekton, pre-commit, .gitattributes, .gitmodules): Governor never edits it";

describe("checkTargetPath: the lever path rules on the path as written", () => {
  it.each([
    ["apps/checkout/deployment.yaml", "apps/checkout/deployment.yaml"],
    ["./apps//checkout/./values.yaml", "apps/checkout/values.yaml"],
    ["ci/values.yaml", "ci/values.yaml"],
    ["apps/.gitlab-ci.yml", "apps/.gitlab-ci.yml"], // GitLab reads the root one
    ["apps/.gitkeep.yaml", "apps/.gitkeep.yaml"],
    ["apps/.github/workflows/x.yml", "apps/.github/workflows/x.yml"], // GitHub runs root workflows only
    ["apps/git~1x/values.yaml", "apps/git~1x/values.yaml"],
  ])("allows %s (as %s)", (file, normal) => {
    expect(checkTargetPath(file)).toEqual({ ok: true, value: normal });
  });

  it.each([
    [".github/workflows/ci.yml", WORKFLOW],
    ["./.github//workflows/ci.yml", WORKFLOW],
    ["apps/../.github/workflows/ci.yml", WORKFLOW],
    [".GitHub/Workflows/ci.yml", WORKFLOW], // the same folder on a case-insensitive file system
    [".github./workflows /ci.yml", WORKFLOW], // Windows drops trailing dots and spaces
    [".git\u200chub/workflows/ci.yml", WORKFLOW], // HFS+ ignores U+200C
    [".github/wor\u212Aflows/ci.yml", WORKFLOW], // KELVIN SIGN folds to k
    ["GITHUB~1/WORKFL~1/ci.yml", WORKFLOW], // 8.3 short names
    [".github/actions/setup/action.yml", ACTION],
    [".github/dependabot.yml", GITHUB],
    [".github/settings.yml", GITHUB],
    [".github/CODEOWNERS.yaml", GITHUB],
    [".GitHub/governor-notes.yaml", GITHUB],
    [".gitlab-ci.yml", OTHER_CI],
    [".GitLab-CI.yml", OTHER_CI],
    [".gitlab/ci/deploy.yml", OTHER_CI],
    [".circleci/config.yml", OTHER_CI],
    [".pre-commit-config.yaml", OTHER_CI],
    ["azure-pipelines.yml", OTHER_CI],
    [".tekton/pipeline.yaml", OTHER_CI],
    [".gitattributes", OTHER_CI],
    [".github/governor.yml", OWN],
    [".GITHUB/Governor.yml", OWN],
    [".github/governor/policies/pool.yaml", OWN],
    [".git/config", GIT],
    [".git/hooks/pre-commit", GIT],
    [".GIT/HEAD", GIT],
    ["sub/.git/config", GIT],
    ["sub/.Git./hooks/post-checkout", GIT],
    ["git~1/config", GIT],
    [".git::$INDEX_ALLOCATION/config", GIT], // an NTFS stream name of the folder
    [".g\u200dit/config", GIT],
  ])("refuses %j", (file, reason) => {
    expect(checkTargetPath(file)).toEqual({ ok: false, error: `"${file}" ${reason}` });
  });

  it.each([
    ["/etc/passwd", "is absolute"],
    ["C:/x.yaml", "is absolute"],
    ["../x.yaml", "points outside the repository"],
    ["apps/../../x.yaml", "points outside the repository"],
    ["apps\\x.yaml", "uses backslashes"],
    ["apps/", "is a directory"],
  ])("refuses %j as %s", (file, reason) => {
    const r = checkTargetPath(file);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain(reason);
  });
});

describe("checkResolvedPath: the same rules on where the symlinks lead", () => {
  it("allows a symlink to an allowed file inside the repository", () => {
    expect(checkResolvedPath("apps/values.yaml", "shared/values.yaml")).toEqual({
      ok: true,
      value: "apps/values.yaml",
    });
  });

  it.each([
    [".github/workflows/ci.yml", WORKFLOW],
    [".GitHub/workflows/ci.yml", WORKFLOW],
    [".github/governor.yml", OWN],
    [".github/governor/policies/p.yaml", OWN],
    [".git/hooks/pre-commit", GIT],
    ["vendor/lib/.git/config", GIT],
  ])("refuses apps/values.yaml → %s", (resolved, reason) => {
    expect(checkResolvedPath("apps/values.yaml", resolved)).toEqual({
      ok: false,
      error: `"apps/values.yaml" resolves through a symlink to "${resolved}", which ${reason}`,
    });
  });

  it.each(["../outside/x.yaml", "..", "/etc/passwd", "D:/x.yaml"])(
    "refuses a real path outside: %s",
    (resolved) => {
      expect(checkResolvedPath("apps/values.yaml", resolved)).toEqual({
        ok: false,
        error: `"apps/values.yaml" resolves outside the repository through a symlink: point the lever at a file inside it`,
      });
    },
  );

  it("applies the written path's rules first", () => {
    expect(checkResolvedPath(".github/workflows/ci.yml", "apps/values.yaml")).toEqual({
      ok: false,
      error: `".github/workflows/ci.yml" ${WORKFLOW}`,
    });
  });
});

describe("checkReadPath: Governor's config and policies stay in the repository and out of .git/", () => {
  it.each([
    [".github/governor.yml", ".github/governor.yml"],
    [".github/governor.yml", "config/governor.yml"],
    [".github/governor/policies/p.yaml", ".github/workflows/p.yaml"],
  ])("allows %s → %s", (written, resolved) => {
    expect(checkReadPath(written, resolved)).toEqual({ ok: true, value: resolved });
  });

  it("refuses .git/ and outside", () => {
    expect(checkReadPath(".github/governor.yml", ".git/config")).toEqual({
      ok: false,
      error: `".github/governor.yml" resolves through a symlink to ".git/config", which ${GIT}`,
    });
    expect(checkReadPath(".github/governor.yml", "../../etc/passwd")).toEqual({
      ok: false,
      error:
        '".github/governor.yml" resolves outside the repository through a symlink: Governor reads its configuration from inside the repository only',
    });
  });
});
