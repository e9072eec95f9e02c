import { z } from "zod";
import { addDays, isValidCutHour, isValidDate, isValidTimeZone, localDate, zonedInstant, type CutPeriod } from "../reconciliation/periods";

/**
 * Cut hour changes "take effect from the next cut" (A30-INV-02). An installation's cut schedule is
 * the list of (cut hour, time zone) in force from a report date on. The cut that opens report
 * date D is made at D's local cut hour under the entry in force for D, and period D is
 * [cut(D), cut(D + 1)): consecutive periods therefore always join — no gap, no overlap, no report
 * date skipped — and the one period that spans a change lasts 24 h ± the difference (e.g. 30 h
 * when 00:00 becomes 06:00, 18 h when 06:00 becomes 00:00), never zero or negative.
 * Pure: the caller passes `now`.
 */
export interface CutScheduleEntry {
  /** First report date whose opening cut uses this hour; null = since always. */
  from: string | null;
  cutHour: string;
  timeZone: string;
}

export type CutSchedule = readonly CutScheduleEntry[];

export const cutScheduleSchema = z
  .array(
    z.object({
      from: z.string().refine(isValidDate).nullable(),
      cutHour: z.string().refine(isValidCutHour),
      timeZone: z.string().refine(isValidTimeZone),
    }),
  )
  .min(1);

/** Sorted copy (null first). */
function sorted(schedule: CutSchedule): CutScheduleEntry[] {
  return [...schedule].sort((a, b) => (a.from === b.from ? 0 : a.from === null ? -1 : b.from === null ? 1 : a.from < b.from ? -1 : 1));
}

/** The entry in force for report date `date` (the earliest entry when none starts before it). */
export function entryFor(schedule: CutSchedule, date: string): CutScheduleEntry {
  const list = sorted(schedule);
  if (list.length === 0) throw new RangeError("calendario de corte vacío");
  let found = list[0]!;
  for (const e of list) if (e.from === null || e.from <= date) found = e;
  return found;
}

/** The instant of the cut that opens report date `date`. */
export function cutInstant(schedule: CutSchedule, date: string): Date {
  const e = entryFor(schedule, date);
  return zonedInstant(date, e.cutHour, e.timeZone);
}

export function schedulePeriodForDate(schedule: CutSchedule, reportDate: string): CutPeriod {
  return { reportDate, start: cutInstant(schedule, reportDate), end: cutInstant(schedule, addDays(reportDate, 1)) };
}

/** The period an instant belongs to: [cut n−1, cut n). */
export function schedulePeriodContaining(schedule: CutSchedule, instant: Date): CutPeriod {
  const zones = [...new Set(schedule.map((e) => e.timeZone))];
  const dates = new Set<string>();
  for (const tz of zones) {
    const local = localDate(instant, tz);
    for (const d of [-2, -1, 0, 1]) dates.add(addDays(local, d));
  }
  for (const candidate of [...dates].sort()) {
    const period = schedulePeriodForDate(schedule, candidate);
    if (instant.getTime() >= period.start.getTime() && instant.getTime() < period.end.getTime()) return period;
  }
  throw new Error(`no se encontró el periodo de ${instant.toISOString()}`);
}

/** Report dates after `lastDone` (or from `firstDate`) whose period has ended at `now`. */
export function scheduleDueReportDates(schedule: CutSchedule, now: Date, lastDone: string | null, firstDate: string): string[] {
  const latestEnded = addDays(schedulePeriodContaining(schedule, now).reportDate, -1);
  const dates: string[] = [];
  for (let d = lastDone === null ? firstDate : addDays(lastDone, 1); d <= latestEnded; d = addDays(d, 1)) dates.push(d);
  return dates;
}

export type ScheduleChange =
  | { ok: true; schedule: CutScheduleEntry[]; effectiveFrom: string; firstCutAt: Date; transition: CutPeriod }
  | { ok: false; error: string };

/**
 * A change of cut hour and/or time zone made at `now`: the period in progress keeps its opening;
 * the first cut at the new hour is the next one still in the future, i.e. the new entry is in
 * force from the first report date E after the current period's whose new cut instant is later
 * than `now`. A pending (future) change is replaced. The period that spans the change is
 * returned so the user can be told how long it lasts.
 */
export function scheduleChange(schedule: CutSchedule, change: { cutHour: string; timeZone: string }, now: Date): ScheduleChange {
  if (!isValidCutHour(change.cutHour)) return { ok: false, error: "Hora de corte: use el formato HH:MM de 00:00 a 23:59" };
  if (!isValidTimeZone(change.timeZone)) return { ok: false, error: "Zona horaria: no es una zona IANA válida" };
  const current = schedulePeriodContaining(schedule, now);
  // Entries that would only apply after the current period are superseded by this change.
  const kept = sorted(schedule).filter((e) => e.from === null || e.from <= current.reportDate);
  let effectiveFrom = addDays(current.reportDate, 1);
  for (let i = 0; i < 3 && zonedInstant(effectiveFrom, change.cutHour, change.timeZone).getTime() <= now.getTime(); i++) effectiveFrom = addDays(effectiveFrom, 1);
  const next = [...kept, { from: effectiveFrom, cutHour: change.cutHour, timeZone: change.timeZone }];
  const transitionDate = addDays(effectiveFrom, -1);
  const transition = schedulePeriodForDate(next, transitionDate);
  if (transition.end.getTime() <= transition.start.getTime()) {
    return { ok: false, error: "el cambio produciría un periodo de corte vacío o traslapado; elija otra hora o zona" };
  }
  return { ok: true, schedule: next, effectiveFrom, firstCutAt: transition.end, transition };
}
