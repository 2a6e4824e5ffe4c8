import { type HoldScope, type Ledger, type LedgerHold, sameScope } from "./ledger.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const THRASH = {
  reversals: { count: 3, window: 7 * DAY },
  leverReverts: { count: 2, window: 14 * DAY },
  policyReverts: { levers: 3, window: 14 * DAY },
  repoRevertsPerHour: 3,
} as const;

/**
 * Holds the history itself calls for: a lever that keeps changing its mind or keeps being
 * reverted, a policy reverted on several levers, a storm of reverts (a metrics outage must not
 * become a revert storm). Only an explicit resume after the triggering event lifts one.
 */
export function thrashHolds(ledger: Ledger, now: number): LedgerHold[] {
  const holds: LedgerHold[] = [];
  const applied = ledger.changes
    .filter((c) => c.state === "applied")
    .sort((a, b) => (a.appliedAt ?? a.proposedAt) - (b.appliedAt ?? b.proposedAt));
  const levers = [...new Set(applied.map((c) => c.lever))];
  for (const lever of levers) {
    const mine = applied.filter((c) => c.lever === lever);
    const recent = mine.filter((c) => now - (c.appliedAt ?? c.proposedAt) <= THRASH.reversals.window);
    let reversals = 0;
    let lastReversal = 0;
    for (let i = 1; i < recent.length; i++) {
      const prev = recent[i - 1];
      const cur = recent[i];
      if (prev && cur && prev.direction !== cur.direction) {
        reversals++;
        lastReversal = cur.appliedAt ?? cur.proposedAt;
      }
    }
    if (reversals >= THRASH.reversals.count) {
      holds.push({
        scope: { kind: "lever", id: lever },
        reason: `its changes reversed direction ${reversals} times in 7 days (oscillation)`,
        since: lastReversal,
      });
    }
    const reverts = mine.filter(
      (c) => c.revertedAt !== undefined && now - c.revertedAt <= THRASH.leverReverts.window,
    );
    if (reverts.length >= THRASH.leverReverts.count) {
      holds.push({
        scope: { kind: "lever", id: lever },
        reason: `${reverts.length} of its changes were reverted in 14 days`,
        since: Math.max(...reverts.map((c) => c.revertedAt ?? 0)),
      });
    }
  }
  // A change that breached without a revert (someone changed the value since), or that could not
  // be judged even over the extended window, holds its lever until a person resumes it.
  for (const c of applied) {
    if ((c.verdict === "fail" && c.revertedAt === undefined) || c.verdict === "inconclusive") {
      const why =
        c.verdict === "fail"
          ? "breached a guardrail and could not be reverted"
          : "could not be judged (inconclusive)";
      holds.push({
        scope: { kind: "lever", id: c.lever },
        reason: `its change ${c.from} → ${c.to} ${why}; /governor resume lifts this`,
        since: c.appliedAt ?? c.proposedAt,
      });
    }
  }
  const reverted = applied.filter(
    (c) => c.revertedAt !== undefined && now - c.revertedAt <= THRASH.policyReverts.window,
  );
  for (const policy of new Set(reverted.map((c) => c.policy))) {
    const hits = reverted.filter((c) => c.policy === policy);
    const distinct = new Set(hits.map((c) => c.lever));
    if (distinct.size >= THRASH.policyReverts.levers) {
      holds.push({
        scope: { kind: "policy", id: policy },
        reason: `policy ${policy} was reverted on ${distinct.size} levers in 14 days; suspended for this repository`,
        since: Math.max(...hits.map((c) => c.revertedAt ?? 0)),
      });
    }
  }
  const lastHour = applied.filter((c) => c.revertedAt !== undefined && now - c.revertedAt <= HOUR);
  if (lastHour.length > THRASH.repoRevertsPerHour) {
    holds.push({
      scope: { kind: "repo" },
      reason: `${lastHour.length} reverts in the last hour (more than ${THRASH.repoRevertsPerHour}): a metrics problem is more likely than ${lastHour.length} bad changes`,
      since: Math.max(...lastHour.map((c) => c.revertedAt ?? 0)),
    });
  }
  return holds;
}

/** Every hold in force at `now`: people's and the thrash guard's, less those resumed since. */
export function activeHolds(ledger: Ledger, now: number): LedgerHold[] {
  const all = [...ledger.holds, ...thrashHolds(ledger, now)];
  return all.filter((h) => !ledger.resumes.some((r) => sameScope(r.scope, h.scope) && r.at >= h.since));
}

export function holdsFor(holds: readonly LedgerHold[], scopes: readonly HoldScope[]): LedgerHold[] {
  return holds.filter((h) => scopes.some((s) => sameScope(s, h.scope)));
}
