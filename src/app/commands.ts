import type { Context } from "probot";
import type { HoldScope } from "../core/engine/ledger.js";
import { renderExplain } from "../core/pr/body.js";
import { parseMetadata } from "../core/pr/metadata.js";
import { LABEL } from "../core/reconcile/change-requests.js";
import { COMMAND_HELP, parseCommand } from "../core/reconcile/commands.js";
import type { Command } from "../core/reconcile/dashboard.js";
import { DASHBOARD_LABEL } from "../core/reconcile/dashboard.js";
import type { Metrics } from "../telemetry/metrics.js";
import { type AppDeps, reconcileAndRecord } from "./app.js";

const WRITERS = new Set(["admin", "maintain", "write"]);

/** Whether the commenter may steer Governor: write permission, checked through the API. */
async function canWrite(context: Context<"issue_comment.created">, login: string): Promise<boolean> {
  try {
    const { data } = await context.octokit.request(
      "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
      { ...context.repo(), username: login },
    );
    return WRITERS.has(data.permission) || WRITERS.has(data.role_name);
  } catch {
    return false;
  }
}

/**
 * `/governor hold|resume|reject|explain` on a Governor PR (scope: its lever) or on the dashboard
 * (scope: the repository). Commands are data: they are recorded in the dashboard's signed state
 * and take effect in the reconcile that follows.
 */
export async function onComment(
  context: Context<"issue_comment.created">,
  deps: AppDeps & { metrics: Metrics },
): Promise<void> {
  const { comment, issue } = context.payload;
  const command = parseCommand(comment.body);
  if (!command || !comment.user || comment.user.type === "Bot") return;
  const labels = issue.labels.map((l) => l.name);
  const onPr = issue.pull_request !== undefined && labels.includes(LABEL.governor);
  const onDashboard = labels.includes(DASHBOARD_LABEL);
  if (!onPr && !onDashboard) return;
  const reply = (body: string) =>
    context.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...context.repo(),
      issue_number: issue.number,
      body,
    });
  const who = comment.user.login;
  if (command.verb === "unknown") {
    await reply(`@${who}: I do not know \`${command.text}\`. ${COMMAND_HELP}`);
    return;
  }
  if (!(await canWrite(context, who))) {
    await reply(
      `@${who}: only people with write permission on this repository can use \`/governor ${command.verb}\`.`,
    );
    return;
  }
  const meta = onPr ? parseMetadata(issue.body, deps.key) : undefined;
  if (onPr && !meta?.ok) {
    await reply(
      `@${who}: this PR's Governor metadata is missing or was edited, so Governor cannot tell which lever it is about; it is left to people.`,
    );
    return;
  }
  const lever = meta?.ok ? meta.value.lever : undefined;
  const scope: HoldScope = lever !== undefined ? { kind: "lever", id: lever } : { kind: "repo" };
  const what = lever !== undefined ? `lever \`${lever}\`` : "the repository";
  let recorded: Command | undefined;
  let ack = "";
  if (command.verb === "hold") {
    recorded = { type: "hold", scope, reason: command.reason || `held by @${who}`, by: who };
    ack = `⏸️ ${what} is on hold (@${who}${command.reason ? `: ${command.reason}` : ""}). No new proposals; watches and reverts continue. \`/governor resume\` lifts it.`;
  } else if (command.verb === "resume") {
    recorded = { type: "resume", scope, by: who };
    ack = `▶️ ${what} is resumed by @${who}.`;
  } else if (command.verb === "reject") {
    if (!meta?.ok || meta.value.kind !== "change" || issue.state !== "open") {
      await reply(`@${who}: \`/governor reject <reason>\` applies to an open tuning PR.`);
      return;
    }
    recorded = {
      type: "reject",
      decision: meta.value.decision,
      reason: command.reason || "no reason given",
      by: who,
    };
    await context.octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...context.repo(),
      pull_number: issue.number,
      state: "closed",
    });
    ack = `🚫 Rejected by @${who}${command.reason ? `: ${command.reason}` : ""}. The lever's cooldown applies before Governor proposes it again.`;
  }
  const result = await reconcileAndRecord(context.octokit, context.repo(), context.log, deps, recorded);
  // The dashboard's signed state is the only place a command lives: until it is written there, a
  // hold holds nothing past this run, so the reply must not say it does.
  const unsaved = result === undefined ? "the reconcile failed (see the App's log)" : result.unsaved;
  if (recorded && unsaved !== undefined) {
    const effect =
      command.verb === "hold"
        ? `${what} is not on hold`
        : command.verb === "resume"
          ? `${what} is not resumed`
          : "the PR is closed, but the rejection's reason and cooldown are not recorded";
    await reply(
      `⚠️ @${who}: \`/governor ${command.verb}\` was not recorded on the dashboard: ${unsaved}. So ${effect}: repeat the command once GitHub answers again.`,
    );
    return;
  }
  if (command.verb === "explain") {
    const decisions = (result?.decisions ?? []).filter((d) => lever === undefined || d.lever === lever);
    ack =
      decisions.length > 0
        ? decisions.map((d) => renderExplain(d, "the watch window")).join("\n---\n\n")
        : `Governor has no decision for ${what} (is the configuration valid?).`;
  }
  await reply(ack);
}
