import type { ResolvedLever } from "../config/check-levers.js";
import { revertCap } from "../engine/revert-cap.js";
import { inconclusiveWhy, type Verdict } from "../engine/verdict.js";
import { restorePaired } from "../levers/limit.js";
import type { ParsedFile } from "../levers/parsed-file.js";
import { TRAILER } from "../pr/commit-message.js";
import { type PrMetadata, renderMetadata } from "../pr/metadata.js";
import { type GovernedRequest, LABEL } from "./change-requests.js";

/** A merged change that took effect and has no verdict yet: its watch is running or due. */
export interface DueWatch {
  readonly governed: GovernedRequest;
  readonly lever: ResolvedLever;
  readonly appliedAt: number;
  /** 2 when the verdict was judged over the one extension of an inconclusive window. */
  readonly windows: 1 | 2;
}

const settled = (g: GovernedRequest, reverted: ReadonlySet<string>) =>
  g.request.labels.includes(LABEL.verified) ||
  g.request.labels.includes(LABEL.inconclusive) ||
  g.request.labels.includes(LABEL.needsHuman) ||
  reverted.has(g.meta.decision);

/**
 * Governor's merged changes that have no verdict yet (not verified, inconclusive, left to a person
 * or reverted): the ones a watch is owed to, read from the PRs alone — no config needed.
 */
export function unsettledChanges(governed: readonly GovernedRequest[]): GovernedRequest[] {
  const reverted = new Set(
    governed.filter((g) => g.meta.kind === "revert" && g.meta.reverts).map((g) => g.meta.reverts as string),
  );
  return governed.filter(
    (g) => g.meta.kind === "change" && g.request.mergedAt !== undefined && !settled(g, reverted),
  );
}

/** The merged changes being watched at `now`. */
export function dueWatches(
  governed: readonly GovernedRequest[],
  levers: readonly ResolvedLever[],
  appliedAt: (g: GovernedRequest) => number | undefined,
  now: number,
): DueWatch[] {
  const out: DueWatch[] = [];
  for (const g of unsettledChanges(governed)) {
    const lever = levers.find((l) => l.id === g.meta.lever);
    const applied = appliedAt(g);
    if (lever && applied !== undefined && now > applied)
      out.push({ governed: g, lever, appliedAt: applied, windows: 1 });
  }
  return out;
}

export type WatchAction =
  | { readonly type: "verified"; readonly lever: string; readonly number: number; readonly comment: string }
  | {
      readonly type: "inconclusive";
      readonly lever: string;
      readonly number: number;
      readonly comment: string;
    }
  | { readonly type: "wait"; readonly lever: string; readonly number: number; readonly until: number }
  | {
      readonly type: "revert";
      readonly lever: string;
      readonly number: number;
      readonly branch: string;
      readonly title: string;
      readonly body: string;
      readonly file: string;
      readonly text: string;
      readonly message: string;
      readonly comment: string;
      /** The breach, as the comment on the change says it. */
      readonly breach: string;
    }
  | {
      readonly type: "cannot-revert";
      readonly lever: string;
      readonly number: number;
      readonly comment: string;
    }
  /** A breach whose revert the repository's revert cap refused: a person decides. */
  | { readonly type: "capped"; readonly lever: string; readonly number: number; readonly comment: string };

function guardrailLines(v: Verdict): string {
  return v.guardrails
    .map(
      (g) =>
        `- ${g.ok === false ? "❌" : g.ok ? "✅" : "❔"} **${g.name}**: ${g.observed} (limit ${g.limit}) — ${g.detail}${g.link ? ` ([query](${g.link}))` : ""}`,
    )
    .join("\n");
}

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * What a verdict calls for. pass: a comment with the measured effect and the verified label;
 * fail: a revert PR restoring the exact original value — unless someone changed it since, then a
 * comment and the lever holds; inconclusive: wait for the one extension, then hold.
 */
export function watchAction(
  d: DueWatch,
  verdict: Verdict,
  extendedEnd: number,
  now: number,
  file: ParsedFile | undefined,
  key: string,
): WatchAction {
  const { request: pr, meta } = d.governed;
  if (verdict.verdict === "pass") {
    return {
      type: "verified",
      lever: meta.lever,
      number: pr.number,
      comment: `✅ **Verified.** Every guardrail held over the watch window.\n\n${guardrailLines(verdict)}\n\nEffect: ${verdict.effect}`,
    };
  }
  if (verdict.verdict === "inconclusive") {
    if (d.windows === 1 && now < extendedEnd)
      return { type: "wait", lever: meta.lever, number: pr.number, until: extendedEnd };
    return {
      type: "inconclusive",
      lever: meta.lever,
      number: pr.number,
      comment: `❔ **Inconclusive.** ${sentence(inconclusiveWhy(verdict, true))}; it is not treated as a pass. The lever holds until \`/governor resume\`.\n\n${guardrailLines(verdict)}`,
    };
  }
  const breach = `❌ **Guardrail breached.**\n\n${guardrailLines(verdict)}`;
  if (!file)
    return {
      type: "cannot-revert",
      lever: meta.lever,
      number: pr.number,
      comment: `${breach}\n\nThe file ${meta.file} could not be read, so no revert was opened; the lever holds.`,
    };
  // A limit that moved with the request (limit: ratio) goes back with it, in the same revert.
  const restored = restorePaired(file, d.lever.target, meta.from, d.lever.policyDef.valueType, meta.limit);
  if (!restored.ok || restored.value.from !== meta.to) {
    const why = restored.ok
      ? `the value is now ${restored.value.from}, not ${meta.to} as Governor set it`
      : restored.error.message;
    return {
      type: "cannot-revert",
      lever: meta.lever,
      number: pr.number,
      comment: `${breach}\n\nNo revert: ${why}. Someone changed it since, so a person decides; the lever holds.`,
    };
  }
  const revertMeta: PrMetadata = {
    ...meta,
    kind: "revert",
    decision: `${meta.decision}-revert`,
    from: meta.to,
    to: meta.from,
    direction: meta.direction === "up" ? "down" : "up",
    reverts: meta.decision,
    ...(meta.limit ? { limit: { from: meta.limit.to, to: meta.limit.from } } : {}),
  };
  const body = `Governor reverts #${pr.number}: **${meta.lever}** ${meta.to} → ${meta.from} (the value exactly as it was written before).\n\n${breach}\n\n${renderMetadata(revertMeta, key)}\n`;
  return {
    type: "revert",
    lever: meta.lever,
    number: pr.number,
    branch: `governor/revert-${meta.lever}`,
    title: `Revert ${meta.lever}: ${meta.to} → ${meta.from}`,
    body,
    file: meta.file,
    text: restored.value.text,
    message: `Revert ${meta.lever}: ${meta.to} -> ${meta.from}\n\nGuardrail breach after ${meta.decision} (#${pr.number}).\n\n${TRAILER.lever}: ${meta.lever}\n${TRAILER.revert}: ${meta.decision}\n`,
    comment: `${breach}\n\nGovernor opened a revert.`,
    breach,
  };
}

/** When Governor opened each revert it has opened (its revert PRs, open, merged or closed). */
export function revertTimes(governed: readonly GovernedRequest[]): number[] {
  return governed.filter((g) => g.meta.kind === "revert").map((g) => g.request.createdAt);
}

/**
 * The repository's revert cap applied to one tick's watch actions, in order: a revert past the cap
 * becomes "capped" — a comment with the breach and the reason, and the change is left to a person.
 */
export function capReverts(
  actions: readonly WatchAction[],
  pastReverts: readonly number[],
  now: number,
): WatchAction[] {
  const made = [...pastReverts];
  return actions.map((a) => {
    if (a.type !== "revert") return a;
    const cap = revertCap(made, now);
    if (cap.allowed) {
      made.push(now);
      return a;
    }
    return {
      type: "capped",
      lever: a.lever,
      number: a.number,
      comment: `${a.breach}\n\nNo revert: ${cap.reason}. The lever holds.`,
    };
  });
}
