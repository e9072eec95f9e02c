import { abs, exceedsPercent, milliToNumber, milliToString, percentString, type Milli } from "./decimal";

/**
 * Daily inventory balance (A30-INV-03/04) and the five volumetric inconsistency rules of Anexo 30,
 * 30.6.1.1 VII g) 7 (A30-INC-01…05), evaluated per tank × product × measurement system and cut
 * period, plus rule 01 over a calendar month. Pure: figures in, decisions out, all in exact
 * 0.001-unit integers (see decimal.ts).
 */
export type PhysicalState = "liquid" | "gas";

export const RULE_IDS = ["A30-INC-01", "A30-INC-02", "A30-INC-03", "A30-INC-04", "A30-INC-05"] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** SAT TipoEvento of the bitácora entry and alarm of each rule: 7–11 in the rules' order (A30-INC-06). */
export const RULE_SAT_EVENT_CODE: Record<RuleId, 7 | 8 | 9 | 10 | 11> = {
  "A30-INC-01": 7,
  "A30-INC-02": 8,
  "A30-INC-03": 9,
  "A30-INC-04": 10,
  "A30-INC-05": 11,
};

export const RULE_TITLES: Record<RuleId, string> = {
  "A30-INC-01": "Diferencia entre volumen final medido y en libros mayor a la tolerancia",
  "A30-INC-02": "Existencias sin cambio a pesar de recepciones o entregas",
  "A30-INC-03": "Existencias negativas",
  "A30-INC-04": "Existencias con cambio sin recepciones ni entregas",
  "A30-INC-05": "Entregas mayores a recepciones más existencias del corte anterior",
};

/** A30-INC-01 tolerance: more than 0.5 % for liquids, more than 1 % for gas (A30-GEN-05). */
export function toleranceFor(state: PhysicalState): string {
  return state === "gas" ? "1" : "0.5";
}

export interface ReconciliationOptions {
  /** A30-INC-02 dead-band: stocks within it count as equal. Default 0 (equality at 0.001 units). */
  deadBand02: Milli;
  /** A30-INC-04 dead-band: variations within it are not a change. Default 0. */
  deadBand04: Milli;
  /** A30-INV-04 dead-band of the "Diferencia de existencias" alarm. Default 0 (the literal rule). */
  deadBandStockDifference: Milli;
}

export const DEFAULT_OPTIONS: ReconciliationOptions = { deadBand02: 0n, deadBand04: 0n, deadBandStockDifference: 0n };

export interface DayInput {
  /** Report date of the cut period (A30-INV-02). */
  date: string;
  /** Component identification: tank key (A30-ALM-02). */
  tank: string;
  state: PhysicalState;
  /**
   * Stock at the previous cut: the measured stock when a static measurement exists, otherwise the
   * previous calculated stock (A30-INV-03 decision).
   */
  opening: Milli;
  /** Whether `opening` was measured by a static system (rules 02, 04 and 05 compare measured stocks). */
  openingMeasured: boolean;
  received: Milli;
  receptionCount: number;
  delivered: Milli;
  deliveryCount: number;
  processLoss: Milli;
  /** Stock measured by the static system at the cut; null when kept by differences (A30-MS-10). */
  measuredClosing: Milli | null;
  /**
   * Operations that straddle a cut (A30-INV-03, A30-INC-01 decision). A record belongs to the
   * period in which it ends (`received`/`delivered` stay the SAT figures), but the measured stocks
   * hold what moved up to each cut, so the BOOK stock splits such an operation at the cut:
   *  - `movedBeforeOpening`: net volume (signed: receptions +, deliveries −) of this period's
   *    operations that had already moved before the period started — it is in `opening` already;
   *  - `inProgressAtCut`: net volume (signed) moved during this period, before its cut, by
   *    operations that end in a later period (or are still in progress) — it is in
   *    `measuredClosing` already.
   * Both default to 0 (no straddling operation): the literal A30-INV-03 formula.
   */
  movedBeforeOpening?: Milli;
  inProgressAtCut?: Milli;
}

export interface Finding {
  rule: RuleId;
  /** Report date (daily) or YYYY-MM (monthly rule 01). */
  date: string;
  period: "day" | "month";
  tank: string;
  satEventCode: 7 | 8 | 9 | 10 | 11;
  book: Milli;
  measured: Milli | null;
  /** measured − book (the inventory difference of A30-INV-04). */
  difference: Milli | null;
  /** |measured − book| / |book| × 100 to 4 decimals; null when book = 0 or nothing was measured. */
  differencePct: string | null;
  /** Spanish, with the rule's own figures. */
  detail: string;
}

export interface StockDifferenceAlarm {
  /** A30-INV-04: always low priority ("baja"): above the tolerance the INC-01 alarm replaces it. */
  severity: "low";
  date: string;
  tank: string;
  difference: Milli;
  differencePct: string | null;
  description: string;
}

export interface DayEvaluation {
  date: string;
  tank: string;
  /** A30-INV-03: opening + receptions − deliveries − process losses. */
  book: Milli;
  measured: Milli | null;
  difference: Milli | null;
  /** 6-decimal percentage for storage (inventory_cuts.difference_pct); null when book = 0 or unmeasured. */
  differencePctStored: string | null;
  findings: Finding[];
  stockDifferenceAlarm: StockDifferenceAlarm | null;
  /**
   * Operations split at a cut in the book stock (DayInput.movedBeforeOpening / inProgressAtCut);
   * null when none. `recordBook` / `recordDifference` are then the literal A30-INV-03 figures the
   * inventory record stores (opening + receptions − deliveries − losses, as the SAT report adds
   * them up), while `book` / `difference` above are the split ones the rules decided on.
   */
  straddle: { movedBeforeOpening: Milli; inProgressAtCut: Milli; note: string; recordBook: Milli; recordDifference: Milli | null; recordDifferencePctStored: string | null } | null;
}

/** "; operación en curso al corte: 1,200.000 L antes del corte" — what the book stock split, for the auditor. */
export function straddleText(movedBeforeOpening: Milli, inProgressAtCut: Milli): string {
  const parts: string[] = [];
  if (inProgressAtCut !== 0n) parts.push(`operación en curso al corte: ${fmt(abs(inProgressAtCut))} L antes del corte (${inProgressAtCut > 0n ? "recepción" : "entrega"}, en libros de este día)`);
  if (movedBeforeOpening !== 0n) parts.push(`operación iniciada antes del corte anterior: ${fmt(abs(movedBeforeOpening))} L ya en la existencia inicial (${movedBeforeOpening > 0n ? "recepción" : "entrega"})`);
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}

/**
 * The part of an operation [start, end] moved before `boundary`, pro rata by time — the fallback
 * when no measured stock or totalizer reading brackets the boundary (A30-INV-03 decision). Milli.
 */
export function partBeforeByTime(volume: Milli, startMs: number, endMs: number, boundaryMs: number): Milli {
  if (boundaryMs <= startMs) return 0n;
  if (boundaryMs >= endMs || endMs <= startMs) return volume;
  return (volume * BigInt(Math.round(boundaryMs - startMs))) / BigInt(Math.round(endMs - startMs));
}

const fmt = (v: Milli): string => formatVolume(v);

/** "18,250.000" — es-MX thousands separator, three decimals. */
export function formatVolume(v: Milli): string {
  const [int, frac] = milliToString(v).split(".");
  const negative = int!.startsWith("-");
  const digits = negative ? int!.slice(1) : int!;
  return `${negative ? "−" : ""}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
}

export function bookStock(opening: Milli, received: Milli, delivered: Milli, processLoss: Milli): Milli {
  return opening + received - delivered - processLoss;
}

/** Evaluates one tank × product × system for one cut period (A30-INV-03/04, A30-INC-01…05). */
export function evaluateDay(input: DayInput, options: ReconciliationOptions = DEFAULT_OPTIONS): DayEvaluation {
  const beforeOpening = input.movedBeforeOpening ?? 0n;
  const inProgress = input.inProgressAtCut ?? 0n;
  const book = bookStock(input.opening, input.received, input.delivered, input.processLoss) - beforeOpening + inProgress;
  const straddleNote = straddleText(beforeOpening, inProgress);
  const measured = input.measuredClosing;
  const difference = measured === null ? null : measured - book;
  const pct4 = difference === null ? null : percentString(difference, book, 4);
  const base = { date: input.date, period: "day" as const, tank: input.tank, book, measured, difference, differencePct: pct4 };
  const findings: Finding[] = [];
  const movements = input.receptionCount + input.deliveryCount > 0 || inProgress !== 0n;
  const tolerance = toleranceFor(input.state);

  // A30-INC-01: |measured − book| / |book| × 100 > tolerance, strictly; book 0 → any measured ≠ 0.
  if (measured !== null && difference !== null && exceedsPercent(difference, book, tolerance)) {
    findings.push({
      ...base,
      rule: "A30-INC-01",
      satEventCode: 7,
      detail:
        book === 0n
          ? `Existencias en libros 0.000 y medidas ${fmt(measured)}: cualquier diferencia con libros en cero es inconsistencia`
          : `Medido ${fmt(measured)} vs libros ${fmt(book)}: diferencia ${fmt(difference)} (${pct4} %) mayor al ${tolerance} % (${input.state === "gas" ? "gas" : "líquido"})${straddleNote}`,
    });
  }

  // Rules 02 and 04 compare the stock registered at this cut with the one registered at the previous cut.
  if (measured !== null && input.openingMeasured) {
    const variation = measured - input.opening;
    // A30-INC-02: unchanged (within dead-band 02) although there were receptions or deliveries.
    if (movements && abs(variation) <= options.deadBand02) {
      findings.push({
        ...base,
        rule: "A30-INC-02",
        satEventCode: 8,
        detail: `Existencias ${fmt(measured)} iguales a las del corte anterior (${fmt(input.opening)}) con ${input.receptionCount} recepciones y ${input.deliveryCount} entregas en el día${deadBandNote("02", options.deadBand02)}`,
      });
    }
    // A30-INC-04: changed (beyond dead-band 04) without receptions or deliveries.
    if (!movements && abs(variation) > options.deadBand04) {
      findings.push({
        ...base,
        rule: "A30-INC-04",
        satEventCode: 10,
        detail: `Existencias variaron ${fmt(variation)} (de ${fmt(input.opening)} a ${fmt(measured)}) sin recepciones ni entregas${deadBandNote("04", options.deadBand04)}`,
      });
    }
  }

  // A30-INC-03: a stock registered by a measurement system below zero.
  if (measured !== null && measured < 0n) {
    findings.push({ ...base, rule: "A30-INC-03", satEventCode: 9, detail: `Existencias medidas negativas: ${fmt(measured)}` });
  }

  // A30-INC-05: deliveries (process losses count as deliveries, A30-INV-03) exceed receptions plus the
  // stock at the previous cut — the same condition as a negative calculated stock (A30-INC-03 decision).
  const out = input.delivered + input.processLoss;
  if (out > input.received + input.opening) {
    findings.push({
      ...base,
      rule: "A30-INC-05",
      satEventCode: 11,
      detail: `Entregas ${fmt(input.delivered)}${input.processLoss > 0n ? ` + pérdidas ${fmt(input.processLoss)}` : ""} mayores a recepciones ${fmt(input.received)} + existencias del corte anterior ${fmt(input.opening)} (exceso ${fmt(out - input.received - input.opening)})`,
    });
  }

  findings.sort((a, b) => a.rule.localeCompare(b.rule));

  // A30-INV-04: any measured ≠ calculated beyond the dead-band → "Diferencia de existencias" (baja),
  // unless the INC-01 alarm is raised for it.
  let stockDifferenceAlarm: StockDifferenceAlarm | null = null;
  if (difference !== null && abs(difference) > options.deadBandStockDifference && !findings.some((f) => f.rule === "A30-INC-01")) {
    stockDifferenceAlarm = {
      severity: "low",
      date: input.date,
      tank: input.tank,
      difference,
      differencePct: pct4,
      description: `Diferencia de existencias ${input.tank} ${input.date}: medido ${fmt(measured!)} vs calculado ${fmt(book)} (${fmt(difference)}${pct4 === null ? "" : `, ${pct4} %`})${straddleNote}`,
    };
  }

  return {
    date: input.date,
    tank: input.tank,
    book,
    measured,
    difference,
    differencePctStored: difference === null ? null : percentString(difference, book, 6),
    straddle:
      beforeOpening !== 0n || inProgress !== 0n
        ? {
            movedBeforeOpening: beforeOpening,
            inProgressAtCut: inProgress,
            note: straddleNote.slice(2),
            recordBook: book + beforeOpening - inProgress,
            recordDifference: measured === null ? null : measured - (book + beforeOpening - inProgress),
            recordDifferencePctStored: measured === null ? null : percentString(measured - (book + beforeOpening - inProgress), book + beforeOpening - inProgress, 6),
          }
        : null,
    findings,
    stockDifferenceAlarm,
  };
}

function deadBandNote(rule: "02" | "04", band: Milli): string {
  return band > 0n ? `; banda muerta regla ${rule}: ${milliToString(band).replace(/\.?0+$/, "")}` : "";
}

export interface MonthInput {
  /** YYYY-MM. */
  month: string;
  tank: string;
  state: PhysicalState;
  /** Measured stock at the cut that opens the month's first daily period. */
  opening: Milli;
  received: Milli;
  delivered: Milli;
  processLoss: Milli;
  /** Measured stock at the cut that closes the month's last daily period. */
  measuredClosing: Milli;
}

/** A30-INC-01 over a calendar month (A30-INC common text). */
export function evaluateMonth(input: MonthInput): Finding | null {
  const book = bookStock(input.opening, input.received, input.delivered, input.processLoss);
  const difference = input.measuredClosing - book;
  const tolerance = toleranceFor(input.state);
  if (!exceedsPercent(difference, book, tolerance)) return null;
  const pct4 = percentString(difference, book, 4);
  return {
    rule: "A30-INC-01",
    date: input.month,
    period: "month",
    tank: input.tank,
    satEventCode: 7,
    book,
    measured: input.measuredClosing,
    difference,
    differencePct: pct4,
    detail: `Periodo mensual ${input.month}: medido ${fmt(input.measuredClosing)} vs libros ${fmt(book)}: diferencia ${fmt(difference)}${pct4 === null ? "" : ` (${pct4} %)`} mayor al ${tolerance} %`,
  };
}

/** An alarm of the register raised by a finding (A30-INC-06: type 2, SAT code 7–11 by rule). */
export interface FindingAlarm {
  type: 2;
  satEventCode: 7 | 8 | 9 | 10 | 11;
  severity: "high";
  component: string;
  date: string;
  rule: RuleId;
  description: string;
}

export function alarmsForFindings(findings: readonly Finding[]): FindingAlarm[] {
  return findings.map((f) => ({
    type: 2,
    satEventCode: f.satEventCode,
    severity: "high",
    component: f.tank,
    date: f.date,
    rule: f.rule,
    description: findingDescription(f),
  }));
}

/** One-line Spanish description (≤ 250 characters, SAT DescripcionEvento) naming component, rule, date and figures. */
export function findingDescription(f: Finding): string {
  const figures =
    f.measured === null
      ? `libros ${fmt(f.book)}`
      : `libros ${fmt(f.book)}, medido ${fmt(f.measured)}, diferencia ${fmt(f.difference!)}${f.differencePct === null ? "" : ` (${f.differencePct} %)`}`;
  const text = `${f.rule} ${RULE_TITLES[f.rule]}: ${f.tank} ${f.date}; ${figures}`;
  return text.length <= 250 ? text : `${text.slice(0, 249)}…`;
}

/** Finding as printed by `aforo reconcile` (design.md §3 output contract). */
export function findingToJson(f: Finding): {
  rule: RuleId;
  date: string;
  tank: string;
  bookL: number;
  measuredL: number | null;
  differenceL: number | null;
  differencePct: number | null;
  detail: string;
} {
  return {
    rule: f.rule,
    date: f.date,
    tank: f.tank,
    bookL: milliToNumber(f.book),
    measuredL: f.measured === null ? null : milliToNumber(f.measured),
    differenceL: f.difference === null ? null : milliToNumber(f.difference),
    differencePct: f.differencePct === null ? null : Number(f.differencePct),
    detail: f.detail,
  };
}
