import { join } from "node:path";
import { readRepoConfigInput } from "../../adapters/fs/read-repo-config.js";
import { finishCheckoutSync } from "../../adapters/git/checkout-sync.js";
import { commitHere, currentBranch } from "../../adapters/git/git-commit.js";
import { readGitLedger } from "../../adapters/git/git-ledger.js";
import { formatTrailers, TRAILER } from "../../adapters/git/trailers.js";
import { CONFIG_PATH, loadRepoConfig } from "../../core/config/load-repo-config.js";
import { formatDiagnostic } from "../../core/diagnostics.js";
import { describeScope, type HoldScope, sameScope, scopeText } from "../../core/engine/ledger.js";
import { activeHolds } from "../../core/engine/thrash.js";
import { suggestion } from "../../core/text/suggest.js";
import type { Io } from "../io.js";

export interface HoldOptions {
  readonly repo: string;
  readonly policy?: string | undefined;
  readonly reason?: string | undefined;
}

/**
 * `governor hold` / `governor resume` in local mode: an empty commit on the current branch whose
 * trailer (Governor-Hold / Governor-Resume) the ledger reads back — git is the only state, as the
 * App's is its pull requests. A lever, a policy (--policy), or the whole repository.
 */
export async function holdCommand(
  action: "hold" | "resume",
  lever: string | undefined,
  options: HoldOptions,
  io: Io,
  clock: () => number = Date.now,
): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`${message}\n`);
    return 1;
  };
  if (lever !== undefined && options.policy !== undefined)
    return fail("name a lever or --policy, not both (neither: the whole repository)");
  const input = await readRepoConfigInput(options.repo);
  if (!input.ok) return fail(input.error);
  const result = loadRepoConfig(input.value);
  if (!result.loaded)
    return fail(
      `${result.diagnostics.map((d) => formatDiagnostic({ ...d, file: join(options.repo, d.file) })).join("\n")}\nthe configuration has problems: fix them first (governor validate --repo ${options.repo})`,
    );
  const { levers } = result.loaded;
  const config = join(options.repo, CONFIG_PATH);
  const ids = levers.map((l) => l.id);
  const policies = [...new Set(levers.map((l) => l.policy))];
  if (lever !== undefined && !ids.includes(lever))
    return fail(`${config}: no lever "${lever}"${suggestion(lever, ids)}`);
  if (options.policy !== undefined && !policies.includes(options.policy))
    return fail(`${config}: no lever uses policy "${options.policy}"${suggestion(options.policy, policies)}`);
  const scope: HoldScope =
    lever !== undefined
      ? { kind: "lever", id: lever }
      : options.policy !== undefined
        ? { kind: "policy", id: options.policy }
        : { kind: "repo" };
  const branch = await currentBranch(options.repo);
  if (!branch.ok) return fail(`${options.repo}: ${branch.error}`);

  const now = clock();
  const holding = activeHolds(await readGitLedger(options.repo, levers), now).filter((h) =>
    sameScope(h.scope, scope),
  );
  if (action === "resume" && holding.length === 0) {
    io.stdout(`nothing holds ${describeScope(scope)}; nothing to resume\n`);
    return 0;
  }
  const reason = options.reason?.trim() || (action === "hold" ? "held by a person" : "resumed by a person");
  // A rerun (of a run killed after its commit, or a retried CI step) adds no second hold.
  if (action === "hold" && holding.some((h) => h.reason === reason)) {
    io.stdout(`${describeScope(scope)} is already held (${reason}); nothing committed\n`);
    return 0;
  }
  const message = `Governor ${action}: ${describeScope(scope)}\n\n${reason}\n\n${formatTrailers([
    [action === "hold" ? TRAILER.hold : TRAILER.resume, scopeText(scope)],
  ])}\n`;
  // A run killed after a revert moved the branch finishes bringing the checkout along first.
  const synced = await finishCheckoutSync(options.repo);
  if (!synced.ok) return fail(`${options.repo}: ${synced.error}`);
  const commit = await commitHere(options.repo, { files: [], message, date: now });
  if (!commit.ok) return fail(`${options.repo}: ${commit.error}`);
  const lifted = action === "resume" ? `; lifted: ${holding.map((h) => h.reason).join("; ")}` : "";
  io.stdout(
    `${action === "hold" ? "held" : "resumed"} ${describeScope(scope)} on ${branch.value} (commit ${commit.value.commit.slice(0, 12)})${lifted}\n`,
  );
  return 0;
}
