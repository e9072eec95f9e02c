import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import {
  COMPLEMENT_TYPES,
  DAILY_SCHEMA_ID,
  MONTHLY_SCHEMA_ID,
  SAT_AJV_OPTIONS,
  SAT_SCHEMA_BASE_URL,
  SAT_SCHEMA_FILES,
  SHIPPED_SCHEMA_DIR,
  complementSchemaId,
  createSatAjv,
  escapeJsonPointerToken,
  loadShippedSchemas,
  prepareSchemaForAjv,
  stripInlineFlagsFromPatterns,
  stripSchemaKeyword,
  validateComplement,
  valueAtPointer,
} from "../../../../../server/domain/sat-report/schema-loader";

/** SAT's files as kept in the shared research data (tests may read ../shared; the product may not). */
const SHARED_SCHEMA_DIR = path.resolve(__dirname, "../../../../../../shared/sat/json-schema");

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Every string value stored under a given key anywhere in a JSON value. */
function valuesOf(key: string, node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => valuesOf(key, n, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === key && typeof v === "string") out.push(v);
      valuesOf(key, v, out);
    }
  }
  return out;
}

describe("shipped SAT schemas (server/sat/schemas)", () => {
  it("ships the ten schema files the product needs: Diario, Mensual and the eight complements", () => {
    expect(SAT_SCHEMA_FILES).toHaveLength(10);
    for (const file of SAT_SCHEMA_FILES) expect(existsSync(path.join(SHIPPED_SCHEMA_DIR, file))).toBe(true);
    expect(existsSync(path.join(SHIPPED_SCHEMA_DIR, "README.md"))).toBe(true);
  });

  it.each(SAT_SCHEMA_FILES)("%s is byte-identical to SAT's file in shared/sat/json-schema (SHA-256)", (file) => {
    expect(sha256(path.join(SHIPPED_SCHEMA_DIR, file))).toBe(sha256(path.join(SHARED_SCHEMA_DIR, file)));
  });

  it("README names the source repository and commit and states the files are unmodified", () => {
    const readme = readFileSync(path.join(SHIPPED_SCHEMA_DIR, "README.md"), "utf8");
    expect(readme).toContain("SrGitQ/SAT-schemas");
    expect(readme).toContain("3368d9463921a03569a4c2e9f696562d2825ab44");
    expect(readme).toMatch(/sin modificar|unmodified/i);
  });

  it("each file carries SAT's own $id and the draft-07 $schema form ajv does not know (§7.1)", () => {
    const schemas = loadShippedSchemas();
    for (const file of SAT_SCHEMA_FILES) {
      expect(schemas[file].$id).toBe(`${SAT_SCHEMA_BASE_URL}${file}`);
      expect(schemas[file].$schema).toBe("https://json-schema.org/draft-07/schema");
    }
  });
});

describe("in-memory fix-ups (issue #6 item 11)", () => {
  const schemas = loadShippedSchemas();

  it("stripSchemaKeyword removes $schema and leaves the input untouched", () => {
    const input = schemas["Diario.schema.json"];
    const before = JSON.stringify(input);
    const out = stripSchemaKeyword(input);
    expect(out.$schema).toBeUndefined();
    expect(out.$id).toBe(DAILY_SCHEMA_ID);
    expect(JSON.stringify(input)).toBe(before);
  });

  it("stripInlineFlagsFromPatterns removes the (?i) prefix from the 16 CFDI-UUID patterns of the complements", () => {
    let before = 0;
    let after = 0;
    for (const file of SAT_SCHEMA_FILES) {
      before += valuesOf("pattern", schemas[file]).filter((p) => p.startsWith("(?i)")).length;
      after += valuesOf("pattern", stripInlineFlagsFromPatterns(schemas[file])).filter((p) => p.includes("(?i)")).length;
    }
    expect(before).toBe(16);
    expect(after).toBe(0);
    const fixed = valuesOf("pattern", prepareSchemaForAjv(schemas["Comp-Expendio.schema.json"])).find((p) =>
      p.includes("[a-f0-9A-F]{8}"),
    );
    expect(fixed?.startsWith("^(?!00000000")).toBe(true);
  });

  it("each of the four fixes is necessary: leaving any one out, Comp-Expendio does not compile", async () => {
    const { default: Ajv } = await import("ajv");
    const { default: addFormats } = await import("ajv-formats");
    const expendio = schemas["Comp-Expendio.schema.json"];
    const compile = (schema: object, options: object) => {
      const ajv = new Ajv({ ...SAT_AJV_OPTIONS, ...options });
      addFormats(ajv);
      return ajv.compile(schema);
    };
    // 1. $schema https form unknown to ajv
    expect(() => compile(stripInlineFlagsFromPatterns(expendio), {})).toThrow(/no schema with key or ref/);
    // 2. `\&` is invalid under the `u` flag
    expect(() => compile(prepareSchemaForAjv(expendio), { unicodeRegExp: true })).toThrow(/pattern|Invalid/i);
    // 3. `(?i)` is not JavaScript
    expect(() => compile(stripSchemaKeyword(expendio), {})).toThrow(/Invalid (regular expression|group)/i);
    // 4. strict mode rejects $version / additionalRequired / fractionDigits
    expect(() => compile(prepareSchemaForAjv(expendio), { strict: true })).toThrow(/strict mode|unknown keyword/i);
    // all four applied
    expect(compile(prepareSchemaForAjv(expendio), {})).toBeTypeOf("function");
    expect(SAT_AJV_OPTIONS).toMatchObject({ strict: false, unicodeRegExp: false, allErrors: true });
    expect("loadSchema" in SAT_AJV_OPTIONS).toBe(false);
  });

  it("every schema compiles, and every $ref resolves to a registered $id (never fetched)", () => {
    const ajv = createSatAjv(Object.values(schemas));
    const ids = new Set(SAT_SCHEMA_FILES.map((f) => `${SAT_SCHEMA_BASE_URL}${f}`));
    for (const id of ids) expect(typeof ajv.getSchema(id)).toBe("function");
    const refs = SAT_SCHEMA_FILES.flatMap((f) => valuesOf("$ref", schemas[f]));
    const external = [...new Set(refs.filter((r) => !r.startsWith("#")))];
    expect(external.sort()).toEqual(COMPLEMENT_TYPES.map(complementSchemaId).sort());
    for (const r of external) expect(ids.has(r)).toBe(true);
    expect(ajv.getSchema(MONTHLY_SCHEMA_ID)).toBeTypeOf("function");
  });

  it("rejects a schema whose $id is not SAT's repository", () => {
    expect(() => createSatAjv([{ $id: "https://example.com/x.json", type: "object" }])).toThrow(/\$id/);
  });
});

describe("complement validators", () => {
  it.each(COMPLEMENT_TYPES)("Comp-%s accepts a minimal complement with Aclaracion and rejects an empty one", (tipo) => {
    const aclaracion = { TipoComplemento: tipo, Aclaracion: "Sin operaciones documentadas en el periodo." };
    expect(validateComplement(tipo, aclaracion)).toEqual({ ok: true });
    const empty = validateComplement(tipo, { TipoComplemento: tipo });
    expect(empty.ok).toBe(false);
  });

  it("accepts upper-case CFDI UUIDs once (?i) is removed (the rest of the pattern allows A-F)", () => {
    const complement = {
      TipoComplemento: "Expendio",
      Nacional: [
        {
          RfcClienteOProveedor: "EWE1709045U0",
          NombreClienteOProveedor: "Proveedora de Combustibles del Bajío, S.A. de C.V.",
          CFDIs: [
            {
              Cfdi: "5F3C1A9E-2B7D-4E8A-9C61-0D4B7E2A8F13",
              TipoCfdi: "Traslado",
              FechaYHoraTransaccion: "2026-11-01T08:30:00-06:00",
              VolumenDocumentado: { ValorNumerico: 20000, UnidadDeMedida: "UM03" },
            },
          ],
        },
      ],
    };
    expect(validateComplement("Expendio", complement)).toEqual({ ok: true });
  });
});

describe("JSON pointers", () => {
  it("escapes / and ~ per RFC 6901 and reads values back", () => {
    expect(escapeJsonPointerToken("Localizaciony/oDescripcionTanque")).toBe("Localizaciony~1oDescripcionTanque");
    expect(escapeJsonPointerToken("a~b")).toBe("a~0b");
    const doc = { Tanque: [{ "Localizaciony/oDescripcionTanque": "Norte" }] };
    expect(valueAtPointer(doc, "/Tanque/0/Localizaciony~1oDescripcionTanque")).toBe("Norte");
    expect(valueAtPointer(doc, "")).toBe(doc);
    expect(valueAtPointer(doc, "/Nada/0")).toBeUndefined();
  });
});
