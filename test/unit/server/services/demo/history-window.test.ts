import { describe, expect, it } from "vitest";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { demoHistoryDaysSincePreviousMonth, demoHistoryWindow } from "../../../../../server/services/demo/history";

/**
 * Issue #6 item 14: a fresh demo database gets the previous full calendar month and the current
 * month to date. The demo installations cut at 00:00 Mexico City (06:00 UTC).
 */
describe("demo history window (issue #6 item 14)", () => {
  it("on 2026-12-07 07:00 local it covers 1 November … 6 December: 36 periods, the first starting at the November 1 cut", () => {
    const now = new Date("2026-12-07T13:00:00Z");
    const days = demoHistoryDaysSincePreviousMonth(DEMO_SITE, now);
    expect(days).toBe(36);
    const window = demoHistoryWindow(DEMO_SITE, now, days);
    expect(window.firstPeriodStart.toISOString()).toBe("2026-11-01T06:00:00.000Z");
    expect(window.cutInstants).toHaveLength(36);
    expect(window.cutInstants.at(-1)!.toISOString()).toBe("2026-12-07T06:00:00.000Z");
  });

  it("before the day's cut the current period is still yesterday's: 1 December 05:00 local → all of November (30 periods … to 30 Nov)", () => {
    const now = new Date("2026-12-01T11:00:00Z"); // 05:00 local, after the 00:00 cut of 1 December
    expect(demoHistoryDaysSincePreviousMonth(DEMO_SITE, now)).toBe(30);
    const window = demoHistoryWindow(DEMO_SITE, now, 30);
    expect(window.firstPeriodStart.toISOString()).toBe("2026-11-01T06:00:00.000Z");
    expect(window.cutInstants.at(-1)!.toISOString()).toBe("2026-12-01T06:00:00.000Z");
  });

  it("crosses the year: 2027-01-15 → all of December 2026 and 1–14 January (45 periods)", () => {
    expect(demoHistoryDaysSincePreviousMonth(DEMO_SITE, new Date("2027-01-15T18:00:00Z"))).toBe(45);
  });

  it("a leap February: 2028-03-02 → 29 + 1 = 30 periods", () => {
    expect(demoHistoryDaysSincePreviousMonth(DEMO_SITE, new Date("2028-03-02T18:00:00Z"))).toBe(30);
  });
});
