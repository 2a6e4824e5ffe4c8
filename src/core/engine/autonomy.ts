import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import type { Ledger } from "./ledger.js";

export const AUTONOMY = { verified: 5, window: 20, maxRevertRate: 0.08 } as const;

export interface Autonomy {
  readonly approval: "required" | "auto";
  readonly detail: string;
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
  const history = ledger.changes
    .filter((c) => c.policy === lever.policy && c.state === "applied")
    .sort((a, b) => b.proposedAt - a.proposedAt)
    .slice(0, AUTONOMY.window);
  const verified = history.filter((c) => c.verdict === "pass").length;
  const reverted = history.filter((c) => c.revertedAt !== undefined).length;
  const rate = history.length === 0 ? 0 : reverted / history.length;
  if (verified >= AUTONOMY.verified && rate <= AUTONOMY.maxRevertRate) {
    return {
      approval: "auto",
      detail: `auto: earned (${verified} verified, ${Math.round(rate * 100)}% reverted of the last ${history.length})`,
    };
  }
  const why =
    verified < AUTONOMY.verified
      ? `${verified}/${AUTONOMY.verified} verified`
      : `${Math.round(rate * 100)}% reverted (at most ${AUTONOMY.maxRevertRate * 100}%)`;
  return { approval: "required", detail: `suggest: auto not yet earned, ${why}` };
}
