import { Command, CommanderError } from "commander";
import { GovernorError } from "../errors.js";
import { applyCommand } from "./commands/apply.js";
import { doctorCommand } from "./commands/doctor.js";
import { getLever, setLever } from "./commands/get-set.js";
import { holdCommand } from "./commands/hold.js";
import { planCommand } from "./commands/plan.js";
import { record } from "./commands/record.js";
import { simulateCommand } from "./commands/simulate.js";
import { validate } from "./commands/validate.js";
import { verifyCommand } from "./commands/verify.js";
import type { Io } from "./io.js";
import { repoOption } from "./repo-root.js";

const VERSION = "0.1.0";
const REPO_HELP =
  "the repository's folder (default: the repository around the current folder, found as git does)";
const NO_LEDGER_HELP =
  "run outside a git repository, without the ledger: no cooldowns, holds, thrash guard or in-flight check";

/** Runs `command` with --repo resolved: as given, or the repository around the current folder. */
function inRepo<T extends { repo?: string | undefined }>(
  opts: T,
  command: (opts: T & { repo: string }) => Promise<number>,
): Promise<number> {
  return repoOption(opts.repo).then((repo) => command({ ...opts, repo }));
}

function program(io: Io, run: (code: Promise<number>) => void): Command {
  const cli = new Command("governor")
    .description("Safe, explainable performance tuning through GitOps.")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run governor --help for usage)");
  cli
    .command("validate")
    .description(
      "Check .github/governor.yml and the repository's policies; report every problem as FILE:LINE:COL.",
    )
    .option("--repo <dir>", REPO_HELP)
    .action((opts: { repo?: string }) => run(inRepo(opts, (o) => validate({ repo: o.repo }, io))));
  cli
    .command("get")
    .description("Print a lever's current value, as written in its file.")
    .argument("<lever>", "the lever's id in .github/governor.yml")
    .option("--repo <dir>", REPO_HELP)
    .action((id: string, opts: { repo?: string }) =>
      run(inRepo(opts, (o) => getLever(id, { repo: o.repo }, io))),
    );
  cli
    .command("set")
    .description("Write a lever's value (within its bounds) in the file's own style, changing nothing else.")
    .argument("<lever>", "the lever's id in .github/governor.yml")
    .argument("<value>", "the new value, e.g. 750m, 1Gi, 25")
    .option("--repo <dir>", REPO_HELP)
    .action((id: string, value: string, opts: { repo?: string }) =>
      run(inRepo(opts, (o) => setLever(id, value, { repo: o.repo }, io))),
    );
  const signalOptions = (c: Command) =>
    c
      .option("--repo <dir>", REPO_HELP)
      .option(
        "--prometheus <url>",
        "Prometheus base URL, asked with the PROMETHEUS_* credentials; default: PROMETHEUS_URL, then the repository's prometheus.url without credentials",
      )
      .option("--signals <file>", "replay a recording made by governor record instead of asking Prometheus")
      .option("--now <iso8601>", "evaluate as of this time (default: now, or the recording's time)")
      .option("--json", "print JSON");
  signalOptions(
    cli
      .command("plan")
      .description(
        "Evaluate every lever: a table of decisions, and for each proposal the diff and the PR body the App would open.",
      ),
  )
    .option("--no-ledger", NO_LEDGER_HELP)
    .action(
      (opts: {
        repo?: string;
        prometheus?: string;
        signals?: string;
        now?: string;
        json?: boolean;
        ledger: boolean;
      }) => run(inRepo(opts, (o) => planCommand(o, io))),
    );
  signalOptions(
    cli
      .command("apply")
      .description(
        "Plan, then write each proposed edit; with --commit, one commit per lever on branch governor/<lever-id>.",
      ),
  )
    .option(
      "--commit",
      "commit each edit on its own branch governor/<lever-id> instead of writing the working tree",
    )
    .option("--no-ledger", NO_LEDGER_HELP)
    .action(
      (opts: {
        repo?: string;
        prometheus?: string;
        signals?: string;
        now?: string;
        json?: boolean;
        commit?: boolean;
        ledger: boolean;
      }) => run(inRepo(opts, (o) => applyCommand(o, io))),
    );
  signalOptions(
    cli
      .command("verify")
      .description(
        "Judge Governor's changes on this branch: a breach inside the watch window at once, a verdict when it ends; --revert reverts failures.",
      ),
  )
    .option("--revert", "commit the exact inverse edit for each failed change (Governor-Revert trailer)")
    .action(
      (opts: {
        repo?: string;
        prometheus?: string;
        signals?: string;
        now?: string;
        json?: boolean;
        revert?: boolean;
      }) => run(inRepo(opts, (o) => verifyCommand(o, io))),
    );
  cli
    .command("doctor")
    .description(
      "Resolve every lever and run each scoped signal and guardrail query once: series, samples, freshness, and which exporter is missing. Exit 0 only when every lever can be evaluated.",
    )
    .option("--repo <dir>", REPO_HELP)
    .option(
      "--prometheus <url>",
      "Prometheus base URL, asked with the PROMETHEUS_* credentials; default: PROMETHEUS_URL, then the repository's prometheus.url without credentials",
    )
    .option("--now <iso8601>", "evaluate as of this time (default: now)")
    .option("--json", "print JSON")
    .action((opts: { repo?: string; prometheus?: string; now?: string; json?: boolean }) =>
      run(inRepo(opts, (o) => doctorCommand(o, io))),
    );
  cli
    .command("record")
    .description(
      "Record every lever's scoped signals and guardrails over its lookback into one JSON file, for replay without Prometheus.",
    )
    .option("--repo <dir>", REPO_HELP)
    .option(
      "--prometheus <url>",
      "Prometheus (or Thanos, Mimir, VictoriaMetrics) base URL, asked with the PROMETHEUS_* credentials; default: PROMETHEUS_URL, then the repository's prometheus.url without credentials",
    )
    .option("--now <iso8601>", "evaluate as of this time (default: now)")
    .option("--out <file>", "where to write the recording", "governor-recording.json")
    .action((opts: { repo?: string; prometheus?: string; now?: string; out: string }) =>
      run(inRepo(opts, (o) => record(o, io))),
    );
  for (const action of ["hold", "resume"] as const)
    cli
      .command(action)
      .description(
        action === "hold"
          ? "Stop new proposals for a lever, a policy (--policy) or the whole repository: an empty commit with a Governor-Hold trailer. Watches and reverts go on."
          : "Lift the holds on a lever, a policy (--policy) or the repository — people's and the thrash guard's: an empty commit with a Governor-Resume trailer.",
      )
      .argument("[lever]", "the lever's id; none: the whole repository")
      .option("--policy <id>", "the policy instead of one lever")
      .option("--reason <text>", "why, for the commit message and the ledger")
      .option("--repo <dir>", REPO_HELP)
      .action((lever: string | undefined, opts: { repo?: string; policy?: string; reason?: string }) =>
        run(inRepo(opts, (o) => holdCommand(action, lever, o, io))),
      );
  cli
    .command("simulate")
    .description(
      "Run the engine against a modelled system (examples/scenarios/*.yaml); the same seed gives the same output.",
    )
    .argument("<scenario>", "a scenario file")
    .option("--seed <n>", "override the scenario's seed")
    .option("--json", "print the summary and timeline as JSON")
    .option("--out <dir>", "write an SVG chart and the PR bodies there")
    .action((file: string, opts: { seed?: string; json?: boolean; out?: string }) =>
      run(simulateCommand(file, opts, io)),
    );
  return cli;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. Never throws. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let pending: Promise<number> | undefined;
  try {
    await program(io, (p) => {
      pending = p;
    }).parseAsync([...argv], { from: "user" });
    return pending ? await pending : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (e instanceof GovernorError) {
      io.stderr(`${e.message}\n`);
      return e.exitCode;
    }
    const detail =
      e instanceof Error ? (process.env.GOVERNOR_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
    io.stderr(
      `governor: internal error: ${detail}\nThis is a bug in Governor; please report it with the command you ran (GOVERNOR_DEBUG=1 shows the stack).\n`,
    );
    return 2;
  }
}
