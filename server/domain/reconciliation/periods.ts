/**
 * Daily cut periods (A30-INV-02, A30-REC-02): the cut hour is a local wall-clock time (HH:MM) in
 * the installation's IANA time zone; the period of report date D is [cut(D), cut(D + 1)), and the
 * report date of a period is the local date on which it starts. With a 00:00 cut the report date
 * is the day of the operations. Computed with Intl only (no time-zone library).
 *
 * DST: in zones with daylight saving time the local cut hour is kept, so the period that contains
 * a clock change lasts 23 h or 25 h. A cut hour that does not exist on a spring-forward day
 * (e.g. 02:30) falls on the first instant after the gap; one that happens twice on a fall-back
 * day is the first occurrence. America/Mexico_City has had no DST since 2022.
 */
import { isValidTimeZone, zonedFields, zoneOffsetMs } from "../time/zoned";

export { isValidTimeZone };

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Is `date` a real calendar date YYYY-MM-DD? */
export function isValidDate(date: string): boolean {
  const m = DATE_PATTERN.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function isValidCutHour(cutHour: string): boolean {
  return HHMM_PATTERN.test(cutHour);
}

/** Wall-clock fields of an instant in a zone, as a UTC millisecond count (seconds kept). */
function localWallMs(instantMs: number, timeZone: string): number {
  const f = zonedFields(instantMs, timeZone);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
}

/** The instant at which the local wall clock of `timeZone` shows `date` `time` (see DST notes above). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const d = DATE_PATTERN.exec(date);
  const t = HHMM_PATTERN.exec(time);
  if (!d || !isValidDate(date)) throw new RangeError(`fecha inválida: ${date}`);
  if (!t) throw new RangeError(`hora inválida: ${time}`);
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  const before = zoneOffsetMs(wall - 86_400_000, timeZone);
  const after = zoneOffsetMs(wall + 86_400_000, timeZone);
  const candidates = [...new Set([before, after])].map((o) => wall - o).filter((instant) => localWallMs(instant, timeZone) === wall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a spring-forward gap: apply the offset in force before the change → first instant after the gap.
  return new Date(wall - before);
}

export function addDays(date: string, days: number): string {
  const m = DATE_PATTERN.exec(date);
  if (!m) throw new RangeError(`fecha inválida: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days)).toISOString().slice(0, 10);
}

/** Local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(localWallMs(instant.getTime(), timeZone)).toISOString().slice(0, 10);
}

export interface CutPeriod {
  /** Local date on which the period starts (A30-INV-02). */
  reportDate: string;
  /** Previous cut (inclusive). */
  start: Date;
  /** This cut (exclusive): the instant the inventory record is stamped with. */
  end: Date;
}

export function periodForDate(reportDate: string, cutHour: string, timeZone: string): CutPeriod {
  return { reportDate, start: zonedInstant(reportDate, cutHour, timeZone), end: zonedInstant(addDays(reportDate, 1), cutHour, timeZone) };
}

/** The period an instant belongs to: [cut n−1, cut n) — an operation exactly at the cut belongs to the next period. */
export function periodContaining(instant: Date, cutHour: string, timeZone: string): CutPeriod {
  const local = localDate(instant, timeZone);
  for (const candidate of [addDays(local, 1), local, addDays(local, -1)]) {
    const period = periodForDate(candidate, cutHour, timeZone);
    if (instant.getTime() >= period.start.getTime() && instant.getTime() < period.end.getTime()) return period;
  }
  throw new Error(`no se encontró el periodo de ${instant.toISOString()} en ${timeZone}`);
}

/**
 * Report dates whose cut is due at `now` and has not been made: every date after `lastDone`
 * (exclusive; null = none made yet, then starting at `firstDate`) whose period has ended.
 */
export function dueReportDates(now: Date, cutHour: string, timeZone: string, lastDone: string | null, firstDate: string): string[] {
  const latestEnded = addDays(periodContaining(now, cutHour, timeZone).reportDate, -1);
  const dates: string[] = [];
  for (let d = lastDone === null ? firstDate : addDays(lastDone, 1); d <= latestEnded; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** "2026-11" of a report date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** Last calendar day of the month of `date`. */
export function isLastDayOfMonth(date: string): boolean {
  return addDays(date, 1).slice(8, 10) === "01";
}
