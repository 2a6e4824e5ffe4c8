import type { Ledger, LedgerChange } from "../engine/ledger.js";
import { type PrMetadata, parseMetadata } from "../pr/metadata.js";

/** A pull request (or any forge's change request) as the reconcile loop needs it. */
export interface ChangeRequest {
  readonly number: number;
  readonly state: "open" | "closed";
  readonly createdAt: number;
  readonly mergedAt?: number | undefined;
  readonly closedAt?: number | undefined;
  readonly body: string;
  readonly labels: readonly string[];
  readonly branch: string;
  /** The message of the branch's head commit, when the forge gave it: whose decision the branch holds. */
  readonly headMessage?: string | undefined;
}

export const LABEL = {
  governor: "governor",
  revert: "governor:revert",
  verified: "governor:verified",
  needsHuman: "governor:needs-human",
  /** The watch could not judge the change, even over the extended window: the lever holds. */
  inconclusive: "governor:inconclusive",
  /** Closed by Governor because its recommendation no longer held: not a person's rejection. */
  superseded: "governor:superseded",
} as const;

function verdictFromLabels(labels: readonly string[]): { verdict?: "pass" | "fail" | "inconclusive" } {
  if (labels.includes(LABEL.verified)) return { verdict: "pass" };
  if (labels.includes(LABEL.inconclusive)) return { verdict: "inconclusive" };
  if (labels.includes(LABEL.needsHuman)) return { verdict: "fail" };
  return {};
}

export interface GovernedRequest {
  readonly request: ChangeRequest;
  readonly meta: PrMetadata;
}

export interface ChangeRequestLedger {
  readonly ledger: Ledger;
  readonly governed: readonly GovernedRequest[];
  /** Governor PRs whose metadata was edited or is unreadable: left to people. */
  readonly needsHuman: readonly ChangeRequest[];
}

/**
 * The ledger read back from Governor's PRs: open ones are proposals, merged ones changes
 * (applied at `appliedAt`, when known), closed unmerged ones rejections — unless Governor closed
 * them itself — and merged revert PRs mark the change they revert.
 */
export function ledgerFromChangeRequests(
  requests: readonly ChangeRequest[],
  key: string,
  appliedAt: (r: ChangeRequest) => number | undefined,
): ChangeRequestLedger {
  const governed: GovernedRequest[] = [];
  const needsHuman: ChangeRequest[] = [];
  for (const r of requests) {
    if (!r.labels.includes(LABEL.governor)) continue;
    const meta = parseMetadata(r.body, key);
    if (meta.ok) governed.push({ request: r, meta: meta.value });
    else needsHuman.push(r);
  }
  const reverts = new Map<string, number>();
  for (const { request, meta } of governed) {
    if (
      meta.kind === "revert" &&
      meta.reverts &&
      (request.mergedAt !== undefined || request.state === "open")
    )
      reverts.set(meta.reverts, request.createdAt);
  }
  const changes: LedgerChange[] = [];
  for (const { request: r, meta } of governed) {
    if (meta.kind !== "change") continue;
    if (r.state === "closed" && r.mergedAt === undefined && r.labels.includes(LABEL.superseded)) continue;
    const state = r.mergedAt !== undefined ? "applied" : r.state === "open" ? "open" : "rejected";
    const revertedAt = reverts.get(meta.decision);
    changes.push({
      decision: meta.decision,
      ref: `#${r.number}`,
      lever: meta.lever,
      policy: meta.policy,
      from: meta.from,
      to: meta.to,
      direction: meta.direction,
      proposedAt: meta.proposedAt,
      state,
      ...(state === "applied" ? { appliedAt: appliedAt(r) } : {}),
      ...(state === "rejected" ? { rejectedAt: r.closedAt ?? r.createdAt } : {}),
      ...(revertedAt !== undefined ? { revertedAt, verdict: "fail" as const } : verdictFromLabels(r.labels)),
    });
  }
  return { ledger: { changes, holds: [], resumes: [] }, governed, needsHuman };
}
