import { decodeText, writeRepoFile } from "../../adapters/fs/repo-files.js";
import { finishCheckoutSync } from "../../adapters/git/checkout-sync.js";
import { currentHead, type Head } from "../../adapters/git/git-commit.js";
import { committedFile } from "../../adapters/git/objects.js";
import { proposeOnBranch } from "../../adapters/git/proposal-branch.js";
import type { Decision } from "../../core/engine/decision.js";
import { type PairedWrite, writePaired } from "../../core/levers/limit.js";
import { parseLeverFile } from "../../core/levers/parsed-file.js";
import { commitMessage } from "../../core/pr/commit-message.js";
import { err, ok, type Result } from "../../core/result.js";
import { type LocalContext, localPlan } from "../../reconcile/local.js";
import type { Io } from "../io.js";
import { type Env, openLocal } from "../local-context.js";
import { planJson, renderPlanText } from "../render/decisions.js";
import { reportUnresolved } from "../unresolved.js";
import { outageMessage, outageOf, type PlanOptions } from "./plan.js";

export interface ApplyOptions extends PlanOptions {
  readonly commit?: boolean | undefined;
}

/** `governor apply`: plan, then write each proposed edit; with --commit, one commit per lever on governor/<lever-id>. */
export async function applyCommand(
  options: ApplyOptions,
  io: Io,
  env: Env = process.env,
  clock: () => number = Date.now,
): Promise<number> {
  const ctx = await openLocal(options, io, env, clock);
  if (!ctx.ok) return ctx.error;
  // A run killed after a revert moved the branch finishes bringing the checkout along first,
  // before the plan reads the working tree (apply without --commit edits it, too).
  const synced = await finishCheckoutSync(options.repo);
  if (!synced.ok) {
    io.stderr(`${synced.error}\n`);
    return 1;
  }
  let base: Head | undefined;
  if (options.commit) {
    const head = await currentHead(options.repo);
    if (!head.ok) {
      io.stderr(`--commit: ${head.error}\n`);
      return 1;
    }
    if (head.value.branch.startsWith("governor/")) {
      io.stderr(
        `--commit: ${head.value.branch} is checked out, one of Governor's proposal branches: check out the branch proposals are based on (e.g. main)\n`,
      );
      return 1;
    }
    base = head.value;
  }
  const result = await localPlan(ctx.value);
  let decisions: readonly Decision[] = result.decisions;
  const proposals = result.decisions.filter((d) => d.decision === "propose" && d.edit && d.toValue);
  const done: string[] = [];
  if (base !== undefined) {
    const texts = await committedTexts(ctx.value, base, proposals);
    if (!texts.ok) {
      io.stderr(`--commit: ${texts.error}\n`);
      return 1;
    }
    for (const d of proposals) {
      const lever = ctx.value.loaded.levers.find((l) => l.id === d.lever);
      const text = texts.value.get(d.lever);
      if (!lever || text === undefined) continue;
      const from = d.from ?? "(not set)";
      const outcome = await proposeOnBranch(base, {
        lever,
        text,
        message: commitMessage(d),
        from,
        to: d.to ?? "",
        date: ctx.value.now,
      });
      if (!outcome.ok) {
        io.stderr(`${d.lever}: ${outcome.error}\n`);
        return 1;
      }
      const o = outcome.value;
      const branch = `governor/${d.lever}`;
      if (o.kind === "edited-by-person") {
        const reason = `edited by a person: ${branch} holds ${o.commit.slice(0, 12)} "${o.subject}", which Governor did not write; Governor never rewrites it (merge it, or delete the branch for a new proposal)`;
        decisions = decisions.map((x) => (x === d ? { ...x, decision: "blocked", reason } : x));
        done.push(`${d.lever}: not committed: ${reason}`);
      } else
        done.push(
          `${d.lever}: ${o.kind === "unchanged" ? "already committed" : "committed"} ${o.commit.slice(0, 12)} on ${branch} (${from} -> ${d.to}${d.limit ? `; ${d.limit.field} ${d.limit.from} -> ${d.limit.to}` : ""})`,
        );
    }
  } else {
    // Several levers may share a file: apply them one after the other on the evolving text.
    const texts = new Map<string, string>();
    for (const d of proposals) {
      const edit = d.edit as NonNullable<Decision["edit"]>;
      const lever = ctx.value.loaded.levers.find((l) => l.id === d.lever);
      if (!lever || !d.toValue) continue;
      const written = writeText(texts.get(edit.file) ?? edit.before, lever, edit.file, d.toValue);
      if (!written.ok) {
        io.stderr(`${written.error.message}; nothing written for ${d.lever}\n`);
        continue;
      }
      texts.set(edit.file, written.value.text);
      done.push(`${d.lever}: ${edit.file} ${d.from ?? "(not set)"} -> ${d.to}${limitNote(written.value)}`);
    }
    for (const [file, text] of texts) {
      const saved = await writeRepoFile(options.repo, file, text);
      if (!saved.ok) {
        io.stderr(`${file}: ${saved.error.message}\n`);
        return 1;
      }
    }
  }
  const outage = outageOf(result);
  if (options.json)
    io.stdout(`${JSON.stringify({ ...(planJson(decisions) as object), applied: done }, null, 2)}\n`);
  else
    io.stdout(
      `${renderPlanText(decisions, ctx.value.loaded.config.watch.window, outage)}\n${done.length > 0 ? done.join("\n") : "nothing to apply"}\n`,
    );
  const unresolved = reportUnresolved(ctx.value, result, io);
  const code = unresolved > 0 ? 1 : outage !== undefined ? 2 : 0;
  if (outage !== undefined) io.stderr(`${outageMessage(outage, code)}\n`);
  return code;
}

/**
 * Each proposal's new file text, computed from the base commit's blob — never the working
 * tree's copy. The plan read the working tree; where a lever's file there differs from the
 * committed one, the two are not mixed: the run stops and says which file.
 */
async function committedTexts(
  ctx: LocalContext,
  base: Head,
  proposals: readonly Decision[],
): Promise<Result<Map<string, string>>> {
  const out = new Map<string, string>();
  for (const d of proposals) {
    const edit = d.edit as NonNullable<Decision["edit"]>;
    const lever = ctx.loaded.levers.find((l) => l.id === d.lever);
    if (!lever || !d.toValue) continue;
    const file = await committedFile(base.top, base.oid, `${base.prefix}${edit.file}`);
    if (!file.ok) return err(file.error);
    const text = decodeText({ path: edit.file, bytes: file.value.bytes });
    if (!text.ok) return err(text.error.message);
    const committed = text.value;
    if (committed !== edit.before)
      return err(
        `${edit.file} has uncommitted changes; Governor's commits are built from committed files only (${base.branch} at ${base.oid.slice(0, 12)}), so nothing was committed: commit or stash the edit, then run again`,
      );
    const written = writeText(committed, lever, edit.file, d.toValue);
    if (!written.ok) return err(`${d.lever}: ${written.error.message}`);
    out.set(d.lever, written.value.text);
  }
  return ok(out);
}

/** The lever's edit of `text`, with its limit when that moves too (`limit: ratio`): both in one text. */
function writeText(
  text: string,
  lever: Parameters<typeof writePaired>[1],
  file: string,
  value: NonNullable<Decision["toValue"]>,
): Result<PairedWrite, { message: string }> {
  const parsed = parseLeverFile(text, file);
  return parsed.ok ? writePaired(parsed.value, lever, value) : parsed;
}

const limitNote = (w: PairedWrite) => (w.limit ? `; ${w.limit.field} ${w.limit.from} -> ${w.limit.to}` : "");
