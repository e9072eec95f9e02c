import { z } from "zod";

/**
 * Record rules shared by automatic, ATG and manual operations (A30-REC-03/05/07, A30-LOG-10):
 * completeness, source keys, input validation, and the before/after difference of a correction.
 */

/** SAT RFC (db/schema/internal.ts RFC_PATTERN). */
export const RFC_REGEX = /^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$/;
/** Registry keys such as TQS-ATQ-1234 (A30-MS-02). */
export const KEY_REGEX = /^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$/;
/** SAT generic RFC for sales to the general public (retail dispenser sales). */
export const PUBLIC_RFC = "XAXX010101000";

export type OperationType = "reception" | "delivery";

/** A30-REC-03: what a record lacks (empty = complete). */
export function incompleteReasons(record: { type: OperationType; counterpartyRfc: string | null | undefined }): string[] {
  const reasons: string[] = [];
  if (!record.counterpartyRfc) reasons.push(record.type === "reception" ? "falta el RFC del proveedor" : "falta el RFC del cliente");
  return reasons;
}

export const sourceKeys = {
  reception: (installationKey: string, tankKey: string, startTime: number) => `reception:${installationKey}/${tankKey}@${new Date(startTime).toISOString()}`,
  sale: (installationKey: string, hoseKey: string, endTime: number) => `sale:${installationKey}/${hoseKey}@${new Date(endTime).toISOString()}`,
  atg: (installationKey: string, tankKey: string, deliveryKey: string) => `atg:${installationKey}/${tankKey}@${deliveryKey}`,
  duct: (installationKey: string, ductKey: string, endTime: number) => `duct:${installationKey}/${ductKey}@${new Date(endTime).toISOString()}`,
};

const rfc = z
  .string()
  .trim()
  .toUpperCase()
  .regex(RFC_REGEX, "RFC inválido: 12 o 13 caracteres con el formato del SAT (p. ej. GPA200101NL1)");
const key = (label: string) => z.string().trim().regex(KEY_REGEX, `${label} inválida: grupos de letras y dígitos separados por guiones (p. ej. TQS-ATQ-1234)`);
const volume = (label: string) =>
  z.coerce
    .number({ error: `${label}: debe ser un número` })
    .refine(Number.isFinite, `${label}: debe ser un número`)
    .min(0, `${label}: no puede ser negativo`)
    .max(1e12, `${label}: fuera de rango`);
const instant = (label: string) =>
  z.coerce.date({ error: `${label}: fecha y hora inválida (ISO 8601, p. ej. 2026-11-25T09:55:00-06:00)` }).refine((d) => !Number.isNaN(d.getTime()), `${label}: fecha y hora inválida`);

/** A30-REC-07: manual capture of an operation the equipment could not detect. */
export const manualOperationSchema = z
  .object({
    installationKey: key("Clave de instalación"),
    type: z.enum(["reception", "delivery"], { error: "Tipo: 'reception' (recepción) o 'delivery' (entrega)" }),
    tankKey: key("Clave de tanque").optional(),
    hoseKey: key("Clave de manguera").optional(),
    startAt: instant("Inicio"),
    endAt: instant("Fin"),
    netVolume: volume("Volumen a condiciones de referencia").refine((v) => v > 0, "Volumen a condiciones de referencia: debe ser mayor que cero"),
    grossVolume: volume("Volumen bruto").optional(),
    temperatureC: z.coerce.number({ error: "Temperatura: debe ser un número" }).min(-50, "Temperatura fuera de rango").max(150, "Temperatura fuera de rango").optional(),
    counterpartyRfc: rfc.optional(),
    counterpartyName: z.string().trim().max(300).optional(),
    transportMeansKey: key("Clave del medio de transporte").optional(),
    transportPermit: z.string().trim().max(100).optional(),
    justification: z.string().trim().min(10, "Justificación obligatoria: explique en al menos 10 caracteres por qué el equipo no registró la operación").max(1000),
  })
  .refine((v) => Boolean(v.tankKey) !== Boolean(v.hoseKey), { message: "Indique el tanque o la manguera (uno de los dos)", path: ["tankKey"] })
  .refine((v) => v.endAt.getTime() >= v.startAt.getTime(), { message: "El fin no puede ser anterior al inicio", path: ["endAt"] });
export type ManualOperationInput = z.infer<typeof manualOperationSchema>;

/** Fields a correction may change (A30-LOG-10, A30-REC-05); the reason is mandatory. */
export const operationCorrectionSchema = z
  .object({
    counterpartyRfc: rfc.nullable().optional(),
    counterpartyName: z.string().trim().max(300).nullable().optional(),
    counterpartyPermit: z.string().trim().max(100).nullable().optional(),
    transportMeansKey: key("Clave del medio de transporte").nullable().optional(),
    transportPermit: z.string().trim().max(100).nullable().optional(),
    clarification: z.string().trim().max(1000).nullable().optional(),
    netVolume: volume("Volumen a condiciones de referencia").optional(),
    grossVolume: volume("Volumen bruto").nullable().optional(),
    reason: z.string().trim().min(5, "Motivo obligatorio: explique la corrección en al menos 5 caracteres").max(1000),
  })
  .refine((v) => Object.keys(v).some((k) => k !== "reason"), { message: "Indique al menos un dato a corregir" });
export type OperationCorrectionInput = z.infer<typeof operationCorrectionSchema>;

export const CORRECTABLE_FIELDS = [
  "counterpartyRfc",
  "counterpartyName",
  "counterpartyPermit",
  "transportMeansKey",
  "transportPermit",
  "clarification",
  "netVolume",
  "grossVolume",
] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];
export type CorrectableValues = Record<CorrectableField, string | number | null>;

/** The fields a correction really changes, with before/after values (A30-LOG-10). */
export function correctionDiff(
  before: CorrectableValues,
  changes: Partial<Record<CorrectableField, string | number | null | undefined>>,
): { after: CorrectableValues; changed: Array<{ field: CorrectableField; before: string | number | null; after: string | number | null }> } {
  const after: CorrectableValues = { ...before };
  const changed: Array<{ field: CorrectableField; before: string | number | null; after: string | number | null }> = [];
  for (const field of CORRECTABLE_FIELDS) {
    const value = changes[field];
    if (value === undefined) continue;
    const normalized = typeof value === "string" && value === "" ? null : value;
    const same = typeof normalized === "number" && before[field] !== null ? Number(before[field]) === normalized : before[field] === normalized;
    if (same) continue;
    after[field] = normalized;
    changed.push({ field, before: before[field], after: normalized });
  }
  return { after, changed };
}

/** Spanish message list of a zod error, for API answers. */
export function zodMessages(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
}
