import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readBuiltinPolicies } from "../../../src/adapters/fs/read-repo-config.js";
import { parsePolicy } from "../../../src/core/config/load-repo-config.js";
import { formatDiagnostic } from "../../../src/core/diagnostics.js";
import { problemsOf, VALID_CONFIG } from "../../helpers/config.js";

const builtins = await readBuiltinPolicies();
const P = ".github/governor/policies/queue-workers.yaml";
const POLICY = `id: queue-workers
description: Step the worker count of the queue consumers.
valueType: integer
signals:
  lag: max(queue_lag_seconds)
  busy: avg(worker_busy_ratio)
strategy:
  type: slo-step
  signal: lag
  target: 30
  saturation: {signal: busy, threshold: 0.9}
hypothesis: {signal: lag, expect: below, value: 30}
guardrails:
  - {name: lag, signal: lag, maxIncrease: 0.5}
risk: low
`;
const policyProblems = (text: string) =>
  parsePolicy({ path: P, bytes: new TextEncoder().encode(text) }).diagnostics.map(formatDiagnostic);
const editPolicy = (from: string, to: string) => {
  if (!POLICY.includes(from)) throw new Error(`test bug: ${from}`);
  return POLICY.replace(from, to);
};

describe("built-in policies", () => {
  it("ship the five documented policies", () => {
    expect(builtins.map((f) => f.path)).toEqual([
      "policies/hpa-min-replicas.yaml",
      "policies/k8s-cpu-request.yaml",
      "policies/k8s-memory-request-cadvisor.yaml",
      "policies/k8s-memory-request.yaml",
      "policies/slo-step.yaml",
    ]);
  });

  it.each(builtins.map((f) => [f.path, f] as const))(
    "%s validates, is named after its id and explains itself",
    (path, file) => {
      const parsed = parsePolicy(file);
      expect(parsed.diagnostics).toEqual([]);
      expect(path).toBe(`policies/${parsed.policy?.id}.yaml`);
      const text = new TextDecoder().decode(file.bytes);
      expect(text).toMatch(/^# [a-z0-9-]+ — /);
      expect(text).toMatch(/# When to use it:/);
      expect(text).toMatch(/# Why the defaults are what they are:/);
    },
  );

  it("cite their references", () => {
    const text = (id: string) =>
      readFileSync(new URL(`../../../policies/${id}.yaml`, import.meta.url), "utf8");
    expect(text("k8s-cpu-request")).toMatch(/VPA recommender.*90th percentile/s);
    expect(text("k8s-cpu-request")).toMatch(/KRR.*95th percentile/s);
    expect(text("k8s-cpu-request")).toMatch(/Autopilot/);
    expect(text("k8s-memory-request")).toMatch(/maximum working set[\s#]*\+ 15%/);
    expect(text("k8s-memory-request")).toMatch(/× 1\.2 and \+ 100Mi/);
  });

  it("make the cAdvisor memory variant OOM-aware without kube-state-metrics", () => {
    const file = builtins.find((f) => f.path === "policies/k8s-memory-request-cadvisor.yaml");
    if (!file) throw new Error("k8s-memory-request-cadvisor.yaml is missing");
    const mem = parsePolicy(file).policy;
    expect(mem?.strategy).toMatchObject({ type: "percentile", quantile: 1, oom: "oom" });
    expect(mem?.signals.oom).toContain("container_oom_events_total");
    expect(Object.values(mem?.signals ?? {}).join(" ")).not.toContain("kube_");
  });

  it("make the memory policy OOM-aware through kube-state-metrics", () => {
    const file = builtins.find((f) => f.path === "policies/k8s-memory-request.yaml");
    if (!file) throw new Error("k8s-memory-request.yaml is missing");
    const mem = parsePolicy(file).policy;
    expect(mem?.strategy).toMatchObject({ type: "percentile", quantile: 1, oom: "oom" });
    expect(mem?.signals.oom).toContain(
      'kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}',
    );
  });
});

describe("policy files", () => {
  it("accept a well-formed policy", () => {
    expect(policyProblems(POLICY)).toEqual([]);
  });

  it.each<[string, string, string, string]>([
    [
      "unknown signal in the strategy",
      "  signal: lag\n  target",
      "  signal: lags\n  target",
      `${P}:9:11: strategy.signal: unknown signal "lags" (did you mean "lag"?)`,
    ],
    [
      "unknown signal in the hypothesis",
      "{signal: lag, expect",
      "{signal: latency, expect",
      `${P}:12:22: hypothesis.signal: unknown signal "latency" (expected one of: lag, busy)`,
    ],
    [
      "unknown signal in a guardrail",
      "{name: lag, signal: lag,",
      "{name: lag, signal: lagg,",
      `${P}:14:25: guardrails[0].signal: unknown signal "lagg" (did you mean "lag"?)`,
    ],
    [
      "unknown saturation signal",
      "{signal: busy,",
      "{signal: bsy,",
      `${P}:11:24: strategy.saturation.signal: unknown signal "bsy" (did you mean "busy"?)`,
    ],
    [
      "unknown strategy type",
      "type: slo-step",
      "type: pid",
      `${P}:8:9: strategy.type: strategy.type must be one of: percentile, slo-step, replicas`,
    ],
    [
      "bad signal query",
      "max(queue_lag_seconds)",
      "max(queue_lag_seconds",
      `${P}:5:29: signals.lag: PromQL syntax error at position 22 of the query: the query ends too early`,
    ],
    [
      "guardrail with signal and query",
      "{name: lag, signal: lag, maxIncrease: 0.5}",
      "{name: lag, signal: lag, query: up, max: 1}",
      `${P}:14:5: guardrails[0]: a policy guardrail takes exactly one of \`signal\` or \`query\``,
    ],
    [
      "unknown value type",
      "valueType: integer",
      "valueType: int",
      `${P}:3:12: valueType: unknown value "int" (did you mean "integer"?)`,
    ],
  ])("%s", (_, from, to, expected) => {
    expect(policyProblems(editPolicy(from, to))).toEqual([expected]);
  });

  it("refuse a value type the strategy cannot tune", () => {
    const text = editPolicy("valueType: integer", "valueType: number").replace(
      "type: slo-step\n  signal: lag\n  target: 30\n  saturation: {signal: busy, threshold: 0.9}",
      "type: replicas\n  signal: lag\n  quantile: 0.5\n  lookback: 1d",
    );
    expect(policyProblems(text)).toEqual([
      `${P}:3:12: valueType: the replicas strategy cannot tune a number value (it tunes: integer)`,
    ]);
  });

  it("are usable by levers, and may not reuse a built-in id", () => {
    const config = VALID_CONFIG.replace("policy: slo-step", "policy: queue-workers");
    expect(problemsOf(config, { [P]: POLICY })).toEqual([]);
    expect(problemsOf(VALID_CONFIG, { [P]: POLICY.replace("id: queue-workers", "id: slo-step") })).toEqual([
      `${P}:1:5: id: "slo-step" is already the id of a built-in policy: pick another id`,
    ]);
  });
});
