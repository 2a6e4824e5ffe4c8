import { formatDuration } from "../units/duration.js";
import type { EarlierAttempt } from "./decision.js";
import type { Ledger } from "./ledger.js";

/**
 * The latest reverted change of this lever to the value proposed now, and what differs since. The
 * gate already refuses it inside the cooldown (counted from the revert), and the thrash guard
 * holds the lever at the second revert in 14 days; between the two, the reviewer must see that it
 * was tried and what is new.
 */
export function earlierAttempt(
  ledger: Ledger,
  lever: string,
  policy: string,
  from: string | undefined,
  to: string,
  now: number,
  /** The evidence's window (the strategy's lookback), in ms. */
  lookback: number,
): EarlierAttempt | undefined {
  const last = ledger.changes
    .filter((c) => c.lever === lever && c.to === to && c.revertedAt !== undefined)
    .sort((a, b) => (b.revertedAt ?? 0) - (a.revertedAt ?? 0))[0];
  if (!last || last.revertedAt === undefined) return undefined;
  const differences = [
    ...(from !== undefined && from !== last.from
      ? [`it starts from ${from}, not ${last.from} (the value was changed since)`]
      : []),
    ...(last.policy !== "" && last.policy !== policy ? [`policy ${policy} decides, not ${last.policy}`] : []),
  ];
  // New data is a difference too, but only a partial one until the whole window is newer than the revert.
  const since = Math.max(0, now - last.revertedAt);
  const evidence =
    since >= lookback
      ? `all ${formatDuration(lookback)} of the evidence is from after the revert`
      : `${formatDuration(since)} of the ${formatDuration(lookback)} of evidence is from after the revert; the rest is what it was proposed on`;
  return {
    decision: last.decision,
    ...(last.ref !== undefined ? { ref: last.ref } : {}),
    from: last.from,
    to: last.to,
    revertedAt: last.revertedAt,
    differences,
    evidence,
  };
}
