import { z } from "zod";
import { toMilli, type Milli } from "./decimal";
import { addDays, isValidCutHour, isValidDate, isValidTimeZone, monthOf, periodForDate } from "./periods";
import {
  DEFAULT_OPTIONS,
  alarmsForFindings,
  evaluateDay,
  evaluateMonth,
  findingToJson,
  partBeforeByTime,
  type DayEvaluation,
  type Finding,
  type PhysicalState,
  type ReconciliationOptions,
} from "./rules";

/**
 * The reconciliation scenario of design.md §3 (input of `aforo reconcile --scenario FILE`,
 * A30-INC-07) and its evaluation with the same pure rules the daily cut service runs.
 *
 * Optional extensions (absent in the contract's example, defaults shown):
 *   "timeZone": "America/Mexico_City"  — IANA zone of the cut hour (A30-INV-02)
 *   "deadBandL": { "A30-INC-02": 0, "A30-INC-04": 0, "A30-INV-04": 0 }
 *   movement "startedAt": ISO 8601 — start of an operation that straddles a cut (A30-INV-03,
 *     A30-INC-01 decision): the movement still belongs to the day of its `at` (its end), but the
 *     book stock of each day counts the part moved before each cut, pro rata by time
 *     (`partBeforeByTime`, the daily cut service's fallback when no reading brackets the cut).
 * Every movement's `at` must fall inside the cut period of the day it is listed under.
 */
const volume = (what: string) =>
  z
    .number({ error: `${what}: se esperaba un número` })
    .refine(Number.isFinite, `${what}: debe ser un número finito`);
const nonNegative = (what: string) => volume(what).refine((v) => v >= 0, `${what}: no puede ser negativo`);

const dateSchema = z.string().refine(isValidDate, "fecha inválida: use AAAA-MM-DD con un día que exista");
const movementSchema = z
  .object({
    at: z.iso.datetime({ offset: true, error: "fecha y hora inválida: use ISO 8601 con zona, p. ej. 2026-11-01T09:10:00-06:00" }),
    volumeL: nonNegative("volumeL"),
    startedAt: z.iso.datetime({ offset: true, error: "startedAt inválido: use ISO 8601 con zona, p. ej. 2026-11-01T23:40:00-06:00" }).optional(),
  })
  .strict()
  .refine((m) => m.startedAt === undefined || new Date(m.startedAt).getTime() <= new Date(m.at).getTime(), {
    message: "startedAt: el inicio de la operación no puede ser posterior a su fin (at)",
    path: ["startedAt"],
  });

const dayTankSchema = z
  .object({
    measuredClosingL: volume("measuredClosingL"),
    receptions: z.array(movementSchema).default([]),
    deliveries: z.array(movementSchema).default([]),
    processLossL: nonNegative("processLossL").default(0),
  })
  .strict();

export const scenarioSchema = z
  .object({
    installation: z.string().min(1, "installation: falta la clave de la instalación"),
    state: z.enum(["liquid", "gas"], { error: 'state: use "liquid" o "gas"' }),
    cutHour: z.string().refine(isValidCutHour, "cutHour: use HH:MM entre 00:00 y 23:59"),
    timeZone: z.string().refine(isValidTimeZone, "timeZone: zona IANA desconocida (p. ej. America/Mexico_City)").default("America/Mexico_City"),
    tanks: z
      .array(z.object({ key: z.string().min(1, "tanks[].key vacío"), product: z.string().regex(/^PR\d{2}$/, "tanks[].product: clave SAT PR01…PR99") }).strict())
      .min(1, "tanks: declare al menos un tanque"),
    days: z.array(z.object({ date: dateSchema, tanks: z.record(z.string(), dayTankSchema) }).strict()).min(1, "days: declare al menos un día"),
    openingMeasuredL: z.record(z.string(), volume("openingMeasuredL")),
    deadBandL: z
      .object({
        "A30-INC-02": nonNegative("deadBandL.A30-INC-02").default(0),
        "A30-INC-04": nonNegative("deadBandL.A30-INC-04").default(0),
        "A30-INV-04": nonNegative("deadBandL.A30-INV-04").default(0),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const keys = s.tanks.map((t) => t.key);
    const declared = new Set(keys);
    if (declared.size !== keys.length) ctx.addIssue({ code: "custom", path: ["tanks"], message: "tanks: hay claves de tanque repetidas" });
    for (const key of Object.keys(s.openingMeasuredL)) {
      if (!declared.has(key)) ctx.addIssue({ code: "custom", path: ["openingMeasuredL", key], message: `tanque desconocido ${key}: no está en "tanks"` });
    }
    for (const key of declared) {
      if (!(key in s.openingMeasuredL)) ctx.addIssue({ code: "custom", path: ["openingMeasuredL"], message: `falta la existencia medida inicial del tanque ${key}` });
    }
    s.days.forEach((day, i) => {
      if (i > 0 && isValidDate(day.date) && isValidDate(s.days[i - 1]!.date) && day.date !== addDays(s.days[i - 1]!.date, 1)) {
        ctx.addIssue({ code: "custom", path: ["days", i, "date"], message: `los días deben ser consecutivos y en orden: después de ${s.days[i - 1]!.date} sigue ${addDays(s.days[i - 1]!.date, 1)}, no ${day.date}` });
      }
      for (const key of Object.keys(day.tanks)) {
        if (!declared.has(key)) ctx.addIssue({ code: "custom", path: ["days", i, "tanks", key], message: `tanque desconocido ${key} en ${day.date}: no está en "tanks"` });
      }
      for (const key of declared) {
        if (!(key in day.tanks)) ctx.addIssue({ code: "custom", path: ["days", i, "tanks"], message: `falta el corte del tanque ${key} en ${day.date}` });
      }
      if (!isValidDate(day.date) || !isValidCutHour(s.cutHour) || !isValidTimeZone(s.timeZone)) return;
      // A30-INV-02: a movement belongs to the period [cut(date), cut(date + 1)).
      const period = periodForDate(day.date, s.cutHour, s.timeZone);
      for (const [key, tank] of Object.entries(day.tanks)) {
        for (const [kind, list] of [["receptions", tank.receptions], ["deliveries", tank.deliveries]] as const) {
          list.forEach((m, j) => {
            const t = new Date(m.at).getTime();
            if (t < period.start.getTime() || t >= period.end.getTime()) {
              ctx.addIssue({
                code: "custom",
                path: ["days", i, "tanks", key, kind, j, "at"],
                message: `${m.at} está fuera del periodo del ${day.date} [${period.start.toISOString()}, ${period.end.toISOString()}) con corte ${s.cutHour} ${s.timeZone}`,
              });
            }
          });
        }
      }
    });
  });

export type Scenario = z.output<typeof scenarioSchema>;

export interface ScenarioResult {
  findings: Finding[];
  evaluations: DayEvaluation[];
  options: ReconciliationOptions;
}

const stateOf = (s: Scenario): PhysicalState => s.state;

/** Chains the days: the opening of day n is the measured closing of day n − 1 (A30-INV-03). */
export function reconcileScenario(s: Scenario): ScenarioResult {
  const options: ReconciliationOptions = s.deadBandL
    ? { deadBand02: toMilli(s.deadBandL["A30-INC-02"]), deadBand04: toMilli(s.deadBandL["A30-INC-04"]), deadBandStockDifference: toMilli(s.deadBandL["A30-INV-04"]) }
    : DEFAULT_OPTIONS;
  const findings: Finding[] = [];
  const evaluations: DayEvaluation[] = [];
  for (const tank of s.tanks) {
    let opening = toMilli(s.openingMeasuredL[tank.key]!);
    const month = new Map<string, { opening: Milli; received: Milli; delivered: Milli; loss: Milli; closing: Milli; days: string[] }>();
    // Straddling operations (movement.startedAt): every movement with its sign and end period.
    const moves = s.days.flatMap((day, dayIndex) => {
      const d = day.tanks[tank.key]!;
      return [
        ...d.receptions.map((m) => ({ m, sign: 1n, dayIndex })),
        ...d.deliveries.map((m) => ({ m, sign: -1n, dayIndex })),
      ].filter((x) => x.m.startedAt !== undefined);
    });
    for (const [dayIndex, day] of s.days.entries()) {
      const d = day.tanks[tank.key]!;
      const period = periodForDate(day.date, s.cutHour, s.timeZone);
      let movedBeforeOpening = 0n;
      let inProgressAtCut = 0n;
      for (const { m, sign, dayIndex: endDay } of moves) {
        const v = toMilli(m.volumeL);
        const start = new Date(m.startedAt!).getTime();
        const end = new Date(m.at).getTime();
        const before = (boundary: Date) => partBeforeByTime(v, start, end, boundary.getTime());
        if (endDay === dayIndex) movedBeforeOpening += sign * before(period.start);
        else if (endDay > dayIndex && start < period.end.getTime()) inProgressAtCut += sign * (before(period.end) - before(period.start));
      }
      const received = d.receptions.reduce((sum, m) => sum + toMilli(m.volumeL), 0n);
      const delivered = d.deliveries.reduce((sum, m) => sum + toMilli(m.volumeL), 0n);
      const processLoss = toMilli(d.processLossL);
      const measuredClosing = toMilli(d.measuredClosingL);
      const evaluation = evaluateDay(
        {
          date: day.date,
          tank: tank.key,
          state: stateOf(s),
          opening,
          openingMeasured: true,
          received,
          receptionCount: d.receptions.length,
          delivered,
          deliveryCount: d.deliveries.length,
          processLoss,
          measuredClosing,
          ...(movedBeforeOpening !== 0n ? { movedBeforeOpening } : {}),
          ...(inProgressAtCut !== 0n ? { inProgressAtCut } : {}),
        },
        options,
      );
      evaluations.push(evaluation);
      findings.push(...evaluation.findings);
      const key = monthOf(day.date);
      const acc = month.get(key) ?? { opening, received: 0n, delivered: 0n, loss: 0n, closing: 0n, days: [] };
      acc.received += received;
      acc.delivered += delivered;
      acc.loss += processLoss;
      acc.closing = measuredClosing;
      acc.days.push(day.date);
      month.set(key, acc);
      opening = measuredClosing;
    }
    // A30-INC-01 over each calendar month the scenario covers completely.
    for (const [key, acc] of month) {
      if (!coversWholeMonth(key, acc.days)) continue;
      const finding = evaluateMonth({ month: key, tank: tank.key, state: stateOf(s), opening: acc.opening, received: acc.received, delivered: acc.delivered, processLoss: acc.loss, measuredClosing: acc.closing });
      if (finding) findings.push(finding);
    }
  }
  return { findings, evaluations, options };
}

function coversWholeMonth(month: string, days: string[]): boolean {
  const first = `${month}-01`;
  let expected = first;
  for (const d of days) {
    if (d !== expected) return false;
    expected = addDays(expected, 1);
  }
  return monthOf(expected) !== month; // the day after the last one is in the next month
}

/** The JSON `aforo reconcile` prints (design.md §3), plus the dead-bands when configured (A30-INC common text). */
export function scenarioOutput(s: Scenario, result: ScenarioResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    findings: result.findings.map(findingToJson),
    alarms: alarmsForFindings(result.findings).map((a) => ({ type: String(a.type), component: a.component, date: a.date })),
  };
  if (s.deadBandL) {
    out.deadBandL = { ...s.deadBandL };
    out.header = [`banda muerta regla 02: ${s.deadBandL["A30-INC-02"]} L`, `banda muerta regla 04: ${s.deadBandL["A30-INC-04"]} L`, `banda muerta A30-INV-04: ${s.deadBandL["A30-INV-04"]} L`];
  }
  return out;
}
