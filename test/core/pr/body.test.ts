import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Decision } from "../../../src/core/engine/decision.js";
import { extractHpas } from "../../../src/core/engine/hpa.js";
import type { LedgerChange } from "../../../src/core/engine/ledger.js";
import { plan } from "../../../src/core/engine/plan.js";
import { renderPrBody } from "../../../src/core/pr/body.js";
import { stepNumbers, totalReserved } from "../../../src/core/pr/summary.js";
import { DAY, type EngineFixture, NOW, planInput } from "../../helpers/engine.js";
import { REAL_WORLD } from "../levers/real-world-targets.js";

const deployment = (cpu: string, replicas = 3) => `kind: Deployment
metadata: {name: d}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              cpu: ${cpu}
`;
const config = (file = "d.yaml", name = "d", container = "c", extra = "") => `version: 1
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: ${file}, kind: Deployment, name: ${name}, container: ${container}, field: resources.requests.cpu}
    selector: '{pod=~"${name}-.*"}'
    bounds: {min: 100m, max: "4"}
    maxStep: 0.5
    cooldown: 24h
${extra}`;

const decide = (over: Partial<EngineFixture>): Decision => {
  const [d] = plan(
    planInput({
      config: config(),
      files: { "d.yaml": deployment("500m") },
      signals: { usage: () => 0.6, throttling: () => 0.01 },
      ...over,
    }),
  );
  if (!d) throw new Error("no decision");
  return d;
};
const firstScreen = (body: string) => body.split("\n").slice(0, 15).join("\n");

describe("the tuning PR body: the first screen", () => {
  it("opens with why in plain words, then one row: lever, from → to, change, replicas, total, risk, window", () => {
    const d = decide({ signals: { usage: () => 0.655, throttling: () => 0.2 } });
    const body = renderPrBody(d, "30m");
    const top = firstScreen(body);
    expect(body.startsWith("**Why:** usage p95 over 7d is 0.655 cores, 131% of the current 0.5 cores")).toBe(
      true,
    );
    expect(top).toContain("it uses more than it reserves");
    expect(top).toContain(
      "| `cpu` | `500m` → `750m` | +50% | 3 (spec.replicas) | +0.75 cores across 3 replicas | **low**: a 50% CPU increase",
    );
    expect(top).toContain("| 7d (2017 samples) |");
    // The throttling is 0.2 now: the expectation is that it falls, not that it "stays below".
    expect(top).toContain("**Expected:** throttling falls from 0.2 to below 0.05 within 30m");
  });

  it("a capped value says so in the why, and its check is 'limited', not ✅", () => {
    const d = decide({ signals: { usage: () => 0.655, throttling: () => 0 } });
    const body = renderPrBody(d, "30m");
    expect(firstScreen(body)).toContain(
      "Recommended 754m (+ 15% headroom = 0.753 cores), capped at +50% of 500m = 750m by maxStep.",
    );
    expect(body).toContain(
      "- ⚠️ limited **maxStep**: limited to ±50% of the current value: 754m recommended, capped at +50% of 500m = 750m",
    );
    expect(body).not.toContain("✅ **maxStep**");
    // The deadband check reports the change proposed (50%), the recommendation beside it.
    expect(body).toContain(
      "✅ **deadband**: change of 50.0% (deadband 10.0%); the recommendation was a +50.8% change",
    );
    expect(body).toContain(
      "<details><summary>Safety checks: 16 passed, 1 limited the value (maxStep)</summary>",
    );
  });

  it("a value capped at the container's limit says so in the why, and the limit check is 'limited'", () => {
    const withLimit = deployment("500m").replace(
      "              cpu: 500m\n",
      "              cpu: 500m\n            limits:\n              cpu: 600m\n",
    );
    const d = decide({
      files: { "d.yaml": withLimit },
      signals: { usage: () => 0.655, throttling: () => 0 },
    });
    expect(d).toMatchObject({ decision: "propose", to: "600m" });
    const body = renderPrBody(d, "30m");
    expect(firstScreen(body)).toContain(
      "Recommended 754m (+ 15% headroom = 0.753 cores), capped at +50% of 500m = 750m by maxStep, then capped at the limit 600m.",
    );
    expect(body).toContain("- ⚠️ limited **limit**: capped at the limit 600m");
  });

  it("a 50% CPU cut is high risk and asks a person, whatever the policy declares", () => {
    const d = decide({
      files: { "d.yaml": deployment("2") },
      signals: { usage: () => 0.3, throttling: () => 0 },
    });
    expect(d).toMatchObject({ to: "1", risk: "high", riskReason: "a 50% CPU cut", approval: "required" });
    const top = firstScreen(renderPrBody(d, "30m"));
    expect(top).toContain(
      "| `cpu` | `2` → `1` | −50% | 3 (spec.replicas) | −3 cores across 3 replicas | **high**: a 50% CPU cut |",
    );
    expect(renderPrBody(d, "30m")).toContain("_Risk high: a person reviews and merges this._");
    // A cut may push throttling towards its bound: the expectation says so, not "stays below".
    expect(top).toContain("**Expected:** throttling may rise from 0 but stays below 0.05 within 30m");
  });

  it("a value cut by the bounds says so, and the bounds check is 'limited'", () => {
    const d = decide({
      files: { "d.yaml": deployment("3") },
      signals: { usage: () => 10, throttling: () => 0 },
    });
    expect(d).toMatchObject({ decision: "propose", to: "4" });
    const body = renderPrBody(d, "30m");
    expect(firstScreen(body)).toContain(
      "Recommended 11500m (+ 15% headroom = 11.5 cores), limited to the bound of [100m, 4], to 4.",
    );
    expect(body).toContain(
      "- ⚠️ limited **bounds**: limited to the bound: 11500m recommended, 4 proposed (bounds [100m, 4])",
    );
  });

  it("without replicas in the manifest, says so rather than guessing a total", () => {
    const d = decide({ files: { "d.yaml": deployment("500m").replace("  replicas: 3\n", "") } });
    expect(totalReserved(d)).toBe("+0.19 cores per replica; replicas unknown");
    expect(firstScreen(renderPrBody(d, "30m"))).toContain("| unknown |");
  });

  it("says what happens on merge and on close, with the guardrails, the cooldown and the commands", () => {
    const body = renderPrBody(decide({}), "30m");
    // An increase cannot cause throttling (harmedBy: decrease): its breach holds, never reverts.
    expect(body).toContain(
      "- **Merge** → applied 5m after the merge, then watched for 30m; a breach of **cpu-throttling** is not reverted: an increase cannot cause it (harmedBy: decrease), so the lever holds for a person. The verdict is commented here.",
    );
    const down = decide({
      files: { "d.yaml": deployment("2") },
      signals: { usage: () => 0.3, throttling: () => 0 },
    });
    expect(renderPrBody(down, "30m")).toContain(
      "- **Merge** → applied 5m after the merge, then watched for 30m; reverted automatically on **cpu-throttling** over 0.1 on 2 consecutive evaluations.",
    );
    expect(body).toContain(
      "- **Close** → counts as a rejection: no new proposal for this lever for 24h (cooldown).",
    );
    expect(body).toContain("`/governor hold [reason]`");
  });

  it("puts the hypothesis threshold and the guardrail limit on the same signal side by side", () => {
    const body = renderPrBody(decide({}), "30m");
    expect(body).toContain(
      "| throttling | throttling should fall from 0.01 and stay below 0.05 within 30m | cpu-throttling: max 0.1 (a breach holds the lever, never reverts it: harmedBy decrease) |",
    );
    expect(body).toContain("missing it does not revert. The guardrail is the limit that does");
  });

  it("a re-proposal of a reverted value links the earlier PR and says what is different", () => {
    const reverted: LedgerChange = {
      decision: "20261120T100000Z-cpu",
      ref: "#41",
      lever: "cpu",
      policy: "k8s-cpu-request",
      from: "500m",
      to: "690m",
      direction: "up",
      proposedAt: NOW - 3 * DAY,
      state: "applied",
      appliedAt: NOW - 3 * DAY,
      revertedAt: NOW - 2 * DAY,
      verdict: "fail",
    };
    const d = decide({ ledger: { changes: [reverted], holds: [], resumes: [] } });
    expect(d.decision).toBe("propose");
    const top = firstScreen(renderPrBody(d, "30m"));
    expect(top).toContain(
      "This value was tried before: `500m` → `690m` (#41) was reverted on 2026-11-21 10:00 UTC.",
    );
    expect(top).toContain(
      "What is different now: only the data — 2d of the 7d of evidence is from after the revert; the rest is what it was proposed on; the cooldown since the revert has passed. A second revert within 14 days holds the lever.",
    );
    // Inside the cooldown since the revert, the engine refuses it.
    const early = decide({
      ledger: { changes: [{ ...reverted, revertedAt: NOW - 3_600_000 }], holds: [], resumes: [] },
    });
    expect(early.decision).toBe("blocked");
    expect(early.reason).toMatch(/^cooldown: last changed 1h ago \(690m → 500m, a revert\)/);
  });

  it("the chart shows the signal, the current and the proposed value over the whole lookback", () => {
    const d = decide({ signals: { usage: (t) => (t < NOW - 6 * DAY ? 0.4 : 0.6), throttling: () => 0 } });
    const body = renderPrBody(d, "30m");
    const chart = body.slice(
      body.indexOf("```mermaid"),
      body.indexOf("```\n", body.indexOf("```mermaid") + 3),
    );
    const lines = chart.split("\n").filter((l) => l.startsWith("  line ["));
    expect(lines).toHaveLength(3);
    const usage = JSON.parse(lines[0]?.slice(7) ?? "[]") as number[];
    expect(usage).toHaveLength(60);
    expect(usage[0]).toBe(0.4); // the first day is drawn, not only the last
    expect(usage.at(-1)).toBe(0.6);
    expect(JSON.parse(lines[1]?.slice(7) ?? "[]")).toEqual(Array(60).fill(0.5));
    expect(JSON.parse(lines[2]?.slice(7) ?? "[]")).toEqual(Array(60).fill(0.69));
    expect(body).toContain("blue: the current 500m; green: the proposed 690m.");
  });
});

describe("the numbers agree (property)", () => {
  it("the capped value, the change % and the total reserved agree for any usage, current value and replicas", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 4000 }),
        fc.double({ min: 0.05, max: 8, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        (millis, usage, replicas) => {
          const d = decide({
            files: { "d.yaml": deployment(`${millis}m`, replicas) },
            signals: { usage: () => usage, throttling: () => 0 },
          });
          if (d.decision !== "propose") return;
          const from = millis / 1000;
          const to = Number(d.to?.endsWith("m") ? Number.parseFloat(d.to) / 1000 : d.to);
          const n = stepNumbers(d);
          // maxStep: never more than ±50% of the current value.
          expect(Math.abs(to - from)).toBeLessThanOrEqual(from * 0.5 + 1e-9);
          expect(n.change).toBeCloseTo((to - from) / from, 9);
          expect(n.total).toBeCloseTo((to - from) * replicas, 9);
          const body = renderPrBody(d, "30m");
          const pct = `${to > from ? "+" : "−"}${Math.abs(((to - from) / from) * 100)
            .toFixed(1)
            .replace(/\.0$/, "")}%`;
          expect(firstScreen(body)).toContain(` | ${pct} | ${replicas} (spec.replicas) | `);
          const capped = d.checks.find((c) => c.name === "maxStep")?.limited === true;
          if (capped) {
            expect(firstScreen(body)).toMatch(
              new RegExp(`capped at [+−]50% of ${d.from} = ${d.to} by maxStep`),
            );
            expect(d.recommended).toBeDefined();
          } else expect(firstScreen(body)).not.toContain("capped");
        },
      ),
      { numRuns: 60 },
    );
  });
});

const PODINFO = join(REAL_WORLD, "k8s", "podinfo-deployment.yaml");
const PODINFO_HPA = join(REAL_WORLD, "k8s", "podinfo-hpa.yaml");
const haveRealWorld = existsSync(PODINFO) && existsSync(PODINFO_HPA);
if (!haveRealWorld) console.warn(`skipped: the real-world fixtures are absent (${REAL_WORLD})`);

describe.skipIf(!haveRealWorld)("a PR body for a real manifest (podinfo, with its HPA)", () => {
  it("counts the replicas from the HPA's minReplicas and shows everything on the first screen", () => {
    const text = readFileSync(PODINFO, "utf8");
    const hpas = extractHpas("podinfo-hpa.yaml", readFileSync(PODINFO_HPA, "utf8"));
    const [d] = plan(
      planInput({
        config: config("podinfo-deployment.yaml", "podinfo", "podinfod", "    allowWithHpa: true\n"),
        files: { "podinfo-deployment.yaml": text },
        signals: { usage: () => 0.131, throttling: () => 0.3 },
        hpas,
      }),
    );
    expect(d?.decision).toBe("propose");
    const top = firstScreen(renderPrBody(d as Decision, "30m"));
    expect(top).toContain(
      "**Why:** usage p95 over 7d is 0.131 cores, 131% of the current 0.1 cores: it uses more than it reserves.",
    );
    expect(top).toContain(
      "| `cpu` | `100m` → `150m` | +50% | 2 (HPA podinfo minReplicas) | +0.1 cores across 2 replicas | **low**: a 50% CPU increase",
    );
    expect(top).toContain("capped at +50% of 100m = 150m by maxStep");
  });
});
