import { type HoldScope, type Ledger, type LedgerChange, type LedgerHold, sameScope } from "./ledger.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const THRASH = {
  reversals: { count: 3, window: 7 * DAY },
  leverReverts: { count: 2, window: 14 * DAY },
  policyReverts: { levers: 3, window: 14 * DAY },
  repoRevertsPerHour: 3,
} as const;

/**
 * The latest event at which `count` events fell within `window` (ending at that event), if any:
 * the moment a rule tripped. Holds are sticky — a rule that tripped once holds until a person
 * resumes after it, even when the window has since slid past the events.
 */
function lastTrip(times: readonly number[], count: number, window: number): number | undefined {
  const sorted = [...times].sort((a, b) => a - b);
  let trip: number | undefined;
  for (let i = count - 1; i < sorted.length; i++) {
    const end = sorted[i] as number;
    if (end - (sorted[i - count + 1] as number) <= window) trip = end;
  }
  return trip;
}

/**
 * Holds the history itself calls for: a lever that keeps changing its mind or keeps being
 * reverted, a policy reverted on several levers, a storm of reverts (a metrics outage must not
 * become a revert storm). Only an explicit resume after the triggering event lifts one.
 */
export function thrashHolds(ledger: Ledger, now: number): LedgerHold[] {
  const holds: LedgerHold[] = [];
  const applied = ledger.changes
    .filter((c) => c.state === "applied" && (c.appliedAt ?? c.proposedAt) <= now)
    .sort((a, b) => (a.appliedAt ?? a.proposedAt) - (b.appliedAt ?? b.proposedAt));
  const revertedBy = (c: LedgerChange) =>
    c.revertedAt !== undefined && c.revertedAt <= now ? c.revertedAt : undefined;
  for (const lever of new Set(applied.map((c) => c.lever))) {
    const mine = applied.filter((c) => c.lever === lever);
    const reversals = mine.flatMap((cur, i) => {
      const prev = mine[i - 1];
      return prev && prev.direction !== cur.direction ? [cur.appliedAt ?? cur.proposedAt] : [];
    });
    const oscillated = lastTrip(reversals, THRASH.reversals.count, THRASH.reversals.window);
    if (oscillated !== undefined)
      holds.push({
        scope: { kind: "lever", id: lever },
        reason: `its changes reversed direction ${THRASH.reversals.count} times in 7 days (oscillation); a resume lifts it`,
        since: oscillated,
      });
    const reverted = lastTrip(
      mine.flatMap((c) => revertedBy(c) ?? []),
      THRASH.leverReverts.count,
      THRASH.leverReverts.window,
    );
    if (reverted !== undefined)
      holds.push({
        scope: { kind: "lever", id: lever },
        reason: `${THRASH.leverReverts.count} of its changes were reverted in 14 days; a resume lifts it`,
        since: reverted,
      });
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
        reason: `its change ${c.from} → ${c.to} ${why}; a resume lifts it`,
        since: c.appliedAt ?? c.proposedAt,
      });
    }
  }
  const reverts = applied.flatMap((c) => {
    const at = revertedBy(c);
    return at === undefined ? [] : [{ at, lever: c.lever, policy: c.policy }];
  });
  for (const policy of new Set(reverts.map((r) => r.policy))) {
    const hits = reverts.filter((r) => r.policy === policy).sort((a, b) => a.at - b.at);
    const tripped = hits
      .filter((r) => {
        const levers = new Set(
          hits.filter((h) => h.at <= r.at && r.at - h.at <= THRASH.policyReverts.window).map((h) => h.lever),
        );
        return levers.size >= THRASH.policyReverts.levers;
      })
      .at(-1);
    if (tripped)
      holds.push({
        scope: { kind: "policy", id: policy },
        reason: `policy ${policy} was reverted on ${THRASH.policyReverts.levers} levers in 14 days; suspended for this repository`,
        since: tripped.at,
      });
  }
  const storm = lastTrip(
    reverts.map((r) => r.at),
    THRASH.repoRevertsPerHour + 1,
    HOUR,
  );
  if (storm !== undefined)
    holds.push({
      scope: { kind: "repo" },
      reason: `more than ${THRASH.repoRevertsPerHour} reverts within an hour: a metrics problem is more likely than that many bad changes`,
      since: storm,
    });
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
