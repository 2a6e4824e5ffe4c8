import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import type { Ledger } from "./ledger.js";

export const AUTONOMY = { verified: 5, window: 20, maxRevertRate: 0.08 } as const;

export interface Autonomy {
  readonly approval: "required" | "auto";
  readonly detail: string;
}

export interface PolicyRecord {
  readonly verified: number;
  readonly considered: number;
  readonly revertRate: number;
  readonly earned: boolean;
  /** "2/5 verified", or the revert rate that is too high. */
  readonly shortfall: string;
}

/** A policy's track record in this repository: its last 20 applied changes. */
export function policyRecord(policy: string, ledger: Ledger): PolicyRecord {
  const history = ledger.changes
    .filter((c) => c.policy === policy && c.state === "applied")
    .sort((a, b) => b.proposedAt - a.proposedAt)
    .slice(0, AUTONOMY.window);
  const verified = history.filter((c) => c.verdict === "pass").length;
  const reverted = history.filter((c) => c.revertedAt !== undefined).length;
  const revertRate = history.length === 0 ? 0 : reverted / history.length;
  const earned = verified >= AUTONOMY.verified && revertRate <= AUTONOMY.maxRevertRate;
  const shortfall =
    verified < AUTONOMY.verified
      ? `${verified}/${AUTONOMY.verified} verified`
      : `${Math.round(revertRate * 100)}% reverted (at most ${AUTONOMY.maxRevertRate * 100}%)`;
  return { verified, considered: history.length, revertRate, earned, shortfall };
}

/**
 * mode: auto takes effect for a policy only once it has earned it in this repository: at least
 * 5 verified changes and at most 8% reverted among its last 20 (low-risk policies only).
 */
export function autonomy(lever: ResolvedLever, config: RepoConfig, ledger: Ledger): Autonomy {
  if (config.mode !== "auto") return { approval: "required", detail: `mode ${config.mode}: a person merges` };
  if (lever.approval !== "auto") return { approval: "required", detail: "this lever requires approval" };
  if (lever.policyDef.risk !== "low")
    return {
      approval: "required",
      detail: `policy ${lever.policy} is ${lever.policyDef.risk} risk: a person merges`,
    };
  const r = policyRecord(lever.policy, ledger);
  if (r.earned)
    return {
      approval: "auto",
      detail: `auto: earned (${r.verified} verified, ${Math.round(r.revertRate * 100)}% reverted of the last ${r.considered})`,
    };
  return { approval: "required", detail: `suggest: auto not yet earned, ${r.shortfall}` };
}
