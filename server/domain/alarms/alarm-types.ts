/**
 * The twelve alarm types of A30-ALM-01 (A30 30.6.1.1 VIII a) 1–12) with the SAT TipoEvento code
 * each is reported under (12–21; inconsistencies use 7–11 by rule; type 12 has none).
 */
export const ALARM_TYPE = {
  invalidCalibration: 1,
  volumetricInconsistency: 2,
  tamperAttempt: 3,
  incompleteOrDuplicateRecords: 4,
  communicationProblem: 5,
  storageFailure: 6,
  networkFailure: 7,
  powerFailure: 8,
  transmissionError: 9,
  rejectedLogin: 10,
  emergencyStop: 11,
  resumptionOrUnattended: 12,
} as const;

export type AlarmType = (typeof ALARM_TYPE)[keyof typeof ALARM_TYPE];

export const ALARM_TYPE_INFO: Record<AlarmType, { label: string; satEventCode: number | null }> = {
  1: { label: "Calibración no válida", satEventCode: 12 },
  2: { label: "Inconsistencias volumétricas", satEventCode: null }, // 7–11 by rule (A30-INC-06)
  3: { label: "Intento de alteración de registros", satEventCode: 13 },
  4: { label: "Registros incompletos o duplicados", satEventCode: 14 },
  5: { label: "Problemas de comunicación", satEventCode: 15 },
  6: { label: "Falla del medio de almacenamiento", satEventCode: 16 },
  7: { label: "Falla en la red de comunicación", satEventCode: 17 },
  8: { label: "Falla de energía", satEventCode: 18 },
  9: { label: "Error en la transmisión de información", satEventCode: 19 },
  10: { label: "Rechazos de inicio de sesión", satEventCode: 20 },
  11: { label: "Paro de emergencia", satEventCode: 21 },
  12: { label: "Reanudación de operaciones / falla no atendida en 72 h", satEventCode: null },
};
