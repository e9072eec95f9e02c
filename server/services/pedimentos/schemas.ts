import { z } from "zod";
import { CUSTOMS_TRANSPORT_MEANS, PEDIMENTO_DIRECTIONS, VOLUME_UNITS } from "../../../db/schema/enums";

/**
 * Boundary schemas of the pedimento API (A30-PED-02…07). Shapes only — the SAT rules (number
 * normalisation, customs offices, Incoterms, tariff fractions) run in the service with the domain
 * functions, so every reason is reported together.
 */
const KEY = /^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const isRealDate = (v: string) => ISO_DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const text = (label: string, max: number) => z.string({ error: `${label}: texto` }).trim().min(1, `${label}: obligatorio`).max(max, `${label}: máximo ${max} caracteres`);
const key = (label: string) => z.string({ error: `${label}: texto` }).trim().regex(KEY, `${label} inválida: grupos de letras y dígitos separados por guiones`).max(80);
const country = (label: string) =>
  z
    .string({ error: `${label}: texto` })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, `${label}: clave SAAI de tres letras (p. ej. USA, MEX)`);
const customsPoint = (label: string) => z.string({ error: `${label}: texto` }).trim().max(3, `${label}: clave de aduana (2 dígitos) y sección (1 dígito)`);
const transport = (label: string) => z.enum(CUSTOMS_TRANSPORT_MEANS, { error: `${label}: clave del catálogo del SAT (1, 2, 3, 6, 7, 8 u 11)` });
const amount = (label: string, decimals: number) =>
  z.coerce
    .number({ error: `${label}: debe ser un número` })
    .refine(Number.isFinite, `${label}: debe ser un número`)
    .min(0, `${label}: no puede ser negativo`)
    .max(1e13, `${label}: fuera de rango`)
    .refine((v) => Math.abs(v * 10 ** decimals - Math.round(v * 10 ** decimals)) < 1e-6, `${label}: máximo ${decimals} decimales`);

/** Every captured field; the service adds the SAT checks. */
const pedimentoFields = {
  installationKey: key("Clave de instalación").optional(),
  number: z.string({ error: "Número de pedimento obligatorio" }).trim().min(1, "Número de pedimento obligatorio").max(40, "Número de pedimento: 15 dígitos"),
  pedimentoKey: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{2}$/, "Clave de pedimento: 2 caracteres (p. ej. A1)")
    .optional(),
  direction: z.enum(PEDIMENTO_DIRECTIONS, { error: "Operación: 'import' (importación) o 'export' (exportación)" }).default("import"),
  date: z.string({ error: "Fecha del pedimento obligatoria (AAAA-MM-DD)" }).refine(isRealDate, "Fecha del pedimento inválida: use AAAA-MM-DD"),
  exportPoint: customsPoint("Punto de exportación").optional(),
  entryPoint: customsPoint("Punto de internación").optional(),
  destinationCountry: country("País de destino").optional(),
  originCountry: country("País de origen"),
  transportMeansIn: transport("Medio de transporte de entrada a la aduana"),
  transportMeansOut: transport("Medio de transporte de salida de la aduana").optional(),
  incoterm: z.string({ error: "Incoterms obligatorio (A30-PED-04)" }).trim().min(1, "Incoterms obligatorio (A30-PED-04)").max(10, "Incoterms: clave de 3 letras"),
  tariffFraction: z.string({ error: "Fracción arancelaria obligatoria (p. ej. 2710.12.99-05)" }).trim().min(1, "Fracción arancelaria obligatoria (p. ej. 2710.12.99-05)").max(20),
  nico: z.string().trim().max(2, "NICO: 2 dígitos").optional(),
  productKey: z
    .string({ error: "Producto obligatorio (clave SAT, p. ej. PR07)" })
    .trim()
    .toUpperCase()
    .regex(/^PR[0-9]{2}$/, "Producto: clave SAT PR03…PR20"),
  subProductKey: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^SP[0-9]{1,2}$/, "Subproducto: clave SAT SP1…SP49")
    .optional(),
  volume: amount("Volumen documentado", 3).refine((v) => v > 0, "Volumen documentado: debe ser mayor que cero"),
  unit: z.enum(VOLUME_UNITS, { error: "Unidad: UM01 (barril), UM02 (pie cúbico), UM03 (litro) o UM04 (m³)" }).optional(),
  customsValueMxn: amount("Valor en aduana (MXN)", 2).optional(),
  importPriceMxn: amount("Precio de importación (MXN)", 2).optional(),
  importPermit: z
    .string()
    .trim()
    .regex(/^([a-zA-Z0-9]{4}C[a-zA-Z0-9]{9})$|^G[0-9]{1,17}$/, "Permiso de importación: formato del SAT (p. ej. G12345 o ABCDC123456789)")
    .optional(),
  counterpartyName: text("Proveedor o cliente extranjero", 300).optional(),
  counterpartyTaxId: text("Identificación fiscal del extranjero", 40).optional(),
  lotKey: key("Clave del lote importado").optional(),
};

export const createPedimentoSchema = z.object(pedimentoFields).strict();
export type CreatePedimentoInput = z.infer<typeof createPedimentoSchema>;

/** A correction names the fields that change (null clears an optional one) and the reason (A30-STO-02). */
export const correctPedimentoSchema = z
  .object({
    number: pedimentoFields.number.optional(),
    pedimentoKey: pedimentoFields.pedimentoKey.unwrap().nullable().optional(),
    date: pedimentoFields.date.optional(),
    exportPoint: customsPoint("Punto de exportación").nullable().optional(),
    entryPoint: customsPoint("Punto de internación").nullable().optional(),
    destinationCountry: country("País de destino").nullable().optional(),
    originCountry: country("País de origen").optional(),
    transportMeansIn: transport("Medio de transporte de entrada a la aduana").optional(),
    transportMeansOut: transport("Medio de transporte de salida de la aduana").nullable().optional(),
    incoterm: pedimentoFields.incoterm.optional(),
    tariffFraction: pedimentoFields.tariffFraction.optional(),
    nico: z.string().trim().max(2, "NICO: 2 dígitos").nullable().optional(),
    subProductKey: pedimentoFields.subProductKey.unwrap().nullable().optional(),
    volume: pedimentoFields.volume.optional(),
    customsValueMxn: amount("Valor en aduana (MXN)", 2).nullable().optional(),
    importPriceMxn: amount("Precio de importación (MXN)", 2).nullable().optional(),
    importPermit: pedimentoFields.importPermit.unwrap().nullable().optional(),
    counterpartyName: text("Proveedor o cliente extranjero", 300).nullable().optional(),
    counterpartyTaxId: text("Identificación fiscal del extranjero", 40).nullable().optional(),
    reason: z.string({ error: "Motivo obligatorio" }).trim().min(5, "Motivo obligatorio: explique la corrección en al menos 5 caracteres").max(1000),
  })
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== "reason"), { message: "Indique al menos un dato a corregir" });
export type CorrectPedimentoInput = z.infer<typeof correctPedimentoSchema>;

/** POST /api/pedimentos/:id/links (A30-PED-07). */
export const pedimentoLinkSchema = z
  .object({
    action: z.enum(["link", "unlink"], { error: "Acción: 'link' (vincular) o 'unlink' (desvincular)" }),
    operationId: z.coerce.number({ error: "Operación: id numérico" }).int("Operación: id numérico").positive("Operación: id numérico").max(Number.MAX_SAFE_INTEGER),
    /** Volume covered by this pedimento; default the operation's net volume. */
    volume: amount("Volumen vinculado", 3).refine((v) => v > 0, "Volumen vinculado: debe ser mayor que cero").optional(),
  })
  .strict()
  .refine((v) => v.action === "link" || v.volume === undefined, { message: "Al desvincular no se indica volumen", path: ["volume"] });
export type PedimentoLinkInput = z.infer<typeof pedimentoLinkSchema>;

export const pedimentoListQuerySchema = z
  .object({
    installation: key("Clave de instalación").optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const pedimentoIdSchema = z.coerce.number({ error: "id de pedimento inválido" }).int("id de pedimento inválido").positive("id de pedimento inválido").max(2_147_483_647, "id de pedimento inválido");
