import type { ProbotOctokit } from "probot";
import { parseTrailers, TRAILER } from "../../core/pr/commit-message.js";
import { err, ok, type Result } from "../../core/result.js";
import type { RepoRef } from "./snapshot.js";
import { type GitHubProblem, githubProblem } from "./writes.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** The default branch as the tick's snapshot read it: its name, head commit and that commit's tree. */
export interface BranchBase {
  readonly name: string;
  readonly oid: string;
  readonly tree: string;
}

const is422 = (e: unknown, what: RegExp) =>
  (e as { status?: unknown }).status === 422 && what.test(githubProblem(e).message);
const short = (sha: string) => sha.slice(0, 7);

/** The blob the file is at `at` (its sha, which the contents API gives for files of any size), or undefined. */
async function blobAt(octokit: Octokit, ref: RepoRef, path: string, at: string): Promise<string | undefined> {
  try {
    const got = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...ref, path, ref: at });
    const data = got.data as { sha?: unknown };
    return typeof data.sha === "string" ? data.sha : undefined;
  } catch (e) {
    if ((e as { status?: unknown }).status === 404) return undefined;
    throw e;
  }
}

/**
 * The base to build on, read again just before the push: the snapshot's commit while the default
 * branch still points there; its new head when it moved without touching the lever's file; and a
 * refusal when the file changed there (the edit was computed from content that is gone).
 */
async function currentBase(
  octokit: Octokit,
  ref: RepoRef,
  base: BranchBase,
  path: string,
): Promise<Result<{ oid: string; tree: string }, GitHubProblem>> {
  const head = await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
    ...ref,
    ref: `heads/${base.name}`,
  });
  const oid = head.data.object.sha;
  if (oid === base.oid) return ok({ oid, tree: base.tree });
  const [then, now] = await Promise.all([
    blobAt(octokit, ref, path, base.oid),
    blobAt(octokit, ref, path, oid),
  ]);
  if (then === undefined || then !== now)
    return err({
      message: `${base.name} moved while Governor worked (from ${short(base.oid)} to ${short(oid)}) and ${path} changed there: nothing was pushed; the next tick decides on the new content`,
    });
  const commit = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    ...ref,
    commit_sha: oid,
  });
  return ok({ oid, tree: commit.data.tree.sha });
}

/** The branch's head commit: whether Governor made it (its trailers), its tree and its parents; undefined when there is no such branch. */
async function readHead(octokit: Octokit, ref: RepoRef, branch: string) {
  let sha: string;
  try {
    sha = (
      await octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...ref, ref: `heads/${branch}` })
    ).data.object.sha;
  } catch (e) {
    if ((e as { status?: unknown }).status === 404) return undefined;
    throw e;
  }
  const head = await octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
    ...ref,
    commit_sha: sha,
  });
  return {
    sha,
    governors: isGovernors(head.data.message),
    tree: head.data.tree.sha,
    parents: head.data.parents.map((p) => p.sha),
  };
}

/** Commits listed per compare page, and the pages read before a branch is too long to check. */
const COMPARE_PAGE = 100;
const COMPARE_PAGES = 5;

/**
 * Whether `ancestor` is in the history of `head` (then a new commit on `head` needs no second
 * parent), and the first commit between them that Governor did not make. The head alone is not
 * enough: a rebase or a cherry-pick keeps Governor's message, trailers included, on top of a
 * person's commit, and Governor's next tree (the base's, plus the lever) would undo that commit.
 */
async function branchSince(
  octokit: Octokit,
  ref: RepoRef,
  head: string,
  ancestor: string,
): Promise<{ onBase: boolean; foreign?: string | undefined }> {
  for (let page = 1; ; page++) {
    const compared = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
      ...ref,
      basehead: `${ancestor}...${head}`,
      per_page: COMPARE_PAGE,
      page,
    });
    const { status, total_commits: total, commits } = compared.data;
    const onBase = status === "ahead" || status === "identical";
    const foreign = commits.find((c) => !isGovernors(c.commit.message));
    if (foreign) return { onBase, foreign: foreign.sha };
    if (commits.length < COMPARE_PAGE || page * COMPARE_PAGE >= total) return { onBase };
    if (page === COMPARE_PAGES) return { onBase, foreign: head }; // too long to vouch for
  }
}

const isGovernors = (message: string) => {
  const trailers = parseTrailers(message);
  return trailers.has(TRAILER.decision) || trailers.has(TRAILER.revert);
};

/**
 * Puts the lever's edit on `branch` through the Git Data API, no clone. A new branch gets one
 * commit on the default branch's head. An existing branch is only ever moved forward: its new
 * commit has the head Governor read as parent (and the new base as a second parent when the
 * base moved), and the update is not forced, so GitHub refuses it when someone pushed in between
 * — compare-and-swap. Then the head is read once more: Governor's → built again on it, once;
 * a person's → left alone and this lever is not pushed. A person's branch is never touched.
 */
export async function pushBranch(
  octokit: Octokit,
  ref: RepoRef,
  change: {
    readonly branch: string;
    readonly base: BranchBase;
    readonly path: string;
    readonly text: string;
    readonly message: string;
  },
): Promise<Result<string, GitHubProblem>> {
  const { branch } = change;
  try {
    const base = await currentBase(octokit, ref, change.base, change.path);
    if (!base.ok) return base;
    const tree = (
      await octokit.request("POST /repos/{owner}/{repo}/git/trees", {
        ...ref,
        base_tree: base.value.tree,
        tree: [{ path: change.path, mode: "100644", type: "blob", content: change.text }],
      })
    ).data.sha;
    const commit = async (parents: string[]) =>
      (
        await octokit.request("POST /repos/{owner}/{repo}/git/commits", {
          ...ref,
          message: change.message,
          tree,
          parents,
        })
      ).data.sha;
    let head = await readHead(octokit, ref, branch);
    if (!head) {
      const first = await commit([base.value.oid]);
      try {
        await octokit.request("POST /repos/{owner}/{repo}/git/refs", {
          ...ref,
          ref: `refs/heads/${branch}`,
          sha: first,
        });
        return ok(first);
      } catch (e) {
        if (!is422(e, /Reference already exists/i)) throw e;
        head = await readHead(octokit, ref, branch); // created in between: by a retried request, or a replica
      }
    }
    for (const attempt of [1, 2]) {
      if (!head)
        return err({
          message: `branch ${branch} was deleted while Governor updated it; the next tick tries again`,
        });
      if (!head.governors)
        return err({
          status: 422,
          message:
            attempt === 1
              ? `branch ${branch} exists and is not Governor's: Governor never touches a person's branch; rename or delete it`
              : `branch ${branch} was pushed to by someone else (commit ${short(head.sha)}) while Governor updated it: it was not overwritten and this lever waits; close its PR and delete the branch to let Governor propose again`,
        });
      // One commit straight on the base is all checked already; anything longer is read commit by commit.
      const since =
        head.parents.length === 1 && head.parents[0] === base.value.oid
          ? { onBase: true }
          : await branchSince(octokit, ref, head.sha, base.value.oid);
      if (since.foreign)
        return err({
          status: 422,
          message: `branch ${branch} holds commit ${short(since.foreign)} that Governor did not make (a person's push, or a history rewritten under Governor's commit): it was not overwritten and this lever waits; close its PR and delete the branch to let Governor propose again`,
        });
      const { onBase } = since;
      if (onBase && head.tree === tree) return ok(head.sha); // already there (a retry, a restart, another replica)
      const next = await commit(onBase ? [head.sha] : [head.sha, base.value.oid]);
      try {
        await octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
          ...ref,
          ref: `heads/${branch}`,
          sha: next,
          force: false,
        });
        return ok(next);
      } catch (e) {
        if (!is422(e, /not a fast forward/i)) throw e;
      }
      head = await readHead(octokit, ref, branch); // someone moved it since it was read: read it once more
    }
    return err({
      status: 422,
      message: `branch ${branch} moved twice while Governor updated it: it was not overwritten; the next tick tries again`,
    });
  } catch (e) {
    return err(githubProblem(e));
  }
}
