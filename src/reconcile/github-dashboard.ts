import type { ProbotOctokit } from "probot";
import {
  closeIssue,
  createIssue,
  listDashboards,
  readIssue,
  updateIssue,
} from "../adapters/github/dashboard-issue.js";
import type { RepoRef } from "../adapters/github/snapshot.js";
import type { GitHubProblem } from "../adapters/github/writes.js";
import {
  DASHBOARD_LABEL,
  DASHBOARD_TITLE,
  type DashboardState,
  readDashboardState,
} from "../core/reconcile/dashboard.js";
import {
  type FoundDashboard,
  type IssueText,
  mergeStates,
  pickDashboard,
  supersededNote,
} from "../core/reconcile/dashboard-issue.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * Writes the dashboard: exactly one open issue, found by its marker. Before creating one, and
 * after a create that failed (a 502 can come after GitHub created it), it is looked up again; a
 * duplicate that a concurrent reconcile created is closed as superseded, its state carried over.
 * Every replica keeps the same issue (the oldest), so two of them converge on one dashboard.
 */
export async function writeDashboard(
  octokit: Octokit,
  ref: RepoRef,
  found: FoundDashboard,
  state: DashboardState,
  key: string,
  render: (state: DashboardState) => string,
): Promise<GitHubProblem | undefined> {
  let merged = state;
  let target: IssueText | undefined = found.kept;
  let duplicates = found.duplicates;
  const lookUp = async (): Promise<FoundDashboard | GitHubProblem> => {
    const listed = await listDashboards(octokit, ref, DASHBOARD_LABEL);
    return listed.ok ? pickDashboard(listed.value, key) : listed.error;
  };
  const adopt = (again: FoundDashboard | GitHubProblem) => {
    if (!("duplicates" in again) || !again.kept) return;
    target = again.kept;
    duplicates = again.duplicates;
    merged = mergeStates(merged, again.state);
  };
  if (!target) {
    const again = await lookUp();
    if (!("duplicates" in again)) return again;
    adopt(again);
  }
  if (!target) {
    const body = render(merged);
    const created = await createIssue(octokit, ref, { title: DASHBOARD_TITLE, body, label: DASHBOARD_LABEL });
    // After any create: a failed one may have created it all the same, a concurrent one may be older.
    adopt(await lookUp());
    if (!target) {
      if (!created.ok) return created.error;
      target = { number: created.value, body };
    }
    // Each replica closes only the duplicate it made itself: one comment on it, not one per replica.
    if (created.ok) duplicates = duplicates.filter((d) => d.number === created.value);
  }
  const kept: IssueText = target;
  for (const d of duplicates) {
    const closed = await closeIssue(octokit, ref, d.number, supersededNote(kept.number));
    if (!closed.ok) return closed.error;
  }
  let body = render(merged);
  if (kept.body === body) return undefined;
  // Read it again just before writing: another replica may have recorded a hold since this tick
  // read it. Holds, resumes and rejections are events, so their union loses none of them.
  const fresh = await readIssue(octokit, ref, kept.number);
  if (fresh.ok && fresh.value) {
    body = render(mergeStates(merged, readDashboardState(fresh.value.body, key).state));
    if (fresh.value.body === body) return undefined;
  }
  const updated = await updateIssue(octokit, ref, kept.number, body);
  return updated.ok ? undefined : updated.error;
}
