import { describe, expect, it } from "vitest";
import { evidenceFor } from "../../../src/core/engine/evidence.js";
import { rangeKey } from "../../../src/core/signals/recording.js";
import type { SignalRequest } from "../../../src/core/signals/requests.js";
import type { SignalData } from "../../../src/core/signals/source.js";

describe("evidence", () => {
  it("summarises a signal of more samples than a function call takes arguments (a hand-made recording can hold that many)", () => {
    const request: SignalRequest = {
      lever: "l",
      name: "usage",
      kind: "signal",
      query: "up",
      start: 0,
      end: 300_000_000,
      step: 1_000,
    };
    const n = 300_000;
    const samples = Array.from({ length: n }, (_, i) => ({ t: i * 1_000, v: i === 123_456 ? 9 : 1 }));
    const answers = new Map<string, SignalData>([
      [rangeKey(request), { status: "ok", samples, warnings: [], dropped: 0 }],
    ]);
    const [row] = evidenceFor([request], answers, {});
    expect(row?.value).toBe(`mean 1, p95 1, max 9 over ${n} samples`);
  });
});
