/**
 * Report file names (issue #6 item 9; research note §6).
 */
import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  CLAVE_INSTALACION_CONTRATISTA,
  CLAVE_INSTALACION_PERMISIONARIO,
  REPORT_TYPE_CODES,
  RFC_PATTERN,
  isCalendarDate,
  parseReportFileName,
  reportFileName,
  type ReportFileNameParts,
} from "../../../../../server/domain/sat-report/file-name";
import { loadShippedSchemas } from "../../../../../server/domain/sat-report/schema-loader";

/** FILE_NAME_REGEX of the public Python monthly validator, verbatim from research §6 / catalogs.derived.json. */
const PYTHON_MONTHLY_FILE_NAME_REGEX =
  /^M_([A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12})_[A-Z0-9Ñ&]{12,13}_[A-Z0-9Ñ&]{12}_(\d{4}-\d{2}-\d{2})_(ACA|AUP|ALM|ACO|BSP|BDE|CMN|COM|CON|DEN|DIS|EMA|ESN|EDS|ESA|EXO|EXP|EXT|GSH|LON|RPO|PTA|PDD|PGN|RCN|REF|RGN|SIS|SFO|SDA|TDA|TDD|TRA|TDP|USP|ACL|ASN|MNA|TRE)-\d{4}_(EXT|REF|PGN|CON|DEN|LON|RGN|TRA|ALM|AGA|USP|DIS|CMN|EXO)_JSON$/;

const parts: ReportFileNameParts = {
  kind: "M",
  uuid: "819077b7-8747-45f4-9129-d67d83324890",
  rfcContribuyente: "EKU9003173C9",
  rfcProveedor: "IIA040805DZ4",
  date: "2026-11-30",
  claveInstalacion: "EDS-0001",
  tipoReporte: "EXO",
};

describe("reportFileName", () => {
  it("builds {M}_{UUID}_{RFC}_{RFC proveedor}_{fecha}_{ClaveInstalacion}_{tipo}_JSON", () => {
    expect(reportFileName(parts)).toEqual({
      ok: true,
      value: "M_819077b7-8747-45f4-9129-d67d83324890_EKU9003173C9_IIA040805DZ4_2026-11-30_EDS-0001_EXO_JSON",
    });
    expect(reportFileName({ ...parts, kind: "D", date: "2026-11-01" })).toEqual({
      ok: true,
      value: "D_819077b7-8747-45f4-9129-d67d83324890_EKU9003173C9_IIA040805DZ4_2026-11-01_EDS-0001_EXO_JSON",
    });
  });

  it("generated monthly names match the public Python validator's regex, for every report type and random UUIDs", () => {
    for (const tipoReporte of REPORT_TYPE_CODES) {
      for (const rfcContribuyente of ["EKU9003173C9", "CACX7605101P8", "ÑA&010101AB1"]) {
        const r = reportFileName({ ...parts, uuid: randomUUID(), tipoReporte, rfcContribuyente });
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toMatch(PYTHON_MONTHLY_FILE_NAME_REGEX);
      }
    }
  });

  it("reproduces the example name of the C# test data (§6) from its parts", () => {
    const r = reportFileName({
      kind: "M",
      uuid: "819077b7-8747-45f4-9129-d67d83324890",
      rfcContribuyente: "SGM950714DC2",
      rfcProveedor: "XAX010101000",
      date: "2024-05-30",
      claveInstalacion: "EDS-0415",
      tipoReporte: "EXO",
    });
    expect(r).toEqual({ ok: true, value: "M_819077b7-8747-45f4-9129-d67d83324890_SGM950714DC2_XAX010101000_2024-05-30_EDS-0415_EXO_JSON" });
  });

  it("rejects each invalid part with a Spanish message naming the field", () => {
    const bad = reportFileName({
      kind: "X" as "D",
      uuid: "819077B7-8747-45F4-9129-D67D83324890", // upper case
      rfcContribuyente: "eku9003173c9",
      rfcProveedor: "CACX7605101P8", // 13 characters: persona física
      date: "2026-02-30",
      claveInstalacion: "EDS-1",
      tipoReporte: "EDS" as "EXO",
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((e) => e.field)).toEqual([
      "kind",
      "uuid",
      "rfcContribuyente",
      "rfcProveedor",
      "date",
      "claveInstalacion",
      "tipoReporte",
    ]);
    for (const e of bad.errors) expect(e.message).toMatch(/inválid|debe/);
  });

  it("rejects a UUID that is not version 4 and a non-canonical one", () => {
    expect(reportFileName({ ...parts, uuid: "819077b7-8747-15f4-9129-d67d83324890" }).ok).toBe(false); // v1
    expect(reportFileName({ ...parts, uuid: "819077b787474 5f49129d67d83324890" }).ok).toBe(false);
    expect(reportFileName({ ...parts, uuid: "{819077b7-8747-45f4-9129-d67d83324890}" }).ok).toBe(false);
  });

  it("accepts the contratista/asignatario ClaveInstalacion form", () => {
    expect(reportFileName({ ...parts, claveInstalacion: "ASN-TRE-a1B2", tipoReporte: "EXT" }).ok).toBe(true);
  });

  it("its patterns are the schemas' own (ClaveInstalacion, RFC)", () => {
    const diario = loadShippedSchemas()["Diario.schema.json"] as Record<string, any>;
    const patterns = (diario.allOf as any[])
      .map((c) => c?.then?.properties?.ClaveInstalacion?.pattern)
      .filter(Boolean);
    expect(patterns).toEqual([CLAVE_INSTALACION_PERMISIONARIO.source, CLAVE_INSTALACION_CONTRATISTA.source]);
    expect(diario.definitions.RFC.pattern.replace("\\&", "&")).toBe(RFC_PATTERN.source);
  });

  it("validates real calendar dates", () => {
    expect(isCalendarDate("2028-02-29")).toBe(true);
    expect(isCalendarDate("2026-02-29")).toBe(false);
    expect(isCalendarDate("2026-13-01")).toBe(false);
    expect(isCalendarDate("2026-1-01")).toBe(false);
  });
});

describe("parseReportFileName", () => {
  it("round-trips a generated name, with or without extension", () => {
    const name = reportFileName(parts);
    expect(name.ok).toBe(true);
    if (!name.ok) return;
    expect(parseReportFileName(name.value)).toEqual({ ok: true, value: parts });
    expect(parseReportFileName(`${name.value}.zip`)).toEqual({ ok: true, value: parts });
    expect(parseReportFileName(`${name.value}.json`)).toEqual({ ok: true, value: parts });
  });

  it("round-trips random daily names", () => {
    for (let i = 0; i < 20; i++) {
      const p: ReportFileNameParts = { ...parts, kind: "D", uuid: randomUUID(), date: `2026-11-${String((i % 28) + 1).padStart(2, "0")}` };
      const name = reportFileName(p);
      expect(name.ok && parseReportFileName(name.value)).toEqual({ ok: true, value: p });
    }
  });

  it("rejects names with the wrong number of parts, a missing _JSON suffix or an invalid part", () => {
    expect(parseReportFileName("M_819077b7-8747-45f4-9129-d67d83324890_EKU9003173C9_IIA040805DZ4_2026-11-30_EDS-0001_EXO").ok).toBe(false);
    expect(parseReportFileName("M_819077b7-8747-45f4-9129-d67d83324890_EKU9003173C9_IIA040805DZ4_2026-11-30_EDS-0001_EXO_XML").ok).toBe(false);
    expect(parseReportFileName("reporte.json").ok).toBe(false);
    const bad = parseReportFileName("M_819077b7-8747-45f4-9129-d67d83324890_EKU9003173C9_IIA040805DZ4_2026-11-31_EDS-0001_EXO_JSON");
    expect(bad.ok ? [] : bad.errors.map((e) => e.field)).toEqual(["date"]);
  });
});
