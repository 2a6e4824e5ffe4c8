import { z } from "zod";
import type { ResolvedLever } from "../config/check-levers.js";
import { policyRecord } from "../engine/autonomy.js";
import type { Decision } from "../engine/decision.js";
import { describeScope, type HoldScope, type Ledger, type LedgerHold } from "../engine/ledger.js";
import { parseSignedBlock, renderSignedBlock } from "../pr/signed-block.js";
import { type ConfigProblems, configErrorLines, pausedBanner } from "./dashboard-errors.js";

/**
 * The first line of the dashboard's body: how Governor finds its own issue. A label can be put on
 * any issue by anyone; the marker is written only by Governor, and is the same on every replica.
 */
export const DASHBOARD_MARKER = "<!-- governor:dashboard -->";

export const DASHBOARD_TITLE = "Governor Dashboard";
export const DASHBOARD_LABEL = "governor:dashboard";

const scopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("repo") }),
  z.object({ kind: z.literal("lever"), id: z.string() }),
  z.object({ kind: z.literal("policy"), id: z.string() }),
]);

/** What people decided, kept in the dashboard issue (signed): holds, resumes and rejection reasons. */
export const dashboardStateSchema = z.object({
  v: z.literal(1),
  holds: z.array(z.object({ scope: scopeSchema, reason: z.string(), since: z.number(), by: z.string() })),
  resumes: z.array(z.object({ scope: scopeSchema, at: z.number(), by: z.string() })),
  rejections: z.array(z.object({ decision: z.string(), reason: z.string(), by: z.string(), at: z.number() })),
});
export type DashboardState = z.infer<typeof dashboardStateSchema>;
export const EMPTY_STATE: DashboardState = { v: 1, holds: [], resumes: [], rejections: [] };

export function readDashboardState(
  body: string | undefined,
  key: string,
): { state: DashboardState; tampered: boolean } {
  const parsed = parseSignedBlock("state", dashboardStateSchema, body, key);
  return parsed.ok
    ? { state: parsed.value, tampered: false }
    : { state: EMPTY_STATE, tampered: parsed.error === "tampered" };
}

/** A person's command, as data: applied to the state before the next evaluation. */
export type Command =
  | { readonly type: "hold"; readonly scope: HoldScope; readonly reason: string; readonly by: string }
  | { readonly type: "resume"; readonly scope: HoldScope; readonly by: string }
  | { readonly type: "reject"; readonly decision: string; readonly reason: string; readonly by: string };

export function applyCommand(state: DashboardState, c: Command, now: number): DashboardState {
  if (c.type === "hold")
    return { ...state, holds: [...state.holds, { scope: c.scope, reason: c.reason, since: now, by: c.by }] };
  if (c.type === "resume")
    return { ...state, resumes: [...state.resumes, { scope: c.scope, at: now, by: c.by }] };
  return {
    ...state,
    rejections: [...state.rejections, { decision: c.decision, reason: c.reason, by: c.by, at: now }],
  };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface DashboardInput extends ConfigProblems {
  readonly levers: readonly ResolvedLever[];
  readonly decisions: readonly Decision[];
  readonly ledger: Ledger;
  readonly holds: readonly LedgerHold[];
  readonly watchWindowMs: number;
  readonly state: DashboardState;
  readonly tampered: boolean;
  /** What this tick could not do, by lever: what GitHub refused (a missing permission, a rate limit), a branch someone pushed to, a base that moved. */
  readonly problems?: readonly string[] | undefined;
  /** Governor's PRs by the decision they carry (the ledger's `decision`): linked by number. */
  readonly pulls?: ReadonlyMap<string, number> | undefined;
}

/**
 * Why a lever's last decision is what it is, in words that do not move with every sample: the
 * check that stopped it (its numbers are in `/governor explain`), or the PR that proposes it.
 */
function why(d: Decision, pr: number | undefined): string {
  if (d.decision === "propose") return pr !== undefined ? `#${pr}` : "no PR yet (see below)";
  const failed = d.checks.find((c) => !c.ok);
  return failed ? `\`${failed.name}\`` : cell(d.reason);
}

/**
 * The dashboard issue's body. Deterministic — no "updated at", and no number that moves with
 * every sample (a p95, a coverage, a deadband percentage: those are in `/governor explain` and in
 * the PRs) — so that it is rewritten only when something in it changed: an idle tick writes nothing.
 */
export function renderDashboard(d: DashboardInput, key: string): string {
  const out: string[] = [
    DASHBOARD_MARKER,
    "This issue is kept up to date by Governor. Commands (write permission): `/governor hold [reason]`, `/governor resume`, `/governor explain` here (every decision with its numbers); `/governor reject <reason>` on a tuning PR.",
    "",
  ];
  out.push(...pausedBanner(d));
  if (d.tampered)
    out.push(
      "> ⚠️ The hidden state below was edited by hand and was ignored; holds and resumes recorded before are lost.",
      "",
    );
  out.push(...configErrorLines(d));
  if (d.decisions.length > 0) {
    out.push("## Levers", "", "| lever | policy | current | last decision | why |", "|---|---|---|---|---|");
    for (const x of d.decisions) {
      const open = d.ledger.changes.find((c) => c.lever === x.lever && c.state === "open");
      const pr = open ? d.pulls?.get(open.decision) : undefined;
      out.push(
        `| ${x.lever} | ${x.policy} | ${x.from ?? "—"} | ${x.decision}${x.to && x.decision === "propose" ? ` → ${x.to}` : ""} | ${why(x, pr)} |`,
      );
    }
    out.push("");
  }
  if (d.problems && d.problems.length > 0)
    out.push("## ⚠️ Not done this tick", "", ...d.problems.map((p) => `- ${cell(p)}`), "");
  const inFlight = d.ledger.changes.filter(
    (c) =>
      c.state === "open" || (c.state === "applied" && c.verdict === undefined && c.revertedAt === undefined),
  );
  const link = (decision: string) => {
    const n = d.pulls?.get(decision);
    return n === undefined ? "" : ` (#${n})`;
  };
  const paused = new Set(d.paused?.watches.map((w) => w.number));
  out.push("## Changes in flight", "");
  if (inFlight.length === 0) out.push("None.");
  for (const c of inFlight) {
    const n = d.pulls?.get(c.decision);
    const where =
      c.state === "open"
        ? "proposed, awaiting review"
        : n !== undefined && paused.has(n)
          ? "merged, its watch is paused (see above)"
          : c.appliedAt === undefined
            ? "merged, not yet applied"
            : `applied ${iso(c.appliedAt)}, watched until ${iso(c.appliedAt + d.watchWindowMs)}`;
    out.push(`- **${c.lever}** ${c.from} → ${c.to}: ${where}${link(c.decision)}`);
  }
  out.push("", "## Holds", "");
  if (d.holds.length === 0) out.push("None.");
  for (const h of d.holds) out.push(`- ${describeScope(h.scope)}: ${h.reason} (since ${iso(h.since)})`);
  const judged = d.ledger.changes.filter((c) => c.verdict !== undefined || c.state === "rejected").slice(-10);
  out.push("", "## Recent verdicts", "");
  if (judged.length === 0) out.push("None yet.");
  for (const c of judged) {
    const rejection = d.state.rejections.find((r) => r.decision === c.decision);
    const what =
      c.state === "rejected"
        ? `rejected${rejection ? ` by @${rejection.by}: ${rejection.reason}` : ""}`
        : c.revertedAt !== undefined
          ? "reverted"
          : (c.verdict ?? "");
    out.push(`- **${c.lever}** ${c.from} → ${c.to}: ${what}${link(c.decision)}`);
  }
  const policies = [...new Set(d.levers.map((l) => l.policy))].sort();
  out.push(
    "",
    "## Track record",
    "",
    "| policy | verified | reverted | rejected | autonomy |",
    "|---|---|---|---|---|",
  );
  for (const p of policies) {
    const mine = d.ledger.changes.filter((c) => c.policy === p);
    const record = policyRecord(p, d.ledger);
    const earned = record.earned ? "earned" : `not yet (${record.shortfall})`;
    out.push(
      `| ${p} | ${mine.filter((c) => c.verdict === "pass").length} | ${mine.filter((c) => c.revertedAt !== undefined).length} | ${mine.filter((c) => c.state === "rejected").length} | ${earned} |`,
    );
  }
  out.push("", renderSignedBlock("state", d.state, key), "");
  return out.join("\n");
}
