import { z } from "zod";
import type { Database, SqlExecutor } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { isValidDate } from "../../domain/reconciliation/index";

/**
 * A30-REC-08: process losses (pérdidas por proceso: evaporation, refining losses…) per element and
 * report date, with method (e.g. API MPMS 19) and justification. Each capture is one
 * `process_losses` row (version 1) plus a bitácora entry (category 5) in one transaction; the daily
 * cut reads the current versions of the report date and subtracts them from the book stock
 * (A30-INC-01: book = opening + receptions − deliveries − losses).
 */

export const processLossInputSchema = z.object({
  installationKey: z.string().trim().min(1).max(60).optional(),
  tankKey: z.string({ error: "Tanque obligatorio (clave, p. ej. TQS-EDS-0001)" }).trim().min(1, "Tanque obligatorio (clave, p. ej. TQS-EDS-0001)").max(80),
  reportDate: z
    .string({ error: "Fecha obligatoria (AAAA-MM-DD)" })
    .refine(isValidDate, "Fecha inválida: use AAAA-MM-DD con un día que exista (fecha del periodo de corte)"),
  volume: z.coerce
    .number({ error: "Volumen inválido" })
    .positive("El volumen de la pérdida debe ser mayor que cero")
    .max(1e12, "Volumen fuera de rango")
    .refine((v) => Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6, "El volumen admite como máximo 3 decimales"),
  method: z.string({ error: "Método obligatorio (p. ej. API MPMS 19)" }).trim().min(3, "Método obligatorio (p. ej. API MPMS 19)").max(200),
  justification: z.string({ error: "Justificación obligatoria (al menos 10 caracteres)" }).trim().min(10, "Justificación obligatoria (al menos 10 caracteres)").max(2000),
});
export type ProcessLossInput = z.infer<typeof processLossInputSchema>;

export class ProcessLossError extends Error {
  constructor(
    readonly code: "not_found" | "invalid" | "conflict",
    message: string,
  ) {
    super(message);
  }
}

export interface ProcessLossRow {
  id: number;
  installation: string;
  reportDate: string;
  elementType: string;
  tank: string | null;
  productKey: string;
  volume: string;
  unit: string;
  method: string;
  justification: string;
  version: number;
  eventLogId: number | null;
  createdAt: string;
  createdBy: string;
}

export async function recordProcessLoss(db: Database, input: ProcessLossInput, actor: { userId: number; username: string }, now: Date): Promise<ProcessLossRow> {
  return db.transaction(async (tx) => {
    const tanks = await tx.query<{ id: number; installation_id: number; installation_key: string; product_key: string; unit: string }>(
      `select k.id, k.installation_id, i.key as installation_key, k.product_key, p.unit
         from tanks k join installations i on i.id = k.installation_id join products p on p.key = k.product_key
        where k.key = $1 and ($2::text is null or i.key = $2)`,
      [input.tankKey, input.installationKey ?? null],
    );
    if (tanks.length === 0) throw new ProcessLossError("not_found", `Tanque desconocido: ${input.tankKey}${input.installationKey ? ` en ${input.installationKey}` : ""}`);
    if (tanks.length > 1) throw new ProcessLossError("invalid", `La clave ${input.tankKey} existe en varias instalaciones: indique installationKey`);
    const tank = tanks[0]!;
    // The cut of that date is an immutable record: a loss entered after it would never reach the book stock.
    const [cut] = await tx.query<{ n: number }>("select count(*)::int as n from inventory_cuts where tank_id = $1 and report_date = $2::date", [tank.id, input.reportDate]);
    if (Number(cut!.n) > 0) {
      throw new ProcessLossError("conflict", `El corte del ${input.reportDate} de ${input.tankKey} ya se realizó: la pérdida ya no entraría en su existencia calculada`);
    }
    const volume = input.volume.toFixed(3);
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Pérdida por proceso de ${volume} ${tank.unit} en ${input.tankKey} del ${input.reportDate} registrada por ${actor.username} (método ${input.method}). Justificación: ${input.justification}`.slice(0, 1000),
      component: input.tankKey,
      installationId: Number(tank.installation_id),
      details: { action: "process-loss", requirement: "A30-REC-08", tankKey: input.tankKey, reportDate: input.reportDate, volume, unit: tank.unit, method: input.method, justification: input.justification },
    });
    const [row] = await tx.query<{ id: string | number }>(
      `insert into process_losses (installation_id, report_date, element_type, tank_id, product_key, volume, unit, method, justification, event_log_id, created_at, created_by)
       values ($1, $2::date, 'tank', $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id`,
      [tank.installation_id, input.reportDate, tank.id, tank.product_key, volume, tank.unit, input.method, input.justification, entry.id, now.toISOString(), actor.userId],
    );
    const [stored] = await listProcessLosses(tx, { id: Number(row!.id) });
    return stored!;
  });
}

export interface ProcessLossFilter {
  id?: number;
  installationKey?: string;
  from?: string;
  to?: string;
  limit?: number;
}

/** Current versions, newest report date first. */
export async function listProcessLosses(db: SqlExecutor, filter: ProcessLossFilter = {}): Promise<ProcessLossRow[]> {
  const rows = await db.query<{
    id: string | number; installation: string; report_date: string; element_type: string; tank: string | null; product_key: string; volume: string;
    unit: string; method: string; justification: string; version: number; event_log_id: string | number | null; created_at: Date | string; created_by: string;
  }>(
    `select l.id, i.key as installation, l.report_date::text as report_date, l.element_type, k.key as tank, l.product_key, l.volume::text as volume, l.unit,
            l.method, l.justification, l.version, l.event_log_id, l.created_at, u.username as created_by
       from process_losses l join installations i on i.id = l.installation_id left join tanks k on k.id = l.tank_id join users u on u.id = l.created_by
      where not exists (select 1 from process_losses s where s.supersedes_id = l.id)
        and ($1::bigint is null or l.id = $1) and ($2::text is null or i.key = $2)
        and ($3::date is null or l.report_date >= $3::date) and ($4::date is null or l.report_date <= $4::date)
      order by l.report_date desc, l.id desc limit $5`,
    [filter.id ?? null, filter.installationKey ?? null, filter.from ?? null, filter.to ?? null, filter.limit ?? 500],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    installation: r.installation,
    reportDate: r.report_date,
    elementType: r.element_type,
    tank: r.tank,
    productKey: r.product_key,
    volume: r.volume,
    unit: r.unit,
    method: r.method,
    justification: r.justification,
    version: Number(r.version),
    eventLogId: r.event_log_id === null ? null : Number(r.event_log_id),
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
  }));
}
