import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../../src/core/units/duration.js";

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["7d", 604_800_000],
    ["1w", 604_800_000],
    ["1y", 31_536_000_000],
    ["250ms", 250],
    ["1h0m5s", 3_605_000],
  ])("%s = %d ms", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each(["", "5", "m", "1.5h", "5 m", "-5m", "30m1h", "1h1h", "1x", "1H"])("refuses %j", (text) => {
    const r = parseDuration(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/duration/);
  });

  it("says why a duration is out of order", () => {
    expect(parseDuration("30m1h")).toEqual({
      ok: false,
      error: expect.stringContaining("largest to smallest"),
    });
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [5_400_000, "1h30m"],
    [604_800_000, "7d"],
    [1500, "1s500ms"],
  ])("%d ms prints %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });
});
