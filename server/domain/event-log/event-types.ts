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
