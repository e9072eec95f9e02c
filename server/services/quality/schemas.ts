import { z } from "zod";
import { CALORIFIC_UNITS, LOT_KINDS } from "../../../db/schema/enums";
import { GAS_COMPONENTS } from "../../domain/quality/fuels";

/**
 * Boundary schemas of the quality API (A30-TYP-01…10, A32-01…12): the dictamen capture (API field
 * names in English, mirroring the `dictamenes` columns), the online-instrument quality record,
 * the lot link and the DI- file import. The product rules (A32-03…08) run in the service.
 */
const KEY = /^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$/;
const RFC = /^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isRealDate = (v: string) => ISO_DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

export const LOT_KIND_LABELS: Record<(typeof LOT_KINDS)[number], string> = {
  monthly: "Mensual (fracción I)",
  processing: "Proceso continuo de refinación o procesamiento",
  duct: "Recepción o entrega continua por ducto",
  tank: "Producto en un tanque",
  ship_tank: "Tanque de buque",
  truck_rail: "Autotanque o carrotanque",
  import: "Operación de importación",
};

const text = (label: string, max: number) => z.string({ error: `${label}: texto` }).trim().min(1, `${label}: obligatorio`).max(max, `${label}: máximo ${max} caracteres`);
const key = (label: string) => z.string({ error: `${label}: obligatorio` }).trim().regex(KEY, `${label} inválida: grupos de letras y dígitos separados por guiones (p. ej. L-2026-0001)`).max(50, `${label}: máximo 50 caracteres`);
const rfc = (label: string) =>
  z
    .string({ error: `${label}: obligatorio` })
    .trim()
    .toUpperCase()
    .regex(RFC, `${label}: RFC inválido (12 o 13 caracteres con el formato del SAT)`);
const date = (label: string) => z.string({ error: `${label}: obligatoria (AAAA-MM-DD)` }).trim().refine(isRealDate, `${label}: use AAAA-MM-DD con un día que exista`);
const number = (label: string) =>
  z.coerce
    .number({ error: `${label}: debe ser un número` })
    .refine(Number.isFinite, `${label}: debe ser un número`)
    .min(-1e9, `${label}: fuera de rango`)
    .max(1e9, `${label}: fuera de rango`);
/** Sí/No of 32.4 XVI c)–e): booleans, or the Spanish words forms and files use. */
const yesNo = z.preprocess(
  (v) => (typeof v === "string" ? ({ sí: true, si: true, true: true, no: false, false: false } as Record<string, boolean>)[v.trim().toLowerCase()] ?? v : v),
  z.boolean({ error: "Contiene combustible no fósil: Sí o No" }),
);
const operationIds = z
  .array(z.coerce.number({ error: "Operación: id numérico" }).int("Operación: id numérico").positive("Operación: id numérico").max(Number.MAX_SAFE_INTEGER), { error: "operationIds: lista de ids" })
  .max(500, "Máximo 500 operaciones por vez");

const resultLine = z
  .object({
    property: text("Propiedad", 100),
    samplingMethod: text("Método de muestreo", 100).optional(),
    testMethod: text("Método de prueba", 100),
    value: z.union([z.number().refine(Number.isFinite, "Valor: número finito"), text("Valor", 100)]),
    unit: text("Unidad", 30),
  })
  .strict();

const gasComponent = z
  .object({
    component: z.enum(GAS_COMPONENTS, { error: `Componente: uno de ${GAS_COMPONENTS.join(", ")}` }),
    molarFraction: number("Fracción molar"),
    calorificValue: number("Poder calorífico del componente").optional(),
  })
  .strict();

/** XVI product data (A32-03…08); which fields apply depends on the product (the service says which). */
const productData = {
  subProductKey: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^SP[0-9]{1,2}$/, "Subproducto: clave SAT SP1…SP49")
    .optional(),
  apiGravity: number("Densidad API").optional(),
  sulfurPct: number("Contenido de azufre (%)").optional(),
  ron: number("RON").optional(),
  mon: number("MON").optional(),
  octaneIndex: number("Índice de octano").optional(),
  containsNonFossil: yesNo.optional(),
  nonFossilPct: number("Porcentaje de combustible no fósil").optional(),
  fameMgKg: number("FAME (mg/kg)").optional(),
  propanePct: number("Propano (%)").optional(),
  butanePct: number("Butano (%)").optional(),
  gasComposition: z.array(gasComponent).max(GAS_COMPONENTS.length, "Composición: un renglón por componente").optional(),
  calorificValue: number("Poder calorífico").optional(),
  calorificValueUnit: z.enum(CALORIFIC_UNITS, { error: "Unidad del poder calorífico: MJ/m3, BTU/ft3 o MMBTU" }).optional(),
  densityKgM3: number("Densidad (kg/m³)").min(0, "Densidad: no puede ser negativa").max(2000, "Densidad fuera de rango").optional(),
  densityBaseTemperatureC: number("Temperatura base de la densidad (°C)").min(-50).max(100).optional(),
};

const lotFields = {
  installationKey: z.string({ error: "Instalación obligatoria" }).trim().regex(KEY, "Clave de instalación inválida").max(80),
  tankKey: z.string().trim().regex(KEY, "Clave de tanque inválida").max(80).optional(),
  lotKind: z.enum(LOT_KINDS, { error: `Tipo de lote: ${LOT_KINDS.join(", ")}` }).optional(),
  productKey: z
    .string({ error: "Producto obligatorio (clave SAT, p. ej. PR07)" })
    .trim()
    .toUpperCase()
    .regex(/^PR[0-9]{2}$/, "Producto: clave SAT PR03…PR20"),
  operationIds: operationIds.optional(),
};

/** A32-01 I–XVI (dictamen capture). Lot number and folio are mandatory (→ 400 when missing). */
export const dictamenInputSchema = z
  .object({
    source: z.literal("dictamen").optional(),
    ...lotFields,
    taxpayerRfc: rfc("RFC del contribuyente").optional(),
    taxpayerName: text("Nombre del contribuyente", 300).optional(),
    laboratoryRfc: rfc("RFC del laboratorio (A30-TYP-02)"),
    laboratoryName: text("Nombre del laboratorio (A30-TYP-02)", 300),
    laboratoryAccreditation: text("Acreditación del laboratorio", 100).optional(),
    laboratoryAccreditationValidUntil: date("Vigencia de la acreditación").optional(),
    samplingLocation: text("Domicilio o ubicación del muestreo", 500).optional(),
    sampleOrigin: text("Campo y yacimiento, o medio de transporte o almacenamiento muestreado", 500).optional(),
    issuerName: text("Personal que emite el dictamen", 300).optional(),
    laboratoryLegalRepresentativeRfc: rfc("RFC del representante legal del laboratorio").optional(),
    folio: z.string({ error: "Folio del dictamen obligatorio (A32-01 VII)" }).trim().min(1, "Folio del dictamen obligatorio (A32-01 VII)").max(30, "Folio: RFC del laboratorio + 5 dígitos + año"),
    issueDate: date("Fecha de emisión"),
    samplingDate: date("Fecha de muestreo"),
    testDate: date("Fecha de las pruebas"),
    resultsDate: date("Fecha de los resultados"),
    lotNumber: key("Número de lote (A32-01 XII)"),
    sampleVolume: number("Volumen de la muestra").min(0, "Volumen de la muestra: no puede ser negativo").optional(),
    sampleVolumeUnit: text("Unidad del volumen de la muestra", 10).optional(),
    results: z.array(resultLine).max(100, "Máximo 100 resultados").optional(),
    resultSummary: z.string().trim().min(10, "Resultado: al menos 10 caracteres (SAT ResultadoDictamen)").max(300, "Resultado: máximo 300 caracteres (SAT ResultadoDictamen)").optional(),
    ...productData,
    language: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{2}$/, "Idioma: código de 2 letras (es, en, pt…)")
      .optional(),
    fileName: z.string().trim().max(120, "Nombre de archivo: máximo 120 caracteres").optional(),
  })
  .strict();
export type DictamenInput = z.infer<typeof dictamenInputSchema>;

/** A30-TYP-01 b) / A32-12: quality record from an online chromatograph/densitometer (no laboratory RFC needed, A30-TYP-02). */
export const instrumentQualitySchema = z
  .object({
    source: z.literal("online_instrument"),
    ...lotFields,
    analyzerKey: z.string({ error: "Analizador obligatorio (clave)" }).trim().regex(KEY, "Clave de analizador inválida").max(80),
    lotNumber: key("Número de lote"),
    /** Interval of analyzer values to aggregate (besides those already assigned to the lot). */
    from: z.coerce.date({ error: "from: fecha y hora inválida (ISO 8601)" }).optional(),
    to: z.coerce.date({ error: "to: fecha y hora inválida (ISO 8601)" }).optional(),
    ...productData,
  })
  .strict()
  .refine((v) => !v.from || !v.to || v.to.getTime() > v.from.getTime(), { message: "El fin del intervalo debe ser posterior al inicio", path: ["to"] });
export type InstrumentQualityInput = z.infer<typeof instrumentQualitySchema>;

/** POST /api/lots/:id/links — A30-TYP-10. */
/** A30-STO-02: a dictamen's correction — the whole corrected dictamen and the reason (bitácora). */
export const dictamenCorrectionSchema = z
  .object({
    dictamen: dictamenInputSchema,
    reason: z.string({ error: "Motivo de la corrección obligatorio" }).trim().min(10, "Motivo de la corrección: al menos 10 caracteres").max(500, "Motivo de la corrección: máximo 500 caracteres"),
  })
  .strict();
export type DictamenCorrectionInput = z.infer<typeof dictamenCorrectionSchema>;

export const lotLinkSchema = z
  .object({
    operationIds: operationIds.min(1, "Indique al menos una operación"),
    reason: z.string().trim().min(5, "Motivo: al menos 5 caracteres").max(500).optional(),
  })
  .strict();
export type LotLinkInput = z.infer<typeof lotLinkSchema>;

/** Largest DI- JSON text accepted (brief: ≤ 512 KiB). */
export const MAX_DICTAMEN_FILE_BYTES = 512 * 1024;

/** POST /api/dictamenes/import — A32-11: the DI- file name and its JSON text. */
export const dictamenImportSchema = z
  .object({
    fileName: z.string({ error: "Nombre del archivo obligatorio (DI-…)" }).trim().min(1, "Nombre del archivo obligatorio (DI-…)").max(120, "Nombre de archivo: máximo 120 caracteres"),
    content: z
      .string({ error: "Contenido del archivo obligatorio (texto JSON)" })
      .min(2, "Contenido del archivo obligatorio (texto JSON)")
      .refine((v) => Buffer.byteLength(v, "utf8") <= MAX_DICTAMEN_FILE_BYTES, "El archivo excede 512 KiB"),
    installationKey: lotFields.installationKey.optional(),
    tankKey: lotFields.tankKey,
    lotKind: lotFields.lotKind,
    operationIds: lotFields.operationIds,
  })
  .strict();
export type DictamenImportInput = z.infer<typeof dictamenImportSchema>;

export const qualityListQuerySchema = z
  .object({
    view: z.enum(["dictamenes", "lots", "pending"], { error: "view: dictamenes, lots o pending" }).optional(),
    installation: z.string().trim().regex(KEY, "Clave de instalación inválida").max(80).optional(),
    type: z.enum(["reception", "delivery"], { error: "type: reception o delivery" }).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const lotIdSchema = z.coerce.number({ error: "id de lote inválido" }).int("id de lote inválido").positive("id de lote inválido").max(2_147_483_647, "id de lote inválido");

// ── DI- file content (A32-11) ───────────────────────────────────────────────────────────────

/**
 * JSON accepted in a DI- file. SAT publishes no schema for the dictamen file itself (the report
 * schemas in /work/shared/sat only carry the Dictamen node: RfcDictamen, LoteDictamen,
 * NumeroFolioDictamen, FechaEmisionDictamen, ResultadoDictamen), so Aforo defines this shape:
 * Spanish field names mirroring Anexo 32, 32.4 I–XVI, plus `claveProducto`/`claveSubProducto`
 * (SAT keys) and `idioma`. Exactly the block of `datosProducto` that matches the product is given.
 */
const diNumber = (label: string) => z.number({ error: `${label}: número` }).refine(Number.isFinite, `${label}: número finito`);
const diNonFossil = {
  contieneCombustibleNoFosil: z.enum(["Sí", "No"], { error: "contieneCombustibleNoFosil: «Sí» o «No»" }),
  porcentajeCombustibleNoFosil: diNumber("porcentajeCombustibleNoFosil").optional(),
};
export const diFileSchema = z
  .object({
    /** I */
    contribuyente: z.object({ rfc: rfc("contribuyente.rfc"), nombre: text("contribuyente.nombre", 300) }).strict(),
    /** II (+ A32-13 acreditación) */
    laboratorio: z
      .object({
        rfc: rfc("laboratorio.rfc"),
        nombre: text("laboratorio.nombre", 300),
        acreditacion: text("laboratorio.acreditacion", 100).optional(),
        vigenciaAcreditacion: date("laboratorio.vigenciaAcreditacion").optional(),
      })
      .strict(),
    /** III */ domicilioMuestreo: text("domicilioMuestreo", 500).optional(),
    /** IV */ origenMuestra: text("origenMuestra", 500).optional(),
    /** V */ personalEmisor: text("personalEmisor", 300).optional(),
    /** VI */ rfcRepresentanteLegal: rfc("rfcRepresentanteLegal").optional(),
    /** VII */ folio: z.string({ error: "folio: obligatorio (A32-01 VII)" }).trim().min(1, "folio: obligatorio (A32-01 VII)").max(30),
    /** VIII–XI */
    fechaEmision: date("fechaEmision"),
    fechaMuestreo: date("fechaMuestreo"),
    fechaPruebas: date("fechaPruebas"),
    fechaResultados: date("fechaResultados"),
    /** XII */ lote: key("lote (A32-01 XII)"),
    /** XIII */ volumenMuestra: z.object({ valor: diNumber("volumenMuestra.valor").min(0), unidad: text("volumenMuestra.unidad", 10) }).strict().optional(),
    /** XIV–XV */
    resultados: z
      .array(
        z
          .object({
            propiedad: text("resultados.propiedad", 100),
            metodoMuestreo: text("resultados.metodoMuestreo", 100).optional(),
            metodoPrueba: text("resultados.metodoPrueba", 100),
            valor: z.union([diNumber("resultados.valor"), text("resultados.valor", 100)]),
            unidad: text("resultados.unidad", 30),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    /** SAT ResultadoDictamen (10–300). */
    resultado: z.string().trim().min(10).max(300).optional(),
    claveProducto: z
      .string({ error: "claveProducto: obligatoria (PR03…PR20)" })
      .trim()
      .regex(/^PR[0-9]{2}$/, "claveProducto: PR03…PR20"),
    claveSubProducto: z
      .string()
      .trim()
      .regex(/^SP[0-9]{1,2}$/, "claveSubProducto: SP1…SP49")
      .optional(),
    idioma: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{2}$/, "idioma: código de 2 letras")
      .optional(),
    /** XVI a)–f) */
    datosProducto: z
      .object({
        petroleo: z.object({ densidadApi: diNumber("densidadApi"), azufrePorcentaje: diNumber("azufrePorcentaje") }).strict().optional(),
        gasNaturalOCondensados: z
          .object({
            componentes: z
              .array(
                z
                  .object({
                    componente: z.enum(GAS_COMPONENTS, { error: `componente: uno de ${GAS_COMPONENTS.join(", ")}` }),
                    fraccionMolar: diNumber("fraccionMolar"),
                    poderCalorifico: diNumber("poderCalorifico").optional(),
                  })
                  .strict(),
              )
              .max(GAS_COMPONENTS.length)
              .optional(),
            poderCalorificoPromedio: diNumber("poderCalorificoPromedio").optional(),
            unidadPoderCalorifico: z.enum(CALORIFIC_UNITS, { error: "unidadPoderCalorifico: MJ/m3, BTU/ft3 o MMBTU" }).optional(),
          })
          .strict()
          .optional(),
        gasolina: z
          .object({ ron: diNumber("ron").optional(), mon: diNumber("mon").optional(), indiceOctano: diNumber("indiceOctano").optional(), ...diNonFossil })
          .strict()
          .optional(),
        diesel: z.object(diNonFossil).strict().optional(),
        turbosina: z
          .object({ ...diNonFossil, fameMgKg: diNumber("fameMgKg").optional() })
          .strict()
          .optional(),
        gasLP: z.object({ propanoPorcentaje: diNumber("propanoPorcentaje"), butanoPorcentaje: diNumber("butanoPorcentaje") }).strict().optional(),
      })
      .strict()
      .refine((v) => Object.values(v).filter((b) => b !== undefined).length <= 1, "datosProducto: un solo apartado (el del producto)")
      .optional(),
    densidad: z.object({ kgM3: diNumber("densidad.kgM3").min(0).max(2000), temperaturaBaseC: diNumber("densidad.temperaturaBaseC").optional() }).strict().optional(),
  })
  .strict();
export type DiFile = z.infer<typeof diFileSchema>;
