import { parseDuration } from "../units/duration.js";
import { type GovernedRequest, LABEL } from "./change-requests.js";

/** A merged change not applied after this long is left to the schedule and the deployer's webhooks. */
export const UNAPPLIED_WATCH_LIMIT_MS = 24 * 3600 * 1000;

/**
 * How soon the repository must be reconciled again for its watch: watch.interval while a merged
 * Governor change has no verdict yet (applied and inside its window or the extension, or merged
 * within the last day and waiting to be applied), undefined otherwise (the schedule's own interval applies). A breach is seen two
 * evaluations after it starts (two consecutive ones over the limit), so a reconcile every
 * watch.interval turns a breach into a revert within two watch intervals, whatever
 * schedule.interval says.
 */
export function watchCadence(
  governed: readonly GovernedRequest[],
  appliedAt: (g: GovernedRequest) => number | undefined,
  watch: { readonly interval: string; readonly window: string },
  now: number,
): number | undefined {
  const interval = parseDuration(watch.interval);
  const window = parseDuration(watch.window);
  if (!interval.ok || interval.value <= 0 || !window.ok) return undefined;
  const step = Math.max(1000, interval.value);
  // The window and its one extension, and two evaluations more to judge them: a change whose lever
  // left the config is never judged, and must not keep the repository on the fast cadence.
  const watchEnd = (applied: number) => applied + 2 * window.value + 2 * step;
  const reverted = new Set(
    governed.filter((g) => g.meta.kind === "revert" && g.meta.reverts).map((g) => g.meta.reverts as string),
  );
  const watched = governed.some((g) => {
    const labels = g.request.labels;
    if (g.meta.kind !== "change" || g.request.mergedAt === undefined || reverted.has(g.meta.decision))
      return false;
    if ([LABEL.verified, LABEL.inconclusive, LABEL.needsHuman].some((l) => labels.includes(l))) return false;
    const applied = appliedAt(g);
    return applied !== undefined
      ? now < watchEnd(applied)
      : now - g.request.mergedAt < UNAPPLIED_WATCH_LIMIT_MS;
  });
  return watched ? step : undefined;
}
