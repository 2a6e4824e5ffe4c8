import { describe, expect, it } from "vitest";
import { renderSignedBlock } from "../../../src/core/pr/signed-block.js";
import { DASHBOARD_MARKER, type DashboardState, EMPTY_STATE } from "../../../src/core/reconcile/dashboard.js";
import { pickDashboard } from "../../../src/core/reconcile/dashboard-issue.js";

const KEY = "k";
const hold = (reason: string, since: number) => ({
  scope: { kind: "repo" as const },
  reason,
  since,
  by: "p",
});
const body = (state: DashboardState, marker = true) =>
  `${marker ? `${DASHBOARD_MARKER}\n` : ""}text\n${renderSignedBlock("state", state, KEY)}\n`;

describe("pickDashboard: which open issue is the dashboard", () => {
  it("the oldest issue with Governor's marker, whatever order GitHub lists them in; newer ones are duplicates", () => {
    const issues = [
      { number: 9, body: body(EMPTY_STATE) },
      { number: 4, body: "a person's issue that has the label" },
      { number: 5, body: body(EMPTY_STATE) },
    ];
    const found = pickDashboard(issues, KEY);
    expect(found.kept?.number).toBe(5);
    expect(found.duplicates.map((d) => d.number)).toEqual([9]);
  });

  it("keeps what people decided on every one of them: a hold recorded on a duplicate is not lost", () => {
    const a = { ...EMPTY_STATE, holds: [hold("freeze", 1)] };
    const b = { ...EMPTY_STATE, holds: [hold("freeze", 1), hold("incident", 2)] };
    const found = pickDashboard(
      [
        { number: 3, body: body(a) },
        { number: 7, body: body(b) },
      ],
      KEY,
    );
    expect(found.state.holds.map((h) => h.reason)).toEqual(["freeze", "incident"]);
  });

  it("a dashboard written before the marker (its signed state) is still found", () => {
    expect(pickDashboard([{ number: 2, body: body(EMPTY_STATE, false) }], KEY).kept?.number).toBe(2);
    expect(pickDashboard([], KEY)).toMatchObject({ kept: undefined, duplicates: [], state: EMPTY_STATE });
  });
});
