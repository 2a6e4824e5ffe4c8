import { DASHBOARD_MARKER, type DashboardState, EMPTY_STATE, readDashboardState } from "./dashboard.js";

export interface IssueText {
  readonly number: number;
  readonly body: string;
}

/** An issue Governor wrote as the dashboard (dashboards written before the marker carry the signed state). */
export const isDashboard = (body: string | null | undefined): boolean =>
  (body ?? "").includes(DASHBOARD_MARKER) || (body ?? "").includes("<!-- governor:state:");

const union = <T>(a: readonly T[], b: readonly T[]) => {
  const seen = new Set(a.map((x) => JSON.stringify(x)));
  return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
};

/** Two states kept together: holds, resumes and rejections are events, so none is lost by a union. */
export function mergeStates(a: DashboardState, b: DashboardState): DashboardState {
  return {
    v: 1,
    holds: union(a.holds, b.holds),
    resumes: union(a.resumes, b.resumes),
    rejections: union(a.rejections, b.rejections),
  };
}

export interface FoundDashboard {
  /** The dashboard: the oldest of Governor's open dashboard issues. */
  readonly kept?: IssueText | undefined;
  /** Newer ones (two reconciles created one each): closed, pointing at the kept one. */
  readonly duplicates: readonly IssueText[];
  /** What people decided, from every one of them (a hold recorded on a duplicate is kept). */
  readonly state: DashboardState;
  /** The kept one's signed state was edited by hand. */
  readonly tampered: boolean;
}

/**
 * Which open issues are the dashboard, deterministically — every replica picks the same one. The
 * state of `closed` dashboards is kept too: a person who closes the dashboard (or a superseded
 * one) does not lift a hold recorded there; a hold ends with `/governor resume`, an event kept as well.
 */
export function pickDashboard(
  issues: readonly IssueText[],
  key: string,
  closed: readonly IssueText[] = [],
): FoundDashboard {
  const mine = issues.filter((i) => isDashboard(i.body)).sort((a, b) => a.number - b.number);
  const [kept, ...duplicates] = mine;
  const read = mine.map((i) => readDashboardState(i.body, key));
  const before = closed.filter((i) => isDashboard(i.body)).map((i) => readDashboardState(i.body, key).state);
  return {
    kept,
    duplicates,
    state: [...read.map((r) => r.state), ...before].reduce(mergeStates, EMPTY_STATE),
    tampered: read[0]?.tampered ?? false,
  };
}

export const supersededNote = (kept: number) =>
  `Governor closes this duplicate dashboard: #${kept} is this repository's dashboard (two reconciles ran at once and each created one). Holds and resumes recorded here were carried over.`;
