import { describe, expect, it } from "vitest";
import type { Decision } from "../../../src/core/engine/decision.js";
import { plan } from "../../../src/core/engine/plan.js";
import { type PrMetadata, renderMetadata } from "../../../src/core/pr/metadata.js";
import { planActions } from "../../../src/core/reconcile/actions.js";
import {
  type ChangeRequest,
  LABEL,
  ledgerFromChangeRequests,
} from "../../../src/core/reconcile/change-requests.js";
import { HOUR, NOW, planInput } from "../../helpers/engine.js";

const KEY = "secret";
const DEPLOYMENT =
  "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          resources: {requests: {cpu: 500m}}\n";
const CONFIG = `version: 1\nlevers:\n  - {id: cpu, policy: k8s-cpu-request, target: {file: d.yaml, kind: Deployment, name: d, container: c, field: resources.requests.cpu}, selector: '{pod="d"}', bounds: {min: 100m, max: "4"}}\n`;
const decisions = (usage: number): Decision[] =>
  plan(
    planInput({
      config: CONFIG,
      files: { "d.yaml": DEPLOYMENT },
      signals: { usage: () => usage, throttling: () => 0 },
    }),
  );
const meta = (over: Partial<PrMetadata> = {}): PrMetadata => ({
  v: 1,
  kind: "change",
  lever: "cpu",
  policy: "k8s-cpu-request",
  decision: "d1",
  from: "500m",
  to: "690m",
  direction: "up",
  file: "d.yaml",
  proposedAt: NOW - HOUR,
  ...over,
});
const pr = (over: Partial<ChangeRequest> & { meta?: PrMetadata } = {}): ChangeRequest => ({
  number: 7,
  state: "open",
  createdAt: NOW - HOUR,
  labels: [LABEL.governor],
  branch: "governor/cpu",
  body: `body\n${renderMetadata(over.meta ?? meta(), KEY)}`,
  ...over,
});
const open = (...prs: ChangeRequest[]) => ledgerFromChangeRequests(prs, KEY, () => undefined).governed;

describe("planActions: level-triggered, only the missing changes", () => {
  it("opens a PR for a proposal that has none", () => {
    const [a] = planActions(decisions(0.6), [], KEY, "30m", NOW);
    expect(a).toMatchObject({
      type: "open",
      lever: "cpu",
      branch: "governor/cpu",
      title: "Tune cpu: 500m → 690m",
      labels: ["governor", "governor:risk-low"],
    });
    expect(a?.type === "open" && a.body).toMatch(/<!-- governor:v1:[A-Za-z0-9_-]+:[0-9a-f]{64} -->\n$/);
  });

  it("does nothing when the open PR already proposes the same change", () => {
    expect(planActions(decisions(0.6), open(pr()), KEY, "30m", NOW)).toEqual([]);
  });

  it("updates the open PR when the recommendation changed, never a second PR", () => {
    const actions = planActions(decisions(0.65), open(pr()), KEY, "30m", NOW);
    expect(actions).toEqual([
      expect.objectContaining({ type: "update", number: 7, title: "Tune cpu: 500m → 748m" }),
    ]);
  });

  it("closes the open PR with the reason when the recommendation no longer holds", () => {
    const [a] = planActions(decisions(0.44), open(pr()), KEY, "30m", NOW);
    expect(a).toMatchObject({
      type: "close",
      number: 7,
      comment: expect.stringContaining("no longer holds.\n\nno change: the change would be"),
    });
  });
});

describe("the ledger read back from PRs", () => {
  it("open, merged, rejected, superseded, reverted, verified", () => {
    const { ledger } = ledgerFromChangeRequests(
      [
        pr({ number: 1 }),
        pr({
          number: 2,
          state: "closed",
          mergedAt: NOW - 2 * HOUR,
          meta: meta({ decision: "d2", lever: "a" }),
        }),
        pr({
          number: 3,
          state: "closed",
          closedAt: NOW - 3 * HOUR,
          meta: meta({ decision: "d3", lever: "b" }),
        }),
        pr({
          number: 4,
          state: "closed",
          closedAt: NOW,
          labels: [LABEL.governor, LABEL.superseded],
          meta: meta({ decision: "d4", lever: "c" }),
        }),
        pr({
          number: 5,
          state: "closed",
          mergedAt: NOW - 5 * HOUR,
          meta: meta({ decision: "d5", lever: "e" }),
        }),
        pr({
          number: 6,
          state: "closed",
          mergedAt: NOW - HOUR,
          labels: [LABEL.governor, LABEL.revert],
          meta: meta({ kind: "revert", decision: "r5", reverts: "d5", lever: "e" }),
        }),
        pr({
          number: 8,
          state: "closed",
          mergedAt: NOW - 9 * HOUR,
          labels: [LABEL.governor, LABEL.verified],
          meta: meta({ decision: "d8", lever: "f" }),
        }),
      ],
      KEY,
      (r) => (r.mergedAt ?? 0) + 5 * 60_000,
    );
    expect(
      ledger.changes.map((c) => [
        c.decision,
        c.state,
        c.verdict ?? null,
        c.appliedAt ?? null,
        c.revertedAt ?? null,
        c.rejectedAt ?? null,
      ]),
    ).toEqual([
      ["d1", "open", null, null, null, null],
      ["d2", "applied", null, NOW - 2 * HOUR + 300_000, null, null],
      ["d3", "rejected", null, null, null, NOW - 3 * HOUR],
      ["d5", "applied", "fail", NOW - 5 * HOUR + 300_000, NOW - HOUR, null],
      ["d8", "applied", "pass", NOW - 9 * HOUR + 300_000, null, null],
    ]);
    // A re-proposal links the earlier PR: each change knows its own.
    expect(ledger.changes.map((c) => c.ref)).toEqual(["#1", "#2", "#3", "#5", "#8"]);
  });

  it("leaves a PR with edited metadata to people", () => {
    const tampered = pr({ number: 9, body: pr().body.replace(/:([0-9a-f]{64})/, `:${"0".repeat(64)}`) });
    const r = ledgerFromChangeRequests([tampered, pr({ labels: ["other"] })], KEY, () => undefined);
    expect(r.needsHuman.map((p) => p.number)).toEqual([9]);
    expect(r.ledger.changes).toEqual([]);
  });
});

describe("the tuning PR body", () => {
  it("has, in order, the why and the summary row, what happens next, expectations, evidence, a Mermaid chart, rollback, folded checks and approval", () => {
    const [a] = planActions(decisions(0.6), [], KEY, "30m", NOW);
    const body = a?.type === "open" ? a.body : "";
    expect(body.startsWith("**Why:** usage p95 over 7d is 0.6 cores, 120% of the current 0.5 cores")).toBe(
      true,
    );
    const order = [
      "| lever | from → to | change | replicas | total reserved | risk | evidence window |",
      "**Expected:** throttling",
      "### What happens next",
      "### Expected effect and guardrails",
      "### Evidence",
      '```mermaid\n%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#8b949e, #1f6feb, #2da44e"}}}}%%\nxychart-beta\n  title "usage over the last 168h"\n  x-axis "hours" 0 --> 168\n  y-axis "cores"\n  line [0.6, ',
      "### Rollback plan",
      "<details><summary>Safety checks: ",
      "_Risk low: a person reviews and merges this._",
      "<!-- governor:v1:",
    ];
    const positions = order.map((s) => body.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
  });
});
