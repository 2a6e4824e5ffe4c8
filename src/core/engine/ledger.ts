/**
 * The ledger: what Governor did and what became of it, read back from git trailers (local mode)
 * or pull requests (the App). There is no database; this is rebuilt on every evaluation.
 */

export type Direction = "up" | "down";

export interface LedgerChange {
  readonly decision: string;
  /** Where a person sees it: "#12" for a PR, a commit hash in local mode; when known. */
  readonly ref?: string | undefined;
  readonly lever: string;
  readonly policy: string;
  /** Values verbatim as written in the file. */
  readonly from: string;
  readonly to: string;
  readonly direction: Direction;
  readonly proposedAt: number;
  /** open: proposed, not merged; applied: in effect (or merged and on its way); rejected: closed unmerged. */
  readonly state: "open" | "applied" | "rejected";
  /** When it took effect; unknown while merged but not yet applied. */
  readonly appliedAt?: number | undefined;
  readonly rejectedAt?: number | undefined;
  readonly verdict?: "pass" | "fail" | "inconclusive" | undefined;
  /** When its revert was made. */
  readonly revertedAt?: number | undefined;
}

export type HoldScope =
  | { readonly kind: "repo" }
  | { readonly kind: "lever"; readonly id: string }
  | { readonly kind: "policy"; readonly id: string };

export interface LedgerHold {
  readonly scope: HoldScope;
  readonly reason: string;
  readonly since: number;
}

export interface LedgerResume {
  readonly scope: HoldScope;
  readonly at: number;
}

export interface Ledger {
  readonly changes: readonly LedgerChange[];
  /** Holds set by people (/governor hold); automatic holds are derived by the thrash guard. */
  readonly holds: readonly LedgerHold[];
  readonly resumes: readonly LedgerResume[];
}

export const EMPTY_LEDGER: Ledger = { changes: [], holds: [], resumes: [] };

export const sameScope = (a: HoldScope, b: HoldScope): boolean =>
  a.kind === b.kind && (a.kind === "repo" || (b.kind !== "repo" && a.id === b.id));

/** A scope as a commit trailer writes it: `repo`, `lever/<id>`, `policy/<id>`. */
export function scopeText(s: HoldScope): string {
  return s.kind === "repo" ? "repo" : `${s.kind}/${s.id}`;
}

export function parseScopeText(text: string): HoldScope | undefined {
  const t = text.trim();
  if (t === "repo") return { kind: "repo" };
  const m = /^(lever|policy)\/(\S+)$/.exec(t);
  return m ? { kind: m[1] as "lever" | "policy", id: m[2] as string } : undefined;
}

export function describeScope(s: HoldScope): string {
  return s.kind === "repo" ? "the repository" : `${s.kind} ${s.id}`;
}

/** When a change happened, for cooldowns: when it took effect, else when it was proposed. */
export const changeTime = (c: LedgerChange): number => c.appliedAt ?? c.proposedAt;

/** When a change last moved its lever's value: when it took effect, or when it was reverted. */
export const lastMoved = (c: LedgerChange): number => Math.max(changeTime(c), c.revertedAt ?? 0);

/**
 * When the lever's current value (`current`, as written) took effect, if Governor's own last
 * change explains it; undefined when a person changed it since or Governor never did.
 */
export function currentSince(ledger: Ledger, lever: string, current: string | undefined): number | undefined {
  const last = ledger.changes
    .filter((c) => c.lever === lever && c.state === "applied" && c.appliedAt !== undefined)
    .sort((a, b) => lastMoved(b) - lastMoved(a))[0];
  if (!last || current === undefined) return undefined;
  if (last.revertedAt !== undefined) return current === last.from ? last.revertedAt : undefined;
  return current === last.to ? last.appliedAt : undefined;
}
