import type { ProbotOctokit } from "probot";
import { LABEL } from "../../core/reconcile/change-requests.js";
import type { IssueText } from "../../core/reconcile/dashboard-issue.js";
import { err, ok, type Result } from "../../core/result.js";
import type { RepoRef } from "./snapshot.js";
import { type GitHubProblem, githubProblem } from "./writes.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/** The open issues with the dashboard label, oldest first, read from the issues list (not the search index). */
export async function listDashboards(
  octokit: Octokit,
  ref: RepoRef,
  label: string,
): Promise<Result<IssueText[], GitHubProblem>> {
  try {
    const listed = await octokit.request("GET /repos/{owner}/{repo}/issues", {
      ...ref,
      labels: label,
      state: "open",
      sort: "created",
      direction: "asc",
      per_page: 100,
    });
    return ok(listed.data.map((i) => ({ number: i.number, body: i.body ?? "" })));
  } catch (e) {
    return err(githubProblem(e));
  }
}

/**
 * Creates the issue with one POST and no automatic retry: a 502 may come after GitHub created it,
 * and a retried POST would create a second one. The caller looks it up again instead.
 */
export async function createIssue(
  octokit: Octokit,
  ref: RepoRef,
  issue: { readonly title: string; readonly body: string; readonly label: string },
): Promise<Result<number, GitHubProblem>> {
  try {
    const created = await octokit.request("POST /repos/{owner}/{repo}/issues", {
      ...ref,
      title: issue.title,
      body: issue.body,
      labels: [issue.label],
      request: { retries: 0 },
    });
    return ok(created.data.number);
  } catch (e) {
    return err(githubProblem(e));
  }
}

/** One issue's body as it is now; undefined when it was closed or deleted meanwhile. */
export async function readIssue(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
): Promise<Result<IssueText | undefined, GitHubProblem>> {
  try {
    const got = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      ...ref,
      issue_number: number,
    });
    return ok(got.data.state === "open" ? { number, body: got.data.body ?? "" } : undefined);
  } catch (e) {
    if ((e as { status?: unknown }).status === 404 || (e as { status?: unknown }).status === 410)
      return ok(undefined);
    return err(githubProblem(e));
  }
}

export async function updateIssue(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  body: string,
): Promise<Result<void, GitHubProblem>> {
  try {
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...ref,
      issue_number: number,
      body,
    });
    return ok(undefined);
  } catch (e) {
    return err(githubProblem(e));
  }
}

/** Closes a duplicate dashboard as superseded, with a comment that points at the kept one. */
export async function closeIssue(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  comment: string,
): Promise<Result<void, GitHubProblem>> {
  try {
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
    await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...ref,
      issue_number: number,
      state: "closed",
      state_reason: "not_planned",
    });
    return ok(undefined);
  } catch (e) {
    return err(githubProblem(e));
  }
}
