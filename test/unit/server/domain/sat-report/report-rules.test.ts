/**
 * Aforo's own report rules (issue #6 item 11; research note §7 items 4, 5, 6, 8, 9, 10, 12): each
 * rule has a failing and a passing case; the rule tables are derived from the shipped schemas.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import {
  ADDITIONAL_REQUIRED_MESSAGES,
  assertValidReport,
  checkBitacora,
  checkComplements,
  checkContratistaProducts,
  checkMonthlyCalorificValue,
  defaultSatRuleTables,
  expectedVolumeUnit,
  fractionDigitsOf,
  matchInstancePattern,
  satReportRuleViolations,
  type SatReportKind,
} from "../../../../../server/domain/sat-report/report-rules";
import {
  loadShippedSchemas,
  validateDailyReport,
  validateMonthlyReport,
  type ReportValidationError,
} from "../../../../../server/domain/sat-report/schema-loader";
import { findPermitPatterns, type AdditionalRequiredRule } from "../../../../../server/domain/sat-report/schema-rules";

const FIXTURES = path.resolve(__dirname, "../../../../fixtures/sat-report");
type Json = Record<string, any>;
const load = (name: string): Json => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Json;
const daily = () => load("daily-eds-valid.json");
const monthly = () => load("monthly-eds-valid.json");
const fixture = (kind: SatReportKind) => (kind === "daily" ? daily() : monthly());

const tables = defaultSatRuleTables();
const rulesOf = (v: ReportValidationError[], rule: string) => v.filter((e) => e.rule === rule);
const pathsOf = (v: ReportValidationError[], rule: string) => rulesOf(v, rule).map((e) => e.path);

describe("rule tables derived from the shipped schemas", () => {
  it("finds exactly the additionalRequired rules of Diario (4) and Mensual (5), all under Producto[]", () => {
    const summary = (rules: readonly AdditionalRequiredRule[]) =>
      rules.map((r) => [r.instancePattern.join("/"), r.condition, r.required.join(",")]);
    expect(summary(tables.additionalRequired.daily)).toEqual([
      ["Producto/*", { kind: "equals", property: "GasolinaConCombustibleNoFosil", value: "Sí" }, "ComposDeCombustibleNoFosilEnGasolina"],
      ["Producto/*", { kind: "equals", property: "DieselConCombustibleNoFosil", value: "Sí" }, "ComposDeCombustibleNoFosilEnDiesel"],
      ["Producto/*", { kind: "equals", property: "TurbosinaConCombustibleNoFosil", value: "Sí" }, "ComposDeCombustibleNoFosilEnTurbosina"],
      ["Producto/*", { kind: "present", property: "Marcaje" }, "ConcentracionSustanciaMarcaje"],
    ]);
    expect(summary(tables.additionalRequired.monthly)).toEqual([
      ["Producto/*", { kind: "equals", property: "GasolinaConCombustibleNoFosil", value: "Sí" }, "ComposDeCombustibleNoFosilEnGasolina"],
      ["Producto/*", { kind: "equals", property: "DieselConCombustibleNoFosil", value: "Sí" }, "ComposDeCombustibleNoFosilEnDiesel"],
      ["Producto/*", { kind: "equals", property: "TurbosinaConCombustibleNoFosil", value: "Sí" }, "ComposDeCombustibleNoFosilEnTurbosina"],
      ["Producto/*", { kind: "equals", property: "ClaveSubProducto", value: "SP20" }, "Otros"],
      ["Producto/*", { kind: "present", property: "Marcaje" }, "ConcentracionSustanciaMarcaje"],
    ]);
  });

  it("every additionalRequired rule found in the schemas is mapped to a Spanish message", () => {
    const fields = [...tables.additionalRequired.daily, ...tables.additionalRequired.monthly].flatMap((r) => r.required);
    for (const f of fields) expect(ADDITIONAL_REQUIRED_MESSAGES[f], f).toBeDefined();
  });

  it("derives the 56 permit nomenclatures; Mensual differs from Diario only in its PER42 typo (LDP for LPD)", () => {
    const schemas = loadShippedSchemas();
    const d = findPermitPatterns(schemas["Diario.schema.json"]);
    const m = findPermitPatterns(schemas["Mensual.schema.json"]);
    expect(Object.keys(d)).toHaveLength(56);
    expect(Object.keys(d).filter((k) => d[k] !== m[k])).toEqual(["PER42"]);
    expect(d.PER42).toBe("^G/[0-9]{1,5}/LPD/[0-9]{4}$");
    expect(m.PER42).toBe("^G/[0-9]{1,5}/LDP/[0-9]{4}$");
    expect(tables.permitPatterns.PER2).toBe("^PL/[0-9]{1,5}/EXP/ES/[0-9]{4}$");
    expect(tables.permitPatterns).toEqual(d);
  });

  it("derives the Extranjero permit rules from the if-clauses without `properties` (§7.5)", () => {
    expect(tables.foreignPermitRules).toEqual([
      { complementTypes: ["Almacenamiento", "Expendio"], requiredField: "PermisoImportacion" },
      { complementTypes: ["CDLR", "Comercializacion", "Distribucion", "Refinacion"], requiredField: "PermisoImportacionOExportacion" },
      { complementTypes: ["Extraccion"], requiredField: "PermisoExportacion" },
    ]);
  });

  it("derives the date-time, time, (?i), fractionDigits and unit tables", () => {
    for (const f of ["FechaYHoraCorte", "FechaYHoraReporteMes", "FechaYHoraEntrega", "FechaYHoraEvento", "FechaYHoraTransaccion", "FechaYHoraInicioEntrega"]) {
      expect(tables.dateTimeProperties.has(f), f).toBe(true);
    }
    expect(tables.dateTimeProperties.size).toBe(13);
    expect([...tables.timeWithOffsetProperties].sort()).toEqual(["HoraEntregaAcumulado", "HoraRecepcionAcumulado"]);
    expect(Object.keys(tables.caseInsensitivePatterns).sort()).toEqual(["Cfdi", "CfdiTrasvase"]);
    expect(tables.fractionDigits).toMatchObject({ ValorNumerico: 5, Temperatura: 3, PresionAbsoluta: 3, GeolocalizacionLatitud: 7, PrecioVenta: 5, ComposDePropanoEnGasLP: 2 });
    expect(tables.unitPatterns).toEqual({ daily: "^UM0[1-4]$", monthly: "^UM0[1-6]$", complement: "^UM0[1-4]$" });
  });

  it("the golden fixtures have no rule violations", () => {
    expect(satReportRuleViolations(daily(), "daily")).toEqual([]);
    expect(satReportRuleViolations(monthly(), "monthly")).toEqual([]);
  });
});

describe("additionalRequired rules (each one: failing and passing case)", () => {
  const sampleValue: Record<string, unknown> = {
    ComposDeCombustibleNoFosilEnGasolina: 6,
    ComposDeCombustibleNoFosilEnDiesel: 5,
    ComposDeCombustibleNoFosilEnTurbosina: 2,
    ConcentracionSustanciaMarcaje: 12.5,
    Otros: "Mezcla de aditivos",
  };
  const cases = (["daily", "monthly"] as const).flatMap((kind) =>
    tables.additionalRequired[kind].map((rule) => ({ kind, rule, name: `${kind}: ${rule.required.join(",")} ⇐ ${rule.condition.property}` })),
  );

  it.each(cases)("$name", ({ kind, rule }) => {
    const field = rule.required[0] as string;
    const id = `additionalRequired:${field}`;
    const inverse = `additionalRequired-inverso:${field}`;
    const withCondition = (r: Json) => {
      r.Producto[0][rule.condition.property] = rule.condition.kind === "equals" ? rule.condition.value : "Marcador químico A";
      return r;
    };

    // condition holds, field missing → violation at the field
    const missing = withCondition(fixture(kind));
    delete missing.Producto[0][field];
    expect(pathsOf(satReportRuleViolations(missing, kind), id)).toEqual([`/Producto/0/${field}`]);

    // condition holds, field present → no violation
    const present = withCondition(fixture(kind));
    present.Producto[0][field] = sampleValue[field];
    expect(rulesOf(satReportRuleViolations(present, kind), id)).toEqual([]);
    expect(rulesOf(satReportRuleViolations(present, kind), inverse)).toEqual([]);

    // condition does not hold, field present → the XSD's else-not(): violation
    const stray = fixture(kind);
    stray.Producto[0][field] = sampleValue[field];
    expect(pathsOf(satReportRuleViolations(stray, kind), inverse)).toEqual([`/Producto/0/${field}`]);

    // condition does not hold, field absent → nothing
    expect(rulesOf(satReportRuleViolations(fixture(kind), kind), id)).toEqual([]);
  });

  it("reads the if as SAT intends: a product without GasolinaConCombustibleNoFosil does not need the gasoline percentage", () => {
    // JSON Schema would consider `if {properties: {GasolinaConCombustibleNoFosil: {const: "Sí"}}}` true here.
    const r = daily();
    r.Producto[0] = { ...r.Producto[0], ClaveProducto: "PR03", ClaveSubProducto: "SP18", DieselConCombustibleNoFosil: "No" };
    delete r.Producto[0].ComposOctanajeGasolina;
    delete r.Producto[0].GasolinaConCombustibleNoFosil;
    const v = satReportRuleViolations(r, "daily");
    expect(v.filter((e) => e.rule.startsWith("additionalRequired"))).toEqual([]);
  });

  it("a gasoline with 6 % non-fossil fuel validates end to end", () => {
    const r = daily();
    r.Producto[0].GasolinaConCombustibleNoFosil = "Sí";
    r.Producto[0].ComposDeCombustibleNoFosilEnGasolina = 6;
    expect(assertValidReport("daily", r)).toEqual({ ok: true });
  });
});

describe("NumPermiso nomenclature (§7.6) and fields per Caracter", () => {
  it("a PER2 station with an autoconsumo-style permit number is rejected; the schema alone accepts it", () => {
    const r = daily();
    r.NumPermiso = "PL/12345/EXP/ESA/2016";
    expect(validateDailyReport(r)).toEqual({ ok: true });
    const v = satReportRuleViolations(r, "daily");
    expect(pathsOf(v, "numPermiso-nomenclatura")).toEqual(["/NumPermiso"]);
    expect(rulesOf(v, "numPermiso-nomenclatura")[0]?.message).toContain("PER2");
  });

  it("a permisionario must send NumPermiso", () => {
    const r = monthly();
    delete r.NumPermiso;
    expect(pathsOf(satReportRuleViolations(r, "monthly"), "numPermiso-nomenclatura")).toEqual(["/NumPermiso"]);
  });

  it("accepts the right nomenclature for another modality (PER43 Gas LP station)", () => {
    const r = daily();
    r.ModalidadPermiso = "PER43";
    r.NumPermiso = "LP/23456/EXP/ES/2018";
    expect(rulesOf(satReportRuleViolations(r, "daily"), "numPermiso-nomenclatura")).toEqual([]);
  });

  it("monthly PER42 follows the Diario/XSD nomenclature LPD, not the Mensual typo", () => {
    const r = monthly();
    r.ModalidadPermiso = "PER42";
    r.NumPermiso = "G/12345/LPD/2019";
    expect(rulesOf(satReportRuleViolations(r, "monthly"), "numPermiso-nomenclatura")).toEqual([]);
    r.NumPermiso = "G/12345/LDP/2019";
    expect(pathsOf(satReportRuleViolations(r, "monthly"), "numPermiso-nomenclatura")).toEqual(["/NumPermiso"]);
  });

  it("a permisionario does not send NumContratoOAsignacion; a usuario does not send NumPermiso (XSD asserts)", () => {
    const r = daily();
    r.NumContratoOAsignacion = "PL/12345/EXP/ES/2016";
    expect(pathsOf(satReportRuleViolations(r, "daily"), "caracter-campos")).toEqual(["/NumContratoOAsignacion"]);
    const u = daily();
    u.Caracter = "usuario";
    delete u.ModalidadPermiso;
    expect(pathsOf(satReportRuleViolations(u, "daily"), "caracter-campos")).toEqual(["/NumPermiso"]);
    expect(rulesOf(satReportRuleViolations(daily(), "daily"), "caracter-campos")).toEqual([]);
  });
});

describe("date-time with explicit offset (§7.8)", () => {
  it("rejects Z, a missing offset and a lower-case t, which ajv's date-time accepts or not", () => {
    const r = daily();
    r.FechaYHoraCorte = "2026-11-02T05:59:59Z";
    r.Producto[0].Tanque[0].Existencias.FechaYHoraEstaMedicion = "2026-11-01T23:59:59";
    r.Bitacora[0].FechaYHoraEvento = "2026-11-01t10:58:30-06:00";
    expect(validateDailyReport({ ...r, Producto: daily().Producto, Bitacora: daily().Bitacora }).ok).toBe(true); // Z passes ajv
    expect(pathsOf(satReportRuleViolations(r, "daily"), "fecha-hora-desfase")).toEqual([
      "/FechaYHoraCorte",
      "/Producto/0/Tanque/0/Existencias/FechaYHoraEstaMedicion",
      "/Bitacora/0/FechaYHoraEvento",
    ]);
  });

  it("checks date-times inside complements too, and accepts fractional seconds with offset", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Recepciones.Complemento[0].Nacional[0].CFDIs[1].FechaYHoraTransaccion = "2026-11-16T15:05:00Z";
    r.FechaYHoraReporteMes = "2026-12-01T00:15:00.250-06:00";
    expect(pathsOf(satReportRuleViolations(r, "monthly"), "fecha-hora-desfase")).toEqual([
      "/Producto/0/ReporteDeVolumenMensual/Recepciones/Complemento/0/Nacional/0/CFDIs/1/FechaYHoraTransaccion",
    ]);
  });

  it("rejects `|` as the offset sign of the time fields, which the schema's [-|+] lets through", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Existencias.HoraRecepcionAcumulado = "23:59:59|06:00";
    expect(validateDailyReport(r)).toEqual({ ok: true });
    expect(pathsOf(satReportRuleViolations(r, "daily"), "hora-desfase")).toEqual([
      "/Producto/0/Tanque/0/Existencias/HoraRecepcionAcumulado",
    ]);
  });
});

describe("UnidadDeMedida (§7.9, §7.10)", () => {
  it("pattern per report kind: UM05 is not a daily unit (reported once by assertValidReport)", () => {
    const r = daily();
    r.Producto[0].Tanque[0].CapacidadTotalTanque.UnidadDeMedida = "UM05";
    const p = "/Producto/0/Tanque/0/CapacidadTotalTanque/UnidadDeMedida";
    expect(pathsOf(satReportRuleViolations(r, "daily"), "unidad-medida-patron")).toEqual([p]);
    const all = assertValidReport("daily", r);
    expect(all.ok ? [] : all.errors.filter((e) => e.path === p).map((e) => e.rule)).toEqual(["esquema:pattern"]);
  });

  it("pattern per report kind: complements only take UM01–UM04 even in the monthly report", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Entregas.Complemento[0].Nacional[0].CFDIs[0].VolumenDocumentado.UnidadDeMedida = "UM06";
    expect(pathsOf(satReportRuleViolations(r, "monthly"), "unidad-medida-patron")).toEqual([
      "/Producto/0/ReporteDeVolumenMensual/Entregas/Complemento/0/Nacional/0/CFDIs/0/VolumenDocumentado/UnidadDeMedida",
    ]);
  });

  it("a monthly volume in BTU passes the schema but is not a volume", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Recepciones.SumaVolumenRecepcionMes.UnidadDeMedida = "UM05";
    expect(validateMonthlyReport(r)).toEqual({ ok: true });
    expect(pathsOf(satReportRuleViolations(r, "monthly"), "unidad-medida-volumen")).toEqual([
      "/Producto/0/ReporteDeVolumenMensual/Recepciones/SumaVolumenRecepcionMes/UnidadDeMedida",
    ]);
  });

  it("PoderCalorifico is energy: megajoules for permisionarios, BTU for contratistas", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Entregas.PoderCalorifico = { ValorNumerico: 38.5, UnidadDeMedida: "UM03" };
    const p = "/Producto/0/ReporteDeVolumenMensual/Entregas/PoderCalorifico/UnidadDeMedida";
    expect(pathsOf(satReportRuleViolations(r, "monthly"), "unidad-medida-volumen")).toEqual([p]);
    r.Producto[0].ReporteDeVolumenMensual.Entregas.PoderCalorifico.UnidadDeMedida = "UM06";
    expect(rulesOf(satReportRuleViolations(r, "monthly"), "unidad-medida-volumen")).toEqual([]);
  });

  it("petrolíferos in litres: a PR07 volume in barrels is rejected; complements are not constrained", () => {
    const r = daily();
    r.Producto[0].Tanque[0].CapacidadUtilTanque.UnidadDeMedida = "UM01";
    r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Complemento.Nacional[0].CFDIs[0].VolumenDocumentado.UnidadDeMedida = "UM04";
    expect(pathsOf(satReportRuleViolations(r, "daily"), "unidad-medida-producto")).toEqual([
      "/Producto/0/Tanque/0/CapacidadUtilTanque/UnidadDeMedida",
    ]);
    expect(expectedVolumeUnit("PR09", "asignatario")).toBe("UM02");
    expect(expectedVolumeUnit("PR09", "permisionario")).toBe("UM04");
    expect(expectedVolumeUnit("PR08", "contratista")).toBe("UM01");
    expect(expectedVolumeUnit("PR15", "permisionario")).toBeUndefined();
  });

  it("products without a prescribed unit must still use one unit throughout (bare-number volumes carry none)", () => {
    const r = daily();
    r.Producto[0].ClaveProducto = "PR15";
    r.Producto[0].ClaveSubProducto = "SP21";
    delete r.Producto[0].ComposOctanajeGasolina;
    delete r.Producto[0].GasolinaConCombustibleNoFosil;
    expect(rulesOf(satReportRuleViolations(r, "daily"), "unidad-medida-consistente")).toEqual([]);
    r.Producto[0].Tanque[0].VolumenMinimoOperacion.UnidadDeMedida = "UM04";
    expect(pathsOf(satReportRuleViolations(r, "daily"), "unidad-medida-consistente")).toEqual([
      "/Producto/0/Tanque/0/VolumenMinimoOperacion/UnidadDeMedida",
    ]);
  });
});

describe("fractionDigits (§7.4)", () => {
  it("counts the decimals JSON would carry", () => {
    expect(fractionDigitsOf(48308.22)).toBe(2);
    expect(fractionDigitsOf(60000)).toBe(0);
    expect(fractionDigitsOf(0.1 + 0.2)).toBe(17);
    expect(fractionDigitsOf(1e-7)).toBe(7);
    expect(fractionDigitsOf(-1.5e-3)).toBe(4);
    expect(fractionDigitsOf(1e21)).toBe(0);
  });

  it("flags a float artefact, a temperature with 4 decimals and a tiny exponent value; accepts the fixture", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Existencias.VolumenExistencias = 48308.02 + 0.1 + 0.1; // 48308.219999999994: float arithmetic, not rounded
    r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Temperatura = 21.4567;
    r.Producto[0].Tanque[0].CapacidadFondajeTanque.ValorNumerico = 1e-7;
    expect(pathsOf(satReportRuleViolations(r, "daily"), "decimales")).toEqual([
      "/Producto/0/Tanque/0/CapacidadFondajeTanque/ValorNumerico",
      "/Producto/0/Tanque/0/Existencias/VolumenExistencias",
      "/Producto/0/Tanque/0/Recepciones/Recepcion/0/Temperatura",
    ]);
    expect(rulesOf(satReportRuleViolations(daily(), "daily"), "decimales")).toEqual([]);
  });
});

describe("(?i) CFDI patterns (§7.3)", () => {
  it("an upper-case all-A UUID slips through the case-sensitive pattern but not the rule", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Complemento.Nacional[0].CFDIs[0].Cfdi = "AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA";
    expect(validateDailyReport(r)).toEqual({ ok: true });
    expect(pathsOf(satReportRuleViolations(r, "daily"), "patron-sin-distincion-mayusculas")).toEqual([
      "/Producto/0/Tanque/0/Recepciones/Recepcion/0/Complemento/Nacional/0/CFDIs/0/Cfdi",
    ]);
  });

  it("accepts an upper-case real UUID", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Complemento.Nacional[0].CFDIs[0].Cfdi = "5F3C1A9E-2B7D-4E8A-9C61-0D4B7E2A8F13";
    expect(rulesOf(satReportRuleViolations(r, "daily"), "patron-sin-distincion-mayusculas")).toEqual([]);
  });
});

describe("complements", () => {
  const complementPath = "/Producto/0/Tanque/0/Recepciones/Recepcion/0/Complemento";

  it("complemento-tipo: validated against its own Comp-<TipoComplemento> schema", () => {
    const r = daily();
    // Comp-Expendio requires PrecioVenta on an Ingreso CFDI; other complement schemas (which the
    // report's anyOf also accepts for TipoComplemento "Expendio") do not.
    delete r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Complemento.Nacional[0].CFDIs[0].PrecioVenta;
    expect(validateDailyReport(r)).toEqual({ ok: true });
    const v = satReportRuleViolations(r, "daily");
    expect(pathsOf(v, "complemento-tipo")).toEqual([`${complementPath}/Nacional/0/CFDIs/0/PrecioVenta`]);
    expect(rulesOf(v, "complemento-tipo")[0]?.message).toMatch(/^Complemento Expendio \(Comp-Expendio\.schema\.json\): /);
  });

  it("complemento-tipo: an unknown TipoComplemento is reported at TipoComplemento", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Entregas.Complemento[0].TipoComplemento = "Gasolinera";
    expect(pathsOf(satReportRuleViolations(r, "monthly"), "complemento-tipo")).toEqual([
      "/Producto/0/ReporteDeVolumenMensual/Entregas/Complemento/0/TipoComplemento",
    ]);
  });

  it("complemento-extranjero-permiso: the permit field required for the complement type (§7.5)", () => {
    const ok = () => ({ ok: true as const });
    const expendio = { Complemento: { TipoComplemento: "Expendio", Extranjero: [{ PermisoImportacionOExportacion: "1234C567890123" }] } };
    expect(checkComplements(expendio, tables.foreignPermitRules, ok).map((e) => [e.path, e.rule])).toEqual([
      ["/Complemento/Extranjero/0/PermisoImportacion", "complemento-extranjero-permiso"],
    ]);
    const comercializacion = { Complemento: [{ TipoComplemento: "Comercializacion", Extranjero: [{ PermisoImportacion: "1234C567890123" }] }] };
    expect(checkComplements(comercializacion, tables.foreignPermitRules, ok).map((e) => e.path)).toEqual([
      "/Complemento/0/Extranjero/0/PermisoImportacionOExportacion",
    ]);
    const right = { Complemento: { TipoComplemento: "Expendio", Extranjero: [{ PermisoImportacion: "1234C567890123" }] } };
    expect(checkComplements(right, tables.foreignPermitRules, ok)).toEqual([]);
    const transporte = { Complemento: { TipoComplemento: "Transporte", Aclaracion: "Sin importaciones." } };
    expect(checkComplements(transporte, tables.foreignPermitRules, ok)).toEqual([]);
  });

  it("uses the injected complement validator", () => {
    const calls: string[] = [];
    satReportRuleViolations(daily(), "daily", {
      validateComplement: (type) => {
        calls.push(type);
        return { ok: true };
      },
    });
    expect(calls).toEqual(["Expendio"]);
  });
});

describe("daily totals (§7.12)", () => {
  const hose = "/Producto/0/Dispensario/0/Manguera/0/Entregas/0";

  it("totales-conteo: TotalEntregas must equal the listed Entrega items", () => {
    const r = daily();
    r.Producto[0].Dispensario[0].Manguera[0].Entregas[0].TotalEntregas = 4;
    expect(pathsOf(satReportRuleViolations(r, "daily"), "totales-conteo")).toEqual([`${hose}/TotalEntregas`]);
    const t = daily();
    t.Producto[0].Tanque[0].Recepciones.TotalRecepciones = 2;
    expect(pathsOf(satReportRuleViolations(t, "daily"), "totales-conteo")).toEqual(["/Producto/0/Tanque/0/Recepciones/TotalRecepciones"]);
  });

  it("totales-suma: SumaVolumenEntregado must equal the sum of the instantaneous totalizer volumes", () => {
    const r = daily();
    r.Producto[0].Dispensario[0].Manguera[0].Entregas[0].SumaVolumenEntregado.ValorNumerico = 128;
    expect(pathsOf(satReportRuleViolations(r, "daily"), "totales-suma")).toEqual([`${hose}/SumaVolumenEntregado/ValorNumerico`]);
    r.Producto[0].Dispensario[0].Manguera[0].Entregas[0].SumaVolumenEntregado.ValorNumerico = 127.437; // within 3 × 0.001
    expect(rulesOf(satReportRuleViolations(r, "daily"), "totales-suma")).toEqual([]);
    const t = daily();
    t.Producto[0].Tanque[0].Recepciones.SumaVolumenRecepcion.ValorNumerico = 20000;
    expect(pathsOf(satReportRuleViolations(t, "daily"), "totales-suma")).toEqual([
      "/Producto/0/Tanque/0/Recepciones/SumaVolumenRecepcion/ValorNumerico",
    ]);
  });
});

describe("bitácora, contratista products, calorific value", () => {
  it("bitacora-registro-unico: a repeated NumeroRegistro", () => {
    const r = daily();
    r.Bitacora[1].NumeroRegistro = 5001;
    expect(pathsOf(checkBitacora(r, "daily"), "bitacora-registro-unico")).toEqual(["/Bitacora/1/NumeroRegistro"]);
    expect(checkBitacora(daily(), "daily")).toEqual([]);
    expect(checkBitacora(monthly(), "monthly")).toEqual([]);
  });

  it("contratista-producto: checked per product (the schema's root if only fires when every product matches)", () => {
    const report = {
      Caracter: "contratista",
      Producto: [
        { ClaveProducto: "PR08", DensidadDePetroleo: 32.5 },
        { ClaveProducto: "PR09" },
        { ClaveProducto: "PR10", GasNaturalOCondensados: [] },
      ],
    };
    expect(checkContratistaProducts(report).map((e) => e.path)).toEqual([
      "/Producto/0/ComposDeAzufreEnPetroleo",
      "/Producto/1/GasNaturalOCondensados",
    ]);
    expect(checkContratistaProducts({ ...report, Caracter: "permisionario" })).toEqual([]);
  });

  it("fraccion-molar-suma: the molar fractions add up to 1", () => {
    const gas = (fractions: number[]) => ({
      Caracter: "asignatario",
      Producto: [
        {
          ClaveProducto: "PR09",
          GasNaturalOCondensados: fractions.map((f, i) => ({ ComposGasNaturalOCondensados: `GNC0${i + 1}`, FraccionMolar: f, PoderCalorifico: 1000 })),
        },
      ],
    });
    expect(checkContratistaProducts(gas([0.9, 0.05]))).toEqual([
      expect.objectContaining({ path: "/Producto/0/GasNaturalOCondensados", rule: "fraccion-molar-suma" }),
    ]);
    expect(checkContratistaProducts(gas([0.9, 0.07, 0.03]))).toEqual([]);
  });

  it("poder-calorifico-requerido: monthly PR09 receptions of a permisionario carry PoderCalorifico", () => {
    const report = { Caracter: "permisionario", Producto: [{ ClaveProducto: "PR09", ReporteDeVolumenMensual: { Recepciones: {} } }] };
    expect(checkMonthlyCalorificValue(report).map((e) => e.path)).toEqual([
      "/Producto/0/ReporteDeVolumenMensual/Recepciones/PoderCalorifico",
    ]);
    const withValue = {
      ...report,
      Producto: [{ ClaveProducto: "PR09", ReporteDeVolumenMensual: { Recepciones: { PoderCalorifico: { ValorNumerico: 1, UnidadDeMedida: "UM06" } } } }],
    };
    expect(checkMonthlyCalorificValue(withValue)).toEqual([]);
    expect(checkMonthlyCalorificValue({ ...report, Caracter: "asignatario" })).toEqual([]);
  });
});

describe("instance patterns", () => {
  it("matches array items with * and skips non-matching shapes", () => {
    const doc = { Producto: [{ a: 1 }, "x", { a: 2 }] };
    expect(matchInstancePattern(doc, ["Producto", "*"]).map((m) => m.path)).toEqual(["/Producto/0", "/Producto/1", "/Producto/2"]);
    expect(matchInstancePattern(doc, ["Producto", "*", "a"]).map((m) => m.value)).toEqual([1, 2]);
    expect(matchInstancePattern({ Producto: {} }, ["Producto", "*"])).toEqual([]);
  });
});
