import { ALARM_TYPE } from "../alarms/index";
import { addDays, daysBetween, formatSeconds, localDate, secondsBetween } from "./dates";
import type { DiagnosticsThresholds } from "./thresholds";
import type { CheckResult, ComponentClass } from "./types";

/**
 * Measurement-system checks (A30-DIAG-01 class 1): stale value, frozen value, out-of-range value
 * and calibration validity (A30-MS-12). Stale, frozen and out-of-range readings raise
 * "Problemas de comunicación" (A30-ALM-01 type 5: the system does not deliver a usable
 * measurement — the Anexo has no separate "measurement-system failure" type); an expired
 * calibration raises "Calibración no válida" (type 1).
 */

/** Per-tag aggregate over the sample window (one row of the diagnostics query). */
export interface TagWindow {
  /** `<installationKey>/<elementKey>/<variable>` (server/contracts/site.ts tagName). */
  tag: string;
  /** Latest good-quality (0) reading in the window. */
  lastGood: Date | null;
  /** Value of that reading. */
  lastGoodValue: number | null;
  total: number;
  bad: number;
  goodCount: number;
  goodMin: number | null;
  goodMax: number | null;
}

export interface MeasurementSystemInput {
  key: string;
  installationId: number;
  installationKey: string;
  timeZone: string;
  /** Measurement system and its element in operation (status 'O'). */
  inOperation: boolean;
  calibrationValidUntil: string | null;
  /** Element keys whose tags this system produces: the tank, the duct, the dispenser's hoses, and the system key itself. */
  elementKeys: string[];
  /** `CANAL:<collector>` feeding it, if any. */
  channel: string | null;
  /** Level range of the tank's certified strapping table (out-of-range check), if a tank. */
  levelMaxMm: number | null;
}

export function tagVariable(tag: string): string {
  return tag.slice(tag.lastIndexOf("/") + 1);
}

/** The windows of the tags `<installationKey>/<elementKey>/…` of the given elements. */
export function windowsForElements(windows: readonly TagWindow[], installationKey: string, elementKeys: readonly string[]): TagWindow[] {
  const prefixes = elementKeys.map((k) => `${installationKey}/${k}/`);
  return windows.filter((w) => prefixes.some((p) => w.tag.startsWith(p)));
}

function latestGood(windows: readonly TagWindow[]): Date | null {
  let latest: Date | null = null;
  for (const w of windows) if (w.lastGood && (!latest || w.lastGood > latest)) latest = w.lastGood;
  return latest;
}

function base(ms: MeasurementSystemInput): Pick<CheckResult, "component" | "componentClass" | "installationId"> {
  return { component: ms.key, componentClass: "measurement_system", installationId: ms.installationId };
}

const NOT_IN_OPERATION = "fuera de operación: no se evalúa";

/** Stale: no good reading for more than `staleAfterS` (exactly `staleAfterS` is still OK). */
export function checkStale(ms: MeasurementSystemInput, windows: readonly TagWindow[], now: Date, t: DiagnosticsThresholds): CheckResult {
  const common = { ...base(ms), check: "stale" as const, alarmType: ALARM_TYPE.communicationProblem, severity: "high" as const };
  if (!ms.inOperation) return { ...common, state: "unknown", reason: NOT_IN_OPERATION, alarmType: null };
  const last = latestGood(windows);
  if (!last) {
    return {
      ...common,
      state: "fault",
      reason: `sin lecturas válidas en los últimos ${formatSeconds(t.sampleWindowS)}`,
      faultSince: new Date(now.getTime() - t.sampleWindowS * 1000),
      details: { lastGood: null, windowS: t.sampleWindowS },
    };
  }
  const age = secondsBetween(last, now);
  if (age > t.staleAfterS) {
    return {
      ...common,
      state: "fault",
      reason: `sin lecturas válidas desde hace ${formatSeconds(age)} (límite ${t.staleAfterS} s)`,
      faultSince: last,
      details: { lastGood: last.toISOString(), ageS: Math.round(age * 10) / 10 },
    };
  }
  return { ...common, state: "ok", reason: `última lectura hace ${formatSeconds(Math.max(0, age))}`, details: { lastGood: last.toISOString() } };
}

/**
 * Frozen: a variable that always carries sensor noise (level, temperature) repeated with exactly
 * the same raw value in at least `frozenMinSamples` good samples. A tank at rest keeps a nearly
 * constant level, but its raw readings still differ in the last digits; an identical value over
 * many samples means the transmitter or the gateway stopped updating.
 */
export function checkFrozen(ms: MeasurementSystemInput, windows: readonly TagWindow[], t: DiagnosticsThresholds): CheckResult {
  const common = { ...base(ms), check: "frozen" as const, alarmType: ALARM_TYPE.communicationProblem, severity: "medium" as const };
  if (!ms.inOperation) return { ...common, state: "unknown", reason: NOT_IN_OPERATION, alarmType: null };
  const frozen = windows.filter(
    (w) => t.frozenVariables.includes(tagVariable(w.tag)) && w.goodCount >= t.frozenMinSamples && w.goodMin !== null && w.goodMin === w.goodMax,
  );
  if (frozen.length > 0) {
    const first = frozen[0]!;
    return {
      ...common,
      state: "fault",
      reason: `valor congelado: ${frozen.map((w) => `${tagVariable(w.tag)} = ${w.goodMin} idéntico en ${w.goodCount} muestras`).join("; ")}`,
      details: { tags: frozen.map((w) => w.tag), value: first.goodMin, samples: first.goodCount },
    };
  }
  return { ...common, state: "ok", reason: "los valores varían con normalidad" };
}

/** Out of range: the latest level outside [0, strapping-table maximum] or temperature outside the plausible range. */
export function checkOutOfRange(ms: MeasurementSystemInput, windows: readonly TagWindow[], t: DiagnosticsThresholds): CheckResult {
  const common = { ...base(ms), check: "out-of-range" as const, alarmType: ALARM_TYPE.communicationProblem, severity: "medium" as const };
  if (!ms.inOperation) return { ...common, state: "unknown", reason: NOT_IN_OPERATION, alarmType: null };
  const problems: string[] = [];
  for (const w of windows) {
    if (w.lastGoodValue === null) continue;
    const variable = tagVariable(w.tag);
    const v = w.lastGoodValue;
    if (variable === "level_mm" || variable === "water_level_mm") {
      if (v < 0) problems.push(`${variable} = ${v} mm es negativo`);
      else if (ms.levelMaxMm !== null && v > ms.levelMaxMm) problems.push(`${variable} = ${v} mm excede la tabla de calibración (máximo ${ms.levelMaxMm} mm)`);
    } else if (variable === "temperature_c" && (v < t.temperatureMinC || v > t.temperatureMaxC)) {
      problems.push(`temperatura ${v} °C fuera de ${t.temperatureMinC}…${t.temperatureMaxC} °C`);
    }
  }
  if (problems.length > 0) return { ...common, state: "fault", reason: `lectura fuera de rango: ${problems.join("; ")}`, details: { problems } };
  return { ...common, state: "ok", reason: "lecturas dentro del rango" };
}

export interface CalibrationInput {
  /** Tank key (strapping table / cartas de calibración) or measurement-system key. */
  component: string;
  componentClass: ComponentClass;
  installationId: number | null;
  /** Last valid day, inclusive, in the installation's time zone. */
  validUntil: string | null;
  timeZone: string;
  inOperation: boolean;
  /** "tabla de calibración del tanque", "sistema de medición"… */
  label: string;
}

/**
 * Calibration validity (A30-MS-12): valid through `validUntil` local date; from the next local
 * midnight the calibration is expired → type 1. A warning (no alarm) `calibrationWarningDays`
 * before.
 */
export function checkCalibration(input: CalibrationInput, now: Date, t: DiagnosticsThresholds): CheckResult {
  const common = {
    component: input.component,
    componentClass: input.componentClass,
    installationId: input.installationId,
    check: "calibration" as const,
    alarmType: ALARM_TYPE.invalidCalibration,
    severity: "high" as const,
  };
  if (!input.validUntil) {
    if (!input.inOperation) return { ...common, state: "unknown", reason: NOT_IN_OPERATION, alarmType: null };
    return { ...common, state: "fault", reason: `${input.label} sin vigencia de calibración registrada` };
  }
  const today = localDate(now, input.timeZone);
  const daysLeft = daysBetween(today, input.validUntil);
  if (daysLeft < 0) {
    return {
      ...common,
      state: "fault",
      reason: `calibración no vigente: ${input.label} válida hasta ${input.validUntil}, vencida desde ${addDays(input.validUntil, 1)}`,
      details: { validUntil: input.validUntil, expiredOn: addDays(input.validUntil, 1) },
    };
  }
  const warning =
    daysLeft <= t.calibrationWarningDays
      ? `la calibración (${input.label}) vence el ${input.validUntil}: ${daysLeft === 0 ? "hoy es el último día" : `quedan ${daysLeft} días`}`
      : null;
  return { ...common, state: "ok", reason: `calibración vigente hasta ${input.validUntil}`, warning, details: { validUntil: input.validUntil, daysLeft } };
}
