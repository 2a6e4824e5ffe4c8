import { describe, expect, it } from "vitest";
import { revertCap } from "../../../src/core/engine/revert-cap.js";
import { capReverts, type WatchAction } from "../../../src/core/reconcile/watch-actions.js";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const MIN = 60_000;

describe("revertCap: at most 3 reverts an hour in a repository", () => {
  it.each([
    { past: [], allowed: true },
    { past: [NOW - 10 * MIN, NOW - 20 * MIN], allowed: true },
    { past: [NOW - 10 * MIN, NOW - 20 * MIN, NOW - 59 * MIN], allowed: false },
    { past: [NOW - 10 * MIN, NOW - 20 * MIN, NOW - 60 * MIN], allowed: true }, // an hour ago is out of the hour
    { past: [NOW - 61 * MIN, NOW - 90 * MIN, NOW - 120 * MIN, NOW - 180 * MIN], allowed: true },
  ])("$past.length past reverts → allowed: $allowed", ({ past, allowed }) => {
    expect(revertCap(past, NOW).allowed).toBe(allowed);
  });

  it("says why, in words a person can act on", () => {
    expect(revertCap([NOW, NOW - MIN, NOW - 2 * MIN, NOW - 3 * MIN], NOW)).toEqual({
      allowed: false,
      reason:
        "4 reverts in the last hour already (at most 3); a metrics problem is more likely — a person decides",
    });
  });
});

describe("capReverts: the cap over one tick's watch actions, in order", () => {
  const revert = (lever: string, number: number): WatchAction => ({
    type: "revert",
    lever,
    number,
    branch: `governor/revert-${lever}`,
    title: "t",
    body: "b",
    file: "d.yaml",
    text: "x",
    message: "m",
    comment: "❌ breach\n\nGovernor opened a revert.",
    breach: "❌ breach",
  });
  const verified: WatchAction = { type: "verified", lever: "v", number: 9, comment: "✅" };

  it("counts the reverts of this tick with the past ones; the ones past the cap become capped, the rest is untouched", () => {
    const out = capReverts([revert("a", 1), verified, revert("b", 2), revert("c", 3)], [NOW - 30 * MIN], NOW);
    expect(out.map((a) => a.type)).toEqual(["revert", "verified", "revert", "capped"]);
    expect(out[3]).toEqual({
      type: "capped",
      lever: "c",
      number: 3,
      comment:
        "❌ breach\n\nNo revert: 3 reverts in the last hour already (at most 3); a metrics problem is more likely — a person decides. The lever holds.",
    });
  });
});
