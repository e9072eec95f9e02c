import { describe, expect, it } from "vitest";
import { add, compare, formatDecimal, parseDecimal, subtract, sum } from "../../../../../server/domain/cfdi/decimal";
import { checkRfc, duplicateUuidReason, isHydrocarbonClave, normalizeUuid } from "../../../../../server/domain/cfdi/index";

describe("exact CFDI decimals (A30-CFDI-08)", () => {
  const d = (text: string) => parseDecimal(text)!;

  it("adds without binary-float error and keeps the widest scale", () => {
    expect(formatDecimal(add(d("8.620690"), d("853.448276")))).toBe("862.068966");
    expect(formatDecimal(add(d("0.1"), d("0.2")))).toBe("0.3");
    expect(formatDecimal(sum([d("1355.67"), d("353.45")]))).toBe("1709.12");
    expect(formatDecimal(subtract(d("862.07"), d("862.068966")))).toBe("0.001034");
    expect(formatDecimal(subtract(d("1"), d("1.5")))).toBe("-0.5");
  });

  it("compares across scales exactly", () => {
    expect(compare(d("1000"), d("1000.00"))).toBe(0);
    expect(compare(d("0.000001"), d("0"))).toBe(1);
    expect(compare(d("-2"), d("1"))).toBe(-1);
  });

  it("accepts plain decimal text only", () => {
    expect(parseDecimal("21.503456")).toEqual({ units: 21503456n, scale: 6 });
    for (const bad of ["1,000.00", "1e3", "", "abc", "1.", ".5", null]) expect(parseDecimal(bad)).toBeNull();
  });
});

describe("UUID (A30-CFDI-03)", () => {
  it("stores upper-case, rejects no-hyphen and placeholder UUIDs", () => {
    expect(normalizeUuid("6f9a1c2e-3b4d-4e5f-8a7b-1c2d3e4f5a6b")).toBe("6F9A1C2E-3B4D-4E5F-8A7B-1C2D3E4F5A6B");
    expect(normalizeUuid("6F9A1C2E3B4D4E5F8A7B1C2D3E4F5A6B")).toBeNull();
    expect(normalizeUuid("00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(normalizeUuid("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")).toBeNull();
    expect(normalizeUuid("6F9A1C2E-3B4D-4E5F-8A7B-1C2D3E4F5A6")).toBeNull();
    expect(duplicateUuidReason("6F9A1C2E-3B4D-4E5F-8A7B-1C2D3E4F5A6B")).toBe("UUID duplicado: el CFDI 6F9A1C2E-3B4D-4E5F-8A7B-1C2D3E4F5A6B ya fue importado");
  });
});

describe("RFC (A30-GEN-03)", () => {
  it("accepts the requirement's examples, trimmed and upper-cased", () => {
    for (const rfc of ["GPA200101NL1", "EVA9612104R6", "AAA010101AA0", "ÑAÑ010101AA0", "A&A010101AA0", "CACX7605101P8"]) expect(checkRfc(rfc, "emisor").ok).toBe(true);
    expect(checkRfc("XAXX010101000", "receptor").ok).toBe(true);
    expect(checkRfc("XEXX010101000", "receptor").ok).toBe(true);
    const padded = checkRfc(" gpa200101nl1 ", "receptor");
    expect(padded).toMatchObject({ ok: true, normalized: "GPA200101NL1", detail: expect.stringContaining("normalizado") });
  });

  it("rejects the requirement's counter-examples and a generic emisor", () => {
    for (const rfc of ["GPA200101NL", "GPA201301NL1", "GPA200132NL1", "GPA2001-1NL1", ""]) expect(checkRfc(rfc, "receptor").ok).toBe(false);
    expect(checkRfc("XAXX010101000", "emisor")).toMatchObject({ ok: false, detail: "el emisor no puede usar el RFC genérico XAXX010101000" });
  });
});

describe("hydrocarbon ClaveProdServ classes", () => {
  it("151015xx and 151115xx are hydrocarbons; services are not", () => {
    for (const clave of ["15101514", "15101515", "15101505", "15111510"]) expect(isHydrocarbonClave(clave)).toBe(true);
    for (const clave of ["80141628", "95111615", "84111506", "1510151"]) expect(isHydrocarbonClave(clave)).toBe(false);
  });
});
