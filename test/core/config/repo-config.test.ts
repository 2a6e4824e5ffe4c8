import { describe, expect, it } from "vitest";
import { loadConfigText, problemsOf, VALID_CONFIG } from "../../helpers/config.js";

/** Replaces one exact piece of the valid config; fails loudly if the piece is not there. */
const edit = (from: string, to: string) => {
  if (!VALID_CONFIG.includes(from)) throw new Error(`test bug: ${from} not in the config`);
  return VALID_CONFIG.replace(from, to);
};
const F = ".github/governor.yml";

describe("the repository config", () => {
  it("accepts the valid config and fills in defaults", () => {
    const r = loadConfigText(VALID_CONFIG);
    expect(r.diagnostics).toEqual([]);
    expect(r.loaded?.config.watch).toEqual({ window: "30m", interval: "1m", appliedWhen: { merged: "5m" } });
    expect(r.loaded?.config.limits).toEqual({ maxOpenPullRequests: 3, maxChangesPerDay: 5, freeze: [] });
    expect(r.loaded?.levers.map((l) => [l.id, l.policyDef.id, l.approval, l.direction])).toEqual([
      ["checkout-cpu", "k8s-cpu-request", "required", "both"],
      ["checkout-db-pool", "slo-step", "required", "both"],
    ]);
  });

  it("applies a lever's params over its policy's strategy", () => {
    const r = loadConfigText(edit("params: {target: 0.25}", "params: {target: 0.4, band: 0.05}"));
    const pool = r.loaded?.levers.find((l) => l.id === "checkout-db-pool");
    expect(pool?.strategy).toMatchObject({ type: "slo-step", target: 0.4, band: 0.05, signal: "latency" });
  });

  it.each<[string, string, string, string]>([
    [
      "unknown key with a suggestion",
      "    maxStep: 0.5\n",
      "    maxStep: 0.5\n    cooldwn: 1h\n",
      `${F}:19:5: levers[0].cooldwn: unknown key "cooldwn" (did you mean "cooldown"?)`,
    ],
    [
      "unknown top-level key",
      "mode: suggest\n",
      "mode: suggest\nlimts: {}\n",
      `${F}:3:1: limts: unknown key "limts" (did you mean "limits"?)`,
    ],
    [
      "unknown policy id",
      "policy: k8s-cpu-request",
      "policy: k8s-cpu-requests",
      `${F}:9:13: levers[0].policy: unknown policy "k8s-cpu-requests" (did you mean "k8s-cpu-request"?)`,
    ],
    [
      "duplicate lever ids",
      "id: checkout-db-pool",
      "id: checkout-cpu",
      `${F}:20:9: levers[1].id: duplicate lever id "checkout-cpu" (also levers[0]): lever ids must be unique in the repository`,
    ],
    [
      "bounds.min > bounds.max",
      'bounds: {min: 100m, max: "2"}',
      'bounds: {min: "3", max: "2"}',
      `${F}:17:19: levers[0].bounds.min: bounds.min (3) is greater than bounds.max (2)`,
    ],
    [
      "malformed duration",
      "cooldown: 24h",
      "cooldown: 24hours",
      `${F}:19:15: levers[0].cooldown: "24hours" is not a duration (use Prometheus style: 30s, 5m, 1h30m, 7d)`,
    ],
    [
      "malformed quantity",
      'max: "2"}',
      'max: "2 cores"}',
      `${F}:17:30: levers[0].bounds.max: "2 cores" is not a Kubernetes quantity (e.g. 250m, 0.5, 2, 512Mi or 1Gi) — policy "k8s-cpu-request" tunes cpu values`,
    ],
    [
      "value type the policy cannot tune",
      "policy: k8s-cpu-request",
      "policy: k8s-memory-request",
      `${F}:15:14: levers[0].target.field: this field holds a cpu value, but policy "k8s-memory-request" tunes memory values: pick a policy for cpu`,
    ],
    [
      "an integer policy given a quantity",
      "bounds: {min: 5, max: 60}",
      "bounds: {min: 500m, max: 60}",
      `${F}:26:19: levers[1].bounds.min: "500m" is not an integer — policy "slo-step" tunes integer values`,
    ],
    [
      "bad selector",
      `selector: '{namespace="shop", service="checkout"}'`,
      `selector: '{namespace="shop" service="checkout"}'`,
      `${F}:25:34: levers[1].selector: PromQL syntax error at position 19 of the query: unexpected "service="checkout"}"`,
    ],
    [
      "selector with a metric name",
      `selector: '{namespace="shop", service="checkout"}'`,
      `selector: 'up{namespace="shop"}'`,
      `${F}:25:16: levers[1].selector: a selector is label matchers in braces, such as {namespace="shop", pod=~"checkout-.*"}`,
    ],
    [
      "bad guardrail query",
      "[5m])) / sum(rate(http_requests_total[5m]))",
      "[5m])) / sum(rate(http_requests_total[5m])",
      `${F}:5:95: guardrails[0].query: PromQL syntax error at position 84 of the query: the query ends too early`,
    ],
    [
      "guardrail without a limit",
      "    max: 0.01\n",
      "",
      `${F}:4:5: guardrails[0]: a guardrail needs a limit: max, min or maxIncrease`,
    ],
    [
      "unknown mode",
      "mode: suggest",
      "mode: turbo",
      `${F}:2:7: mode: expected one of: observe | suggest | auto, found "turbo"`,
    ],
    [
      "mistyped mode",
      "mode: suggest",
      "mode: sugest",
      `${F}:2:7: mode: unknown value "sugest" (did you mean "suggest"?)`,
    ],
    [
      "wrong version",
      "version: 1",
      "version: 2",
      `${F}:1:10: version: Governor understands config version 1 only: set \`version: 1\``,
    ],
    [
      "unknown strategy parameter",
      "params: {target: 0.25}",
      "params: {targt: 0.25}",
      `${F}:29:14: levers[1].params.targt: unknown parameter "targt" for the slo-step strategy (did you mean "target"?)`,
    ],
    [
      "bad strategy parameter value",
      "params: {target: 0.25}",
      'params: {target: "fast"}',
      `${F}:29:22: levers[1].params.target: target: Invalid input: expected number, received string`,
    ],
    [
      "stepping policy without a step",
      "    step: 5\n",
      "",
      `${F}:20:9: levers[1]: policy "slo-step" moves the value in steps: set \`step\` on this lever (e.g. step: 5)`,
    ],
    [
      "absolute target file",
      "file: apps/checkout/values.yaml",
      "file: /etc/passwd",
      `${F}:23:13: levers[1].target.file: "/etc/passwd" is absolute: write the path relative to the repository root (e.g. apps/checkout/deployment.yaml)`,
    ],
    [
      "target file escaping the repo",
      "file: apps/checkout/values.yaml",
      "file: apps/../../secrets.yaml",
      `${F}:23:13: levers[1].target.file: "apps/../../secrets.yaml" points outside the repository: targets must be files inside it`,
    ],
    [
      "target file under .github/workflows",
      "file: apps/checkout/values.yaml",
      "file: .github/workflows/deploy.yml",
      `${F}:23:13: levers[1].target.file: ".github/workflows/deploy.yml" is a GitHub Actions workflow: Governor never edits CI definitions`,
    ],
    [
      "both target forms",
      "      path: config.database.poolSize\n",
      "      path: config.database.poolSize\n      kind: Deployment\n",
      `${F}:22:5: levers[1].target: a target is either the Kubernetes form (kind, name, field) or the path form (path), not both`,
    ],
    [
      "Kubernetes form without a field",
      "      field: resources.requests.cpu\n",
      "",
      `${F}:10:5: levers[0].target: missing required field "field" (or use the path form: path)`,
    ],
    [
      "missing required field",
      '    selector: \'{namespace="shop", service="checkout"}\'\n',
      "",
      `${F}:20:5: levers[1]: missing required field "selector"`,
    ],
    [
      "wrong type",
      "maxStep: 0.5",
      "maxStep: half",
      `${F}:18:14: levers[0].maxStep: expected number, received string, found "half"`,
    ],
    [
      "maxStep out of range",
      "maxStep: 0.5",
      "maxStep: 2",
      `${F}:18:14: levers[0].maxStep: maxStep is a fraction in (0, 1]: 0.5 moves at most ±50%`,
    ],
    [
      "bad lever id",
      "id: checkout-cpu",
      "id: Checkout_CPU",
      `${F}:8:9: levers[0].id: ids use lowercase letters, digits and dashes (at most 63, not starting or ending with a dash)`,
    ],
  ])("%s", (_, from, to, expected) => {
    expect(problemsOf(edit(from, to))).toEqual([expected]);
  });

  it("reports every problem at once, in file order", () => {
    const config = edit("mode: suggest", "mode: sugest")
      .replace("cooldown: 24h", "cooldown: 1x")
      .replace("policy: slo-step", "policy: nope");
    expect(problemsOf(config)).toEqual([
      `${F}:2:7: mode: unknown value "sugest" (did you mean "suggest"?)`,
      `${F}:19:15: levers[0].cooldown: "1x" is not a duration (use Prometheus style: 30s, 5m, 1h30m, 7d)`,
      `${F}:21:13: levers[1].policy: unknown policy "nope" (expected one of: hpa-min-replicas, k8s-cpu-request, k8s-memory-request, k8s-memory-request-cadvisor, slo-step)`,
    ]);
  });

  it("checks watch.interval against watch.window", () => {
    expect(
      problemsOf(edit("mode: suggest\n", "mode: suggest\nwatch: {window: 5m, interval: 10m}\n")),
    ).toEqual([
      `${F}:3:31: watch.interval: 10m is longer than watch.window (5m), so the window would see no evaluation`,
    ]);
  });

  it("refuses a watch too short for a relative guardrail to ever judge (the slo-step policy's +20% one)", () => {
    const watch = (w: string) =>
      edit("mode: suggest\n", `mode: suggest\nwatch: {window: ${w}, interval: 1m}\n`);
    expect(problemsOf(watch("5m"))).toEqual([
      `${F}:3:17: watch.window: 5m at watch.interval 1m gives 6 evaluations, and the relative guardrail "p99-latency" needs at least 8 after the change and as many before it: every change would be inconclusive. Make the window at least 7m or the interval at most 42s`,
    ]);
    expect(problemsOf(watch("7m"))).toEqual([]);
  });

  it("needs exactly one appliedWhen condition", () => {
    expect(
      problemsOf(
        edit(
          "mode: suggest\n",
          "mode: suggest\nwatch:\n  appliedWhen: {merged: 5m, commitStatus: {context: argocd/shop}}\n",
        ),
      ),
    ).toEqual([
      `${F}:4:3: watch.appliedWhen: appliedWhen takes exactly one of: merged, commitStatus, liveValue`,
    ]);
  });

  it("checks freeze windows", () => {
    const config = edit(
      "mode: suggest\n",
      'mode: suggest\nlimits:\n  freeze:\n    - days: [sat, sunday]\n    - {from: "2027-01-04T00:00:00Z", to: "2026-12-20T00:00:00Z"}\n    - {from: "2026-12-20"}\n',
    );
    expect(problemsOf(config)).toEqual([
      `${F}:5:19: limits.freeze[0].days[1]: unknown value "sunday" (did you mean "sun"?)`,
      `${F}:6:42: limits.freeze[1].to: \`from\` must be before \`to\``,
      `${F}:7:7: limits.freeze[2]: a freeze window needs both \`from\` and \`to\``,
      `${F}:7:14: limits.freeze[2].from: expected an ISO 8601 time with a zone, such as "2026-12-20T00:00:00Z"`,
    ]);
  });

  it("points inside a block-scalar query", () => {
    const config = edit(
      '    query: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))\n',
      "    query: |\n      sum(rate(http_requests_total[5m]))\n        / sum(rate(foo[5m]) by (\n",
    );
    expect(problemsOf(config)).toEqual([
      `${F}:7:29: guardrails[0].query: PromQL syntax error at position 58 of the query: unexpected "by (\n"`,
    ]);
  });

  it("points inside a double-quoted query with escapes", () => {
    const config = edit(
      '    query: sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
      '    query: "sum(rate(x{a=\\"b\\"}[5m])) +"',
    );
    expect(problemsOf(config)).toEqual([
      `${F}:5:40: guardrails[0].query: PromQL syntax error at position 26 of the query: the query ends too early`,
    ]);
  });
});
