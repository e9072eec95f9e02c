/**
 * Aforo's own checks on SAT volumetric reports: the rules the published JSON Schemas state but a
 * standard validator cannot enforce (research note `sat-report-format.md` §7 items 4, 5, 6, 8, 9,
 * 10, 12), plus the companion XSD 1.1 asserts and the arithmetic the field descriptions require.
 * A report is only released when `assertValidReport` returns `ok: true` (A30-RPT-04); the monthly
 * pre-check (A30-RPT-06) can show the same list.
 *
 * All checks are pure: (report JSON, derived rule tables) → list of { path, message, rule }.
 * The report is treated as untrusted `unknown` JSON: a value of the wrong type is left to the
 * schema validation and skipped here.
 *
 * Rule ids (the `rule` field):
 *   additionalRequired:<campo>          `then.additionalRequired` of the schemas (§7.4), as SAT intends it
 *   additionalRequired-inverso:<campo>  the XSD `else not(…)`: the field only with its condition
 *   numPermiso-nomenclatura             NumPermiso vs ModalidadPermiso nomenclature (§7.6)
 *   caracter-campos                     fields per Caracter (XSD assert on TipoCaracter)
 *   fecha-hora-desfase                  date-time values carry an explicit ±hh:mm offset (§7.8)
 *   hora-desfase                        hh:mm:ss±hh:mm values (the schema's `[-|+]` also admits `|`)
 *   unidad-medida-patron                UnidadDeMedida pattern per report kind / complement (§7.9)
 *   unidad-medida-volumen               volumes in volume units, PoderCalorifico in energy units (§7.9)
 *   unidad-medida-producto              unit the descriptions prescribe per product (litros, barriles…)
 *   unidad-medida-consistente           one unit per product, because the bare-number volumes carry none (§7.10)
 *   decimales                           `fractionDigits` (non-standard keyword, §7.4)
 *   patron-sin-distincion-mayusculas    patterns published with the PCRE `(?i)` flag (§7.3)
 *   complemento-tipo                    a Complemento validates against its own Comp-<TipoComplemento> schema
 *   complemento-extranjero-permiso      Extranjero permit per complement type (§7.5)
 *   totales-conteo / totales-suma       Total… / Suma… equal the listed Recepcion/Entrega items (§7.12)
 *   bitacora-registro-unico             NumeroRegistro unique within the report's bitácora
 *   contratista-producto                PR08/PR09/PR10 data per product for contratista/asignatario
 *   fraccion-molar-suma                 GasNaturalOCondensados fractions add up to 1
 *   poder-calorifico-requerido          monthly PR09 Recepciones.PoderCalorifico for permisionario/usuario
 */
import {
  COMPLEMENT_TYPES,
  escapeJsonPointerToken,
  isComplementType,
  isPlainObject,
  loadShippedSchemas,
  validateComplement,
  validateDailyReport,
  validateMonthlyReport,
  type ComplementType,
  type JsonSchemaObject,
  type ReportValidationError,
  type ReportValidationResult,
  type SatSchemaSet,
} from "./schema-loader";
import {
  findAdditionalRequiredRules,
  findCaseInsensitivePatterns,
  findDateTimeProperties,
  findForeignPermitRules,
  findFractionDigits,
  findPermitPatterns,
  findTimeWithOffsetProperties,
  type AdditionalRequiredRule,
  type ForeignPermitRule,
} from "./schema-rules";

export type SatReportKind = "daily" | "monthly";

export interface SatRuleTables {
  additionalRequired: Record<SatReportKind, readonly AdditionalRequiredRule[]>;
  /** ModalidadPermiso → NumPermiso pattern. */
  permitPatterns: Readonly<Record<string, string>>;
  foreignPermitRules: readonly ForeignPermitRule[];
  dateTimeProperties: ReadonlySet<string>;
  timeWithOffsetProperties: ReadonlySet<string>;
  caseInsensitivePatterns: Readonly<Record<string, string>>;
  fractionDigits: Readonly<Record<string, number>>;
  /** `definitions.UM.pattern` of each report schema and of the complements. */
  unitPatterns: Record<SatReportKind | "complement", string>;
}

/**
 * Derives every rule table from the schema set (pure).
 *
 * Permit patterns come from Diario.schema.json for both kinds: Mensual.schema.json 0.3.1 spells
 * PER42 `G/…/LDP/…` where Diario, the XSDs (Diario.xsd and Mensual.xsd asserts) and the catalog
 * nomenclature all say `G/XXXXX/LPD/AAAA` — a typo in Mensual.
 */
export function deriveSatRuleTables(schemas: SatSchemaSet): SatRuleTables {
  const all = Object.values(schemas);
  const complements = COMPLEMENT_TYPES.map((t) => schemas[`Comp-${t}.schema.json`]);
  const umPattern = (s: JsonSchemaObject): string => {
    const defs = s.definitions;
    const um = isPlainObject(defs) ? defs.UM : undefined;
    if (!isPlainObject(um) || typeof um.pattern !== "string") throw new Error("Esquema SAT sin definitions.UM.pattern");
    return um.pattern;
  };
  const complementUm = new Set(complements.map(umPattern));
  if (complementUm.size !== 1) throw new Error("Los complementos difieren en definitions.UM.pattern");
  return {
    additionalRequired: {
      daily: findAdditionalRequiredRules(schemas["Diario.schema.json"]),
      monthly: findAdditionalRequiredRules(schemas["Mensual.schema.json"]),
    },
    permitPatterns: findPermitPatterns(schemas["Diario.schema.json"]),
    foreignPermitRules: dedupeForeignRules([
      ...findForeignPermitRules(schemas["Diario.schema.json"]),
      ...findForeignPermitRules(schemas["Mensual.schema.json"]),
    ]),
    dateTimeProperties: findDateTimeProperties(all),
    timeWithOffsetProperties: findTimeWithOffsetProperties(all),
    caseInsensitivePatterns: findCaseInsensitivePatterns(all),
    fractionDigits: findFractionDigits(all),
    unitPatterns: {
      daily: umPattern(schemas["Diario.schema.json"]),
      monthly: umPattern(schemas["Mensual.schema.json"]),
      complement: [...complementUm][0] as string,
    },
  };
}

function dedupeForeignRules(rules: ForeignPermitRule[]): ForeignPermitRule[] {
  const map = new Map<string, ForeignPermitRule>();
  for (const r of rules) map.set(`${[...r.complementTypes].sort().join(",")}→${r.requiredField}`, r);
  return [...map.values()];
}

let defaultTables: SatRuleTables | undefined;

/** Rule tables of the shipped schemas (derived once). */
export function defaultSatRuleTables(): SatRuleTables {
  defaultTables ??= deriveSatRuleTables(loadShippedSchemas());
  return defaultTables;
}

/** Spanish message for each `additionalRequired` rule, keyed by the required field. */
export const ADDITIONAL_REQUIRED_MESSAGES: Readonly<Record<string, { required: string; forbidden: string }>> = {
  ComposDeCombustibleNoFosilEnGasolina: {
    required: "Con GasolinaConCombustibleNoFosil = «Sí» debe declararse ComposDeCombustibleNoFosilEnGasolina (porcentaje de combustible no fósil)",
    forbidden: "ComposDeCombustibleNoFosilEnGasolina solo procede cuando GasolinaConCombustibleNoFosil = «Sí»; debe omitirse",
  },
  ComposDeCombustibleNoFosilEnDiesel: {
    required: "Con DieselConCombustibleNoFosil = «Sí» debe declararse ComposDeCombustibleNoFosilEnDiesel (porcentaje de combustible no fósil)",
    forbidden: "ComposDeCombustibleNoFosilEnDiesel solo procede cuando DieselConCombustibleNoFosil = «Sí»; debe omitirse",
  },
  ComposDeCombustibleNoFosilEnTurbosina: {
    required: "Con TurbosinaConCombustibleNoFosil = «Sí» debe declararse ComposDeCombustibleNoFosilEnTurbosina (porcentaje de combustible no fósil)",
    forbidden: "ComposDeCombustibleNoFosilEnTurbosina solo procede cuando TurbosinaConCombustibleNoFosil = «Sí»; debe omitirse",
  },
  ConcentracionSustanciaMarcaje: {
    required: "Con Marcaje debe declararse ConcentracionSustanciaMarcaje",
    forbidden: "ConcentracionSustanciaMarcaje solo procede cuando se declara Marcaje; debe omitirse",
  },
  Otros: {
    required: "Con ClaveSubProducto SP20 debe describirse el producto en «Otros»",
    forbidden: "«Otros» solo procede con ClaveSubProducto SP20; debe omitirse",
  },
};

export interface RuleOptions {
  tables?: SatRuleTables;
  /** Validator for one complement against its own schema (injected for tests; defaults to the shipped schemas). */
  validateComplement?: (type: ComplementType, json: unknown) => ReportValidationResult;
}

/** Every violation of Aforo's own report rules, in a stable order (rule group, then document order). */
export function satReportRuleViolations(
  report: unknown,
  kind: SatReportKind,
  options: RuleOptions = {},
): ReportValidationError[] {
  const tables = options.tables ?? defaultSatRuleTables();
  const complementValidator = options.validateComplement ?? validateComplement;
  if (!isPlainObject(report)) return [{ path: "", message: "El reporte debe ser un objeto JSON", rule: "estructura" }];
  return [
    ...checkAdditionalRequired(report, tables.additionalRequired[kind]),
    ...checkPermitAndCaracter(report, tables.permitPatterns),
    ...checkDateTimeOffsets(report, tables.dateTimeProperties, tables.timeWithOffsetProperties),
    ...checkUnits(report, kind, tables.unitPatterns),
    ...checkFractionDigits(report, tables.fractionDigits),
    ...checkCaseInsensitivePatterns(report, tables.caseInsensitivePatterns),
    ...checkComplements(report, tables.foreignPermitRules, complementValidator),
    ...(kind === "daily" ? checkDailyTotals(report) : []),
    ...checkBitacora(report, kind),
    ...checkContratistaProducts(report),
    ...(kind === "monthly" ? checkMonthlyCalorificValue(report) : []),
  ];
}

/** Rules whose finding duplicates a schema error at the same path; shown only when the schema is silent there. */
const SCHEMA_OVERLAP_RULES = new Set(["unidad-medida-patron", "complemento-tipo"]);

/**
 * JSON Schema validation (ajv) and Aforo's own rules together (A30-RPT-04): `ok` only if both pass;
 * otherwise every failing path, schema errors first.
 */
export function assertValidReport(kind: SatReportKind, json: unknown, options: RuleOptions = {}): ReportValidationResult {
  const schema = kind === "daily" ? validateDailyReport(json) : validateMonthlyReport(json);
  const schemaErrors = schema.ok ? [] : schema.errors;
  const schemaPaths = new Set(schemaErrors.map((e) => e.path));
  const seen = new Set(schemaErrors.map((e) => `${e.path}\u0000${e.message}`));
  const errors = [...schemaErrors];
  for (const v of satReportRuleViolations(json, kind, options)) {
    if (SCHEMA_OVERLAP_RULES.has(v.rule) && schemaPaths.has(v.path)) continue;
    const key = `${v.path}\u0000${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(v);
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

// ---------------------------------------------------------------------------------------------
// Instance navigation
// ---------------------------------------------------------------------------------------------

type Json = unknown;
interface Located {
  value: Json;
  path: string;
}

function child(path: string, key: string | number): string {
  return `${path}/${typeof key === "number" ? key : escapeJsonPointerToken(key)}`;
}

/** Values matching an instance pattern (property names and `*` for array items). */
export function matchInstancePattern(doc: Json, pattern: readonly string[]): Located[] {
  let current: Located[] = [{ value: doc, path: "" }];
  for (const segment of pattern) {
    const next: Located[] = [];
    for (const { value, path } of current) {
      if (segment === "*") {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ value: v, path: child(path, i) }));
      } else if (isPlainObject(value) && segment in value) {
        next.push({ value: value[segment], path: child(path, segment) });
      }
    }
    current = next;
  }
  return current;
}

/** Depth-first walk over every object member and array item; `skip` prunes a subtree. */
function walk(
  value: Json,
  path: string,
  visit: (key: string | number, value: Json, path: string, parent: Json) => "skip" | void,
): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const p = child(path, i);
      if (visit(i, v, p, value) !== "skip") walk(v, p, visit);
    });
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = child(path, k);
      if (visit(k, v, p, value) !== "skip") walk(v, p, visit);
    }
  }
}

function asArray(value: Json): Json[] {
  return Array.isArray(value) ? value : [];
}

function num(value: Json): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function volumeValue(value: Json): number | undefined {
  return isPlainObject(value) ? num(value.ValorNumerico) : undefined;
}

const fmt = (n: number): string => String(Number(n.toFixed(6)));

// ---------------------------------------------------------------------------------------------
// additionalRequired (§7.4) and their XSD converse
// ---------------------------------------------------------------------------------------------

function conditionHolds(obj: Record<string, unknown>, rule: AdditionalRequiredRule): boolean {
  const c = rule.condition;
  if (!(c.property in obj)) return false;
  return c.kind === "present" ? true : obj[c.property] === c.value;
}

export function checkAdditionalRequired(
  report: Json,
  rules: readonly AdditionalRequiredRule[],
): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  for (const rule of rules) {
    for (const { value, path } of matchInstancePattern(report, rule.instancePattern)) {
      if (!isPlainObject(value)) continue;
      const holds = conditionHolds(value, rule);
      for (const field of rule.required) {
        const texts = ADDITIONAL_REQUIRED_MESSAGES[field] ?? {
          required: `Falta ${field}, requerido por la condición ${JSON.stringify(rule.condition)} del esquema SAT`,
          forbidden: `${field} solo procede con la condición ${JSON.stringify(rule.condition)} del esquema SAT`,
        };
        if (holds && !(field in value)) {
          out.push({ path: child(path, field), message: texts.required, rule: `additionalRequired:${field}` });
        } else if (!holds && field in value) {
          out.push({ path: child(path, field), message: texts.forbidden, rule: `additionalRequired-inverso:${field}` });
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// NumPermiso nomenclature (§7.6) and fields per Caracter (XSD asserts)
// ---------------------------------------------------------------------------------------------

const FORBIDDEN_BY_CARACTER: Record<string, readonly string[]> = {
  permisionario: ["NumContratoOAsignacion", "InstalacionAlmacenGasNatural"],
  usuario: ["ModalidadPermiso", "NumPermiso", "NumContratoOAsignacion"],
  contratista: ["ModalidadPermiso", "NumPermiso", "InstalacionAlmacenGasNatural"],
  asignatario: ["ModalidadPermiso", "NumPermiso", "InstalacionAlmacenGasNatural"],
};

export function checkPermitAndCaracter(
  report: Record<string, unknown>,
  permitPatterns: Readonly<Record<string, string>>,
): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  const caracter = report.Caracter;
  if (typeof caracter !== "string") return out;
  for (const field of FORBIDDEN_BY_CARACTER[caracter] ?? []) {
    if (field in report) {
      out.push({
        path: child("", field),
        message: `${field} no procede cuando Caracter es «${caracter}»; debe omitirse`,
        rule: "caracter-campos",
      });
    }
  }
  if (caracter !== "permisionario") return out;
  const permiso = report.NumPermiso;
  if (permiso === undefined) {
    out.push({
      path: "/NumPermiso",
      message: "Falta NumPermiso: es obligatorio cuando Caracter es «permisionario»",
      rule: "numPermiso-nomenclatura",
    });
    return out;
  }
  const modalidad = report.ModalidadPermiso;
  if (typeof permiso !== "string" || typeof modalidad !== "string") return out;
  const pattern = permitPatterns[modalidad];
  if (pattern === undefined) return out; // unknown modality: the schema pattern on ModalidadPermiso reports it
  if (!new RegExp(pattern).test(permiso)) {
    out.push({
      path: "/NumPermiso",
      message: `NumPermiso «${permiso}» no sigue la nomenclatura de ${modalidad} (${pattern})`,
      rule: "numPermiso-nomenclatura",
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Date-time offsets (§7.8)
// ---------------------------------------------------------------------------------------------

/** yyyy-mm-ddThh:mm:ss[.fff]±hh:mm — local time with its UTC offset; `Z` or no offset is rejected. */
export const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?[+-](?:0\d|1[0-4]):[0-5]\d$/;
/** hh:mm:ss±hh:mm */
export const TIME_WITH_OFFSET = /^(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d[+-](?:0\d|1[0-4]):[0-5]\d$/;

export function checkDateTimeOffsets(
  report: Json,
  dateTimeProps: ReadonlySet<string>,
  timeProps: ReadonlySet<string>,
): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  walk(report, "", (key, value, path) => {
    if (typeof key !== "string" || typeof value !== "string") return;
    if (dateTimeProps.has(key) && !DATE_TIME_WITH_OFFSET.test(value)) {
      out.push({
        path,
        message: `${key} «${value}» debe expresarse como aaaa-mm-ddThh:mm:ss±hh:mm (hora local con su desfase UTC explícito; no «Z» ni sin desfase)`,
        rule: "fecha-hora-desfase",
      });
    } else if (timeProps.has(key) && !TIME_WITH_OFFSET.test(value)) {
      out.push({
        path,
        message: `${key} «${value}» debe expresarse como hh:mm:ss±hh:mm (hora local con su desfase UTC explícito)`,
        rule: "hora-desfase",
      });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Units (§7.9, §7.10)
// ---------------------------------------------------------------------------------------------

export const VOLUME_UNITS = ["UM01", "UM02", "UM03", "UM04"] as const;
export const ENERGY_UNITS = ["UM05", "UM06"] as const;
const UNIT_NAMES: Record<string, string> = {
  UM01: "barriles",
  UM02: "pies cúbicos",
  UM03: "litros",
  UM04: "metros cúbicos",
  UM05: "BTU",
  UM06: "megajoules",
};

/**
 * Unit the field descriptions prescribe: "litros tratándose de petrolíferos, pie cúbico tratándose
 * de gas natural para contratistas y asignatarios, metro cúbico tratándose de gas natural en los
 * demás casos, barril tratándose de petróleo y condensados". Products whose class is not stated
 * (PR14 propano, PR15 bioenergéticos, PR19, PR20) are only checked for consistency.
 */
export function expectedVolumeUnit(claveProducto: string, caracter: unknown): string | undefined {
  switch (claveProducto) {
    case "PR03":
    case "PR07":
    case "PR11":
    case "PR12":
    case "PR13":
    case "PR16":
    case "PR17":
    case "PR18":
      return "UM03";
    case "PR08":
    case "PR10":
      return "UM01";
    case "PR09":
      return caracter === "contratista" || caracter === "asignatario" ? "UM02" : "UM04";
    default:
      return undefined;
  }
}

export function checkUnits(
  report: Record<string, unknown>,
  kind: SatReportKind,
  unitPatterns: SatRuleTables["unitPatterns"],
): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  const reportUm = new RegExp(unitPatterns[kind]);
  const complementUm = new RegExp(unitPatterns.complement);
  const caracter = report.Caracter;

  asArray(report.Producto).forEach((producto, i) => {
    if (!isPlainObject(producto)) return;
    const productPath = child("/Producto", i);
    const clave = typeof producto.ClaveProducto === "string" ? producto.ClaveProducto : "";
    const expected = expectedVolumeUnit(clave, caracter);
    const volumes: Array<{ unit: string; path: string }> = [];

    const visitVolumes = (value: Json, path: string, inComplement: boolean, key: string | number) => {
      if (isPlainObject(value) && "UnidadDeMedida" in value && "ValorNumerico" in value) {
        const unit = value.UnidadDeMedida;
        if (typeof unit !== "string") return;
        const unitPath = child(path, "UnidadDeMedida");
        const pattern = inComplement ? complementUm : reportUm;
        if (!pattern.test(unit)) {
          out.push({
            path: unitPath,
            message: `UnidadDeMedida «${unit}» no permitida ${inComplement ? "en los complementos" : `en el reporte ${kind === "daily" ? "diario" : "mensual"}`} (${pattern.source})`,
            rule: "unidad-medida-patron",
          });
          return;
        }
        if (key === "PoderCalorifico") {
          const want = kind === "monthly" && (caracter === "contratista" || caracter === "asignatario") ? "UM05" : "UM06";
          if (unit !== want) {
            out.push({
              path: unitPath,
              message: `PoderCalorifico debe expresarse en ${UNIT_NAMES[want]} (${want}), no en «${unit}»`,
              rule: "unidad-medida-volumen",
            });
          }
          return;
        }
        if ((ENERGY_UNITS as readonly string[]).includes(unit)) {
          out.push({
            path: unitPath,
            message: `${String(key)} es un volumen: UnidadDeMedida debe ser de volumen (UM01–UM04), no «${unit}» (${UNIT_NAMES[unit]})`,
            rule: "unidad-medida-volumen",
          });
          return;
        }
        if (!inComplement) volumes.push({ unit, path: unitPath });
        return;
      }
      if (Array.isArray(value)) value.forEach((v, j) => visitVolumes(v, child(path, j), inComplement, j));
      else if (isPlainObject(value)) {
        for (const [k, v] of Object.entries(value)) visitVolumes(v, child(path, k), inComplement || k === "Complemento", k);
      }
    };
    visitVolumes(producto, productPath, false, i);

    if (expected) {
      for (const v of volumes) {
        if (v.unit !== expected) {
          out.push({
            path: v.path,
            message: `Para ${clave} los volúmenes se expresan en ${UNIT_NAMES[expected]} (${expected}), no en «${v.unit}»`,
            rule: "unidad-medida-producto",
          });
        }
      }
    } else if (volumes.length > 0) {
      const first = volumes[0] as { unit: string };
      for (const v of volumes) {
        if (v.unit !== first.unit) {
          out.push({
            path: v.path,
            message: `Todos los volúmenes del producto deben usar la misma UnidadDeMedida (${first.unit}); los volúmenes numéricos sin unidad (existencias, VolumenFinalTanque) dependen de ella`,
            rule: "unidad-medida-consistente",
          });
        }
      }
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// fractionDigits (§7.4)
// ---------------------------------------------------------------------------------------------

/** Decimal places of a number as JavaScript serializes it (what JSON.stringify writes). */
export function fractionDigitsOf(n: number): number {
  const s = String(Math.abs(n));
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) return 0;
  const decimals = (m[2] ?? "").length;
  const exp = m[3] ? Number(m[3]) : 0;
  return Math.max(0, decimals - exp);
}

export function checkFractionDigits(report: Json, table: Readonly<Record<string, number>>): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  walk(report, "", (key, value, path) => {
    if (typeof key !== "string" || typeof value !== "number") return;
    const max = table[key];
    if (max === undefined) return;
    const digits = fractionDigitsOf(value);
    if (digits > max) {
      out.push({
        path,
        message: `${key} admite como máximo ${max} decimales; «${value}» tiene ${digits} (redondear antes de serializar)`,
        rule: "decimales",
      });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// (?i) patterns (§7.3)
// ---------------------------------------------------------------------------------------------

export function checkCaseInsensitivePatterns(
  report: Json,
  table: Readonly<Record<string, string>>,
): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  const compiled = new Map(Object.entries(table).map(([k, p]) => [k, new RegExp(p, "i")]));
  walk(report, "", (key, value, path) => {
    if (typeof key !== "string" || typeof value !== "string") return;
    const re = compiled.get(key);
    if (re && !re.test(value)) {
      out.push({
        path,
        message: `${key} «${value}» no es un UUID válido (el patrón del SAT no distingue mayúsculas y excluye UUID de un solo dígito repetido)`,
        rule: "patron-sin-distincion-mayusculas",
      });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Complements (§7.5 and the anyOf over all complement schemas)
// ---------------------------------------------------------------------------------------------

/** Every complement object in a report: …/Complemento (object) or …/Complemento/<n> (array item). */
export function findComplements(report: Json): Located[] {
  const out: Located[] = [];
  walk(report, "", (key, value, path) => {
    if (key !== "Complemento") return;
    if (isPlainObject(value)) out.push({ value, path });
    else asArray(value).forEach((v, i) => isPlainObject(v) && out.push({ value: v, path: child(path, i) }));
    return "skip";
  });
  return out;
}

export function checkComplements(
  report: Json,
  foreignRules: readonly ForeignPermitRule[],
  validate: (type: ComplementType, json: unknown) => ReportValidationResult,
): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  for (const { value, path } of findComplements(report)) {
    if (!isPlainObject(value)) continue;
    const tipo = value.TipoComplemento;
    if (!isComplementType(tipo)) {
      out.push({
        path: child(path, "TipoComplemento"),
        message: `TipoComplemento debe ser uno de: ${COMPLEMENT_TYPES.join(", ")}`,
        rule: "complemento-tipo",
      });
      continue;
    }
    const own = validate(tipo, value);
    if (!own.ok) {
      for (const e of own.errors) {
        out.push({
          path: `${path}${e.path}`,
          message: `Complemento ${tipo} (Comp-${tipo}.schema.json): ${e.message}`,
          rule: "complemento-tipo",
        });
      }
    }
    for (const rule of foreignRules) {
      if (!rule.complementTypes.includes(tipo)) continue;
      asArray(value.Extranjero).forEach((item, i) => {
        if (isPlainObject(item) && !(rule.requiredField in item)) {
          out.push({
            path: child(child(child(path, "Extranjero"), i), rule.requiredField),
            message: `Falta ${rule.requiredField}: obligatorio en Extranjero para el complemento ${tipo}`,
            rule: "complemento-extranjero-permiso",
          });
        }
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Daily totals (§7.12: Tanque/Ducto/Pozo.Recepciones|Entregas objects, Manguera.Entregas array)
// ---------------------------------------------------------------------------------------------

/** Sums are compared with a tolerance of 0.001 per listed item (values carry up to 3–5 decimals). */
const SUM_TOLERANCE_PER_ITEM = 0.001;

interface TotalsShape {
  total: string;
  sum: string;
  list: string;
  itemVolume: string;
}
const RECEPTIONS: TotalsShape = { total: "TotalRecepciones", sum: "SumaVolumenRecepcion", list: "Recepcion", itemVolume: "VolumenRecepcion" };
const DELIVERIES: TotalsShape = { total: "TotalEntregas", sum: "SumaVolumenEntregado", list: "Entrega", itemVolume: "VolumenEntregado" };
const HOSE_DELIVERIES: TotalsShape = { ...DELIVERIES, itemVolume: "VolumenEntregadoTotalizadorInsta" };

function checkTotalsBlock(block: Json, path: string, shape: TotalsShape, out: ReportValidationError[]): void {
  if (!isPlainObject(block)) return;
  const total = num(block[shape.total]);
  const items = asArray(block[shape.list]);
  if (total !== undefined && total !== items.length) {
    out.push({
      path: child(path, shape.total),
      message: `${shape.total} = ${total} pero se declaran ${items.length} elementos en ${shape.list}`,
      rule: "totales-conteo",
    });
  }
  const declared = volumeValue(block[shape.sum]);
  const volumes = items.map((it) => (isPlainObject(it) ? volumeValue(it[shape.itemVolume]) : undefined));
  if (declared === undefined || volumes.some((v) => v === undefined)) return;
  const sum = (volumes as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - declared) > SUM_TOLERANCE_PER_ITEM * Math.max(1, items.length)) {
    out.push({
      path: child(child(path, shape.sum), "ValorNumerico"),
      message: `${shape.sum} = ${fmt(declared)} pero la suma de ${shape.list}[].${shape.itemVolume} es ${fmt(sum)}`,
      rule: "totales-suma",
    });
  }
}

export function checkDailyTotals(report: Record<string, unknown>): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  asArray(report.Producto).forEach((producto, i) => {
    if (!isPlainObject(producto)) return;
    const pp = child("/Producto", i);
    for (const container of ["Tanque", "Ducto", "Pozo"]) {
      asArray(producto[container]).forEach((unit, j) => {
        if (!isPlainObject(unit)) return;
        const up = child(child(pp, container), j);
        checkTotalsBlock(unit.Recepciones, child(up, "Recepciones"), RECEPTIONS, out);
        checkTotalsBlock(unit.Entregas, child(up, "Entregas"), DELIVERIES, out);
      });
    }
    asArray(producto.Dispensario).forEach((disp, j) => {
      if (!isPlainObject(disp)) return;
      asArray(disp.Manguera).forEach((hose, k) => {
        if (!isPlainObject(hose)) return;
        const hp = child(child(child(child(pp, "Dispensario"), j), "Manguera"), k);
        asArray(hose.Entregas).forEach((block, m) => checkTotalsBlock(block, child(child(hp, "Entregas"), m), HOSE_DELIVERIES, out));
      });
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bitácora
// ---------------------------------------------------------------------------------------------

export function checkBitacora(report: Record<string, unknown>, kind: SatReportKind): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  const key = kind === "daily" ? "Bitacora" : "BitacoraMensual";
  const seen = new Map<number, number>();
  asArray(report[key]).forEach((event, i) => {
    if (!isPlainObject(event)) return;
    const n = num(event.NumeroRegistro);
    if (n === undefined) return;
    const first = seen.get(n);
    if (first !== undefined) {
      out.push({
        path: child(child(child("", key), i), "NumeroRegistro"),
        message: `NumeroRegistro ${n} repetido (ya usado en ${key}/${first}); debe ser único y consecutivo`,
        rule: "bitacora-registro-unico",
      });
    } else seen.set(n, i);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// contratista / asignatario products; monthly calorific value
// ---------------------------------------------------------------------------------------------

/**
 * The root `allOf` clauses "contratista/asignatario with PR09/PR10 ⇒ GasNaturalOCondensados" and
 * "… PR08 ⇒ DensidadDePetroleo, ComposDeAzufreEnPetroleo" test `Producto.items`, i.e. they only fire
 * when *every* product is PR09/PR10 (or PR08). Checked here per product, as the descriptions state.
 */
export function checkContratistaProducts(report: Record<string, unknown>): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  const contratista = report.Caracter === "contratista" || report.Caracter === "asignatario";
  asArray(report.Producto).forEach((producto, i) => {
    if (!isPlainObject(producto)) return;
    const pp = child("/Producto", i);
    const clave = producto.ClaveProducto;
    if (contratista) {
      const needed =
        clave === "PR09" || clave === "PR10"
          ? ["GasNaturalOCondensados"]
          : clave === "PR08"
            ? ["DensidadDePetroleo", "ComposDeAzufreEnPetroleo"]
            : [];
      for (const field of needed) {
        if (!(field in producto)) {
          out.push({
            path: child(pp, field),
            message: `Falta ${field}: obligatorio para ${String(clave)} cuando Caracter es «${String(report.Caracter)}»`,
            rule: "contratista-producto",
          });
        }
      }
    }
    const components = asArray(producto.GasNaturalOCondensados);
    const fractions = components.map((c) => (isPlainObject(c) ? num(c.FraccionMolar) : undefined));
    if (components.length > 0 && fractions.every((f) => f !== undefined)) {
      const total = (fractions as number[]).reduce((a, b) => a + b, 0);
      if (Math.abs(total - 1) > 0.001 * components.length) {
        out.push({
          path: child(pp, "GasNaturalOCondensados"),
          message: `La suma de FraccionMolar debe ser 1; es ${fmt(total)}`,
          rule: "fraccion-molar-suma",
        });
      }
    }
  });
  return out;
}

export function checkMonthlyCalorificValue(report: Record<string, unknown>): ReportValidationError[] {
  const out: ReportValidationError[] = [];
  if (report.Caracter !== "permisionario" && report.Caracter !== "usuario") return out;
  asArray(report.Producto).forEach((producto, i) => {
    if (!isPlainObject(producto) || producto.ClaveProducto !== "PR09") return;
    const monthly = producto.ReporteDeVolumenMensual;
    const recepciones = isPlainObject(monthly) ? monthly.Recepciones : undefined;
    if (isPlainObject(recepciones) && !("PoderCalorifico" in recepciones)) {
      out.push({
        path: `${child("/Producto", i)}/ReporteDeVolumenMensual/Recepciones/PoderCalorifico`,
        message: "Falta PoderCalorifico (en megajoules) de las recepciones de gas natural del mes: obligatorio para permisionarios y usuarios con PR09",
        rule: "poder-calorifico-requerido",
      });
    }
  });
  return out;
}
