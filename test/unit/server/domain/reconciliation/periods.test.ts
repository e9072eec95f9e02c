import { describe, expect, it } from "vitest";
import {
  addDays,
  dueReportDates,
  isLastDayOfMonth,
  localDate,
  periodContaining,
  periodForDate,
  zonedInstant,
} from "../../../../../server/domain/reconciliation/index";

describe("cut periods in the installation's IANA zone (A30-INV-02)", () => {
  it("cut 06:00 America/Mexico_City: 2026-11-02T05:59 belongs to the period starting 2026-11-01T06:00; 06:00 to the next", () => {
    const p = periodContaining(new Date("2026-11-02T05:59:00-06:00"), "06:00", "America/Mexico_City");
    expect(p.reportDate).toBe("2026-11-01");
    expect(p.start.toISOString()).toBe("2026-11-01T12:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-11-02T12:00:00.000Z");
    expect(periodContaining(new Date("2026-11-02T06:00:00-06:00"), "06:00", "America/Mexico_City").reportDate).toBe("2026-11-02");
  });

  it("cut 00:00: the report date is the day of the operations and the record is stamped at the next midnight (A30-REC-02)", () => {
    const p = periodForDate("2026-11-01", "00:00", "America/Mexico_City");
    expect(p.start.toISOString()).toBe("2026-11-01T06:00:00.000Z");
    expect(p.end.toISOString()).toBe("2026-11-02T06:00:00.000Z");
    expect(periodContaining(new Date("2026-11-01T23:59:59.999-06:00"), "00:00", "America/Mexico_City").reportDate).toBe("2026-11-01");
  });

  it("America/Mexico_City has no DST since 2022: the first Sunday of April 2026 is a 24 h period", () => {
    const p = periodForDate("2026-04-05", "00:00", "America/Mexico_City");
    expect(p.end.getTime() - p.start.getTime()).toBe(24 * 3_600_000);
  });

  it("DST zone America/Tijuana: spring-forward day lasts 23 h, fall-back day 25 h, local cut hour kept", () => {
    const spring = periodForDate("2026-03-08", "00:00", "America/Tijuana");
    expect(spring.start.toISOString()).toBe("2026-03-08T08:00:00.000Z"); // PST −08:00
    expect(spring.end.toISOString()).toBe("2026-03-09T07:00:00.000Z"); // PDT −07:00
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3_600_000);
    const fall = periodForDate("2026-11-01", "00:00", "America/Tijuana");
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * 3_600_000);
  });

  it("a cut hour inside the spring-forward gap falls on the first instant after it; a repeated hour on its first occurrence", () => {
    expect(zonedInstant("2026-03-08", "02:30", "America/Tijuana").toISOString()).toBe("2026-03-08T10:30:00.000Z"); // 03:30 PDT
    expect(zonedInstant("2026-11-01", "01:30", "America/Tijuana").toISOString()).toBe("2026-11-01T08:30:00.000Z"); // 01:30 PDT (first)
  });

  it("zones east of UTC and dates across year ends", () => {
    expect(zonedInstant("2026-01-01", "00:00", "Asia/Tokyo").toISOString()).toBe("2025-12-31T15:00:00.000Z");
    expect(localDate(new Date("2025-12-31T15:00:00Z"), "Asia/Tokyo")).toBe("2026-01-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(isLastDayOfMonth("2028-02-29")).toBe(true);
    expect(isLastDayOfMonth("2026-11-29")).toBe(false);
  });

  it("A30-INV-01: due report dates are those after the last cut whose period has ended", () => {
    const now = new Date("2026-11-04T00:00:30-06:00");
    expect(dueReportDates(now, "00:00", "America/Mexico_City", "2026-11-01", "2026-10-01")).toEqual(["2026-11-02", "2026-11-03"]);
    expect(dueReportDates(now, "00:00", "America/Mexico_City", "2026-11-03", "2026-10-01")).toEqual([]);
    expect(dueReportDates(new Date("2026-11-03T23:59:59-06:00"), "00:00", "America/Mexico_City", null, "2026-11-03")).toEqual([]);
    expect(dueReportDates(now, "00:00", "America/Mexico_City", null, "2026-11-03")).toEqual(["2026-11-03"]);
  });
});
