import { readBuiltinPolicies } from "../../src/adapters/fs/read-repo-config.js";
import {
  CONFIG_PATH,
  loadRepoConfig,
  type RepoConfigResult,
} from "../../src/core/config/load-repo-config.js";
import { formatDiagnostic } from "../../src/core/diagnostics.js";

const encode = (text: string) => new TextEncoder().encode(text);
const builtins = await readBuiltinPolicies();

/** Runs the pure config loader on texts, with the real built-in policies. */
export function loadConfigText(config: string, repoPolicies: Record<string, string> = {}): RepoConfigResult {
  return loadRepoConfig({
    config: { path: CONFIG_PATH, bytes: encode(config) },
    repoPolicies: Object.entries(repoPolicies).map(([path, text]) => ({ path, bytes: encode(text) })),
    builtinPolicies: builtins,
  });
}

/** The diagnostics as the user sees them, FILE:LINE:COL: message. */
export function problemsOf(config: string, repoPolicies: Record<string, string> = {}): string[] {
  return loadConfigText(config, repoPolicies).diagnostics.map(formatDiagnostic);
}

/** A valid config with one lever of each built-in policy; tests break one thing at a time. */
export const VALID_CONFIG = `version: 1
mode: suggest
guardrails:
  - name: error-ratio
    query: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))
    max: 0.01
levers:
  - id: checkout-cpu
    policy: k8s-cpu-request
    target:
      file: apps/checkout/deployment.yaml
      kind: Deployment
      name: checkout
      container: server
      field: resources.requests.cpu
    selector: '{namespace="shop", pod=~"checkout-.*", container="server"}'
    bounds: {min: 100m, max: "2"}
    maxStep: 0.5
    cooldown: 24h
  - id: checkout-db-pool
    policy: slo-step
    target:
      file: apps/checkout/values.yaml
      path: config.database.poolSize
    selector: '{namespace="shop", service="checkout"}'
    bounds: {min: 5, max: 60}
    step: 5
    cooldown: 6h
    params: {target: 0.25}
`;
