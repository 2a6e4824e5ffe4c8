import { describe, expect, it } from "vitest";
import type { Decision } from "../../../src/core/engine/decision.js";
import type { LedgerChange } from "../../../src/core/engine/ledger.js";
import { plan } from "../../../src/core/engine/plan.js";
import { renderPrBody } from "../../../src/core/pr/body.js";
import { DAY, type EngineFixture, HOUR, NOW, planInput } from "../../helpers/engine.js";

const DEPLOYMENT = `kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              cpu: 500m
              memory: 512Mi
`;
const lever = (extra = "", id = "cpu", selector = '{pod=~"d-.*"}') => `  - id: ${id}
    policy: k8s-cpu-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}
    selector: '${selector}'
    bounds: {min: 100m, max: "4"}
    maxStep: 0.5
    cooldown: 24h
${extra}`;
const config = (levers = lever(), top = "") => `version: 1\n${top}levers:\n${levers}`;

const fixture = (over: Partial<EngineFixture> = {}): EngineFixture => ({
  config: config(),
  files: { "d.yaml": DEPLOYMENT },
  signals: { usage: () => 0.6, throttling: () => 0.01 },
  ...over,
});
const decideOne = (over: Partial<EngineFixture> = {}): Decision => {
  const [d] = plan(planInput(fixture(over)));
  if (!d) throw new Error("no decision");
  return d;
};
const change = (c: Partial<LedgerChange>): LedgerChange => ({
  decision: "x",
  lever: "cpu",
  policy: "k8s-cpu-request",
  from: "400m",
  to: "500m",
  direction: "up",
  proposedAt: NOW - 10 * DAY,
  state: "applied",
  appliedAt: NOW - 10 * DAY,
  verdict: "pass",
  ...c,
});
const failedCheck = (d: Decision) => d.checks.find((c) => !c.ok)?.name;

describe("a proposal", () => {
  it("sizes the request at p95 + 15%, with evidence, hypothesis, guardrails and rollback", () => {
    const d = decideOne();
    expect(d).toMatchObject({
      lever: "cpu",
      policy: "k8s-cpu-request",
      decision: "propose",
      from: "500m",
      to: "690m",
      direction: "up",
      reason: "500m → 690m: usage p95 over 7d is 0.6 cores; + 15% headroom = 0.69 cores",
      approval: "required",
      rollback: {
        file: "d.yaml",
        restore: "500m",
        target: "Deployment d, container c, resources.requests.cpu",
      },
    });
    expect(d.checks.map((c) => [c.name, c.ok])).toEqual([
      ["data", true],
      ["deadband", true],
      ["bounds", true],
      ["maxStep", true],
      ["limit", true],
      ["watchable", true],
      ["cooldown", true],
      ["reversal", true],
      ["in-flight", true],
      ["direction", true],
      ["hpa", true],
      ["changes-per-day", true],
      ["open-pull-requests", true],
      ["freeze", true],
      ["hold", true],
      ["mode", true],
      ["autonomy", true],
    ]);
    expect(d.hypothesis).toMatchObject({
      signal: "throttling",
      expect: "below",
      value: 0.05,
      window: "30m",
      statement:
        "throttling should fall from 0.01 and stay below 0.05 within 30m of the change being applied",
    });
    expect(d.guardrails).toEqual([
      {
        name: "cpu-throttling",
        query: expect.stringContaining('pod=~"d-.*"'),
        max: 0.1,
        // A larger CPU request cannot cause throttling: a breach after an upsize is never reverted.
        harmedBy: "decrease",
        source: "policy",
      },
    ]);
    expect(d.evidence[0]).toMatchObject({
      signal: "usage",
      query: 'max(rate(container_cpu_usage_seconds_total{container!="", pod=~"d-.*"}[5m]))',
      value: "mean 0.6, p95 0.6, max 0.6 over 2017 samples",
    });
    expect(d.evidence[0]?.link).toMatch(/^http:\/\/prometheus:9090\/graph\?g0\.expr=/);
    expect(d.edit?.after).toBe(DEPLOYMENT.replace("cpu: 500m", "cpu: 690m"));
    expect(d.id).toBe("20261123T100000Z-cpu");
  });

  it("limits a large recommendation to maxStep", () => {
    const d = decideOne({ signals: { usage: () => 3, throttling: () => 0 } });
    expect(d).toMatchObject({ decision: "propose", to: "750m" });
    expect(d.checks.find((c) => c.name === "maxStep")).toEqual({
      name: "maxStep",
      ok: true,
      limited: true,
      detail: "limited to ±50% of the current value: 3450m recommended, capped at +50% of 500m = 750m",
    });
    expect(d.recommended).toBe("3450m");
  });

  it("stays inside the bounds", () => {
    const d = decideOne({
      files: { "d.yaml": DEPLOYMENT.replace("cpu: 500m", 'cpu: "4"') },
      signals: { usage: () => 10, throttling: () => 0 },
    });
    expect(d).toMatchObject({
      decision: "no-change",
      reason: "no change: the recommendation is limited by the bounds [100m, 4] to the current value",
    });
  });

  it("moves a value outside the bounds back towards them", () => {
    const d = decideOne({
      files: { "d.yaml": DEPLOYMENT.replace("cpu: 500m", "cpu: 50m") },
      signals: { usage: () => 0.01, throttling: () => 0 },
    });
    expect(d).toMatchObject({ decision: "propose", to: "75m" });
    expect(d.checks.find((c) => c.name === "bounds")?.detail).toContain(
      "outside [100m, 4], only moves towards it are allowed",
    );
  });

  it("creates a request that is not set yet, within the bounds", () => {
    const d = decideOne({ files: { "d.yaml": DEPLOYMENT.replace("              cpu: 500m\n", "") } });
    expect(d).toMatchObject({
      decision: "propose",
      to: "690m",
      reason: expect.stringMatching(/^\(not set\) → 690m/),
    });
    expect(d.edit?.after).toContain("memory: 512Mi\n              cpu: 690m\n");
  });
});

describe("not acting is explained", () => {
  it.each<[string, Partial<EngineFixture>, string, string]>([
    [
      "deadband",
      { signals: { usage: () => 0.45, throttling: () => 0 } },
      "no-change",
      "no change: the change would be 3.6%, inside the 10.0% deadband",
    ],
    [
      "already there",
      { signals: { usage: () => 0.5 / 1.15, throttling: () => 0 } },
      "no-change",
      "no change: already at the recommended value",
    ],
    [
      "a gap in the data",
      { signals: { usage: (t) => (t > NOW - 2 * DAY ? undefined : 0.6), throttling: () => 0 } },
      "blocked",
      "missing or partial data — usage: 1441 of 2017 samples (71% of the lookback; at least 90% is needed); usage: stale — the newest sample is 2d old (at most 15m)",
    ],
    [
      "enough of the lookback, but the metrics stopped an hour ago: stale",
      { signals: { usage: (t) => (t > NOW - HOUR ? undefined : 0.6), throttling: () => 0 } },
      "blocked",
      "missing or partial data — usage: stale — the newest sample is 1h old (at most 15m)",
    ],
    [
      "no data at all",
      { signals: { throttling: () => 0 } },
      "blocked",
      "missing or partial data — usage: no data: the query matched no series",
    ],
    [
      "Prometheus warnings",
      {
        signals: {
          usage: { status: "ok", samples: [{ t: NOW, v: 1 }], warnings: ["partial response"], dropped: 0 },
          throttling: () => 0,
        },
      },
      "blocked",
      "missing or partial data — usage: 1 of 2017 samples (0% of the lookback; at least 90% is needed); usage: Prometheus warned: partial response",
    ],
    [
      "Prometheus unreachable",
      {
        signals: {
          usage: {
            status: "missing",
            kind: "unreachable",
            reason: "Prometheus unreachable (http://p:9090): cannot connect (ECONNREFUSED)",
            warnings: [],
          },
        },
      },
      "blocked",
      "missing or partial data — usage: Prometheus unreachable (http://p:9090): cannot connect (ECONNREFUSED)",
    ],
  ])("%s", (_, over, kind, reason) => {
    const d = decideOne(over);
    expect(d.decision).toBe(kind);
    expect(d.reason).toBe(reason);
  });

  it.each<[string, Partial<EngineFixture>, string]>([
    [
      "cooldown",
      { ledger: { changes: [change({ appliedAt: NOW - 12 * HOUR })], holds: [], resumes: [] } },
      "cooldown",
    ],
    [
      "a revert moves the value too: the cooldown counts from it",
      {
        ledger: {
          changes: [change({ appliedAt: NOW - 30 * HOUR, verdict: "fail", revertedAt: NOW - 6 * HOUR })],
          holds: [],
          resumes: [],
        },
      },
      "cooldown",
    ],
    [
      "rejected recently",
      {
        ledger: {
          changes: [change({ state: "rejected", rejectedAt: NOW - 2 * HOUR, appliedAt: undefined })],
          holds: [],
          resumes: [],
        },
      },
      "cooldown",
    ],
    [
      "reversal needs twice the cooldown",
      {
        signals: { usage: () => 0.2, throttling: () => 0 },
        ledger: { changes: [change({ appliedAt: NOW - 30 * HOUR })], holds: [], resumes: [] },
      },
      "reversal",
    ],
    [
      "another change of the workload in flight",
      {
        config: config(lever() + lever("", "mem-like")),
        ledger: {
          changes: [change({ lever: "mem-like", state: "open", appliedAt: undefined })],
          holds: [],
          resumes: [],
        },
      },
      "in-flight",
    ],
    [
      "a change inside its watch window",
      {
        ledger: {
          changes: [change({ appliedAt: NOW - 10 * 60_000, verdict: undefined })],
          holds: [],
          resumes: [],
        },
        config: config(lever().replace("cooldown: 24h", "cooldown: 1m")),
      },
      "in-flight",
    ],
    ["direction", { config: config(lever("    direction: down\n")) }, "direction"],
    [
      "HPA on the same resource",
      {
        hpas: [{ file: "h.yaml", name: "d", targetKind: "Deployment", targetName: "d", resources: ["cpu"] }],
      },
      "hpa",
    ],
    [
      "a guardrail with no data now",
      {
        signals: {
          usage: () => 0.6,
          throttling: (t: number) => (t < NOW - 2 * HOUR ? 0.01 : undefined), // stopped two hours ago
        },
      },
      "watchable",
    ],
    [
      "a file beside the lever names an HPA but could not be read",
      { hpas: [{ file: "h.yaml", unreadable: "nesting deeper than 64 levels" }] },
      "hpa",
    ],
    [
      "changes per day",
      {
        config: config(lever(), "limits: {maxChangesPerDay: 1}\n"),
        ledger: {
          changes: [change({ lever: "other", proposedAt: NOW - HOUR, appliedAt: NOW - HOUR })],
          holds: [],
          resumes: [],
        },
      },
      "changes-per-day",
    ],
    [
      "open pull requests",
      {
        config: config(lever(), "limits: {maxOpenPullRequests: 1}\n"),
        ledger: { changes: [change({ lever: "other", state: "open" })], holds: [], resumes: [] },
      },
      "open-pull-requests",
    ],
    ["freeze days", { config: config(lever(), "limits:\n  freeze: [{days: [mon]}]\n") }, "freeze"],
    [
      "freeze window",
      {
        config: config(
          lever(),
          'limits:\n  freeze: [{from: "2026-11-20T00:00:00Z", to: "2026-11-24T00:00:00Z", reason: release}]\n',
        ),
      },
      "freeze",
    ],
    [
      "a person's hold",
      {
        ledger: {
          changes: [],
          holds: [{ scope: { kind: "repo" }, reason: "incident", since: NOW - HOUR }],
          resumes: [],
        },
      },
      "hold",
    ],
    ["observe mode", { config: config(lever(), "mode: observe\n") }, "mode"],
  ])("%s blocks with its reason", (_, over, check) => {
    const d = decideOne(over);
    expect(d.decision).toBe("blocked");
    expect(failedCheck(d)).toBe(check);
    expect(d.reason).toMatch(new RegExp(`^${check}: `));
  });

  it("names every failing check, not only the first (fixing one should not merely reveal the next)", () => {
    const d = decideOne({
      config: config(lever(), "mode: observe\n"),
      ledger: {
        changes: [change({ appliedAt: NOW - 12 * HOUR })],
        holds: [{ scope: { kind: "repo" }, reason: "incident", since: NOW - HOUR }],
        resumes: [],
      },
    });
    expect(d.decision).toBe("blocked");
    expect(d.reason).toMatch(/^cooldown: .*; also failing: hold, mode$/);
  });

  it("allows a request lever under an HPA with allowWithHpa", () => {
    const d = decideOne({
      config: config(lever("    allowWithHpa: true\n")),
      hpas: [{ file: "h.yaml", name: "d", targetKind: "Deployment", targetName: "d", resources: ["cpu"] }],
    });
    expect(d.decision).toBe("propose");
  });

  it("a resume after a hold lifts it", () => {
    const d = decideOne({
      ledger: {
        changes: [],
        holds: [{ scope: { kind: "lever", id: "cpu" }, reason: "x", since: NOW - 2 * HOUR }],
        resumes: [{ scope: { kind: "lever", id: "cpu" }, at: NOW - HOUR }],
      },
    });
    expect(d.decision).toBe("propose");
  });

  it("the thrash guard holds a lever that keeps reversing", () => {
    const flips = [0, 1, 2, 3].map((i) =>
      change({
        decision: `d${i}`,
        direction: i % 2 ? "down" : "up",
        appliedAt: NOW - (6 - i) * DAY,
        proposedAt: NOW - (6 - i) * DAY,
      }),
    );
    const d = decideOne({ ledger: { changes: flips, holds: [], resumes: [] } });
    expect(d).toMatchObject({
      decision: "blocked",
      reason:
        "hold: on hold (lever cpu): its changes reversed direction 3 times in 7 days (oscillation); a resume lifts it",
    });
    // Sticky: a month later the reversals have left the 7-day window, and the lever still holds…
    const later = decideOne({ ledger: { changes: flips, holds: [], resumes: [] }, now: NOW + 30 * DAY });
    expect(later.checks.find((c) => c.name === "hold")?.ok).toBe(false);
    // …until a person resumes it after the trip; a resume from before the trip does not count.
    const resumed = (at: number) =>
      decideOne({
        ledger: { changes: flips, holds: [], resumes: [{ scope: { kind: "lever", id: "cpu" }, at }] },
        now: NOW + 30 * DAY,
      }).checks.find((c) => c.name === "hold")?.ok;
    expect(resumed(NOW - 5 * DAY)).toBe(false);
    expect(resumed(NOW + DAY)).toBe(true);
  });

  it("counts proposals of the same run against the repository's limits", () => {
    const levers = [
      lever("", "a", '{pod="a"}'),
      lever("", "b", '{pod="b"}'),
      lever("", "c", '{pod="c"}'),
    ].join("");
    const decisions = plan(
      planInput(fixture({ config: config(levers, "limits: {maxOpenPullRequests: 2}\n") })),
    );
    expect(decisions.map((d) => d.decision)).toEqual(["propose", "propose", "blocked"]);
    expect(decisions[2]?.reason).toBe(
      "open-pull-requests: 2 Governor pull requests open; maxOpenPullRequests is 2",
    );
  });
});

const MEMORY = `  - id: mem
    policy: k8s-memory-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.memory}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 128Mi, max: 4Gi}
    cooldown: 24h
`;

describe("memory is OOM-aware", () => {
  const MI = 1024 * 1024;
  it("sizes at the maximum working set + 15%", () => {
    const d = decideOne({ config: config(MEMORY), signals: { working_set: () => 400 * MI, oom: () => 0 } });
    expect(d).toMatchObject({ decision: "propose", from: "512Mi", to: "460Mi", direction: "down" });
  });

  it("an OOM kill in the lookback forbids a decrease and bumps ×1.2 / +100Mi", () => {
    const d = decideOne({
      config: config(MEMORY),
      signals: { working_set: () => 400 * MI, oom: (t) => (t > NOW - DAY ? 1 : 0) },
    });
    expect(d).toMatchObject({ decision: "propose", from: "512Mi", to: "615Mi", direction: "up" });
    expect(d.rationale).toContain("an OOM kill in the last 7d at the current value forbids a decrease");
  });

  const memChange = (c: Partial<LedgerChange>) =>
    change({ lever: "mem", policy: "k8s-memory-request", from: "384Mi", to: "512Mi", ...c });
  const killedTwoDaysAgo = {
    working_set: () => 400 * MI,
    oom: (t: number) => (t > NOW - 3 * DAY && t < NOW - 2 * DAY ? 1 : 0),
  };

  it("a kill before the current value took effect was answered by that change: no bump, no decrease", () => {
    const d = decideOne({
      config: config(MEMORY),
      signals: killedTwoDaysAgo,
      ledger: { changes: [memChange({ appliedAt: NOW - DAY })], holds: [], resumes: [] },
    });
    expect(d).toMatchObject({ decision: "no-change", from: "512Mi" });
    expect(d.rationale).toContain("before the current value took effect, forbids a decrease");
  });

  it.each([
    ["a kill after the current value took effect", NOW - 4 * DAY, "512Mi"],
    ["a value a person changed since Governor's change", NOW - DAY, "500Mi"],
  ])("bumps for %s", (_, appliedAt, to) => {
    const d = decideOne({
      config: config(MEMORY),
      signals: killedTwoDaysAgo,
      ledger: { changes: [memChange({ appliedAt, to })], holds: [], resumes: [] },
    });
    expect(d).toMatchObject({ decision: "propose", from: "512Mi", to: "615Mi", direction: "up" });
  });

  it("no OOM data is missing data, not 'no OOM'", () => {
    const d = decideOne({ config: config(MEMORY), signals: { working_set: () => 400 * MI } });
    expect(d).toMatchObject({
      decision: "blocked",
      reason: "missing or partial data — oom: no data: the query matched no series",
    });
  });
});

const POOL = `version: 1
levers:
  - id: pool
    policy: slo-step
    target: {file: v.yaml, path: db.pool}
    selector: '{service="s"}'
    bounds: {min: 5, max: 60}
    step: 5
    cooldown: 6h
`;

describe("slo-step", () => {
  it.each<[number, number, string, string | undefined]>([
    [0.4, 0.9, "propose", "25"],
    [0.1, 0.3, "propose", "15"],
    [0.26, 0.9, "no-change", undefined],
    [0.4, 0.5, "no-change", undefined],
    [0.1, 0.95, "no-change", undefined],
  ])("latency %d, saturation %d → %s %s", (latency, saturation, kind, to) => {
    const d = decideOne({
      config: POOL,
      files: { "v.yaml": "db:\n  pool: 20\n" },
      signals: { latency: () => latency, saturation: () => saturation },
    });
    expect(d.decision).toBe(kind);
    if (to) expect(d.to).toBe(to);
  });
});

describe("replicas", () => {
  it("sets minReplicas to a low quantile of the replicas actually run", () => {
    const hpa =
      "kind: HorizontalPodAutoscaler\nmetadata: {name: w}\nspec:\n  minReplicas: 2\n  maxReplicas: 20\n";
    const cfg = `version: 1\nlevers:\n  - {id: min, policy: hpa-min-replicas, target: {file: h.yaml, kind: HorizontalPodAutoscaler, name: w, field: minReplicas}, selector: '{horizontalpodautoscaler="w"}', bounds: {min: 1, max: 10}}\n`;
    const d = decideOne({
      config: cfg,
      files: { "h.yaml": hpa },
      signals: { replicas: (t) => 3 + ((t / HOUR) % 24 > 8 ? 5 : 0), at_max: () => 0.3 },
    });
    expect(d).toMatchObject({ decision: "propose", from: "2", to: "3" });
  });
});

describe("earned autonomy", () => {
  const auto = (verified: number, reverted: number) => {
    const changes = Array.from({ length: verified + reverted }, (_, i) =>
      change({
        decision: `d${i}`,
        lever: `l${i}`,
        proposedAt: NOW - (30 + i) * DAY,
        appliedAt: NOW - (30 + i) * DAY,
        verdict: i < verified ? "pass" : "fail",
        revertedAt: i < verified ? undefined : NOW - (29 + i) * DAY,
      }),
    );
    return decideOne({
      config: config(lever("    approval: auto\n"), "mode: auto\n"),
      ledger: { changes, holds: [], resumes: [] },
    });
  };
  it("is not in effect before 5 verified changes", () => {
    const d = auto(2, 0);
    expect(d).toMatchObject({ decision: "propose", approval: "required" });
    expect(d.checks.find((c) => c.name === "autonomy")?.detail).toBe(
      "suggest: auto not yet earned, 2/5 verified",
    );
  });
  it("is earned with 5 verified and few reverts", () => {
    expect(auto(12, 1)).toMatchObject({ approval: "auto" });
  });
  it("is lost with too many reverts", () => {
    const d = auto(10, 2);
    expect(d.approval).toBe("required");
    expect(d.checks.find((c) => c.name === "autonomy")?.detail).toBe(
      "suggest: auto not yet earned, 17% reverted (at most 8%)",
    );
  });
});

describe("an env var's JVM-style size", () => {
  const MI = 1024 * 1024;
  const HEAP = `  - id: heap
    policy: k8s-memory-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: env.MAX_HEAP_SIZE}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 128Mi, max: 8Gi}
    cooldown: 24h
`;
  const withEnv = DEPLOYMENT.replace(
    "          resources:",
    "          env:\n            - {name: MAX_HEAP_SIZE, value: 512M}\n          resources:",
  );
  it("tells the recommendation in the value's own family (2356M, not bytes)", () => {
    const d = decideOne({
      config: config(HEAP),
      files: { "d.yaml": withEnv },
      signals: { working_set: () => 2048 * MI, oom: () => 0 },
    });
    expect(d).toMatchObject({ decision: "propose", from: "512M", to: "768M" });
    expect(d.recommended).toBe("2356M");
    expect(d.checks.find((c) => c.name === "maxStep")?.detail).toBe(
      "limited to ±50% of the current value: 2356M recommended, capped at +50% of 512M = 768M",
    );
    // A heap size is not a reservation: no "per replica" total in the PR's summary row.
    expect(d.reservesPerPod).toBe(false);
    const row = renderPrBody(d, "30m")
      .split("\n")
      .find((l) => l.startsWith("| `heap`"));
    expect(row).toContain("| `512M` → `768M` | +50% | — | — |");
  });
});

describe("a capped change's deadband check", () => {
  it("tells the recommendation as a signed change, not as if it were the value", () => {
    const d = decideOne({ signals: { usage: () => 0.1, throttling: () => 0 } });
    expect(d).toMatchObject({ decision: "propose", from: "500m", to: "250m" });
    expect(d.checks.find((c) => c.name === "deadband")?.detail).toBe(
      "change of 50.0% (deadband 10.0%); the recommendation was a -77.0% change",
    );
  });
});

describe("a step finer than the value's smallest unit", () => {
  it("says what to do instead of 'no change' forever (1m can never grow by ±50%)", () => {
    const d = decideOne({
      config: config(lever().replace("min: 100m", "min: 1m")),
      files: { "d.yaml": DEPLOYMENT.replace("cpu: 500m", "cpu: 1m") },
      signals: { usage: () => 0.05, throttling: () => 0 },
    });
    expect(d).toMatchObject({ decision: "no-change", from: "1m" });
    expect(d.reason).toBe(
      "no change: no change fits within ±50% of the current value: ±50% of 1m is less than its smallest unit, so it rounds back to 1m every time; raise maxStep, or set the value once with `governor set cpu 58m`",
    );
  });
});
