import { isGitRepo } from "../adapters/git/git-ledger.js";
import type { Result } from "../core/result.js";
import { err } from "../core/result.js";
import { type LocalContext, prepareLocal } from "../reconcile/local.js";
import type { Io } from "./io.js";
import { parseNow } from "./options.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The options plan, apply and verify share. */
export interface LocalCommandOptions {
  readonly repo: string;
  readonly prometheus?: string | undefined;
  readonly signals?: string | undefined;
  readonly now?: string | undefined;
  readonly json?: boolean | undefined;
  /**
   * The ledger, read from git: false with --no-ledger (plan, apply); undefined for a command
   * without that flag (verify: the ledger's changes are all it judges).
   */
  readonly ledger?: boolean | "not-needed" | undefined;
}

/** What the engine does not know without the ledger, said on stderr on every --no-ledger run. */
export const NO_LEDGER_COST = [
  "--no-ledger: Governor's ledger (its changes, holds and resumes, read from git history) is not read, so this run has:",
  "  - no cooldown or reversal check: every lever looks never changed by Governor",
  "  - no in-flight check: a change still being watched does not hold back another on the same workload",
  "  - no holds or resumes people committed, and no thrash guard",
  "  - repository limits (open proposals, changes per day) that count this run only",
  "  - no track record for mode auto, so nothing is auto-merged",
  "  - no record of when the current value took effect (an older OOM kill counts against it)",
  "",
].join("\n");

function needsGit(repo: string, canSkip: boolean): string {
  const why = `${repo} is not in a git repository: Governor's ledger (its changes, their watches and reverts, the holds people committed, cooldowns and the thrash guard) is read from git history`;
  return canSkip
    ? `${why}, so this command needs git. Run it in a git checkout, or pass --no-ledger to go without the ledger\n`
    : `${why}, and verify judges the changes recorded there: run it in the git checkout where Governor's changes were committed\n`;
}

/** Parses --now and prepares local mode; on failure prints why and gives the exit code. */
export async function openLocal(
  options: LocalCommandOptions,
  io: Io,
  env: Env,
  clock: () => number,
): Promise<Result<LocalContext, number>> {
  const now = options.now === undefined ? undefined : parseNow(options.now);
  if (now && !now.ok) {
    io.stderr(`${now.error}\n`);
    return err(1);
  }
  const ctx = await prepareLocal(
    {
      repo: options.repo,
      prometheus: options.prometheus,
      signals: options.signals,
      now: now?.value,
      ledger: options.ledger !== false && options.ledger !== "not-needed",
    },
    env,
    clock,
  );
  if (!ctx.ok) {
    io.stderr(`${ctx.error.message}\n`);
    return err(ctx.error.code);
  }
  // Outside git the ledger would read as empty: every cooldown and hold silently gone.
  if (options.ledger === false) io.stderr(NO_LEDGER_COST);
  else if (options.ledger !== "not-needed" && !(await isGitRepo(options.repo))) {
    io.stderr(needsGit(options.repo, options.ledger !== undefined));
    return err(1);
  }
  if (ctx.value.notice) io.stderr(`${ctx.value.notice}\n`);
  return ctx;
}
