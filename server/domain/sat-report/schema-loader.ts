/**
 * SAT JSON Schema loader and validator for the volumetric-control reports (A30-RPT-01, A30-RPT-02,
 * A30-RPT-04, A30-STO-05).
 *
 * The ten schema files shipped in `server/sat/schemas/` are byte-identical copies of SAT's published
 * JSON Schemas (draft-07; see that folder's README.md). They cannot be compiled by ajv as published,
 * so four adjustments are applied here, in memory, at load time — the files stay untouched
 * (research note `sat-report-format.md` §7 items 1–4 and 7):
 *
 *  1. `"$schema": "https://json-schema.org/draft-07/schema"` (https, no `#`) is unknown to ajv
 *     ("no schema with key or ref"): the keyword is removed from the in-memory copy; the Ajv class
 *     used here already implements draft-07.
 *  2. Patterns use `\&` (RFC), invalid under the `u` flag ⇒ ajv option `unicodeRegExp: false`.
 *  3. Complement CFDI-UUID patterns start with the PCRE inline flag `(?i)`, invalid in JavaScript ⇒
 *     the prefix is removed (the rest of the pattern already accepts `a-fA-F`; the case-insensitive
 *     intent is re-checked by Aforo's own rules, see report-rules.ts).
 *  4. Non-standard keywords (`$version`, `additionalRequired`, `fractionDigits`) ⇒ `strict: false`;
 *     ajv then ignores them, so Aforo enforces them in report-rules.ts.
 *
 * Every schema is registered under its own `$id` (https://repositorio.cloudb.sat.gob.mx/Covol/json/…),
 * so the `$ref`s between them resolve locally; no `loadSchema` is configured, so nothing is ever
 * fetched from the network. `ajv-formats` provides `date` and `date-time`.
 *
 * The fix-up functions are pure and exported; only `loadShippedSchemas` touches the file system
 * (once, lazily, on first use).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import Ajv, { type ErrorObject, type Options, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

// ---------------------------------------------------------------------------------------------
// Shipped files
// ---------------------------------------------------------------------------------------------

export const SAT_SCHEMA_BASE_URL = "https://repositorio.cloudb.sat.gob.mx/Covol/json/";

/** Complement types, exactly as SAT spells them in `TipoComplemento` and in the file names. */
export const COMPLEMENT_TYPES = [
  "Almacenamiento",
  "CDLR",
  "Comercializacion",
  "Distribucion",
  "Expendio",
  "Extraccion",
  "Refinacion",
  "Transporte",
] as const;
export type ComplementType = (typeof COMPLEMENT_TYPES)[number];

/** Every file the product ships in server/sat/schemas/ (Diario and Mensual `$ref` all eight complements). */
export const SAT_SCHEMA_FILES = [
  "Diario.schema.json",
  "Mensual.schema.json",
  ...COMPLEMENT_TYPES.map((t) => `Comp-${t}.schema.json` as const),
] as const;
export type SatSchemaFile = (typeof SAT_SCHEMA_FILES)[number];

export const DAILY_SCHEMA_ID = `${SAT_SCHEMA_BASE_URL}Diario.schema.json`;
export const MONTHLY_SCHEMA_ID = `${SAT_SCHEMA_BASE_URL}Mensual.schema.json`;
export function complementSchemaId(type: ComplementType): string {
  return `${SAT_SCHEMA_BASE_URL}Comp-${type}.schema.json`;
}

/** Directory of the shipped schema files (product-relative; never ../shared at run time). */
export const SHIPPED_SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../sat/schemas");

export type JsonSchemaObject = Record<string, unknown>;
export type SatSchemaSet = Readonly<Record<SatSchemaFile, JsonSchemaObject>>;

let shippedSchemas: SatSchemaSet | undefined;

/** Parsed shipped schemas, exactly as published (no fix-ups). Read once; the result is frozen-by-convention. */
export function loadShippedSchemas(): SatSchemaSet {
  if (!shippedSchemas) {
    const entries = SAT_SCHEMA_FILES.map((file) => {
      const parsed: unknown = JSON.parse(readFileSync(path.join(SHIPPED_SCHEMA_DIR, file), "utf8"));
      if (!isPlainObject(parsed)) throw new Error(`Esquema SAT ${file}: no es un objeto JSON`);
      return [file, parsed] as const;
    });
    shippedSchemas = Object.fromEntries(entries) as SatSchemaSet;
  }
  return shippedSchemas;
}

// ---------------------------------------------------------------------------------------------
// Pure fix-ups (research §7.1, §7.3)
// ---------------------------------------------------------------------------------------------

/** PCRE inline case-insensitive flag found at the start of the complement CFDI-UUID patterns. */
export const INLINE_CASE_INSENSITIVE_FLAG = "(?i)";

/** Deep copy of `schema` with every `$schema` keyword removed (§7.1). */
export function stripSchemaKeyword<T>(schema: T): T {
  return mapSchema(schema, (key) => (key === "$schema" ? { drop: true } : undefined)) as T;
}

/** Deep copy of `schema` with the leading `(?i)` removed from every `pattern` (§7.3). */
export function stripInlineFlagsFromPatterns<T>(schema: T): T {
  return mapSchema(schema, (key, value) =>
    key === "pattern" && typeof value === "string" && value.startsWith(INLINE_CASE_INSENSITIVE_FLAG)
      ? { replace: value.slice(INLINE_CASE_INSENSITIVE_FLAG.length) }
      : undefined,
  ) as T;
}

/** Both in-memory fix-ups; the input is not modified. */
export function prepareSchemaForAjv<T>(schema: T): T {
  return stripInlineFlagsFromPatterns(stripSchemaKeyword(schema));
}

/**
 * Ajv options for SAT's schemas (§7.2, §7.4): no `u` flag on patterns, unknown keywords ignored,
 * every error reported. No `loadSchema`: `$ref`s resolve only against the registered `$id`s.
 */
export const SAT_AJV_OPTIONS: Readonly<Options> = Object.freeze({
  strict: false,
  unicodeRegExp: false,
  allErrors: true,
});

/** A new Ajv instance (draft-07) with ajv-formats and every given schema registered by its `$id`. */
export function createSatAjv(schemas: Iterable<JsonSchemaObject>): Ajv {
  const ajv = new Ajv({ ...SAT_AJV_OPTIONS });
  addFormats(ajv);
  for (const schema of schemas) {
    const id = schema.$id;
    if (typeof id !== "string" || !id.startsWith(SAT_SCHEMA_BASE_URL)) {
      throw new Error(`Esquema SAT sin $id del repositorio del SAT: ${String(id)}`);
    }
    ajv.addSchema(prepareSchemaForAjv(schema));
  }
  return ajv;
}

// ---------------------------------------------------------------------------------------------
// Validators
// ---------------------------------------------------------------------------------------------

export interface ReportValidationError {
  /** JSON pointer (RFC 6901) into the validated document, e.g. /Producto/0/Tanque/1/Existencias/VolumenExistencias. */
  path: string;
  /** Spanish explanation; for schema errors, a Spanish prefix followed by ajv's own message. */
  message: string;
  /** `esquema:<keyword>` for JSON Schema errors, or the id of the Aforo rule (report-rules.ts). */
  rule: string;
}

export type ReportValidationResult = { ok: true } | { ok: false; errors: ReportValidationError[] };

interface CompiledValidators {
  daily: ValidateFunction;
  monthly: ValidateFunction;
  complements: Record<ComplementType, ValidateFunction>;
}

let compiled: CompiledValidators | undefined;

function validators(): CompiledValidators {
  if (!compiled) {
    const ajv = createSatAjv(Object.values(loadShippedSchemas()));
    const get = (id: string): ValidateFunction => {
      const fn = ajv.getSchema(id);
      if (!fn) throw new Error(`Esquema SAT no registrado: ${id}`);
      return fn;
    };
    compiled = {
      daily: get(DAILY_SCHEMA_ID),
      monthly: get(MONTHLY_SCHEMA_ID),
      complements: Object.fromEntries(COMPLEMENT_TYPES.map((t) => [t, get(complementSchemaId(t))])) as Record<
        ComplementType,
        ValidateFunction
      >,
    };
  }
  return compiled;
}

/** Daily report (Diario.schema.json), A30-RPT-01 / A30-RPT-04. */
export function validateDailyReport(json: unknown): ReportValidationResult {
  return runValidator(validators().daily, json);
}

/** Monthly report (Mensual.schema.json), A30-RPT-02 / A30-RPT-04. */
export function validateMonthlyReport(json: unknown): ReportValidationResult {
  return runValidator(validators().monthly, json);
}

/** One complement object against its own Comp-<type>.schema.json. */
export function validateComplement(type: ComplementType, json: unknown): ReportValidationResult {
  return runValidator(validators().complements[type], json, false);
}

export function isComplementType(value: unknown): value is ComplementType {
  return typeof value === "string" && (COMPLEMENT_TYPES as readonly string[]).includes(value);
}

function runValidator(fn: ValidateFunction, json: unknown, resolveComplements = true): ReportValidationResult {
  if (fn(json)) return { ok: true };
  const errors = convertAjvErrors(fn.errors ?? [], json, resolveComplements);
  // An ajv failure always yields at least one error; keep a fallback so `ok:false` never comes empty.
  return {
    ok: false,
    errors: errors.length > 0 ? errors : [{ path: "", message: "Esquema SAT: documento inválido", rule: "esquema" }],
  };
}

// ---------------------------------------------------------------------------------------------
// ajv errors → { path, message } (pure)
// ---------------------------------------------------------------------------------------------

const KEYWORD_PREFIX: Record<string, string> = {
  required: "Falta un campo obligatorio",
  additionalProperties: "Campo no definido en el esquema",
  type: "Tipo de dato incorrecto",
  pattern: "Formato incorrecto",
  format: "Formato incorrecto",
  enum: "Valor no permitido",
  const: "Valor no permitido",
  minimum: "Valor fuera de rango",
  maximum: "Valor fuera de rango",
  exclusiveMinimum: "Valor fuera de rango",
  exclusiveMaximum: "Valor fuera de rango",
  minLength: "Longitud incorrecta",
  maxLength: "Longitud incorrecta",
  minItems: "Número de elementos incorrecto",
  maxItems: "Número de elementos incorrecto",
  minProperties: "Objeto sin los campos mínimos",
  contains: "Ningún elemento cumple la condición del esquema",
  anyOf: "No cumple ninguna de las alternativas del esquema",
  oneOf: "No cumple exactamente una alternativa del esquema",
  not: "Valor prohibido por el esquema",
};

/** Escape one JSON-pointer reference token (RFC 6901). */
export function escapeJsonPointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapeJsonPointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Value at a JSON pointer, or undefined. */
export function valueAtPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const token = unescapeJsonPointerToken(raw);
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isPlainObject(current)) current = current[token];
    else return undefined;
  }
  return current;
}

function isUnder(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

/** A Complemento location: …/Complemento (daily, one object) or …/Complemento/<n> (monthly, array item). */
const COMPLEMENT_POINTER = /(^|\/)Complemento(\/\d+)?$/;
/** Every report-schema location under a Complemento lies below this schema path (Diario and Mensual). */
const REPORT_PRODUCT_SCHEMA_PATH = "#/properties/Producto/";

/**
 * The `anyOf` of the eight complement `$ref`s (…/Complemento/anyOf or …/Complemento/items/anyOf,
 * outside the Producto `allOf` rules, whose own `anyOf` at the same place is about Extranjero permits).
 */
function isComplementRefAnyOf(e: ErrorObject, path: string): boolean {
  return (
    e.keyword === "anyOf" &&
    COMPLEMENT_POINTER.test(path) &&
    /\/Complemento(\/items)?\/anyOf$/.test(e.schemaPath) &&
    !/\/allOf\/\d+\//.test(e.schemaPath)
  );
}

/**
 * Converts ajv errors into report errors:
 *  - `required` / `additionalProperties` errors point at the missing / extra field itself;
 *  - `if` errors are dropped (the failing `then`/`else` errors are always reported too);
 *  - errors inside a failing `anyOf` / `oneOf` / `contains` of the same schema are folded into it;
 *  - a Complemento that matches none of the eight complement schemas (`anyOf` of `$ref`s) is
 *    re-validated against the schema named by its own `TipoComplemento`, so the errors point at the
 *    exact fields instead of listing eight schemas' worth of noise;
 *  - duplicates (same path and message) are removed.
 */
export function convertAjvErrors(
  ajvErrors: readonly ErrorObject[],
  instance: unknown,
  resolveComplements = true,
): ReportValidationError[] {
  type Item = { error: ErrorObject; path: string; extra?: string; replacement?: ReportValidationError[] };
  let items: Item[] = ajvErrors
    .filter((e) => e.keyword !== "if")
    .map((e) => ({ error: e, path: errorPath(e) }));

  // Complements first: a failed `anyOf` of the eight complement `$ref`s is replaced by the errors of
  // the complement's own schema. Errors raised inside the referenced complement schemas are
  // recognisable by their schemaPath, which is relative to that schema (the report schema's own
  // paths under a Complemento all start with #/properties/Producto/).
  if (resolveComplements) {
    const failedComplements = items.filter((i) => isComplementRefAnyOf(i.error, i.path));
    for (const failed of failedComplements) {
      const value = valueAtPointer(instance, failed.path);
      const tipo = isPlainObject(value) ? value.TipoComplemento : undefined;
      if (isComplementType(tipo)) {
        const own = validateComplement(tipo, value);
        // Valid against its own schema yet no branch matched: keep ajv's errors as they are.
        if (own.ok) continue;
        failed.replacement = own.errors.map((e) => ({ ...e, path: `${failed.path}${e.path}` }));
      } else {
        failed.extra = `TipoComplemento ausente o no reconocido (${COMPLEMENT_TYPES.join(", ")})`;
      }
      items = items.filter(
        (i) => i === failed || !(isUnder(i.path, failed.path) && !i.error.schemaPath.startsWith(REPORT_PRODUCT_SCHEMA_PATH)),
      );
    }
  }

  // Fold same-schema inner errors of anyOf / oneOf / contains into the combinator error.
  for (const combinator of items.filter((i) => ["anyOf", "oneOf", "contains"].includes(i.error.keyword))) {
    if (combinator.replacement) continue;
    const prefix = `${combinator.error.schemaPath}/`;
    const inner = items.filter(
      (i) => i !== combinator && i.error.schemaPath.startsWith(prefix) && isUnder(i.path, combinator.path),
    );
    if (inner.length === 0) continue;
    const innerMessages = [...new Set(inner.map((i) => i.error.message ?? ""))].filter(Boolean);
    if (!combinator.extra) combinator.extra = innerMessages.slice(0, 5).join("; ");
    // Alternatives that all fail at the same place (e.g. one Extranjero item) point there.
    if (combinator.error.keyword !== "contains") combinator.path = commonPointerPrefix(inner.map((i) => i.path));
    items = items.filter((i) => !inner.includes(i));
  }

  const out: ReportValidationError[] = [];
  const seen = new Set<string>();
  const push = (e: ReportValidationError) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const item of items) {
    if (item.replacement) {
      item.replacement.forEach(push);
      continue;
    }
    const { keyword } = item.error;
    const prefix = KEYWORD_PREFIX[keyword] ?? "No cumple el esquema";
    const base = `Esquema SAT — ${prefix}: ${item.error.message ?? keyword}`;
    push({ path: item.path, message: item.extra ? `${base} (${item.extra})` : base, rule: `esquema:${keyword}` });
  }
  return out;
}

function commonPointerPrefix(pointers: readonly string[]): string {
  const split = pointers.map((p) => p.split("/"));
  const first = split[0] ?? [""];
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && i < parts.length && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join("/");
}

function errorPath(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === "required" && typeof params.missingProperty === "string") {
    return `${e.instancePath}/${escapeJsonPointerToken(params.missingProperty)}`;
  }
  if (e.keyword === "additionalProperties" && typeof params.additionalProperty === "string") {
    return `${e.instancePath}/${escapeJsonPointerToken(params.additionalProperty)}`;
  }
  return e.instancePath;
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type MapDecision = { drop: true } | { replace: unknown } | undefined;

/** Deep copy of a JSON value, letting `decide` drop or replace object members. */
function mapSchema(value: unknown, decide: (key: string, value: unknown) => MapDecision): unknown {
  if (Array.isArray(value)) return value.map((v) => mapSchema(v, decide));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const decision = decide(key, child);
    if (decision && "drop" in decision) continue;
    out[key] = decision && "replace" in decision ? decision.replace : mapSchema(child, decide);
  }
  return out;
}
