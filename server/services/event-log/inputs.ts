import { z } from "zod";

/**
 * Boundary schemas of the bitácora API (A30-LOG-02/03/09/11). Messages in Spanish, so a person
 * can correct the request.
 */
const RFC = /^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$/;

const dateOrDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "fecha AAAA-MM-DD o fecha y hora ISO-8601")
  .refine((v) => !Number.isNaN(new Date(v.length === 10 ? `${v}T00:00:00Z` : v).getTime()), "fecha inválida");

export const eventLogQuerySchema = z.object({
  /** Inclusive start: a date (local day start, America/Mexico_City −06:00) or an ISO instant. */
  from: dateOrDateTime.optional(),
  /** Inclusive end date (whole day) or exclusive ISO instant. */
  to: dateOrDateTime.optional(),
  category: z.union([z.literal("otro"), z.coerce.number().int().min(1, "categoría 1 a 7 u «otro»").max(7, "categoría 1 a 7 u «otro»")]).optional(),
  user: z.string().trim().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type EventLogQuery = z.infer<typeof eventLogQuerySchema>;

const linkSchema = z
  .object({
    kind: z.enum(["cause", "corrective_action", "follow_up", "note"], { error: "tipo de vínculo: cause, corrective_action, follow_up o note" }),
    alarmId: z.number().int().positive().optional(),
    inventoryCutId: z.number().int().positive().optional(),
    operationId: z.number().int().positive().optional(),
  })
  .refine((l) => [l.alarmId, l.inventoryCutId, l.operationId].filter((v) => v !== undefined).length === 1, "el vínculo indica exactamente uno: alarmId, inventoryCutId u operationId");

/** A30-LOG-02 (unclassified "otro" = category null, or categories 1–6) and A30-LOG-09 (linked cause/action/follow-up). */
export const manualEntrySchema = z.object({
  kind: z.literal("manual").default("manual"),
  category: z.union([z.literal("otro"), z.number().int().min(1).max(6, "la categoría 7 (inconsistencias) la registra el sistema")]).default("otro"),
  description: z.string().trim().min(2, "describa el evento (2 a 250 caracteres)").max(250, "la descripción admite hasta 250 caracteres"),
  component: z.string().trim().min(1).max(80).optional(),
  link: linkSchema.optional(),
});

/** A30-LOG-11: verification visit by the tax authority or an accredited provider (category 6). */
export const verificationVisitSchema = z.object({
  kind: z.literal("verification"),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "fecha de la visita AAAA-MM-DD"),
  authority: z.enum(["autoridad_fiscal", "proveedor_autorizado"], { error: "quién verifica: autoridad_fiscal o proveedor_autorizado" }),
  name: z.string().trim().min(2).max(120),
  rfc: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(RFC, "RFC inválido (12 o 13 caracteres, formato SAT)")),
  folio: z.string().trim().min(1, "indique el folio de la orden o del dictamen").max(60),
  scope: z.string().trim().min(2, "indique el alcance de la verificación").max(200),
});

export const newEntrySchema = z.union([verificationVisitSchema, manualEntrySchema]);
export type NewEntryInput = z.infer<typeof newEntrySchema>;
