/**
 * Wall-clock arithmetic in IANA time zones with Intl only (no time-zone library): shared by the
 * daily cut periods (A30-INV-02) and the Veeder-Root console clock, which both turn local wall
 * times into instants and back. Pure; the zone rules come from the runtime's ICU data.
 */
export interface ZonedFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows the zone (`America/Mexico_City`, `UTC`…). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local calendar and clock fields of an instant in `timeZone`. */
export function zonedFields(instantMs: number, timeZone: string): ZonedFields {
  const parts = formatterFor(timeZone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { year: get("year"), month: get("month"), day: get("day"), hour: get("hour"), minute: get("minute"), second: get("second") };
}

/** Offset of `timeZone` from UTC at an instant, ms (local − UTC). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const f = zonedFields(instantMs, timeZone);
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) - Math.floor(instantMs / 1000) * 1000;
}
