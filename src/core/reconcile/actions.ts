import type { Decision } from "../engine/decision.js";
import { prTitle, renderPrBody } from "../pr/body.js";
import { parseTrailers, TRAILER } from "../pr/commit-message.js";
import { type PrMetadata, renderMetadata } from "../pr/metadata.js";
import type { GovernedRequest } from "./change-requests.js";

/** What the reconcile loop asks the forge adapter to do; nothing else is ever written. */
export type Action =
  | {
      readonly type: "open";
      readonly lever: string;
      readonly branch: string;
      readonly title: string;
      readonly body: string;
      readonly decision: Decision;
      readonly labels: readonly string[];
    }
  | {
      readonly type: "update";
      readonly lever: string;
      readonly number: number;
      readonly branch: string;
      readonly title: string;
      readonly body: string;
      readonly decision: Decision;
    }
  | { readonly type: "close"; readonly lever: string; readonly number: number; readonly comment: string };

export const branchFor = (lever: string) => `governor/${lever}`;

/**
 * Whether the PR's branch ends on a Governor commit for the value its text proposes. Two replicas
 * can leave one's commit on the branch and the other's text on the PR; then the branch is built
 * again (a person's commit there is refused by the push, as always).
 */
function branchAgrees(pr: GovernedRequest): boolean {
  const message = pr.request.headMessage;
  if (message === undefined) return true; // not read: trusted as before
  const trailers = parseTrailers(message);
  if (!trailers.has(TRAILER.decision)) return true; // not Governor's: the push reports it
  // Only the value: the trailer spells a value that was not set as "(not set)", the metadata as "".
  return trailers.get(TRAILER.to) === pr.meta.to;
}

export function changeMetadata(d: Decision, proposedAt: number): PrMetadata {
  return {
    v: 1,
    kind: "change",
    lever: d.lever,
    policy: d.policy,
    decision: d.id,
    from: d.from ?? "",
    to: d.to ?? "",
    direction: d.direction ?? "up",
    file: d.edit?.file ?? "",
    proposedAt,
    ...(d.limit ? { limit: { from: d.limit.from, to: d.limit.to } } : {}),
  };
}

/**
 * The missing changes, level-triggered: a proposal without a PR gets one; a PR whose
 * recommendation changed is updated, never duplicated; a PR whose recommendation no longer holds
 * is closed with the reason. An unchanged recommendation makes no action at all.
 */
export function planActions(
  decisions: readonly Decision[],
  open: readonly GovernedRequest[],
  key: string,
  watchWindow: string,
  now: number,
): Action[] {
  const actions: Action[] = [];
  for (const d of decisions) {
    const pr = open.find(
      (g) => g.request.state === "open" && g.meta.kind === "change" && g.meta.lever === d.lever,
    );
    if (d.decision === "propose" && d.edit) {
      if (pr && pr.meta.to === d.to && pr.meta.from === d.from && branchAgrees(pr)) continue;
      const meta = changeMetadata(d, pr?.meta.proposedAt ?? now);
      const body = `${renderPrBody(d, watchWindow)}\n${renderMetadata(meta, key)}\n`;
      if (pr)
        actions.push({
          type: "update",
          lever: d.lever,
          number: pr.request.number,
          branch: branchFor(d.lever),
          title: prTitle(d),
          body,
          decision: d,
        });
      else
        actions.push({
          type: "open",
          lever: d.lever,
          branch: branchFor(d.lever),
          title: prTitle(d),
          body,
          decision: d,
          labels: ["governor", `governor:risk-${d.risk}`],
        });
    } else if (pr && d.decision === "no-change") {
      actions.push({
        type: "close",
        lever: d.lever,
        number: pr.request.number,
        comment: `Governor closes this proposal: its recommendation no longer holds.\n\n${d.reason}`,
      });
    }
  }
  return actions;
}
