import type { ProbotOctokit } from "probot";
import { LABEL } from "../../core/reconcile/change-requests.js";
import { err, ok, type Result } from "../../core/result.js";
import type { RepoRef } from "./snapshot.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** A failed GitHub call, as the entry point reports it. */
export interface GitHubProblem {
  readonly status?: number | undefined;
  readonly message: string;
}

export function githubProblem(e: unknown): GitHubProblem {
  const status = (e as { status?: unknown }).status;
  const data = (e as { response?: { data?: { message?: unknown; errors?: unknown } } }).response?.data;
  const detail =
    typeof data?.message === "string" ? data.message : e instanceof Error ? e.message : String(e);
  const errors = JSON.stringify(data?.errors ?? "");
  return {
    status: typeof status === "number" ? status : undefined,
    message: errors && errors !== '""' ? `${detail} ${errors}` : detail,
  };
}

/** Runs GitHub calls, turning any failure into a GitHubProblem value. */
async function attempt<T>(calls: () => Promise<T>): Promise<Result<T, GitHubProblem>> {
  try {
    return ok(await calls());
  } catch (e) {
    return err(githubProblem(e));
  }
}

const already = (e: unknown, what: RegExp) =>
  (e as { status?: unknown }).status === 422 && what.test(githubProblem(e).message);

/** Opens the PR, or adopts the one a retried request already opened for this Governor branch. */
export async function openPull(
  octokit: Octokit,
  ref: RepoRef,
  pr: {
    readonly branch: string;
    readonly base: string;
    readonly title: string;
    readonly body: string;
    readonly labels: readonly string[];
    /** Ask GitHub to merge it once its checks pass (earned autonomy, or a revert in mode auto). */
    readonly autoMerge?: boolean;
  },
): Promise<Result<number, GitHubProblem>> {
  try {
    let number: number;
    let nodeId: string | undefined;
    try {
      const created = await octokit.request("POST /repos/{owner}/{repo}/pulls", {
        ...ref,
        head: pr.branch,
        base: pr.base,
        title: pr.title,
        body: pr.body,
      });
      number = created.data.number;
      nodeId = created.data.node_id;
    } catch (e) {
      if (!already(e, /pull request already exists/i)) throw e;
      const found = await octokit.request("GET /repos/{owner}/{repo}/pulls", {
        ...ref,
        head: `${ref.owner}:${pr.branch}`,
        state: "open",
      });
      const existing = found.data[0];
      if (!existing) throw e;
      number = existing.number;
      nodeId = existing.node_id;
      await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        ...ref,
        pull_number: number,
        title: pr.title,
        body: pr.body,
      });
    }
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      ...ref,
      issue_number: number,
      labels: [...pr.labels],
    });
    if (pr.autoMerge && nodeId) {
      // Needs "Allow auto-merge" in the repository's settings; without it GitHub refuses and the PR waits for a person.
      await octokit
        .graphql(
          "mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: SQUASH }) { clientMutationId } }",
          { id: nodeId },
        )
        .catch(() => undefined);
    }
    return ok(number);
  } catch (e) {
    return err(githubProblem(e));
  }
}

export function updatePull(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  title: string,
  body: string,
): Promise<Result<void, GitHubProblem>> {
  return attempt(async () => {
    await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...ref,
      pull_number: number,
      title,
      body,
    });
  });
}

/** Closes a proposal that no longer holds, saying why, labelled so the ledger knows it was not a rejection. */
export function closePull(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  comment: string,
): Promise<Result<void, GitHubProblem>> {
  return attempt(async () => {
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...ref,
      issue_number: number,
      body: comment,
    });
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      ...ref,
      issue_number: number,
      labels: [LABEL.superseded],
    });
    await octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...ref,
      pull_number: number,
      state: "closed",
    });
  });
}

/** A comment and labels on a Governor PR (a verdict, a breach, a hold). */
export function commentAndLabel(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  comment: string,
  labels: readonly string[],
): Promise<Result<void, GitHubProblem>> {
  return attempt(async () => {
    await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...ref,
      issue_number: number,
      body: comment,
    });
    if (labels.length > 0)
      await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
        ...ref,
        issue_number: number,
        labels: [...labels],
      });
  });
}
