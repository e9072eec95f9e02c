/**
 * Bitácora categories (A30-LOG-01) and SAT TipoEvento codes (catalogs.derived.json
 * TipoEvento_Bitacora): categories 1–6 report as codes 1–6, the five inconsistency rules as 7–11,
 * alarm events as 12–21.
 */
export const EVENT_CATEGORY = {
  systemAdministration: 1,
  ucc: 2,
  software: 3,
  communication: 4,
  dailyOperations: 5,
  verifications: 6,
  inconsistencies: 7,
} as const;

export type EventCategory = (typeof EVENT_CATEGORY)[keyof typeof EVENT_CATEGORY];

export const EVENT_CATEGORY_LABELS: Record<EventCategory, string> = {
  1: "administración del sistema",
  2: "eventos de la UCC",
  3: "eventos relacionados a los programas informáticos",
  4: "eventos de comunicación",
  5: "operaciones cotidianas",
  6: "verificaciones de la autoridad fiscal o proveedores autorizados",
  7: "inconsistencias volumétricas",
};

/** SAT TipoEvento labels (1–6 categories, 7–11 inconsistency rules, 12–21 alarm events), es-MX. */
export const EVENT_TYPE_LABELS: Record<number, string> = {
  1: "Administración del sistema",
  2: "Eventos de la UCC",
  3: "Programas informáticos",
  4: "Comunicación",
  5: "Operaciones cotidianas",
  6: "Verificaciones",
  7: "Inconsistencia: volumen final calculado vs. medido",
  8: "Inconsistencia: existencias sin cambio pese a movimientos",
  9: "Inconsistencia: existencias negativas",
  10: "Inconsistencia: existencias cambiaron sin movimientos",
  11: "Inconsistencia: entregas mayores a recepciones más existencias",
  12: "Calibración no válida",
  13: "Intento de alteración",
  14: "Registros incompletos o duplicados",
  15: "Problemas de comunicación",
  16: "Falla del medio de almacenamiento",
  17: "Falla en la red de comunicación",
  18: "Falla de energía",
  19: "Error en la transmisión de información",
  20: "Rechazos de inicio de sesión",
  21: "Paro de emergencia",
};
