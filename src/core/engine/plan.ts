import type { ResolvedLever } from "../config/check-levers.js";
import type { RepoConfig } from "../config/repo-schema.js";
import type { SignalData } from "../signals/source.js";
import { type DecideInput, decide } from "./decide.js";
import type { Decision } from "./decision.js";
import type { LinkBases } from "./evidence.js";
import type { HpaScan } from "./hpa.js";
import type { Ledger } from "./ledger.js";
import { activeHolds } from "./thrash.js";

export interface PlanInput {
  readonly config: RepoConfig;
  readonly levers: readonly ResolvedLever[];
  /** Each lever file, parsed once, keyed by its path. */
  readonly files: ReadonlyMap<string, DecideInput["file"]>;
  readonly answers: ReadonlyMap<string, SignalData>;
  readonly ledger: Ledger;
  readonly hpas: readonly HpaScan[];
  readonly now: number;
  readonly links: LinkBases;
}

/**
 * One evaluation of every lever, in config order: a decision each, proposals counted against
 * the repository's limits as they are made. Pure and deterministic: same input, same output.
 */
export function plan(input: PlanInput): Decision[] {
  const holds = activeHolds(input.ledger, input.now);
  const decisions: Decision[] = [];
  let proposed = 0;
  for (const lever of input.levers) {
    const file = input.files.get(lever.target.file) ?? {
      ok: false as const,
      error: { message: `${lever.target.file} was not read` },
    };
    const d = decide({ ...input, lever, file, holds, proposedThisRun: proposed });
    if (d.decision === "propose") proposed++;
    decisions.push(d);
  }
  return decisions;
}
