import { writeRepoFile } from "../../adapters/fs/repo-files.js";
import { commitOnBranch, currentBranch, isClean } from "../../adapters/git/git-commit.js";
import type { Decision } from "../../core/engine/decision.js";
import { writeLever } from "../../core/levers/edit.js";
import { commitMessage } from "../../core/pr/commit-message.js";
import { localPlan } from "../../reconcile/local.js";
import type { Io } from "../io.js";
import { type Env, openLocal } from "../local-context.js";
import { planJson, renderPlanText } from "../render/decisions.js";
import type { PlanOptions } from "./plan.js";

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
  let base: string | undefined;
  if (options.commit) {
    const branch = await currentBranch(options.repo);
    if (!branch.ok) {
      io.stderr(`--commit: ${branch.error}\n`);
      return 1;
    }
    if (!(await isClean(options.repo))) {
      io.stderr("--commit needs a clean working tree: commit or stash your changes first\n");
      return 1;
    }
    base = branch.value;
  }
  const result = await localPlan(ctx.value);
  const proposals = result.decisions.filter((d) => d.decision === "propose" && d.edit && d.toValue);
  const done: string[] = [];
  if (base !== undefined) {
    for (const d of proposals) {
      const edit = d.edit as NonNullable<Decision["edit"]>;
      const commit = await commitOnBranch(options.repo, `governor/${d.lever}`, base, {
        files: [{ path: edit.file, text: edit.after }],
        message: commitMessage(d),
        date: ctx.value.now,
      });
      if (!commit.ok) {
        io.stderr(`${d.lever}: ${commit.error}\n`);
        return 1;
      }
      done.push(
        `${d.lever}: committed ${commit.value.slice(0, 12)} on governor/${d.lever} (${d.from ?? "(not set)"} -> ${d.to})`,
      );
    }
  } else {
    // Several levers may share a file: apply them one after the other on the evolving text.
    const texts = new Map<string, string>();
    for (const d of proposals) {
      const edit = d.edit as NonNullable<Decision["edit"]>;
      const lever = ctx.value.loaded.levers.find((l) => l.id === d.lever);
      if (!lever || !d.toValue) continue;
      const written = writeLever(texts.get(edit.file) ?? edit.before, lever.target, edit.file, d.toValue);
      if (!written.ok) {
        io.stderr(`${written.error.message}; nothing written for ${d.lever}\n`);
        continue;
      }
      texts.set(edit.file, written.value.text);
      done.push(`${d.lever}: ${edit.file} ${d.from ?? "(not set)"} -> ${d.to}`);
    }
    for (const [file, text] of texts) {
      const saved = await writeRepoFile(options.repo, file, text);
      if (!saved.ok) {
        io.stderr(`${file}: ${saved.error.message}\n`);
        return 1;
      }
    }
  }
  if (options.json)
    io.stdout(`${JSON.stringify({ ...(planJson(result.decisions) as object), applied: done }, null, 2)}\n`);
  else
    io.stdout(
      `${renderPlanText(result.decisions, ctx.value.loaded.config.watch.window)}\n${done.length > 0 ? done.join("\n") : "nothing to apply"}\n`,
    );
  return result.unreachable ? 2 : 0;
}
