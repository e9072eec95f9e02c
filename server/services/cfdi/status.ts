/**
 * A30-CFDI-06: recording a CFDI's status (from the PAC's or SAT's answer): the row keeps the new
 * status, its date and the PAC code/text; one bitácora entry with before/after, tied to every
 * operation the CFDI is linked to. A cancelled CFDI stays stored and linked — the links are shown
 * "CFDI cancelado" and the reports, pre-check and totals leave it out.
 */
import { z } from "zod";
import type { Database } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import { linkEventLogToOperation } from "../../../db/repositories/operations";
import { CFDI_STATUS_LABELS, CFDI_STATUS_VALUES, checkCfdiStatusChange, type CfdiStatus } from "../../domain/cfdi/status";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { CfdiError, type CfdiActor } from "./common";

export const cfdiStatusSchema = z
  .object({
    status: z.enum(CFDI_STATUS_VALUES, { error: `status: uno de ${CFDI_STATUS_VALUES.join(", ")}` }),
    code: z
      .string()
      .trim()
      .regex(/^\d{3}$/, "code: código de tres dígitos del PAC")
      .nullish(),
    reason: z.string().trim().min(10, "reason: motivo o referencia de al menos 10 caracteres").max(500, "reason: a lo más 500 caracteres"),
  })
  .strict();

export type CfdiStatusInput = z.infer<typeof cfdiStatusSchema>;

export interface CfdiStatusResult {
  cfdiId: number;
  uuid: string;
  before: CfdiStatus;
  after: CfdiStatus;
  code: string | null;
  codeText: string | null;
  eventLogId: number;
  linkedOperations: number;
}

export async function changeCfdiStatus(db: Database, actor: CfdiActor, cfdiId: number, input: CfdiStatusInput, now: Date): Promise<CfdiStatusResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number; uuid: string; status: CfdiStatus; installation_id: number | null }>("select id, uuid, status, installation_id from cfdi where id = $1 for update", [cfdiId]);
    if (!row) throw new CfdiError("not_found", `CFDI inexistente: ${cfdiId}`);
    const check = checkCfdiStatusChange({ from: row.status, to: input.status, code: input.code ?? null, reason: input.reason });
    if (!check.ok) throw new CfdiError(row.status === "cancelado" || row.status === input.status ? "conflict" : "invalid", check.error);
    const code = input.code?.trim() || null;
    await tx.query("update cfdi set status = $2, status_changed_at = $3, cancellation_code = $4, cancellation_message = $5 where id = $1", [row.id, input.status, now.toISOString(), code, check.codeText]);
    const links = await tx.query<{ operation_id: string | number }>("select distinct operation_id from cfdi_operation_links where cfdi_id = $1 and unlinked_at is null", [row.id]);
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Estado del CFDI ${row.uuid}: ${CFDI_STATUS_LABELS[row.status]} → ${CFDI_STATUS_LABELS[input.status]}${code ? ` (PAC ${code}: ${check.codeText})` : ""} por ${actor.username}: ${input.reason}`.slice(0, 1000),
      component: "cfdi",
      installationId: row.installation_id,
      details: { action: "cfdi-status", cfdiId: row.id, uuid: row.uuid, before: { status: row.status }, after: { status: input.status, code, codeText: check.codeText }, reason: input.reason, linkedOperations: links.map((l) => Number(l.operation_id)) },
    });
    for (const link of links) await linkEventLogToOperation(tx, entry.id, Number(link.operation_id), "note");
    return { cfdiId: Number(row.id), uuid: row.uuid, before: row.status, after: input.status, code, codeText: check.codeText, eventLogId: entry.id, linkedOperations: links.length };
  });
}
