import type { Ledger, LedgerChange } from "../core/engine/ledger.js";

/** One proposal's life: the ledger at any time is a view of these, as the App reads its PRs. */
export interface SimChange {
  readonly decision: string;
  /** The PR body's file among the simulator's outputs (pr-01.md), for a re-proposal's link. */
  readonly ref?: string | undefined;
  readonly policy: string;
  readonly from: string;
  to: string;
  direction: "up" | "down";
  readonly proposedAt: number;
  /** When the simulated reviewer acts: merges, or rejects. */
  readonly reviewAt: number;
  readonly rejected: boolean;
  reviewed?: boolean;
  /** Closed unmerged by Governor because its decision no longer held (not a rejection). */
  closedAt?: number;
  appliedAt?: number;
  verdict?: "pass" | "fail" | "inconclusive";
  extended?: boolean;
  revertedAt?: number;
  /** Whether the change truly made the plant worse (known to the simulator, not to Governor). */
  harmful?: boolean;
}

/** The ledger as Governor would read it back at `t`: what has not happened yet is not in it. */
export function ledgerAt(changes: readonly SimChange[], t: number): Ledger {
  const view = (c: SimChange): LedgerChange => {
    const base = { ...c, lever: "sim" };
    if (c.reviewAt > t) return { ...base, state: "open" };
    if (c.rejected) return { ...base, state: "rejected", rejectedAt: c.reviewAt };
    return { ...base, state: "applied", appliedAt: (c.appliedAt ?? t + 1) <= t ? c.appliedAt : undefined };
  };
  return { changes: changes.filter((c) => c.closedAt === undefined).map(view), holds: [], resumes: [] };
}
