import { describe, expect, it } from "vitest";
import { assessRisk, type RiskInput } from "../../../src/core/pr/risk.js";

const step = (over: Partial<RiskInput>): RiskInput => ({
  valueType: "cpu",
  leverKind: "request",
  direction: "down",
  change: 0.1,
  policyRisk: "low",
  ...over,
});

describe("risk from the size and direction of the step and the lever's kind", () => {
  it.each([
    [{ change: 0.5 }, "high", "a 50% CPU cut"],
    [{ change: 0.4 }, "high", "a 40% CPU cut"],
    [{ change: 0.25 }, "medium", "a 25% CPU cut"],
    [{ change: 0.1 }, "low", "a 10% CPU cut"],
    [{ valueType: "memory", change: 0.2 }, "high", "a 20% memory cut"],
    [{ valueType: "memory", change: 0.1 }, "medium", "a 10% memory cut"],
    [{ valueType: "integer", leverKind: "replicas", change: 0.34 }, "high", "a 34% replica cut"],
    [{ valueType: "integer", leverKind: "replicas", change: 0.1 }, "medium", "a 10% replica cut"],
    [{ direction: "up", change: 0.5 }, "low", "a 50% CPU increase"],
    [{ direction: "up", change: 1 }, "medium", "a 100% CPU increase: more than doubles the cost"],
    [
      { direction: "up", change: Number.POSITIVE_INFINITY },
      "medium",
      "the field is added: no value to compare with",
    ],
  ] as const)("%o is %s", (over, level, reason) => {
    expect(assessRisk(step(over))).toEqual({ level, reason });
  });

  it("never goes below the policy's declared risk", () => {
    expect(assessRisk(step({ change: 0.05, policyRisk: "medium" }))).toEqual({
      level: "medium",
      reason: "a 5% CPU cut; the policy is declared medium risk",
    });
    expect(assessRisk(step({ change: 0.5, policyRisk: "medium" })).level).toBe("high");
  });
});
