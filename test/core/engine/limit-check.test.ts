import { describe, expect, it } from "vitest";
import type { Decision } from "../../../src/core/engine/decision.js";
import { plan } from "../../../src/core/engine/plan.js";
import { planInput } from "../../helpers/engine.js";

/** A container whose request (line 10) and limit (line 12) are both set. */
const deployment = (request: string, limit: string | undefined) => `kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
        - name: c
          resources:
            requests:
              cpu: ${request}
${limit === undefined ? "" : `            limits:\n              cpu: ${limit}\n`}`;

const config = (field = "resources.requests.cpu", extra = "") => `version: 1
levers:
  - id: cpu
    policy: k8s-cpu-request
    target: {file: d.yaml, kind: Deployment, name: d, container: c, field: ${field}}
    selector: '{pod=~"d-.*"}'
    bounds: {min: 100m, max: "4"}
    maxStep: 0.5
    cooldown: 24h
${extra}`;

const decideOne = (file: string, usage: number, cfg = config()): Decision => {
  const [d] = plan(
    planInput({
      config: cfg,
      files: { "d.yaml": file },
      signals: { usage: () => usage, throttling: () => 0.01 },
    }),
  );
  if (!d) throw new Error("no decision");
  return d;
};
const limitOf = (d: Decision) => d.checks.find((c) => c.name === "limit");

describe("the limit check", () => {
  it("says so when no limit is set", () => {
    const d = decideOne(deployment("500m", undefined), 0.6);
    expect(d).toMatchObject({ decision: "propose", to: "690m" });
    expect(limitOf(d)).toEqual({ name: "limit", ok: true, detail: "no limit set" });
  });

  it("passes a request that stays at or below its limit", () => {
    const d = decideOne(deployment("500m", "1"), 0.6);
    expect(d).toMatchObject({ decision: "propose", to: "690m" });
    expect(limitOf(d)).toEqual({ name: "limit", ok: true, detail: "690m ≤ limit 1" });
    expect(d.limit).toBeUndefined();
  });

  it("caps a request at the limit (limit: keep, the default) and says so", () => {
    const d = decideOne(deployment("500m", "600m"), 0.6);
    expect(d).toMatchObject({ decision: "propose", to: "600m" });
    expect(d.reason).toContain("500m → 600m (capped at the limit 600m)");
    expect(limitOf(d)).toEqual({
      name: "limit",
      ok: true,
      limited: true,
      detail: "capped at the limit 600m",
    });
    expect(d.edit?.after).toBe(deployment("600m", "600m"));
  });

  it("proposes nothing when the cap is the current value", () => {
    const d = decideOne(deployment("500m", "500m"), 0.6);
    expect(d.decision).toBe("no-change");
    expect(limitOf(d)).toMatchObject({
      ok: false,
      detail: "capped at the limit 500m, which is the current value (d.yaml:12)",
    });
  });

  it("blocks when the request is already above its limit", () => {
    const d = decideOne(deployment("500m", "400m"), 0.6);
    expect(d.decision).not.toBe("propose");
    expect(limitOf(d)?.detail).toContain("is already above the limit 400m (d.yaml:12)");
  });

  it("moves the limit with the request with limit: ratio, in the same edit", () => {
    const d = decideOne(deployment("500m", "1"), 0.6, config(undefined, "    limit: ratio\n"));
    expect(d).toMatchObject({ decision: "propose", to: "690m" });
    expect(limitOf(d)).toEqual({ name: "limit", ok: true, detail: "limit moves 1 → 1380m (ratio 2.0)" });
    expect(d.limit).toEqual({ field: "resources.limits.cpu", from: "1", to: "1380m" });
    expect(d.reason).toContain("500m → 690m (limit 1 → 1380m)");
    expect(d.edit?.after).toBe(deployment("690m", "1380m"));
  });

  it("never takes a limit lever below its request", () => {
    const file = `${deployment("400m", "500m")}`;
    const d = decideOne(file, 0.05, config("resources.limits.cpu"));
    expect(d).toMatchObject({ decision: "propose", to: "400m" });
    expect(limitOf(d)).toEqual({
      name: "limit",
      ok: true,
      limited: true,
      detail: "capped at the request 400m",
    });
  });

  it("is not there for a lever that is neither a request nor a limit", () => {
    const d = decideOne(deployment("500m", "1"), 0.6, config("resources.claims"));
    expect(limitOf(d)).toBeUndefined();
  });
});
