import { decodeText } from "../../adapters/fs/repo-files.js";
import { finishCheckoutSync } from "../../adapters/git/checkout-sync.js";
import { commitHere, currentHead } from "../../adapters/git/git-commit.js";
import { type BranchChange, branchChanges } from "../../adapters/git/git-ledger.js";
import { committedFile } from "../../adapters/git/objects.js";
import { formatTrailers, TRAILER } from "../../adapters/git/trailers.js";
import type { ResolvedLever } from "../../core/config/check-levers.js";
import { revertCap } from "../../core/engine/revert-cap.js";
import type { Verdict } from "../../core/engine/verdict.js";
import { watchPlan } from "../../core/engine/watch.js";
import type { WatchOutcome } from "../../core/engine/watch-outcome.js";
import { restorePaired } from "../../core/levers/limit.js";
import { parseLeverFile } from "../../core/levers/parsed-file.js";
import { judgeWatch } from "../../reconcile/judge-watch.js";
import type { LocalContext } from "../../reconcile/local.js";
import type { Io } from "../io.js";
import { type Env, openLocal } from "../local-context.js";
import type { PlanOptions } from "./plan.js";

export interface VerifyOptions extends PlanOptions {
  readonly revert?: boolean | undefined;
}

interface Row {
  readonly change: BranchChange;
  readonly verdict: Verdict;
  note: string;
  reverted: boolean;
  /** A failure the revert cap left to a person: said in the row and in --json, never skipped in silence. */
  capped: boolean;
}

/** Why a verdict came when it did, for the row's note. */
function outcomeNote(o: Exclude<WatchOutcome, { kind: "watching" }>): string {
  if (o.kind === "extended")
    return `inconclusive: the window is extended once, until ${new Date(o.until).toISOString()}`;
  if (o.early)
    return o.windows === 1 ? "breached during the watch window" : "breached during the extended window";
  if (o.windows === 1) return "";
  return o.kind === "inconclusive"
    ? "inconclusive after the extended window: the lever holds (never treated as a pass)"
    : "judged over the extended window";
}

/**
 * The inverse edit as one commit on the checked-out branch, built from HEAD's committed file —
 * never the working tree's copy, which a killed run or a person may have left in any state —
 * and moved there by one compare-and-swap of the branch.
 */
async function revert(ctx: LocalContext, lever: ResolvedLever, row: Row): Promise<string> {
  const { change } = row;
  const head = await currentHead(ctx.repo);
  if (!head.ok) return `not reverted: ${head.error}`;
  const file = await committedFile(
    head.value.top,
    head.value.oid,
    `${head.value.prefix}${lever.target.file}`,
  );
  if (!file.ok) return `not reverted: ${file.error}`;
  const text = decodeText({ path: lever.target.file, bytes: file.value.bytes });
  if (!text.ok) return `not reverted: ${text.error.message}`;
  const parsed = parseLeverFile(text.value, lever.target.file);
  if (!parsed.ok) return `not reverted: ${parsed.error.message}`;
  // A limit that moved with the request (limit: ratio) goes back with it, in the same commit.
  const restored = restorePaired(
    parsed.value,
    lever.target,
    change.from,
    lever.policyDef.valueType,
    change.limit,
  );
  if (!restored.ok) return `not reverted: ${restored.error.message}`;
  if (restored.value.from !== change.to)
    return `not reverted: the value was changed since (it is ${restored.value.from}, Governor had set ${change.to}); a person decides`;
  const breached = row.verdict.guardrails
    .filter((g) => g.ok === false)
    .map((g) => `- ${g.name}: ${g.observed} (limit ${g.limit}): ${g.detail}`);
  const message = `Revert ${lever.id}: ${change.to} -> ${change.from}\n\nGuardrail breach after ${change.decision}:\n${breached.join("\n")}\n\n${formatTrailers(
    [
      [TRAILER.lever, lever.id],
      [TRAILER.revert, change.decision],
    ],
  )}\n`;
  const commit = await commitHere(
    ctx.repo,
    { files: [{ path: lever.target.file, text: restored.value.text }], message, date: ctx.now },
    head.value,
  );
  if (!commit.ok) return `not reverted: ${commit.error}`;
  row.reverted = true;
  return [`reverted in ${commit.value.commit.slice(0, 12)}`, ...commit.value.notes].join("; ");
}

/** `governor verify`: the verdict of every Governor change on this branch whose watch window has ended; --revert reverts failures. */
export async function verifyCommand(
  options: VerifyOptions,
  io: Io,
  env: Env = process.env,
  clock: () => number = Date.now,
): Promise<number> {
  const prepared = await openLocal(options, io, env, clock);
  if (!prepared.ok) return prepared.error;
  const ctx = prepared.value;
  // A run killed after a revert moved the branch finishes bringing the checkout along first.
  const synced = options.revert ? await finishCheckoutSync(ctx.repo) : undefined;
  if (synced && !synced.ok) {
    io.stderr(`--revert: ${synced.error}\n`);
    return 1;
  }
  const changes = await branchChanges(ctx.repo, ctx.loaded.levers);
  const latest = new Map<string, BranchChange>();
  for (const c of changes) latest.set(c.lever, c); // oldest first: the last one wins
  const rows: Row[] = [];
  const pending: string[] = [];
  const revertTimes = changes.flatMap((c) => (c.revertedAt !== undefined ? [c.revertedAt] : []));
  /** --revert: the inverse edit for a failed change, within the repository's revert cap. */
  const maybeRevert = async (row: Row, lever: ResolvedLever) => {
    if (!options.revert || row.verdict.verdict !== "fail") return;
    const cap = revertCap(revertTimes, ctx.now);
    if (!cap.allowed) {
      const capped = `not reverted: the revert cap is reached — ${cap.reason}`;
      row.note = row.note ? `${row.note}; ${capped}` : capped;
      row.capped = true;
      return;
    }
    const result = await revert(ctx, lever, row);
    row.note = row.note ? `${row.note}; ${result}` : result;
    if (row.reverted) revertTimes.push(ctx.now);
  };
  for (const change of latest.values()) {
    const lever = ctx.loaded.levers.find((l) => l.id === change.lever);
    if (!lever) continue;
    if (change.revertedAt !== undefined) {
      rows.push({
        change,
        verdict: { verdict: "fail", guardrails: [], effect: "" },
        note: "already reverted",
        reverted: true,
        capped: false,
      });
      continue;
    }
    const applied = change.appliedAt ?? change.proposedAt;
    const outcome = await judgeWatch(
      ctx.source,
      lever,
      ctx.loaded.config,
      applied,
      ctx.now,
      ctx.prometheusUrl,
    );
    if (outcome === undefined || outcome.kind === "watching") {
      const until = outcome?.until ?? watchPlan(lever, ctx.loaded.config, applied).windowEnd;
      pending.push(
        `${change.lever}: ${change.from} -> ${change.to} is being watched until ${new Date(until).toISOString()}`,
      );
      continue;
    }
    const row: Row = {
      change,
      verdict: outcome.verdict,
      note: outcomeNote(outcome),
      reverted: false,
      capped: false,
    };
    await maybeRevert(row, lever);
    rows.push(row);
  }
  const json = {
    verdicts: rows.map((r) => ({
      lever: r.change.lever,
      decision: r.change.decision,
      verdict: r.verdict.verdict,
      guardrails: r.verdict.guardrails.map((g) => ({
        name: g.name,
        ok: g.ok ?? null,
        observed: g.observed,
        limit: g.limit,
        detail: g.detail,
        link: g.link ?? null,
      })),
      effect: r.verdict.effect,
      reverted: r.reverted,
      capped: r.capped,
      note: r.note,
    })),
  };
  if (options.json) io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  else {
    const lines = rows.map(
      (r) =>
        `${r.change.lever}  ${r.change.from} -> ${r.change.to}  ${r.verdict.verdict.toUpperCase()}${r.note ? `  (${r.note})` : ""}\n${r.verdict.guardrails.map((g) => `    ${g.ok === false ? "✗" : g.ok ? "✓" : "?"} ${g.name}: ${g.observed}; limit ${g.limit} — ${g.detail}`).join("\n")}${r.verdict.effect ? `\n    effect: ${r.verdict.effect}` : ""}`,
    );
    io.stdout(
      `${[...lines, ...pending].join("\n") || "no Governor change on this branch has finished its watch window"}\n`,
    );
  }
  const unreachable = rows.some((r) =>
    r.verdict.guardrails.some((g) => g.detail.includes("Prometheus unreachable")),
  );
  return unreachable ? 2 : 0;
}
