import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PrMetadata, parseMetadata, renderMetadata } from "../../src/core/pr/metadata.js";

const META: PrMetadata = {
  v: 1,
  kind: "change",
  lever: "checkout-cpu",
  policy: "k8s-cpu-request",
  decision: "20261123T100000Z-checkout-cpu",
  from: "500m",
  to: "750m",
  direction: "up",
  file: "apps/checkout/deployment.yaml",
  proposedAt: 1_795_000_000_000,
};
const KEY = "webhook-secret";

describe("PR metadata", () => {
  it("round-trips inside a PR body", () => {
    const body = `# Tune\n\nsome text\n\n${renderMetadata(META, KEY)}\n`;
    expect(parseMetadata(body, KEY)).toEqual({ ok: true, value: META });
  });

  it("detects an edited block", () => {
    const block = renderMetadata(META, KEY);
    const forged = renderMetadata({ ...META, to: "4" }, "another-key");
    expect(parseMetadata(forged, KEY)).toEqual({ ok: false, error: "tampered" });
    const payload = /governor:v1:([^:]+):/.exec(block)?.[1] ?? "";
    const edited = block.replace(
      payload,
      Buffer.from(JSON.stringify({ ...META, to: "4" })).toString("base64url"),
    );
    expect(parseMetadata(edited, KEY)).toEqual({ ok: false, error: "tampered" });
  });

  it("says when there is none", () => {
    expect(parseMetadata("a human PR", KEY)).toEqual({ ok: false, error: "missing" });
    expect(parseMetadata(null, KEY)).toEqual({ ok: false, error: "missing" });
  });

  it("never accepts a body that was not signed with the key (property)", () => {
    fc.assert(
      fc.property(fc.string(), (body) => {
        expect(parseMetadata(body, KEY).ok).toBe(false);
      }),
    );
  });
});
