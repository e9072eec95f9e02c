/**
 * The console's clock. TLS responses stamp reports and deliveries with `YYMMDDHHmm` in the
 * console's own local time and carry no zone (Serial Interface Manual 576013-635 §7, "YYMMDDHHmm -
 * Current Date and Time"), so the collector needs the installation's IANA zone to place them on
 * the time line. Pure: no clock of its own; the zone rules come from the runtime's ICU data.
 */

import { isValidTimeZone, zonedFields, zoneOffsetMs } from "../../../server/domain/time/zoned";

/** Calendar fields as the console prints them (year already expanded to four digits). */
export interface ConsoleDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export { isValidTimeZone };

/** Wall-clock fields of `date` in `timeZone`, seconds dropped (the console prints minutes). */
export function dateToConsoleTime(date: Date, timeZone: string): ConsoleDateTime {
  const fields = zonedFields(date.getTime(), timeZone);
  return { year: fields.year, month: fields.month, day: fields.day, hour: fields.hour, minute: fields.minute };
}

/**
 * The instant a console stamp denotes in `timeZone`. Returns null for an impossible calendar date
 * (30 February) or a wall time skipped by a daylight-saving jump. For a repeated wall time (the
 * hour after DST ends) the earlier instant is chosen. Mexico (except the northern border) has had
 * no DST since 2022, so both cases only matter for consoles configured in other zones.
 */
export function consoleTimeToDate(time: ConsoleDateTime, timeZone: string): Date | null {
  const { year, month, day, hour, minute } = time;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  // Try both offsets around the guess; keep the candidates whose local fields match.
  const candidates = new Set<number>();
  for (const probe of [asUtc - 86_400_000, asUtc, asUtc + 86_400_000]) {
    candidates.add(asUtc - zoneOffsetMs(probe, timeZone));
  }
  const matches = [...candidates].filter((instant) => sameFields(zonedFields(instant, timeZone), time)).sort((a, b) => a - b);
  const first = matches[0];
  return first === undefined ? null : new Date(first);
}

/** `YYMMDDHHmm` (two-digit year, 2000–2099). */
export function formatConsoleTime(time: ConsoleDateTime): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(time.year % 100)}${two(time.month)}${two(time.day)}${two(time.hour)}${two(time.minute)}`;
}

function sameFields(a: ConsoleDateTime, b: ConsoleDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}
