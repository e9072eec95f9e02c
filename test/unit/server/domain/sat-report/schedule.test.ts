import { describe, expect, it } from "vitest";
import { lastDayOfMonthOf, planScheduledReports, reportIdentity } from "../../../../../server/domain/sat-report/schedule";

// Issue #6 item 7 (A30-RPT-01/02): the daily report once the day's cut exists, the monthly report once the month's last cut exists.
describe("planScheduledReports (issue #6 item 7)", () => {
  it("plans the daily report of every complete cut date without one, oldest first", () => {
    const plan = planScheduledReports([{ installationKey: "EDS-0001", cutDates: ["2026-12-06", "2026-12-05", "2026-12-04"] }], new Set([reportIdentity("daily", "EDS-0001", "2026-12-05")]));
    expect(plan).toEqual([
      { kind: "daily", installationKey: "EDS-0001", period: "2026-12-04" },
      { kind: "daily", installationKey: "EDS-0001", period: "2026-12-06" },
    ]);
  });

  it("plans the monthly report when the month's last day is cut, after that day's daily report; never twice", () => {
    const installations = [{ installationKey: "TDA-0001", cutDates: ["2026-11-29", "2026-11-30", "2026-12-01"] }];
    expect(planScheduledReports(installations, new Set())).toEqual([
      { kind: "daily", installationKey: "TDA-0001", period: "2026-11-29" },
      { kind: "daily", installationKey: "TDA-0001", period: "2026-11-30" },
      { kind: "daily", installationKey: "TDA-0001", period: "2026-12-01" },
      { kind: "monthly", installationKey: "TDA-0001", period: "2026-11" },
    ]);
    const done = new Set(["2026-11-29", "2026-11-30", "2026-12-01"].map((d) => reportIdentity("daily", "TDA-0001", d)));
    done.add(reportIdentity("monthly", "TDA-0001", "2026-11"));
    expect(planScheduledReports(installations, done)).toEqual([]);
  });

  it("no monthly report while the month's last day has no cut; installations are independent", () => {
    const plan = planScheduledReports(
      [
        { installationKey: "EDS-0001", cutDates: ["2026-11-28", "2026-11-29"] },
        { installationKey: "TDA-0001", cutDates: [] },
      ],
      new Set(),
    );
    expect(plan.map((p) => p.kind)).toEqual(["daily", "daily"]);
  });

  it("lastDayOfMonthOf handles 30/31-day months, leap February and December", () => {
    expect(lastDayOfMonthOf("2026-11-05")).toBe("2026-11-30");
    expect(lastDayOfMonthOf("2026-12-31")).toBe("2026-12-31");
    expect(lastDayOfMonthOf("2028-02-10")).toBe("2028-02-29");
    expect(lastDayOfMonthOf("2027-02-10")).toBe("2027-02-28");
  });
});
