/**
 * Rule tables derived mechanically from SAT's JSON Schemas (pure functions: schema objects in,
 * plain data out). They feed report-rules.ts, which enforces what ajv cannot (research note
 * `sat-report-format.md` §7 items 4, 5, 6, 8, 9; A30-RPT-04):
 *
 *  - `additionalRequired` conditional requirements (non-standard keyword, silently ignored by ajv);
 *  - `fractionDigits` (non-standard keyword: maximum decimals per numeric field);
 *  - the permit-number nomenclature per ModalidadPermiso, which the schemas attach to
 *    `NumContratoOAsignacion` instead of `NumPermiso`;
 *  - the Extranjero permit requirements written as `if` clauses without `properties` (which match
 *    every instance, so ajv never applies their intended condition);
 *  - the fields with `format: date-time` and the `hh:mm:ss±hh:mm` time fields (offset required);
 *  - the patterns that carried the PCRE `(?i)` flag (removed for ajv, re-checked case-insensitively).
 *
 * Deriving them from the schemas (instead of hand-copying) means a new schema version that adds or
 * changes such a rule shows up in the tests (every derived rule must be mapped to a message).
 */
import { INLINE_CASE_INSENSITIVE_FLAG, isPlainObject, type JsonSchemaObject } from "./schema-loader";

/** One segment of an instance location pattern: a property name or `*` for "every array item". */
export type InstancePattern = readonly string[];

export type AdditionalRequiredCondition =
  | { kind: "equals"; property: string; value: unknown }
  | { kind: "present"; property: string };

export interface AdditionalRequiredRule {
  /** JSON pointer of the `if`/`then` object inside the schema, e.g. /properties/Producto/items/allOf/15. */
  schemaPointer: string;
  /** Where in the report the rule applies, e.g. ["Producto", "*"]. */
  instancePattern: InstancePattern;
  condition: AdditionalRequiredCondition;
  required: readonly string[];
}

/**
 * Every `then.additionalRequired` (or `else.additionalRequired`) in a schema. The `if` is interpreted
 * as SAT intends it — the property is present and equal to the constant, or the property is present —
 * not as JSON Schema would (an `if` on `properties` also matches when the property is absent).
 */
export function findAdditionalRequiredRules(schema: JsonSchemaObject): AdditionalRequiredRule[] {
  const rules: AdditionalRequiredRule[] = [];
  walkSchema(schema, (node, pointer, instance) => {
    for (const branch of ["then", "else"] as const) {
      const target = node[branch];
      if (!isPlainObject(target) || !Array.isArray(target.additionalRequired)) continue;
      if (branch === "else") throw new Error(`additionalRequired en "else" no soportado (${pointer})`);
      const condition = parseSimpleIf(node.if, pointer);
      rules.push({
        schemaPointer: pointer,
        instancePattern: instance,
        condition,
        required: target.additionalRequired.map(String),
      });
    }
  });
  return rules;
}

function parseSimpleIf(ifSchema: unknown, pointer: string): AdditionalRequiredCondition {
  if (isPlainObject(ifSchema)) {
    const keys = Object.keys(ifSchema);
    if (keys.length === 1 && Array.isArray(ifSchema.required) && ifSchema.required.length === 1) {
      return { kind: "present", property: String(ifSchema.required[0]) };
    }
    if (keys.length === 1 && isPlainObject(ifSchema.properties)) {
      const props = Object.entries(ifSchema.properties);
      if (props.length === 1) {
        const [property, sub] = props[0] as [string, unknown];
        if (isPlainObject(sub) && "const" in sub) return { kind: "equals", property, value: sub.const };
        if (isPlainObject(sub) && Array.isArray(sub.enum) && sub.enum.length === 1) {
          return { kind: "equals", property, value: sub.enum[0] };
        }
      }
    }
  }
  throw new Error(`Condición "if" de additionalRequired no soportada en ${pointer}: ${JSON.stringify(ifSchema)}`);
}

/**
 * ModalidadPermiso → permit-number pattern, from the root `allOf` clauses
 * `if {Caracter: permisionario, ModalidadPermiso: PERn} then {NumContratoOAsignacion: {pattern}}` (§7.6).
 */
export function findPermitPatterns(schema: JsonSchemaObject): Record<string, string> {
  const out: Record<string, string> = {};
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
  for (const clause of allOf) {
    if (!isPlainObject(clause) || !isPlainObject(clause.if) || !isPlainObject(clause.then)) continue;
    const ifProps = clause.if.properties;
    const thenProps = clause.then.properties;
    if (!isPlainObject(ifProps) || !isPlainObject(thenProps)) continue;
    const caracter = ifProps.Caracter;
    const modalidad = ifProps.ModalidadPermiso;
    const target = thenProps.NumContratoOAsignacion;
    if (!isPlainObject(caracter) || caracter.const !== "permisionario") continue;
    if (!isPlainObject(modalidad) || !isPlainObject(target) || typeof target.pattern !== "string") continue;
    const modalities = "const" in modalidad ? [modalidad.const] : Array.isArray(modalidad.enum) ? modalidad.enum : [];
    for (const m of modalities) out[String(m)] = target.pattern;
  }
  return out;
}

export interface ForeignPermitRule {
  /** TipoComplemento values the rule applies to. */
  complementTypes: readonly string[];
  /** Field every `Extranjero[]` item must carry. */
  requiredField: string;
}

/**
 * The Extranjero permit rules written as `{"if": {"TipoComplemento": …}, "then": {"properties":
 * {"Extranjero": {"items": {"required": [X]}}}}}` — an `if` without `properties`, i.e. a schema
 * whose only member is an unknown keyword, which matches everything (§7.5). Deduplicated.
 */
export function findForeignPermitRules(schema: JsonSchemaObject): ForeignPermitRule[] {
  const found = new Map<string, ForeignPermitRule>();
  walkSchema(schema, (node) => {
    const cond = node.if;
    if (!isPlainObject(cond) || "properties" in cond || !isPlainObject(cond.TipoComplemento)) return;
    const tipo = cond.TipoComplemento;
    const types = "const" in tipo ? [String(tipo.const)] : Array.isArray(tipo.enum) ? tipo.enum.map(String) : [];
    const then = node.then;
    const extranjero = isPlainObject(then) && isPlainObject(then.properties) ? then.properties.Extranjero : undefined;
    const items = isPlainObject(extranjero) ? extranjero.items : undefined;
    const required = isPlainObject(items) && Array.isArray(items.required) ? items.required.map(String) : [];
    for (const field of required) {
      const key = `${[...types].sort().join(",")}→${field}`;
      if (!found.has(key)) found.set(key, { complementTypes: types, requiredField: field });
    }
  });
  return [...found.values()];
}

/** Names of the properties declared with `format: date-time`. */
export function findDateTimeProperties(schemas: Iterable<JsonSchemaObject>): Set<string> {
  return collectPropertyNames(schemas, (s) => s.format === "date-time");
}

/** Names of the `hh:mm:ss±hh:mm` time properties (their pattern's sign class `[-|+]` also admits `|`). */
export function findTimeWithOffsetProperties(schemas: Iterable<JsonSchemaObject>): Set<string> {
  return collectPropertyNames(
    schemas,
    (s) => typeof s.pattern === "string" && s.pattern.includes("(:[0-5][0-9]){2}") && s.pattern.includes("[-|+]"),
  );
}

/** Property name → pattern (without the flag) for every pattern published with the `(?i)` prefix. */
export function findCaseInsensitivePatterns(schemas: Iterable<JsonSchemaObject>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const schema of schemas) {
    walkProperties(schema, (name, propSchema) => {
      const p = propSchema.pattern;
      if (typeof p === "string" && p.startsWith(INLINE_CASE_INSENSITIVE_FLAG)) {
        const stripped = p.slice(INLINE_CASE_INSENSITIVE_FLAG.length);
        if (out[name] !== undefined && out[name] !== stripped) {
          throw new Error(`Patrón (?i) distinto para ${name} entre esquemas`);
        }
        out[name] = stripped;
      }
    });
  }
  return out;
}

/**
 * Property name → maximum fraction digits (`fractionDigits`, resolving local `#/definitions/…`
 * `$ref`s). Throws if one name carries two different limits (then a name-keyed table is not enough).
 */
export function findFractionDigits(schemas: Iterable<JsonSchemaObject>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const schema of schemas) {
    walkProperties(schema, (name, propSchema) => {
      const resolved = resolveLocalRef(schema, propSchema);
      const digits = resolved.fractionDigits;
      if (typeof digits !== "number") return;
      if (out[name] !== undefined && out[name] !== digits) {
        throw new Error(`fractionDigits distinto para ${name}: ${out[name]} y ${digits}`);
      }
      out[name] = digits;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// walkers
// ---------------------------------------------------------------------------------------------

/**
 * Visits every schema object of a schema, with its JSON pointer and the instance location it
 * constrains (`properties/X` adds X, `items` adds `*`; combinators and `then`/`else` keep the
 * location; `if` bodies, `not` and `definitions` are not visited as constraint locations).
 */
export function walkSchema(
  schema: unknown,
  visit: (node: Record<string, unknown>, pointer: string, instance: InstancePattern) => void,
  pointer = "",
  instance: InstancePattern = [],
): void {
  if (!isPlainObject(schema)) return;
  visit(schema, pointer, instance);
  const esc = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
  if (isPlainObject(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      walkSchema(sub, visit, `${pointer}/properties/${esc(name)}`, [...instance, name]);
    }
  }
  if (isPlainObject(schema.items)) walkSchema(schema.items, visit, `${pointer}/items`, [...instance, "*"]);
  if (isPlainObject(schema.contains)) walkSchema(schema.contains, visit, `${pointer}/contains`, [...instance, "*"]);
  for (const key of ["allOf", "anyOf", "oneOf"] as const) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((sub, i) => walkSchema(sub, visit, `${pointer}/${key}/${i}`, instance));
  }
  for (const key of ["then", "else"] as const) walkSchema(schema[key], visit, `${pointer}/${key}`, instance);
}

/** Visits every (property name, property schema) pair anywhere in a schema, definitions included. */
function walkProperties(schema: unknown, visit: (name: string, propSchema: Record<string, unknown>) => void): void {
  if (Array.isArray(schema)) {
    schema.forEach((s) => walkProperties(s, visit));
    return;
  }
  if (!isPlainObject(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    if ((key === "properties" || key === "definitions") && isPlainObject(value)) {
      for (const [name, sub] of Object.entries(value)) {
        if (key === "properties" && isPlainObject(sub)) visit(name, sub);
        walkProperties(sub, visit);
      }
    } else {
      walkProperties(value, visit);
    }
  }
}

function collectPropertyNames(
  schemas: Iterable<JsonSchemaObject>,
  test: (propSchema: Record<string, unknown>) => boolean,
): Set<string> {
  const out = new Set<string>();
  for (const schema of schemas) {
    walkProperties(schema, (name, propSchema) => {
      if (test(resolveLocalRef(schema, propSchema))) out.add(name);
    });
  }
  return out;
}

function resolveLocalRef(root: JsonSchemaObject, node: Record<string, unknown>): Record<string, unknown> {
  const ref = node.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/definitions/")) return node;
  const defs = root.definitions;
  const target = isPlainObject(defs) ? defs[ref.slice("#/definitions/".length)] : undefined;
  return isPlainObject(target) ? target : node;
}
