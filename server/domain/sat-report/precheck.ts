/**
 * A30-RPT-06 "pre-check" of a monthly report (Anexo 30, 30.6.1.1 VIII a) 4; 30.4.2–30.4.3): before
 * the month is reported, what is missing or still open — missing daily cuts, operations without the
 * counterparty's RFC, without quality data (A30-TYP-10), receptions and deliveries without their
 * required CFDI (A30-CFDI-01; decision §20 #17: a service station's retail sales are covered by the
 * global CFDI, so only its receptions need one), imports without pedimento (A30-PED-01: a reception
 * from the foreign generic RFC XEXX010101000), and inconsistency findings / alarms nobody attended.
 * Pure: the service passes the month's records in.
 */

export const FOREIGN_GENERIC_RFC = "XEXX010101000";

export interface PrecheckOperation {
  number: number;
  type: "reception" | "delivery";
  /** Element the operation was measured at (tank, hose, duct key) — for the examples. */
  element: string | null;
  endAt: Date;
  counterpartyRfc: string | null;
  hasQuality: boolean;
  hasCfdi: boolean;
  hasPedimento: boolean;
}

export interface PrecheckAlarm {
  number: number;
  type: number;
  description: string;
  /** Not closed and not shelved (the active-alarm banner's rule). */
  needsAttention: boolean;
}

export interface MonthlyPrecheckInput {
  installationType: string;
  /** Days of the month the installation must have cuts for (from its registration, up to the last closed period). */
  expectedCutDates: readonly string[];
  /** Days with a complete cut. */
  cutDates: ReadonlySet<string>;
  operations: readonly PrecheckOperation[];
  alarms: readonly PrecheckAlarm[];
}

export type PrecheckCode = "missing_cuts" | "no_counterparty" | "no_quality" | "no_cfdi" | "import_without_pedimento" | "open_inconsistencies" | "unattended_alarms";

export interface PrecheckItem {
  code: PrecheckCode;
  label: string;
  count: number;
  /** Up to 20 concrete references (dates, record numbers) to act on. */
  examples: string[];
}

const LABELS: Record<PrecheckCode, string> = {
  missing_cuts: "Días sin corte diario",
  no_counterparty: "Operaciones sin RFC de la contraparte",
  no_quality: "Operaciones sin datos de calidad (dictamen o analizador)",
  no_cfdi: "Recepciones o entregas sin el CFDI requerido",
  import_without_pedimento: "Importaciones sin pedimento",
  open_inconsistencies: "Inconsistencias volumétricas sin atender",
  unattended_alarms: "Alarmas sin atender",
};

const MAX_EXAMPLES = 20;
/** A30-ALM-01 type 2: volumetric inconsistency finding. */
const INCONSISTENCY_ALARM_TYPE = 2;

function operationLabel(o: PrecheckOperation): string {
  return `${o.type === "reception" ? "Recepción" : "Entrega"} ${o.number}${o.element ? ` (${o.element})` : ""}`;
}

/** Whether the operation needs its own CFDI (decision §20 #17). */
export function requiresCfdi(installationType: string, o: Pick<PrecheckOperation, "type">): boolean {
  return o.type === "reception" || installationType !== "service_station";
}

/** The non-empty pre-check items, in the order of A30-RPT-06. An empty list: nothing pending. */
export function buildMonthlyPrecheck(input: MonthlyPrecheckInput): PrecheckItem[] {
  const item = (code: PrecheckCode, refs: string[]): PrecheckItem | null => (refs.length === 0 ? null : { code, label: LABELS[code], count: refs.length, examples: refs.slice(0, MAX_EXAMPLES) });
  const ops = [...input.operations].sort((a, b) => a.endAt.getTime() - b.endAt.getTime() || a.number - b.number);
  const attention = input.alarms.filter((a) => a.needsAttention).sort((a, b) => a.number - b.number);
  const alarmLabel = (a: PrecheckAlarm) => `Alarma ${a.number}: ${a.description.length > 90 ? `${a.description.slice(0, 89)}…` : a.description}`;
  return [
    item("missing_cuts", input.expectedCutDates.filter((d) => !input.cutDates.has(d))),
    item("no_counterparty", ops.filter((o) => !o.counterpartyRfc).map(operationLabel)),
    item("no_quality", ops.filter((o) => !o.hasQuality).map(operationLabel)),
    item("no_cfdi", ops.filter((o) => requiresCfdi(input.installationType, o) && !o.hasCfdi).map(operationLabel)),
    item("import_without_pedimento", ops.filter((o) => o.type === "reception" && o.counterpartyRfc === FOREIGN_GENERIC_RFC && !o.hasPedimento).map(operationLabel)),
    item("open_inconsistencies", attention.filter((a) => a.type === INCONSISTENCY_ALARM_TYPE).map(alarmLabel)),
    item("unattended_alarms", attention.filter((a) => a.type !== INCONSISTENCY_ALARM_TYPE).map(alarmLabel)),
  ].filter((x): x is PrecheckItem => x !== null);
}
