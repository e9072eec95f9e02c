/**
 * Report packaging (issue #6 item 9): one JSON per ZIP, reproducible bytes, SHA-256 of both, and a
 * verifier that refuses anything else (zip-bomb and path guards).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";

import {
  MAX_UNCOMPRESSED_REPORT_BYTES,
  SatPackageError,
  crc32,
  dosDateTime,
  packageReport,
  unpackReport,
} from "../../../../../server/domain/sat-report/package";

const FIXTURES = path.resolve(__dirname, "../../../../fixtures/sat-report");
const JSON_TEXT = readFileSync(path.join(FIXTURES, "monthly-eds-valid.json"), "utf8");
const BASE = "M_819077b7-8747-45f4-9129-d67d83324890_EKU9003173C9_IIA040805DZ4_2026-11-30_EDS-0001_EXO_JSON";
const MTIME = "2026-12-01T00:15:00-06:00";
const sha = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

function unpackError(zip: Uint8Array): string {
  const r = unpackReport(zip);
  return r.ok ? "" : r.error;
}

describe("packageReport", () => {
  it("zips <base>.json into <base>.zip and returns both SHA-256", () => {
    const p = packageReport(BASE, JSON_TEXT, MTIME);
    expect(p.zipName).toBe(`${BASE}.zip`);
    expect(p.jsonName).toBe(`${BASE}.json`);
    expect(p.sha256Json).toBe(sha(Buffer.from(JSON_TEXT, "utf8")));
    expect(p.sha256Json).toMatch(/^[0-9a-f]{64}$/);
    expect(p.sha256Zip).toBe(sha(p.zip));
    const entries = unzipSync(p.zip);
    expect(Object.keys(entries)).toEqual([`${BASE}.json`]);
    expect(new TextDecoder().decode(entries[`${BASE}.json`])).toBe(JSON_TEXT);
  });

  it("is reproducible byte for byte for the same input and time", () => {
    const a = packageReport(BASE, JSON_TEXT, MTIME);
    const b = packageReport(BASE, JSON_TEXT, MTIME);
    expect(Buffer.from(a.zip).equals(Buffer.from(b.zip))).toBe(true);
    expect(a.sha256Zip).toBe(b.sha256Zip);
  });

  it("a different time or content changes the ZIP; the time does not change the JSON hash", () => {
    const a = packageReport(BASE, JSON_TEXT, MTIME);
    const later = packageReport(BASE, JSON_TEXT, "2026-12-01T00:15:02-06:00");
    expect(later.sha256Zip).not.toBe(a.sha256Zip);
    expect(later.sha256Json).toBe(a.sha256Json);
    const other = packageReport(BASE, JSON_TEXT.replace("5120", "5121"), MTIME);
    expect(other.sha256Json).not.toBe(a.sha256Json);
  });

  it("pinned SHA-256 values: the same package on any machine and time zone (golden)", () => {
    const p = packageReport(BASE, '{"Version":"1.0"}', MTIME);
    expect(p.sha256Json).toBe("b903080d937bda3787bfab517107d803b713bf96e1ec76c7575a9dc5d0c230ca");
    expect(p.sha256Zip).toBe("b0d0156cc3cc6e5f05e57f7b49f0a876b1047f7ccd2c63b76f05ede0fea25329");
  });

  it("stores the given wall-clock time in the entry, whatever the machine's time zone", () => {
    const p = packageReport(BASE, JSON_TEXT, MTIME);
    const view = new DataView(p.zip.buffer, p.zip.byteOffset, p.zip.byteLength);
    const { date, time } = dosDateTime(MTIME);
    expect([view.getUint16(10, true), view.getUint16(12, true)]).toEqual([time, date]);
    // 2026-12-01 00:15:00 → DOS date (46 << 9 | 12 << 5 | 1), time (0 << 11 | 15 << 5 | 0)
    expect(dosDateTime(MTIME)).toEqual({ date: (46 << 9) | (12 << 5) | 1, time: 15 << 5 });
    expect(dosDateTime("2026-12-01T00:15:00")).toEqual(dosDateTime(MTIME));
  });

  it("refuses an invalid base name, a name with extension, non-JSON text, a BOM and a bad time", () => {
    expect(() => packageReport("reporte", JSON_TEXT, MTIME)).toThrow(SatPackageError);
    expect(() => packageReport(`${BASE}.json`, JSON_TEXT, MTIME)).toThrow(/sin extensión/);
    expect(() => packageReport(`../${BASE}`, JSON_TEXT, MTIME)).toThrow(SatPackageError);
    expect(() => packageReport(BASE, "{no es json", MTIME)).toThrow(/JSON/);
    expect(() => packageReport(BASE, `\ufeff${JSON_TEXT}`, MTIME)).toThrow(/BOM/);
    expect(() => packageReport(BASE, JSON_TEXT, "ayer")).toThrow(/Fecha del paquete/);
    expect(() => packageReport(BASE, JSON_TEXT, "1979-12-31T23:59:59")).toThrow(/fuera de rango/);
    expect(() => packageReport(BASE, JSON_TEXT, "2026-02-30T00:00:00")).toThrow(/fuera de rango/);
  });

  it("keeps non-ASCII RFC characters (Ñ, &) in the entry name (UTF-8 flag)", () => {
    const base = "D_819077b7-8747-45f4-9129-d67d83324890_ÑA&010101AB1_IIA040805DZ4_2026-11-01_EDS-0001_EXO_JSON";
    const p = packageReport(base, "{}", MTIME);
    const r = unpackReport(p.zip);
    expect(r.ok && r.value.jsonName).toBe(`${base}.json`);
  });
});

describe("unpackReport", () => {
  it("round-trips a package: name, text and both hashes", () => {
    const p = packageReport(BASE, JSON_TEXT, MTIME);
    expect(unpackReport(p.zip)).toEqual({
      ok: true,
      value: { jsonName: p.jsonName, jsonText: JSON_TEXT, sha256Json: p.sha256Json, sha256Zip: p.sha256Zip },
    });
  });

  it("accepts a stored (uncompressed) entry", () => {
    const zip = zipSync({ "reporte.json": [strToU8("{}"), { level: 0 }] });
    const r = unpackReport(zip);
    expect(r.ok && r.value.jsonText).toBe("{}");
  });

  it("rejects more than one entry, and an empty ZIP", () => {
    const two = zipSync({ "a.json": strToU8("{}"), "b.json": strToU8("{}") });
    expect(unpackError(two)).toMatch(/exactamente un archivo; contiene 2/);
    expect(unpackError(zipSync({}))).toMatch(/contiene 0/);
  });

  it("rejects path separators and .. in the entry name", () => {
    for (const name of ["dir/reporte.json", "..\\reporte.json", "..reporte.json", "a..json"]) {
      const zip = zipSync({ [name]: strToU8("{}") });
      expect(unpackError(zip), name).toMatch(/no permitido/);
    }
  });

  it("rejects a non-.json entry", () => {
    expect(unpackError(zipSync({ "reporte.xml": strToU8("<a/>") }))).toMatch(/\.json/);
  });

  it("rejects a declared uncompressed size over 50 MiB without inflating it (zip bomb)", () => {
    const bomb = zipSync({ "bomba.json": [new Uint8Array(MAX_UNCOMPRESSED_REPORT_BYTES + 1), { level: 9 }] });
    expect(bomb.length).toBeLessThan(200_000);
    expect(unpackError(bomb)).toMatch(/bomba ZIP/);
  });

  it("does not trust a falsified small size: output is capped and the CRC check fails", () => {
    const p = packageReport(BASE, JSON_TEXT, MTIME);
    const zip = p.zip.slice();
    const view = new DataView(zip.buffer);
    const cd = view.getUint32(zip.length - 22 + 16, true);
    view.setUint32(cd + 24, 100, true); // central directory: uncompressed size 100
    expect(unpackError(zip)).toMatch(/CRC-32|tamaño/);
  });

  it("rejects a corrupted payload (CRC-32), garbage and a truncated file", () => {
    const p = packageReport(BASE, JSON_TEXT, MTIME);
    const flipped = p.zip.slice();
    const at = 30 + p.jsonName.length + 10;
    flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    expect(unpackReport(flipped).ok).toBe(false);
    expect(unpackError(new Uint8Array(10))).toMatch(/ZIP inválido/);
    expect(unpackError(strToU8("esto no es un zip, pero es suficientemente largo"))).toMatch(/ZIP inválido/);
    expect(unpackReport(p.zip.subarray(0, p.zip.length - 5)).ok).toBe(false);
  });

  it("rejects an encrypted entry", () => {
    const zip = zipSync({ "reporte.json": strToU8("{}") });
    const view = new DataView(zip.buffer);
    const cd = view.getUint32(zip.length - 22 + 16, true);
    view.setUint16(cd + 8, view.getUint16(cd + 8, true) | 1, true);
    expect(unpackError(zip)).toMatch(/cifrado/);
  });

  it("crc32 matches the standard check value", () => {
    expect(crc32(strToU8("123456789"))).toBe(0xcbf43926);
  });
});
