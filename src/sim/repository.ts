import type { ResolvedLever } from "../core/config/check-levers.js";
import { CONFIG_PATH, loadRepoConfig } from "../core/config/load-repo-config.js";
import type { RepoConfig } from "../core/config/repo-schema.js";
import { err, ok, type Result } from "../core/result.js";
import type { SourceFile } from "../core/yaml/load.js";
import type { Scenario } from "./scenario.js";
import { guardrailQuery } from "./world.js";

export const SELECTOR = '{job="sim"}';
export const FILE = "app.yaml";

/**
 * A problem of the scenario that the repository validator found, pointed back at the scenario's
 * own field (`lever.bounds.min`, not the generated `.github/governor.yml`).
 */
export interface ScenarioProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

const FIELD = /^(levers\[0\]|guardrails\[(\d+)\]|watch|limits)((?:\.[\w-]+|\[\d+\])*): (.*)$/s;

function scenarioProblem(message: string): ScenarioProblem {
  const m = FIELD.exec(message);
  if (!m) return { path: [], message };
  const rest = (m[3] ?? "")
    .split(/\.|\[(\d+)\]/)
    .filter((x) => x !== undefined && x !== "")
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  // The generated target and selector come from the plant and the lever's policy.
  const head: Array<string | number> =
    m[1] === "levers[0]"
      ? rest[0] === "target" || rest[0] === "selector"
        ? ["lever", "policy"]
        : ["lever"]
      : m[1]?.startsWith("guardrails")
        ? ["guardrails", Number(m[2])]
        : [m[1] ?? ""];
  const path =
    m[1] === "levers[0]" && (rest[0] === "target" || rest[0] === "selector") ? head : [...head, ...rest];
  const shown = path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${p}`)).join("");
  return { path, message: `${shown}: ${m[4]}` };
}

export interface SimRepository {
  readonly config: RepoConfig;
  readonly lever: ResolvedLever;
  /** The lever's file as it is on the main branch at the start. */
  readonly file: string;
}

/**
 * The repository the simulated Governor tunes: one manifest (or Helm values file, for a pool) and
 * a `.github/governor.yml` built from the scenario — loaded by the same validator a real
 * repository goes through, so a scenario cannot set what a repository could not.
 */
export function simRepository(
  s: Scenario,
  builtinPolicies: readonly SourceFile[],
): Result<SimRepository, ScenarioProblem[]> {
  const kube = s.plant.type !== "queue";
  const field = s.plant.type === "memory-service" ? "resources.requests.memory" : "resources.requests.cpu";
  const file = kube
    ? `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sim\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          resources:\n            requests:\n              ${field.split(".").pop()}: ${String(s.lever.initial)}\n`
    : `pool:\n  size: ${String(s.lever.initial)}\n`;
  const target = kube
    ? `{file: ${FILE}, kind: Deployment, name: sim, container: app, field: ${field}}`
    : `{file: ${FILE}, path: pool.size}`;
  const limit = (g: Scenario["guardrails"][number]) =>
    `${g.max !== undefined ? `, max: ${g.max}` : ""}${g.maxIncrease !== undefined ? `, maxIncrease: ${g.maxIncrease}` : ""}`;
  const guardrails = s.guardrails.map(
    (g) => `  - {name: ${g.name}, query: '${guardrailQuery(g.series)}'${limit(g)}}`,
  );
  const config = [
    "version: 1",
    `mode: ${s.mode}`,
    "limits: {maxChangesPerDay: 100, maxOpenPullRequests: 10}",
    `watch: {window: ${s.watch.window}, interval: ${s.watch.interval}, appliedWhen: {merged: ${s.deployDelay}}}`,
    `guardrails:${guardrails.length === 0 ? " []" : `\n${guardrails.join("\n")}`}`,
    "levers:",
    "  - id: sim",
    `    policy: ${s.lever.policy}`,
    `    target: ${target}`,
    `    selector: '${SELECTOR}'`,
    `    bounds: {min: ${JSON.stringify(String(s.lever.bounds.min))}, max: ${JSON.stringify(String(s.lever.bounds.max))}}`,
    `    maxStep: ${s.lever.maxStep}`,
    `    cooldown: ${s.lever.cooldown}`,
    ...(s.mode === "auto" ? ["    approval: auto"] : []),
    ...(s.lever.step !== undefined ? [`    step: ${JSON.stringify(String(s.lever.step))}`] : []),
    `    params: ${JSON.stringify(s.lever.params)}`,
  ].join("\n");
  const loaded = loadRepoConfig({
    config: { path: CONFIG_PATH, bytes: new TextEncoder().encode(`${config}\n`) },
    repoPolicies: [],
    builtinPolicies,
  });
  const lever = loaded.loaded?.levers[0];
  if (!loaded.loaded || !lever)
    return err(
      loaded.diagnostics.length > 0
        ? loaded.diagnostics.map((d) => scenarioProblem(d.message))
        : [{ path: ["lever"], message: "lever: not one a repository could configure" }],
    );
  return ok({ config: loaded.loaded.config, lever, file });
}
