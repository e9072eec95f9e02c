import { describe, expect, it } from "vitest";
import { periodContaining, periodForDate } from "../../../../../server/domain/reconciliation/periods";
import {
  scheduleChange,
  scheduleDueReportDates,
  schedulePeriodContaining,
  schedulePeriodForDate,
  type CutSchedule,
} from "../../../../../server/domain/settings/index";

const MX = "America/Mexico_City";
const mx = (local: string) => new Date(`${local}-06:00`);
const H = 3_600_000;

describe("cut schedule: a cut-hour change takes effect from the next cut (A30-INV-02)", () => {
  const base: CutSchedule = [{ from: null, cutHour: "00:00", timeZone: MX }];

  it("without a change the schedule gives the same periods as periodForDate / periodContaining", () => {
    const six: CutSchedule = [{ from: null, cutHour: "06:00", timeZone: MX }];
    expect(schedulePeriodForDate(six, "2026-11-01")).toEqual(periodForDate("2026-11-01", "06:00", MX));
    // A30-INV-02 acceptance: 05:59 belongs to the period starting 2026-11-01T06:00, 06:00 to the next.
    expect(schedulePeriodContaining(six, mx("2026-11-02T05:59:00"))).toEqual(periodContaining(mx("2026-11-02T05:59:00"), "06:00", MX));
    expect(schedulePeriodContaining(six, mx("2026-11-02T06:00:00")).reportDate).toBe("2026-11-02");
  });

  it("00:00 → 06:00 changed at 2026-11-03 10:00: the next cut is 2026-11-04 06:00, the period of the 3rd lasts 30 h, no gap, no day skipped", () => {
    const change = scheduleChange(base, { cutHour: "06:00", timeZone: MX }, mx("2026-11-03T10:00:00"));
    if (!change.ok) throw new Error(change.error);
    expect(change.effectiveFrom).toBe("2026-11-04");
    expect(change.firstCutAt).toEqual(mx("2026-11-04T06:00:00"));
    expect(change.transition).toEqual({ reportDate: "2026-11-03", start: mx("2026-11-03T00:00:00"), end: mx("2026-11-04T06:00:00") });
    const periods = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"].map((d) => schedulePeriodForDate(change.schedule, d));
    for (let i = 1; i < periods.length; i++) expect(periods[i]!.start).toEqual(periods[i - 1]!.end);
    expect(periods.map((p) => (p.end.getTime() - p.start.getTime()) / H)).toEqual([24, 24, 30, 24, 24]);
    // An operation at 2026-11-04 03:00 stays in the period of the 3rd (before: it belonged to the 4th).
    expect(schedulePeriodContaining(change.schedule, mx("2026-11-04T03:00:00")).reportDate).toBe("2026-11-03");
    expect(schedulePeriodContaining(change.schedule, mx("2026-11-04T06:00:00")).reportDate).toBe("2026-11-04");
    // The due dates never skip or repeat a report date.
    expect(scheduleDueReportDates(change.schedule, mx("2026-11-04T05:59:00"), "2026-11-02", "2026-11-01")).toEqual([]);
    expect(scheduleDueReportDates(change.schedule, mx("2026-11-04T06:00:00"), "2026-11-02", "2026-11-01")).toEqual(["2026-11-03"]);
    expect(scheduleDueReportDates(change.schedule, mx("2026-11-06T07:00:00"), "2026-11-03", "2026-11-01")).toEqual(["2026-11-04", "2026-11-05"]);
  });

  it("06:00 → 00:00 changed at 2026-11-03 10:00: the period of the 3rd lasts 18 h and the 4th starts at 00:00", () => {
    const six: CutSchedule = [{ from: null, cutHour: "06:00", timeZone: MX }];
    const change = scheduleChange(six, { cutHour: "00:00", timeZone: MX }, mx("2026-11-03T10:00:00"));
    if (!change.ok) throw new Error(change.error);
    expect(change.effectiveFrom).toBe("2026-11-04");
    expect(change.transition).toEqual({ reportDate: "2026-11-03", start: mx("2026-11-03T06:00:00"), end: mx("2026-11-04T00:00:00") });
    expect(schedulePeriodForDate(change.schedule, "2026-11-04")).toEqual({ reportDate: "2026-11-04", start: mx("2026-11-04T00:00:00"), end: mx("2026-11-05T00:00:00") });
  });

  it("the first new cut is never in the past: 06:00 → 02:00 changed at 03:00 of the next day waits one more day", () => {
    const six: CutSchedule = [{ from: null, cutHour: "06:00", timeZone: MX }];
    // 2026-11-04 03:00 is still in the period of the 3rd (until 06:00); 2026-11-04 02:00 has passed.
    const change = scheduleChange(six, { cutHour: "02:00", timeZone: MX }, mx("2026-11-04T03:00:00"));
    if (!change.ok) throw new Error(change.error);
    expect(change.effectiveFrom).toBe("2026-11-05");
    expect(change.firstCutAt).toEqual(mx("2026-11-05T02:00:00"));
    expect(schedulePeriodForDate(change.schedule, "2026-11-03").end).toEqual(mx("2026-11-04T06:00:00"));
    expect((change.transition.end.getTime() - change.transition.start.getTime()) / H).toBe(20);
  });

  it("a second change before the first took effect replaces it; past entries are kept", () => {
    const first = scheduleChange(base, { cutHour: "06:00", timeZone: MX }, mx("2026-11-03T10:00:00"));
    if (!first.ok) throw new Error(first.error);
    const second = scheduleChange(first.schedule, { cutHour: "04:00", timeZone: MX }, mx("2026-11-03T11:00:00"));
    if (!second.ok) throw new Error(second.error);
    expect(second.schedule).toEqual([
      { from: null, cutHour: "00:00", timeZone: MX },
      { from: "2026-11-04", cutHour: "04:00", timeZone: MX },
    ]);
    // Once in force, a later change keeps the history so past periods are unchanged.
    const third = scheduleChange(second.schedule, { cutHour: "08:00", timeZone: MX }, mx("2026-11-10T10:00:00"));
    if (!third.ok) throw new Error(third.error);
    expect(third.schedule).toHaveLength(3);
    expect(schedulePeriodForDate(third.schedule, "2026-11-03").end).toEqual(mx("2026-11-04T04:00:00"));
    expect(schedulePeriodForDate(third.schedule, "2026-11-10").end).toEqual(mx("2026-11-11T08:00:00"));
  });

  it("a time-zone change applies the same way (Tijuana is UTC−08:00 in November)", () => {
    const change = scheduleChange(base, { cutHour: "00:00", timeZone: "America/Tijuana" }, mx("2026-11-03T10:00:00"));
    if (!change.ok) throw new Error(change.error);
    expect(change.firstCutAt).toEqual(new Date("2026-11-04T00:00:00-08:00"));
    expect((change.transition.end.getTime() - change.transition.start.getTime()) / H).toBe(26);
    expect(scheduleChange(base, { cutHour: "25:00", timeZone: MX }, mx("2026-11-03T10:00:00"))).toMatchObject({ ok: false });
    expect(scheduleChange(base, { cutHour: "01:00", timeZone: "Marte/Olympus" }, mx("2026-11-03T10:00:00"))).toMatchObject({ ok: false });
  });
});
