import type { ProbotOctokit } from "probot";
import type { RepoRef } from "./snapshot.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * When a deployer (ArgoCD Notifications, Flux's notification-controller) reported success with
 * `context` on `sha` — the default branch's head, a descendant of every merged change: the
 * times of its successful statuses, oldest first.
 */
export async function successTimes(
  octokit: Octokit,
  ref: RepoRef,
  sha: string,
  context: string,
): Promise<number[]> {
  const statuses = await octokit.paginate("GET /repos/{owner}/{repo}/commits/{ref}/statuses", {
    ...ref,
    ref: sha,
    per_page: 100,
  });
  return statuses
    .filter((s) => s.context === context && s.state === "success")
    .map((s) => Date.parse(s.created_at))
    .sort((a, b) => a - b);
}
