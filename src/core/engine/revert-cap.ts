import { THRASH } from "./thrash.js";

const HOUR = 3_600_000;

export type RevertCap = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * Whether one more revert may be made at `now`, given when the past reverts were made. More than a
 * few reverts an hour in one repository point at the metrics rather than at the changes, so a
 * person decides. One rule for every entry point: `governor verify --revert` and the App's watch.
 */
export function revertCap(pastReverts: readonly number[], now: number): RevertCap {
  const recent = pastReverts.filter((t) => now - t < HOUR).length;
  if (recent < THRASH.repoRevertsPerHour) return { allowed: true };
  return {
    allowed: false,
    reason: `${recent} reverts in the last hour already (at most ${THRASH.repoRevertsPerHour}); a metrics problem is more likely — a person decides`,
  };
}
