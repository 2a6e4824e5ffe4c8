import { describe, expect, it } from "vitest";
import type { PrMetadata } from "../../../src/core/pr/metadata.js";
import { watchCadence } from "../../../src/core/reconcile/cadence.js";
import type { GovernedRequest } from "../../../src/core/reconcile/change-requests.js";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const WATCH = { interval: "1m", window: "30m" };
const meta = (kind: "change" | "revert", extra: Partial<PrMetadata> = {}): PrMetadata => ({
  v: 1,
  kind,
  lever: "cpu",
  policy: "k8s-cpu-request",
  decision: "d1",
  from: "500m",
  to: "690m",
  direction: "up",
  file: "apps/d.yaml",
  proposedAt: NOW - 7_200_000,
  ...extra,
});
const pr = (
  m: PrMetadata,
  mergedAt: number | undefined,
  labels: string[] = ["governor"],
): GovernedRequest => ({
  request: {
    number: 12,
    state: mergedAt === undefined ? "open" : "closed",
    createdAt: NOW - 7_200_000,
    mergedAt,
    body: "",
    labels,
    branch: "governor/cpu",
  },
  meta: m,
});
const applied = (at: number | undefined) => () => at;

describe("watchCadence: watch.interval while a merged change has no verdict, else the schedule's", () => {
  it("applied and inside its window (or the extension): watch.interval", () => {
    expect(watchCadence([pr(meta("change"), NOW - 600_000)], applied(NOW - 300_000), WATCH, NOW)).toBe(
      60_000,
    );
    // 50 minutes after it was applied: in the extension of an inconclusive window.
    expect(watchCadence([pr(meta("change"), NOW - 3_000_000)], applied(NOW - 3_000_000), WATCH, NOW)).toBe(
      60_000,
    );
  });

  it("merged and waiting to be applied: watch.interval for a day, then the schedule's", () => {
    expect(watchCadence([pr(meta("change"), NOW - 600_000)], applied(undefined), WATCH, NOW)).toBe(60_000);
    expect(
      watchCadence([pr(meta("change"), NOW - 25 * 3_600_000)], applied(undefined), WATCH, NOW),
    ).toBeUndefined();
  });

  it("judged (a verdict label), reverted, past its extension, or not merged: the schedule's", () => {
    for (const label of ["governor:verified", "governor:inconclusive", "governor:needs-human"])
      expect(
        watchCadence(
          [pr(meta("change"), NOW - 600_000, ["governor", label])],
          applied(NOW - 300_000),
          WATCH,
          NOW,
        ),
      ).toBeUndefined();
    const revert = pr(meta("revert", { decision: "r1", reverts: "d1" }), undefined);
    expect(
      watchCadence([pr(meta("change"), NOW - 600_000), revert], applied(NOW - 300_000), WATCH, NOW),
    ).toBeUndefined();
    expect(
      watchCadence([pr(meta("change"), NOW - 7_200_000)], applied(NOW - 7_200_000), WATCH, NOW),
    ).toBeUndefined();
    expect(watchCadence([pr(meta("change"), undefined)], applied(undefined), WATCH, NOW)).toBeUndefined();
  });
});
