import type { Database } from "../../../db/client";
import { appendEventLog } from "../../../db/repositories/event-log";
import {
  getCurrentVersion,
  insertOperation,
  insertOperationVersion,
  linkEventLogToOperation,
  lockOperationRegister,
  type OperationRow,
  type VersionOverride,
} from "../../../db/repositories/operations";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import { clearIncompleteRecordAlarm } from "./incomplete-records";
import {
  correctionDiff,
  incompleteReasons,
  type CorrectableField,
  type ManualOperationInput,
  type OperationCorrectionInput,
} from "../../domain/operations/index";

/**
 * What users do with operations: register one manually (A30-REC-07), confirm one (bitácora
 * entry), correct or annotate one (a new version, A30-LOG-10), link the transport means
 * (A30-REC-05, a correction of transport_means_key). Every action is one transaction with its
 * bitácora entry. Inputs are validated by the caller with the zod schemas of the domain.
 */

export interface Actor {
  userId: number;
  username: string;
}

export class OperationActionError extends Error {
  constructor(
    readonly code: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

const TYPE_LABEL = { reception: "recepción", delivery: "entrega" } as const;

export async function registerManualOperation(db: Database, input: ManualOperationInput, actor: Actor, now: Date): Promise<{ id: number; number: number; eventLogId: number }> {
  return db.transaction(async (tx) => {
    const [installation] = await tx.query<{ id: number }>("select id from installations where key = $1", [input.installationKey]);
    if (!installation) throw new OperationActionError("not_found", `Instalación desconocida: ${input.installationKey}`);
    const installationId = Number(installation.id);
    let element: { tankId: number; hoseId: number | null; dispenserId: number | null; productKey: string; subProductKey: string | null; referenceTemperatureC: number; key: string };
    if (input.tankKey) {
      const [tank] = await tx.query<{ id: number; product_key: string; sub_product_key: string | null; reference_temperature_c: string }>(
        "select k.id, k.product_key, k.sub_product_key, p.reference_temperature_c from tanks k join products p on p.key = k.product_key where k.installation_id = $1 and k.key = $2",
        [installationId, input.tankKey],
      );
      if (!tank) throw new OperationActionError("not_found", `Tanque desconocido en ${input.installationKey}: ${input.tankKey}`);
      element = { tankId: Number(tank.id), hoseId: null, dispenserId: null, productKey: tank.product_key, subProductKey: tank.sub_product_key, referenceTemperatureC: Number(tank.reference_temperature_c), key: input.tankKey };
    } else {
      const [hose] = await tx.query<{ id: number; dispenser_id: number; tank_id: number; product_key: string; sub_product_key: string | null; reference_temperature_c: string }>(
        `select h.id, h.dispenser_id, h.tank_id, h.product_key, h.sub_product_key, p.reference_temperature_c
           from hoses h join dispensers d on d.id = h.dispenser_id join products p on p.key = h.product_key where d.installation_id = $1 and h.key = $2`,
        [installationId, input.hoseKey],
      );
      if (!hose) throw new OperationActionError("not_found", `Manguera desconocida en ${input.installationKey}: ${input.hoseKey}`);
      element = { tankId: Number(hose.tank_id), hoseId: Number(hose.id), dispenserId: Number(hose.dispenser_id), productKey: hose.product_key, subProductKey: hose.sub_product_key, referenceTemperatureC: Number(hose.reference_temperature_c), key: input.hoseKey! };
    }
    if (element.hoseId !== null && input.type === "reception") throw new OperationActionError("invalid", "Una manguera solo entrega producto: registre la recepción en el tanque");
    await lockOperationRegister(tx, installationId);
    const reasons = incompleteReasons({ type: input.type, counterpartyRfc: input.counterpartyRfc });
    const description = `Registro manual de ${TYPE_LABEL[input.type]} de ${input.netVolume.toFixed(3)} L en ${element.key} por ${actor.username}. Justificación: ${input.justification}`;
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: description.slice(0, 1000),
      component: element.key,
      installationId,
      details: {
        action: "manual-operation",
        ...input,
        startAt: input.startAt.toISOString(),
        endAt: input.endAt.toISOString(),
      },
    });
    const stored = await insertOperation(tx, {
      installationId,
      type: input.type,
      elementType: element.hoseId !== null ? "hose" : "tank",
      tankId: element.tankId,
      hoseId: element.hoseId,
      dispenserId: element.dispenserId,
      productKey: element.productKey,
      subProductKey: element.subProductKey,
      startAt: input.startAt,
      endAt: input.endAt,
      grossVolume: input.grossVolume ?? null,
      netVolume: input.netVolume,
      temperatureC: input.temperatureC ?? null,
      referenceTemperatureC: element.referenceTemperatureC,
      counterpartyRfc: input.counterpartyRfc ?? null,
      counterpartyName: input.counterpartyName ?? null,
      transportMeansKey: input.transportMeansKey ?? null,
      transportPermit: input.transportPermit ?? null,
      status: reasons.length > 0 ? "incomplete" : "complete",
      incompleteReasons: reasons,
      origin: "manual",
      sourceDevice: `manual (${actor.username})`,
      justification: input.justification,
      eventLogId: entry.id,
      createdAt: now,
      createdBy: actor.userId,
    });
    await linkEventLogToOperation(tx, entry.id, stored.id, "note");
    return { ...stored, eventLogId: entry.id };
  });
}

/** Confirms (reviews) the current version of a record: a bitácora entry linked to it. */
export async function confirmOperation(db: Database, operationId: number, actor: Actor, note: string | null, now: Date): Promise<{ operationId: number; eventLogId: number }> {
  return db.transaction(async (tx) => {
    const current = await getCurrentVersion(tx, operationId);
    if (!current) throw new OperationActionError("not_found", `Operación inexistente: ${operationId}`);
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Confirmación de la ${TYPE_LABEL[current.type]} número ${current.number} (versión ${current.version}) por ${actor.username}${note ? `: ${note}` : ""}`.slice(0, 1000),
      component: current.tankKey ?? current.hoseKey ?? current.installationKey,
      installationId: current.installationId,
      details: { action: "confirm-operation", operationId: current.id, number: current.number, version: current.version, note },
    });
    await linkEventLogToOperation(tx, entry.id, current.id, "note");
    return { operationId: current.id, eventLogId: entry.id };
  });
}

const FIELD_COLUMN: Record<CorrectableField, keyof VersionOverride> = {
  counterpartyRfc: "counterparty_rfc",
  counterpartyName: "counterparty_name",
  counterpartyPermit: "counterparty_permit",
  transportMeansKey: "transport_means_key",
  transportPermit: "transport_permit",
  clarification: "clarification",
  netVolume: "net_volume",
  grossVolume: "gross_volume",
};

const FIELD_LABEL: Record<CorrectableField, string> = {
  counterpartyRfc: "RFC de la contraparte",
  counterpartyName: "nombre de la contraparte",
  counterpartyPermit: "permiso de la contraparte",
  transportMeansKey: "medio de transporte",
  transportPermit: "permiso del transportista",
  clarification: "aclaración",
  netVolume: "volumen a condiciones de referencia",
  grossVolume: "volumen bruto",
};

/**
 * Correction as a new version (A30-LOG-10): the record keeps its number, version + 1 supersedes
 * the current one, and the bitácora entry lists every changed field with its old and new value,
 * the user and the reason. The status is recomputed (a completed RFC makes it complete).
 */
export async function correctOperation(
  db: Database,
  operationId: number,
  input: OperationCorrectionInput,
  actor: Actor,
  now: Date,
): Promise<{ id: number; number: number; version: number; eventLogId: number; changes: Array<{ field: CorrectableField; before: string | number | null; after: string | number | null }> }> {
  return db.transaction(async (tx) => {
    const target = await getCurrentVersion(tx, operationId);
    if (!target) throw new OperationActionError("not_found", `Operación inexistente: ${operationId}`);
    await lockOperationRegister(tx, target.installationId);
    // Re-read after the lock: another correction may have landed meanwhile.
    const current = (await getCurrentVersion(tx, operationId))!;
    const { reason, ...changes } = input;
    const { after, changed } = correctionDiff(correctableValues(current), changes);
    if (changed.length === 0) throw new OperationActionError("invalid", "La corrección no cambia ningún dato de la operación");
    const rfcReasons = new Set(incompleteReasons({ type: current.type, counterpartyRfc: null }));
    const otherReasons = current.incompleteReasons.filter((r) => !rfcReasons.has(r));
    const reasons = [...incompleteReasons({ type: current.type, counterpartyRfc: after.counterpartyRfc as string | null }), ...otherReasons];
    const overrides: VersionOverride = { status: reasons.length > 0 ? "incomplete" : "complete", incomplete_reasons: reasons.length > 0 ? JSON.stringify(reasons) : null };
    for (const c of changed) overrides[FIELD_COLUMN[c.field]] = typeof c.after === "number" ? c.after.toFixed(3) : c.after;
    const summary = changed.map((c) => `${FIELD_LABEL[c.field]}: ${c.before ?? "(vacío)"} → ${c.after ?? "(vacío)"}`).join("; ");
    const entry = await appendEventLog(tx, {
      time: now,
      userId: actor.userId,
      username: actor.username,
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Corrección de la ${TYPE_LABEL[current.type]} número ${current.number} (versión ${current.version} → ${current.version + 1}) por ${actor.username}: ${summary}. Motivo: ${reason}`.slice(0, 1000),
      component: current.tankKey ?? current.hoseKey ?? current.installationKey,
      installationId: current.installationId,
      details: {
        action: "correct-operation",
        operationId: current.id,
        number: current.number,
        fromVersion: current.version,
        toVersion: current.version + 1,
        changes: changed,
        statusBefore: current.status,
        statusAfter: overrides.status,
        reason,
      },
    });
    const id = await insertOperationVersion(tx, current.id, overrides, { correctionReason: reason, eventLogId: entry.id, createdAt: now, createdBy: actor.userId });
    await linkEventLogToOperation(tx, entry.id, id, "note");
    // A30-REC-03: completing the record clears its "registro incompleto" alarm (the correction entry is the clearing entry).
    if (overrides.status === "complete") await clearIncompleteRecordAlarm(tx, current.installationId, current.number, entry.id, now);
    return { id, number: current.number, version: current.version + 1, eventLogId: entry.id, changes: changed };
  });
}

/** An annotation (SAT Aclaración) is a correction of the clarification only. */
export function annotateOperation(db: Database, operationId: number, clarification: string, reason: string, actor: Actor, now: Date) {
  return correctOperation(db, operationId, { clarification, reason }, actor, now);
}

/** A30-REC-05: links the transport means (e.g. autotanque TQS-ATQ-1234) as a correction. */
export function linkTransportMeans(db: Database, operationId: number, transportMeansKey: string, transportPermit: string | null, reason: string, actor: Actor, now: Date) {
  return correctOperation(db, operationId, { transportMeansKey, ...(transportPermit ? { transportPermit } : {}), reason }, actor, now);
}

function correctableValues(op: OperationRow): Record<CorrectableField, string | number | null> {
  return {
    counterpartyRfc: op.counterpartyRfc,
    counterpartyName: op.counterpartyName,
    counterpartyPermit: op.counterpartyPermit,
    transportMeansKey: op.transportMeansKey,
    transportPermit: op.transportPermit,
    clarification: op.clarification,
    netVolume: op.netVolume,
    grossVolume: op.grossVolume,
  };
}
