import { z } from "zod";
import type { OperationRow } from "../../../db/repositories/operations";
import { zodMessages } from "../../domain/operations/index";
import { OperationActionError } from "./user-actions";
import { readJsonRequest } from "../../http/json-body";

/** JSON shape of an operation in the API (A30-REC-03 fields, origin and status, A30-REC-07 manual flag). */
export function operationJson(op: OperationRow) {
  return {
    id: op.id,
    installation: op.installationKey,
    number: op.number,
    version: op.version,
    supersedesId: op.supersedesId,
    type: op.type,
    elementType: op.elementType,
    tank: op.tankKey,
    dispenser: op.dispenserKey,
    hose: op.hoseKey,
    productKey: op.productKey,
    subProductKey: op.subProductKey,
    startAt: op.startAt.toISOString(),
    endAt: op.endAt.toISOString(),
    volumeBefore: op.elementVolumeBefore,
    volumeAfter: op.elementVolumeAfter,
    grossVolume: op.grossVolume,
    netVolume: op.netVolume,
    unit: op.unit,
    temperatureC: op.temperatureC,
    vcf: op.vcf,
    referenceTemperatureC: op.referenceTemperatureC,
    counterpartyRfc: op.counterpartyRfc,
    counterpartyName: op.counterpartyName,
    transportMeansKey: op.transportMeansKey,
    transportPermit: op.transportPermit,
    totalizerAfter: op.totalizerAfter,
    status: op.status,
    incompleteReasons: op.incompleteReasons,
    origin: op.origin,
    manual: op.origin === "manual",
    createdBy: op.createdByUsername,
    justification: op.justification,
    clarification: op.clarification,
    correctionReason: op.correctionReason,
    sourceDevice: op.sourceDevice,
    algorithm: op.algorithmId ? `${op.algorithmId} ${op.algorithmVersion ?? ""}`.trim() : null,
    sourceKey: op.sourceKey,
    rawData: op.rawData,
    createdAt: op.createdAt.toISOString(),
  };
}

export const operationListQuerySchema = z.object({
  installation: z.string().trim().min(1).max(60).optional(),
  from: z.coerce.date({ error: "from: fecha inválida (ISO 8601)" }).optional(),
  to: z.coerce.date({ error: "to: fecha inválida (ISO 8601)" }).optional(),
  type: z.enum(["reception", "delivery"], { error: "type: 'reception' o 'delivery'" }).optional(),
  status: z.enum(["complete", "incomplete"], { error: "status: 'complete' o 'incomplete'" }).optional(),
  documentation: z.enum(["missing"], { error: "documentation: 'missing' (recepciones sin documentación)" }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

export const operationIdSchema = z.coerce.number({ error: "id de operación inválido" }).int("id de operación inválido").positive("id de operación inválido");

export function badRequest(error: z.ZodError): Response {
  return Response.json({ error: "datos inválidos", messages: zodMessages(error) }, { status: 400 });
}

export function actionErrorResponse(error: unknown): Response {
  if (error instanceof OperationActionError) {
    return Response.json({ error: error.message }, { status: error.code === "not_found" ? 404 : 422 });
  }
  throw error;
}

/** Reads a JSON body; a malformed one is a 400 with a message. */
export async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  return readJsonRequest(request, { empty: undefined });
}
