import { z } from "zod";
import type { SqlExecutor } from "../../../db/client";
import { exportRecords, RECORD_SETS, type ExportFormat, type RecordSet } from "../../domain/export/record-export";

/**
 * Stored record sets for export (Anexo 30, 30.6.1.3 II c); issue #6 item 13). One constant,
 * parameterised query per set: $1/$2 the period [from, to] (dates; instants compared in the
 * installation zone of Mexico City, UTC−06:00, which has had no daylight saving since 2022),
 * $3 the row cap. Current and superseded versions are both exported: an auditor sees the history.
 */
export const MAX_EXPORT_ROWS = 100_000;
const INSTANT = "($1::date::timestamp at time zone 'America/Mexico_City')";
const INSTANT_END = "(($2::date + 1)::timestamp at time zone 'America/Mexico_City')";

const QUERIES: Record<RecordSet, string> = {
  operaciones: `select * from operations where end_at >= ${INSTANT} and end_at < ${INSTANT_END} order by id limit $3`,
  acumulados_diarios: "select * from daily_accumulations where report_date >= $1::date and report_date <= $2::date order by id limit $3",
  existencias: "select * from inventory_cuts where report_date >= $1::date and report_date <= $2::date order by id limit $3",
  perdidas_proceso: "select * from process_losses where report_date >= $1::date and report_date <= $2::date order by id limit $3",
  bitacora: `select * from event_log where time >= ${INSTANT} and time < ${INSTANT_END} order by id limit $3`,
  alarmas: `select * from alarms where time >= ${INSTANT} and time < ${INSTANT_END} order by id limit $3`,
  cfdi: `select * from cfdi where issued_at >= ${INSTANT} and issued_at < ${INSTANT_END} order by id limit $3`,
  pedimentos: "select * from pedimentos where date >= $1::date and date <= $2::date order by id limit $3",
  dictamenes: "select * from dictamenes where issue_date >= $1::date and issue_date <= $2::date order by id limit $3",
};

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use AAAA-MM-DD")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "fecha inexistente");

export const exportQuerySchema = z
  .object({
    conjunto: z.enum(RECORD_SETS, { error: `conjunto desconocido; use uno de: ${RECORD_SETS.join(", ")}` }),
    desde: isoDate,
    hasta: isoDate,
    formato: z.enum(["json", "xml"], { error: "formato: json o xml" }).default("json"),
  })
  .strict()
  .refine((q) => q.desde <= q.hasta, { error: "«desde» debe ser anterior o igual a «hasta»", path: ["hasta"] });

export type ExportQuery = z.infer<typeof exportQuerySchema>;

export type ExportResult = { ok: true; body: string; contentType: string; fileName: string; rows: number } | { ok: false; status: 400 | 422; error: string };

export async function exportStoredRecords(db: SqlExecutor, query: ExportQuery, now: Date): Promise<ExportResult> {
  const rows = await db.query<Record<string, unknown>>(QUERIES[query.conjunto], [query.desde, query.hasta, MAX_EXPORT_ROWS + 1]);
  if (rows.length > MAX_EXPORT_ROWS) {
    return { ok: false, status: 422, error: `más de ${MAX_EXPORT_ROWS.toLocaleString("es-MX")} registros: acorte el periodo` };
  }
  const file = exportRecords({ set: query.conjunto, from: query.desde, to: query.hasta, generatedAt: now, rows }, query.formato as ExportFormat);
  return { ok: true, ...file, rows: rows.length };
}
