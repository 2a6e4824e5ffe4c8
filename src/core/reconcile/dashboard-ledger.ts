import type { Ledger, LedgerChange } from "../engine/ledger.js";
import type { Action } from "./actions.js";
import type { GovernedRequest } from "./change-requests.js";
import type { WatchAction } from "./watch-actions.js";

/** Governor's change PRs by the decision their metadata carries: the dashboard links them by number. */
export function pullsByDecision(governed: readonly GovernedRequest[]): Map<string, number> {
  return new Map(
    governed.filter((g) => g.meta.kind === "change").map((g) => [g.meta.decision, g.request.number] as const),
  );
}

/** What this tick did: the actions that succeeded, each open with the number GitHub gave its PR. */
export interface DoneThisTick {
  readonly actions: ReadonlyArray<{ readonly action: Action; readonly number?: number | undefined }>;
  readonly watches: readonly WatchAction[];
}

/**
 * The ledger and PR numbers as the next tick will read them back from GitHub, with this tick's
 * own writes in: a PR opened, updated or closed, a verdict labelled, a revert opened. The
 * dashboard is written from this, so the tick after an event finds it already right and writes
 * nothing (the ledger read at the start of a tick does not know what the tick did).
 */
export function ledgerAfterTick(
  ledger: Ledger,
  pulls: ReadonlyMap<string, number>,
  done: DoneThisTick,
  now: number,
): { readonly ledger: Ledger; readonly pulls: ReadonlyMap<string, number> } {
  let changes: LedgerChange[] = [...ledger.changes];
  const numbers = new Map(pulls);
  const openOf = (lever: string) => changes.findIndex((c) => c.lever === lever && c.state === "open");
  for (const { action, number } of done.actions) {
    if (action.type === "close") {
      changes = changes.filter((c) => !(c.lever === action.lever && c.state === "open"));
      continue;
    }
    const d = action.decision;
    const at = openOf(action.lever);
    const proposed: LedgerChange = {
      decision: d.id,
      lever: d.lever,
      policy: d.policy,
      from: d.from ?? "",
      to: d.to ?? "",
      direction: d.direction ?? "up",
      proposedAt: at >= 0 ? (changes[at]?.proposedAt ?? now) : now,
      state: "open",
    };
    if (at >= 0) changes[at] = proposed;
    else changes.push(proposed);
    const pr = action.type === "update" ? action.number : number;
    if (pr !== undefined) numbers.set(d.id, pr);
  }
  const byNumber = new Map([...numbers].map(([decision, n]) => [n, decision] as const));
  for (const w of done.watches) {
    const decision = byNumber.get(w.number);
    const at = changes.findIndex((c) => c.decision === decision);
    const c = changes[at];
    if (!c || w.type === "wait") continue;
    changes[at] =
      w.type === "verified"
        ? { ...c, verdict: "pass" }
        : w.type === "inconclusive"
          ? { ...c, verdict: "inconclusive" }
          : w.type === "revert"
            ? { ...c, verdict: "fail", revertedAt: now }
            : { ...c, verdict: "fail" };
  }
  return { ledger: { ...ledger, changes }, pulls: numbers };
}

/** Governor's open PRs after this tick, by kind: the ones read, and the ones it opened or closed since. */
export function openPullsAfter(
  governed: readonly GovernedRequest[],
  done: DoneThisTick,
): { readonly change: number; readonly revert: number } {
  const open = (kind: string) =>
    governed.filter((g) => g.request.state === "open" && g.meta.kind === kind).length;
  const did = (type: string) => done.actions.filter((a) => a.action.type === type).length;
  return {
    change: open("change") + did("open") - did("close"),
    revert: open("revert") + done.watches.filter((w) => w.type === "revert").length,
  };
}
