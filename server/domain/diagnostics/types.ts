import type { AlarmType } from "../alarms/index";

/**
 * Self-diagnosis (A30-DIAG-01…04, Anexo 30 30.6.1.1 VI): the result of one check of one component.
 * Pure data; the service turns fault/recovery transitions into bitácora entries and alarms.
 */
export type ComponentClass = "measurement_system" | "channel" | "ucc";
export type CheckState = "ok" | "fault" | "unknown";
export type CheckSeverity = "low" | "medium" | "high" | "critical";

export const CHECK_NAMES = [
  "stale",
  "frozen",
  "out-of-range",
  "calibration",
  "reachability",
  "spool-lag",
  "error-rate",
  "database",
  "disk",
  "clock",
  "process",
  "backup",
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface CheckResult {
  /** Registry key (`SME-STQ-EDS-0001`, `TQS-EDS-0001`), `CANAL:<collector>`, `RED:<collector>` or `UCC:<part>` (A30-ALM-02). */
  component: string;
  componentClass: ComponentClass;
  installationId: number | null;
  check: CheckName;
  state: CheckState;
  /** es-MX, shown on the diagnostics screen and written into the bitácora on a transition. */
  reason: string;
  /** Alarm type raised while in fault (A30-ALM-01), or null when the fault is only recorded in the bitácora. */
  alarmType: AlarmType | null;
  severity: CheckSeverity;
  /** Earliest evidence of the fault (e.g. the last good reading), for the alarm's occurred_at (A30-ALM-04). */
  faultSince?: Date | null;
  /** Non-fault notice (calibration about to expire…). */
  warning?: string | null;
  details?: Record<string, unknown>;
}

/** Component state aggregated over its checks (component_status row). */
export interface ComponentSummary {
  component: string;
  componentClass: ComponentClass;
  installationId: number | null;
  state: CheckState;
  /** Reasons of the checks in fault (or the single OK reason). */
  reason: string;
  warnings: string[];
  checks: Record<string, { state: CheckState; reason: string; logged?: boolean }>;
}

export const COMPONENT_CLASS_LABELS: Record<ComponentClass, string> = {
  measurement_system: "Sistemas de medición",
  channel: "Canales de comunicación",
  ucc: "Unidad central de control (UCC)",
};

export const CHECK_LABELS: Record<CheckName, string> = {
  stale: "valor vigente",
  frozen: "valor congelado",
  "out-of-range": "fuera de rango",
  calibration: "vigencia de calibración",
  reachability: "comunicación",
  "spool-lag": "retraso del búfer del colector",
  "error-rate": "tasa de errores",
  database: "base de datos",
  disk: "espacio en disco",
  clock: "reloj",
  process: "reinicios del proceso",
  backup: "antigüedad del respaldo",
};
