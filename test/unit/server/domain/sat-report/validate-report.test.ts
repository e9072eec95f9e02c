/**
 * Schema validation of whole reports (A30-RPT-01, A30-RPT-02, A30-RPT-04; issue #6 item 8): the
 * golden fixtures validate, and every failure names the exact JSON path of the offending field.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { assertValidReport } from "../../../../../server/domain/sat-report/report-rules";
import {
  validateDailyReport,
  validateMonthlyReport,
  type ReportValidationResult,
} from "../../../../../server/domain/sat-report/schema-loader";

const FIXTURES = path.resolve(__dirname, "../../../../fixtures/sat-report");
type Json = Record<string, any>;
const load = (name: string): Json => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Json;
const daily = () => load("daily-eds-valid.json");
const monthly = () => load("monthly-eds-valid.json");

function paths(result: ReportValidationResult): string[] {
  return result.ok ? [] : result.errors.map((e) => e.path);
}

describe("golden fixtures", () => {
  it("the daily EDS report (PR07, one tank, one dispenser, Expendio complement) passes the schema and Aforo's rules", () => {
    expect(validateDailyReport(daily())).toEqual({ ok: true });
    expect(assertValidReport("daily", daily())).toEqual({ ok: true });
  });

  it("the monthly EDS report passes the schema and Aforo's rules", () => {
    expect(validateMonthlyReport(monthly())).toEqual({ ok: true });
    expect(assertValidReport("monthly", monthly())).toEqual({ ok: true });
  });

  it("a daily report is not a monthly report and vice versa", () => {
    expect(validateMonthlyReport(daily()).ok).toBe(false);
    expect(validateDailyReport(monthly()).ok).toBe(false);
  });
});

describe("errors point at the field (A30-RPT-04)", () => {
  it("a removed required field is reported at its own path", () => {
    const r = daily();
    delete r.Producto[0].Tanque[0].Existencias.VolumenExistencias;
    const result = validateDailyReport(r);
    expect(paths(result)).toEqual(["/Producto/0/Tanque/0/Existencias/VolumenExistencias"]);
    expect(result.ok ? "" : result.errors[0]?.message).toMatch(/^Esquema SAT — Falta un campo obligatorio: must have required property 'VolumenExistencias'$/);
  });

  it("the key with a slash is escaped as ~1 in the path", () => {
    const r = daily();
    delete r.Producto[0].Tanque[0]["Localizaciony/oDescripcionTanque"];
    expect(paths(validateDailyReport(r))).toEqual(["/Producto/0/Tanque/0/Localizaciony~1oDescripcionTanque"]);
  });

  it("a wrong pattern is reported at the value", () => {
    const r = daily();
    r.Producto[0].Tanque[0].ClaveIdentificacionTanque = "TQ-EDS-1";
    const result = validateDailyReport(r);
    expect(paths(result)).toEqual(["/Producto/0/Tanque/0/ClaveIdentificacionTanque"]);
    expect(result.ok ? "" : result.errors[0]?.message).toMatch(/^Esquema SAT — Formato incorrecto: must match pattern/);
  });

  it("a removed root field of the monthly report and a wrong date-time are both listed", () => {
    const r = monthly();
    delete r.RfcProveedor;
    r.FechaYHoraReporteMes = "30/11/2026";
    expect(paths(validateMonthlyReport(r)).sort()).toEqual(["/FechaYHoraReporteMes", "/RfcProveedor"]);
  });

  it("an unknown field is reported at the field (additionalProperties: false)", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Existencias.Temperatura = 20;
    expect(paths(validateDailyReport(r))).toEqual(["/Producto/0/Tanque/0/Existencias/Temperatura"]);
  });

  it("a bare-number volume written as a volume object fails at that field (§7.10)", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Existencias.VolumenExistencias = { ValorNumerico: 48308.22, UnidadDeMedida: "UM03" };
    expect(paths(validateDailyReport(r))).toEqual(["/Producto/0/Tanque/0/Existencias/VolumenExistencias"]);
  });

  it("Manguera.Entregas must be an array, Tanque.Entregas an object (§7.12)", () => {
    const r = daily();
    r.Producto[0].Dispensario[0].Manguera[0].Entregas = r.Producto[0].Dispensario[0].Manguera[0].Entregas[0];
    r.Producto[0].Tanque[0].Entregas = [r.Producto[0].Tanque[0].Entregas];
    expect(paths(validateDailyReport(r)).sort()).toEqual([
      "/Producto/0/Dispensario/0/Manguera/0/Entregas",
      "/Producto/0/Tanque/0/Entregas",
    ]);
  });

  it("TotalRecepciones ≥ 1 without Recepcion[] is reported at Recepcion", () => {
    const r = daily();
    delete r.Producto[0].Tanque[0].Recepciones.Recepcion;
    expect(paths(validateDailyReport(r))).toEqual(["/Producto/0/Tanque/0/Recepciones/Recepcion"]);
  });

  it("UM05 is rejected in the daily report and accepted by the monthly pattern (§7.9)", () => {
    const d = daily();
    d.Producto[0].Tanque[0].CapacidadTotalTanque.UnidadDeMedida = "UM05";
    expect(paths(validateDailyReport(d))).toEqual(["/Producto/0/Tanque/0/CapacidadTotalTanque/UnidadDeMedida"]);
    const m = monthly();
    m.Producto[0].ReporteDeVolumenMensual.Recepciones.SumaVolumenRecepcionMes.UnidadDeMedida = "UM05";
    expect(validateMonthlyReport(m)).toEqual({ ok: true });
  });

  it("a Tanque declared without any product carrying Tanque[] is one error on /Producto (contains)", () => {
    const r = daily();
    delete r.Producto[0].Tanque;
    const result = validateDailyReport(r);
    expect(paths(result)).toEqual(["/Producto"]);
    expect(result.ok ? "" : result.errors[0]?.message).toContain("must have required property 'Tanque'");
  });

  it("persona moral without RfcRepresentanteLegal is reported at that field", () => {
    const r = daily();
    delete r.RfcRepresentanteLegal;
    expect(paths(validateDailyReport(r))).toEqual(["/RfcRepresentanteLegal"]);
  });

  it("an alarm event (TipoEvento 7–21) without IdentificacionComponenteAlarma", () => {
    const r = daily();
    r.Bitacora[1].TipoEvento = 12;
    expect(paths(validateDailyReport(r))).toEqual(["/Bitacora/1/IdentificacionComponenteAlarma"]);
  });
});

describe("complement errors are precise instead of eight schemas' worth of noise", () => {
  it("a bad RFC inside a daily Expendio complement is one error at the RFC", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Complemento.Nacional[0].RfcClienteOProveedor = "no-es-rfc";
    const result = validateDailyReport(r);
    expect(paths(result)).toEqual([
      "/Producto/0/Tanque/0/Recepciones/Recepcion/0/Complemento/Nacional/0/RfcClienteOProveedor",
    ]);
  });

  it("assertValidReport reports such a complement error once, not again as an Aforo rule", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Complemento.Nacional[0].RfcClienteOProveedor = "no-es-rfc";
    const result = assertValidReport("daily", r);
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.rule])).toEqual([
      ["/Producto/0/Tanque/0/Recepciones/Recepcion/0/Complemento/Nacional/0/RfcClienteOProveedor", "esquema:pattern"],
    ]);
  });

  it("a bad CFDI UUID in a monthly complement (array) is reported at the field", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Entregas.Complemento[0].Nacional[0].CFDIs[0].Cfdi = "sin-folio";
    expect(paths(validateMonthlyReport(r))).toEqual([
      "/Producto/0/ReporteDeVolumenMensual/Entregas/Complemento/0/Nacional/0/CFDIs/0/Cfdi",
    ]);
  });

  it("quirk: an Expendio complement missing PrecioVenta passes the schema (anyOf matches another complement); Aforo's rule catches it", () => {
    const r = monthly();
    delete r.Producto[0].ReporteDeVolumenMensual.Entregas.Complemento[0].Nacional[0].CFDIs[0].PrecioVenta;
    expect(validateMonthlyReport(r)).toEqual({ ok: true });
    const result = assertValidReport("monthly", r);
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.rule])).toEqual([
      ["/Producto/0/ReporteDeVolumenMensual/Entregas/Complemento/0/Nacional/0/CFDIs/0/PrecioVenta", "complemento-tipo"],
    ]);
  });

  it("an unknown TipoComplemento yields one error naming the valid types", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Recepciones.Complemento[0].TipoComplemento = "Gasolinera";
    const result = validateMonthlyReport(r);
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.errors.filter((e) => e.message.includes("TipoComplemento ausente o no reconocido"));
    expect(messages.map((e) => e.path)).toEqual(["/Producto/0/ReporteDeVolumenMensual/Recepciones/Complemento/0"]);
  });

  it("the monthly Complemento is required and non-empty even without movements", () => {
    const r = monthly();
    r.Producto[0].ReporteDeVolumenMensual.Entregas.Complemento = [];
    delete r.Producto[0].ReporteDeVolumenMensual.Recepciones.Complemento;
    expect(paths(validateMonthlyReport(r)).sort()).toEqual([
      "/Producto/0/ReporteDeVolumenMensual/Entregas/Complemento",
      "/Producto/0/ReporteDeVolumenMensual/Recepciones/Complemento",
    ]);
  });

  it("Extranjero without any permit field fails the schema's own (always-true if) rule at the Extranjero item", () => {
    const r = daily();
    r.Producto[0].Tanque[0].Recepciones.Recepcion[0].Complemento.Extranjero = [{ Pedimentos: [] }];
    const result = validateDailyReport(r);
    expect(paths(result)).toEqual(["/Producto/0/Tanque/0/Recepciones/Recepcion/0/Complemento/Extranjero/0"]);
  });
});

describe("assertValidReport lists schema errors and rule violations together", () => {
  it("returns every failing path of both kinds, schema errors first", () => {
    const r = daily();
    delete r.Producto[0].Tanque[0].Existencias.HoraEntregaAcumulado; // schema
    r.NumPermiso = "PL/12345/EXP/ESA/2016"; // rule: nomenclature of PER2
    r.FechaYHoraCorte = "2026-11-02T05:59:59Z"; // rule: explicit offset
    r.Producto[0].GasolinaConCombustibleNoFosil = "Sí"; // rule: additionalRequired
    const result = assertValidReport("daily", r);
    expect(result.ok).toBe(false);
    const list = result.ok ? [] : result.errors;
    expect(list.map((e) => [e.path, e.rule])).toEqual([
      ["/Producto/0/Tanque/0/Existencias/HoraEntregaAcumulado", "esquema:required"],
      ["/Producto/0/ComposDeCombustibleNoFosilEnGasolina", "additionalRequired:ComposDeCombustibleNoFosilEnGasolina"],
      ["/NumPermiso", "numPermiso-nomenclatura"],
      ["/FechaYHoraCorte", "fecha-hora-desfase"],
    ]);
    for (const e of list) expect(e.message).toMatch(/[a-záéíóúñ]/i);
  });

  it("a report that is not an object fails with one error at the root", () => {
    const result = assertValidReport("monthly", []);
    expect(result.ok).toBe(false);
    expect(paths(result)[0]).toBe("");
  });
});

describe("robustness", () => {
  /** Every JSON pointer of a document. */
  function pointers(node: unknown, base = ""): string[] {
    const out = [base];
    if (Array.isArray(node)) node.forEach((v, i) => out.push(...pointers(v, `${base}/${i}`)));
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) out.push(...pointers(v, `${base}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`));
    }
    return out;
  }
  function replaceAt(doc: Json, pointer: string, value: unknown): Json {
    const copy = JSON.parse(JSON.stringify(doc)) as Json;
    const tokens = pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
    let parent: any = copy;
    for (const t of tokens.slice(0, -1)) parent = parent[t];
    parent[tokens[tokens.length - 1] as string] = value;
    return copy;
  }

  /** Replacements the schemas legitimately allow (negative stocks are an alarm, not a format error). */
  const ACCEPTED: Record<"daily" | "monthly", string[]> = {
    daily: [
      "/Bitacora []",
      "/Bitacora/0/UsuarioResponsable \"x\"",
      "/Geolocalizacion/0/GeolocalizacionLatitud -1",
      "/Geolocalizacion/0/GeolocalizacionLongitud -1",
      "/Producto/0/Tanque/0/Existencias/VolumenExistencias -1",
      "/Producto/0/Tanque/0/Existencias/VolumenExistenciasAnterior -1",
      "/Producto/0/Tanque/0/Recepciones/Recepcion/0/Complemento/Nacional/0/CFDIs []",
      "/Producto/0/Tanque/0/Recepciones/Recepcion/0/Complemento/Nacional/0/NombreClienteOProveedor \"x\"",
      "/Producto/0/Tanque/0/Recepciones/Recepcion/0/Temperatura -1",
      "/Producto/0/Tanque/0/Recepciones/Recepcion/0/VolumenFinalTanque -1",
    ],
    monthly: [
      "/BitacoraMensual []",
      "/BitacoraMensual/0/UsuarioResponsable \"x\"",
      "/Geolocalizacion/0/GeolocalizacionLatitud -1",
      "/Geolocalizacion/0/GeolocalizacionLongitud -1",
      "/Producto/0/ReporteDeVolumenMensual/ControlDeExistencias/VolumenExistenciasMes -1",
      "/Producto/0/ReporteDeVolumenMensual/Entregas/Complemento/0/Nacional/0/CFDIs []",
      "/Producto/0/ReporteDeVolumenMensual/Entregas/Complemento/0/Nacional/0/NombreClienteOProveedor \"x\"",
      "/Producto/0/ReporteDeVolumenMensual/Recepciones/Complemento/0/Nacional/0/CFDIs []",
      "/Producto/0/ReporteDeVolumenMensual/Recepciones/Complemento/0/Nacional/0/NombreClienteOProveedor \"x\"",
    ],
  };

  it.each(["daily", "monthly"] as const)("never throws, and rejects a %s report with any node replaced by a wrong value except where the schema allows it", (kind) => {
    const doc = kind === "daily" ? daily() : monthly();
    const accepted: string[] = [];
    for (const p of pointers(doc).filter((x) => x !== "")) {
      for (const junk of [null, "x", [], {}, -1]) {
        const broken = replaceAt(doc, p, junk);
        if (JSON.stringify(broken) === JSON.stringify(doc)) continue;
        const result = assertValidReport(kind, broken);
        if (result.ok) accepted.push(`${p} ${JSON.stringify(junk)}`);
        else expect(result.errors.length).toBeGreaterThan(0);
      }
    }
    expect(accepted.sort()).toEqual([...ACCEPTED[kind]].sort());
  });
});
