import type { Diagnostic } from "../diagnostics.js";
import { sortDiagnostics } from "../diagnostics.js";
import { MIN_SAMPLES_PER_GROUP } from "../stats/mann-whitney.js";
import { formatDuration, parseDuration } from "../units/duration.js";
import { type LoadedYaml, loadYaml, type SourceFile } from "../yaml/load.js";
import { positionOf } from "../yaml/locate.js";
import {
  checkLeverReferences,
  checkLevers,
  type IndexedLever,
  type LeverTargetRef,
  type ResolvedLever,
} from "./check-levers.js";
import { checkPolicy } from "./check-policy.js";
import { type Policy, policySchema } from "./policy-schema.js";
import { leverSchema, type RepoConfig, repoConfigSchema } from "./repo-schema.js";
import { issuesToDiagnostics } from "./zod-issues.js";

export const CONFIG_PATH = ".github/governor.yml";
export const REPO_POLICY_DIR = ".github/governor/policies";

export interface RepoConfigInput {
  readonly config: SourceFile;
  /** The repository's own policies (`.github/governor/policies/*.yaml`). */
  readonly repoPolicies: readonly SourceFile[];
  /** Governor's built-in policies (`policies/*.yaml` of the package). */
  readonly builtinPolicies: readonly SourceFile[];
}

export interface PolicyEntry {
  readonly policy: Policy;
  readonly origin: "built-in" | "repo";
  readonly file: string;
}

export interface LoadedRepoConfig {
  readonly config: RepoConfig;
  readonly policies: ReadonlyMap<string, PolicyEntry>;
  readonly levers: readonly ResolvedLever[];
}

export interface RepoConfigResult {
  /** Present only when there is no diagnostic at all: a config with any problem is never acted on. */
  readonly loaded?: LoadedRepoConfig;
  readonly diagnostics: readonly Diagnostic[];
  /** Files the levers point at, for the adapter to check on disk (existence, symlinks). */
  readonly targets: readonly LeverTargetRef[];
}

/**
 * Parses and checks a repository's configuration and every policy it can use, reporting every
 * problem at once with its file, line and column. Pure: the caller reads the files.
 */
export function loadRepoConfig(input: RepoConfigInput): RepoConfigResult {
  const diagnostics: Diagnostic[] = [];
  const policies = new Map<string, PolicyEntry>();
  const load = (origin: PolicyEntry["origin"]) => (file: SourceFile) => {
    const parsed = parsePolicy(file);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.policy || !parsed.loaded) return;
    const existing = policies.get(parsed.policy.id);
    if (existing) {
      const p = positionOf(parsed.loaded, ["id"]);
      const what = existing.origin === "built-in" ? "a built-in policy" : `the policy in ${existing.file}`;
      diagnostics.push({
        file: file.path,
        line: p.line,
        col: p.col,
        message: `id: "${parsed.policy.id}" is already the id of ${what}: pick another id`,
      });
      return;
    }
    policies.set(parsed.policy.id, { policy: parsed.policy, origin, file: file.path });
  };
  input.builtinPolicies.forEach(load("built-in"));
  input.repoPolicies.forEach(load("repo"));

  const loadedConfig = loadYaml(input.config);
  if (!loadedConfig.ok)
    return { diagnostics: sortDiagnostics([...diagnostics, ...loadedConfig.error]), targets: [] };
  const parsed = repoConfigSchema.safeParse(loadedConfig.value.data);
  const policyDefs = new Map([...policies].map(([id, e]) => [id, e.policy]));
  diagnostics.push(...checkLeverReferences(loadedConfig.value.data, policyDefs, loadedConfig.value));
  if (!parsed.success) {
    diagnostics.push(...issuesToDiagnostics(loadedConfig.value, repoConfigSchema, parsed.error.issues));
    // Still check the levers that are well-formed on their own, so one run reports everything.
    const checked = checkLevers(
      wellFormedLevers(loadedConfig.value.data),
      [],
      policyDefs,
      loadedConfig.value,
    );
    return {
      diagnostics: sortDiagnostics([...diagnostics, ...checked.diagnostics]),
      targets: checked.targets,
    };
  }
  const config = parsed.data;
  const entries = config.levers.map((lever, index) => ({ lever, index }));
  const checked = checkLevers(entries, config.guardrails, policyDefs, loadedConfig.value);
  diagnostics.push(...checked.diagnostics, ...checkWatch(config, policyDefs, loadedConfig.value));
  const all = sortDiagnostics(diagnostics);
  return {
    ...(all.length === 0 ? { loaded: { config, policies, levers: checked.levers } } : {}),
    diagnostics: all,
    targets: checked.targets,
  };
}

function wellFormedLevers(data: unknown): IndexedLever[] {
  const raw = (data as { levers?: unknown } | null)?.levers;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item, index) => {
    const lever = leverSchema.safeParse(item);
    return lever.success ? [{ lever: lever.data, index }] : [];
  });
}

export function parsePolicy(file: SourceFile): {
  policy?: Policy;
  loaded?: LoadedYaml;
  diagnostics: Diagnostic[];
} {
  const loaded = loadYaml(file);
  if (!loaded.ok) return { diagnostics: loaded.error };
  const parsed = policySchema.safeParse(loaded.value.data);
  if (!parsed.success)
    return {
      loaded: loaded.value,
      diagnostics: issuesToDiagnostics(loaded.value, policySchema, parsed.error.issues),
    };
  const problems = checkPolicy(parsed.data, loaded.value);
  return problems.length > 0
    ? { loaded: loaded.value, diagnostics: problems }
    : { policy: parsed.data, loaded: loaded.value, diagnostics: [] };
}

function checkWatch(
  config: RepoConfig,
  policies: ReadonlyMap<string, Policy>,
  loaded: LoadedYaml,
): Diagnostic[] {
  const { window, interval } = config.watch;
  const w = parseDuration(window);
  const i = parseDuration(interval);
  // A relative guardrail is a rank test of the window against as long a baseline: with fewer
  // evaluations than the test needs it could never judge, and every change would be inconclusive.
  const relative = [
    ...config.guardrails.filter((g) => g.maxIncrease !== undefined).map((g) => g.name),
    ...new Set(
      config.levers.flatMap(
        (l) =>
          policies
            .get(l.policy)
            ?.guardrails.filter((g) => g.maxIncrease !== undefined)
            .map((g) => g.name) ?? [],
      ),
    ),
  ];
  const [wv, iv] = [w.ok ? w.value : 0, i.ok ? i.value : 0];
  const evaluations = wv > 0 && iv > 0 && iv <= wv ? Math.floor(wv / iv) + 1 : undefined;
  if (evaluations !== undefined && relative.length > 0 && evaluations < MIN_SAMPLES_PER_GROUP) {
    const p = positionOf(loaded, ["watch", "window"]);
    return [
      {
        file: loaded.path,
        line: p.line,
        col: p.col,
        message:
          `watch.window: ${window} at watch.interval ${interval} gives ${evaluations} evaluations, and the relative guardrail${relative.length === 1 ? "" : "s"} ${relative.map((n) => `"${n}"`).join(", ")} need${relative.length === 1 ? "s" : ""} at least ${MIN_SAMPLES_PER_GROUP} after the change and as many before it: ` +
          `every change would be inconclusive. Make the window at least ${formatDuration((MIN_SAMPLES_PER_GROUP - 1) * iv)} or the interval at most ${formatDuration(Math.floor(wv / (MIN_SAMPLES_PER_GROUP - 1) / 1000) * 1000)}`,
      },
    ];
  }
  if (w.ok && i.ok && i.value > w.value) {
    const p = positionOf(loaded, ["watch", "interval"]);
    return [
      {
        file: loaded.path,
        line: p.line,
        col: p.col,
        message: `watch.interval: ${interval} is longer than watch.window (${window}), so the window would see no evaluation`,
      },
    ];
  }
  return [];
}
