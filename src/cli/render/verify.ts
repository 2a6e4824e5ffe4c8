import type { BranchChange } from "../../adapters/git/git-ledger.js";
import type { GuardrailResult, Verdict, VerdictKind } from "../../core/engine/verdict.js";
import { isoMinute, minutes } from "../../core/engine/watch-coverage.js";

/**
 * `governor verify`'s rows as people and scripts read them. A row is final (pass, fail,
 * inconclusive), in flight (watching: its window has not ended, or it was extended once), or not
 * judged (Prometheus could not answer: no verdict until a run reaches it).
 */
export type RowStatus = VerdictKind | "watching" | "not-judged";

export interface VerifyRow {
  readonly change: BranchChange;
  readonly status: RowStatus;
  /** Final: the verdict; watching: the window so far (extended: the first window, which is why). */
  readonly verdict?: Verdict | undefined;
  /** Watching and not judged: the end of the window the verdict waits on. */
  readonly until?: number | undefined;
  /** When the change took effect and the length watched (two windows once extended). */
  readonly watch: { readonly appliedAt: number; readonly length: number; readonly now: number };
  /** Watching: the first window was inconclusive, this is its one extension. */
  readonly extended?: boolean | undefined;
  /** Not judged: what Prometheus answered, naming the endpoint, each reason once. */
  readonly unjudged?: readonly string[] | undefined;
  note: string;
  reverted: boolean;
  /** A failure the revert cap left to a person: said in the row and in --json, never skipped in silence. */
  capped: boolean;
}

const mark = (g: GuardrailResult) => (g.ok === false ? "✗" : g.ok ? "✓" : "?");
const line = (g: GuardrailResult) =>
  `    ${mark(g)} ${g.name}: ${g.observed}; limit ${g.limit} — ${g.detail}`;

/** "12 of 30 min" (seconds for a window under a minute). */
function progress(w: VerifyRow["watch"]): string {
  const elapsed = Math.min(Math.max(0, w.now - w.appliedAt), w.length);
  return w.length >= 60_000
    ? `${Math.floor(elapsed / 60_000)} of ${minutes(w.length)}`
    : `${Math.round(elapsed / 1000)} of ${minutes(w.length)}`;
}

/**
 * What Prometheus answered across the run, each reason once, the plainest first: a client that
 * gave up after a few failures answers the rest of the run with a longer summary of them.
 */
function outageReasons(rows: readonly VerifyRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.unjudged ?? []))].sort((a, b) => a.length - b.length);
}

function inFlight(r: VerifyRow, outage: readonly string[]): string {
  const head = `${r.change.lever} ${r.change.from} → ${r.change.to}`;
  const until = isoMinute(r.until ?? r.watch.appliedAt);
  if (r.status === "not-judged") {
    const when = (r.until ?? 0) > r.watch.now ? `its window ends ${until}` : `its window ended ${until}`;
    // The reason is told once on stderr: every row repeating it would bury the rows.
    const named = /^((?:Not the )?Prometheus [^(]*\([^)]*\))/.exec(outage[0] ?? "")?.[1];
    const who = named?.replace(/^Not the/, "not the") ?? "Prometheus did not answer";
    return `${head}: not judged — ${who}, see the warning; ${when}: no verdict and nothing reverted until a run reaches Prometheus`;
  }
  const lines = [`${head}: watching until ${until} (${progress(r.watch)})${r.note ? `; ${r.note}` : ""}`];
  // What is missing so far is said as it happens: an outage inside the window does not go unseen.
  for (const g of r.verdict?.guardrails ?? []) {
    if (r.extended && g.ok !== true) lines.push(line(g));
    else if (g.gaps) lines.push(`    ? ${g.name}: ${g.gaps} so far`);
  }
  return lines.join("\n");
}

function finalRow(r: VerifyRow): string {
  const v = r.verdict;
  return [
    `${r.change.lever}  ${r.change.from} -> ${r.change.to}  ${r.status.toUpperCase()}${r.note ? `  (${r.note})` : ""}`,
    ...(v?.guardrails ?? []).map(line),
    ...(v?.effect ? [`    effect: ${v.effect}`] : []),
  ].join("\n");
}

export function renderVerifyText(rows: readonly VerifyRow[]): string {
  if (rows.length === 0) return "no Governor change on this branch\n";
  const outage = outageReasons(rows);
  const text = rows.map((r) =>
    r.status === "watching" || r.status === "not-judged" ? inFlight(r, outage) : finalRow(r),
  );
  return `${text.join("\n")}\n`;
}

export function verifyJson(rows: readonly VerifyRow[]): object {
  return {
    verdicts: rows.map((r) => ({
      lever: r.change.lever,
      decision: r.change.decision,
      commit: r.change.commit,
      from: r.change.from,
      to: r.change.to,
      verdict: r.status,
      until: r.until !== undefined ? new Date(r.until).toISOString() : null,
      guardrails: (r.verdict?.guardrails ?? []).map((g) => ({
        name: g.name,
        ok: g.ok ?? null,
        observed: g.observed,
        limit: g.limit,
        detail: g.detail,
        gaps: g.gaps ?? null,
        link: g.link ?? null,
      })),
      effect: r.verdict?.effect ?? "",
      reverted: r.reverted,
      capped: r.capped,
      note: r.status === "not-judged" ? `not judged: ${r.unjudged?.join("; ")}` : r.note,
    })),
  };
}

/** The outage said once on stderr, naming the endpoint and its error, with what it means. */
export function unjudgedWarning(rows: readonly VerifyRow[]): string | undefined {
  const down = rows.filter((r) => r.status === "not-judged");
  const first = down[0];
  if (!first) return undefined;
  const judged = rows.filter((r) => r.status !== "not-judged" && r.note !== "already reverted").length;
  const what =
    judged === 0
      ? "nothing could be judged"
      : `${down.length} of ${down.length + judged} watched changes could not be judged`;
  const reasons = outageReasons(down);
  return `warning: Prometheus did not answer:\n${reasons.map((x) => `  ${x}\n`).join("")}  ${what} (${down.map((r) => r.change.lever).join(", ")}): no verdict and nothing reverted; each window is judged whole by the next run that reaches Prometheus, and one that ends up with data for less than half of it is extended once (exit 2)\n`;
}
