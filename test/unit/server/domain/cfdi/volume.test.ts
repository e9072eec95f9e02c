import { describe, expect, it } from "vitest";
import { conceptVolume, documentedLitres, fixed3, productKeyOf, roundDecimal, volumeUnitOf } from "../../../../../server/domain/cfdi/volume";
import { parseDecimal } from "../../../../../server/domain/cfdi/decimal";

const fuel = (cantidad: string, claveUnidad: string) => ({ cantidad, claveUnidad, hydrocarbon: true });

describe("A30-CFDI-02 / A30-MS-09: volume documented by CFDI concepts, converted to litres", () => {
  it("LTR (and L) are litres, UM03", () => {
    expect(conceptVolume(fuel("20000", "LTR"), "I")).toEqual({ volume: "20000.000", unit: "UM03", litres: 20_000 });
    expect(conceptVolume(fuel("19950.5", " l "), "I")).toEqual({ volume: "19950.500", unit: "UM03", litres: 19_950.5 });
  });

  it("MTQ (m³) and K6 (kL) are UM04 at 1000 L", () => {
    expect(conceptVolume(fuel("20", "MTQ"), "I")).toEqual({ volume: "20.000", unit: "UM04", litres: 20_000 });
    expect(conceptVolume(fuel("1.5", "K6"), "I")).toEqual({ volume: "1.500", unit: "UM04", litres: 1_500 });
  });

  it("BLL (US petroleum barrel, 158.987294928 L) is UM01; FTQ (ft³) is UM02", () => {
    expect(conceptVolume(fuel("100", "BLL"), "I")).toEqual({ volume: "100.000", unit: "UM01", litres: 15_898.729 });
    expect(conceptVolume(fuel("1000", "FTQ"), "I")).toEqual({ volume: "1000.000", unit: "UM02", litres: 28_316.847 });
  });

  it("GLL (US gallon) is converted to litres exactly, then rounded to 0.001", () => {
    expect(conceptVolume(fuel("1000", "GLL"), "I")).toEqual({ volume: "3785.412", unit: "UM03", litres: 3_785.412 });
  });

  it("no volume: mass/energy/piece units, non-fuel concepts, payment receipts, unparseable quantities", () => {
    expect(conceptVolume(fuel("1000", "KGM"), "I")).toBeNull();
    expect(conceptVolume(fuel("1", "E48"), "I")).toBeNull();
    expect(conceptVolume({ cantidad: "20000", claveUnidad: "LTR", hydrocarbon: false }, "I")).toBeNull();
    expect(conceptVolume(fuel("1", "LTR"), "P")).toBeNull();
    expect(conceptVolume(fuel("1", "LTR"), "N")).toBeNull();
    expect(conceptVolume(fuel("1e3", "LTR"), "I")).toBeNull();
    expect(conceptVolume(fuel("-5", "LTR"), "I")).toBeNull();
    expect(volumeUnitOf("H87")).toBeNull();
  });

  it("types E and T carry volume too (A30-CFDI-04); quantities with 6 decimals round half-up to 3", () => {
    expect(conceptVolume(fuel("10.0005", "LTR"), "E")?.volume).toBe("10.001");
    expect(conceptVolume(fuel("10.000499", "LTR"), "T")?.volume).toBe("10.000");
  });

  it("documentedLitres sums the fuel concepts in litres across units", () => {
    expect(documentedLitres([fuel("10000", "LTR"), fuel("10", "MTQ"), { cantidad: "1", claveUnidad: "E48", hydrocarbon: false }], "I")).toBe(20_000);
  });

  it("exact decimal rounding helpers", () => {
    expect(fixed3(roundDecimal(parseDecimal("2.4995")!, 3))).toBe("2.500");
    expect(fixed3(parseDecimal("-0.0004")!)).toBe("0.000");
    expect(fixed3(parseDecimal("-1.0005")!)).toBe("-1.001");
    expect(fixed3(parseDecimal("7")!)).toBe("7.000");
  });

  it("ClaveProdServ → catalogue product when unambiguous", () => {
    expect(productKeyOf("15101505")).toBe("PR03");
    expect(productKeyOf("15101514")).toBe("PR07");
    expect(productKeyOf("15101515")).toBe("PR07");
    expect(productKeyOf("15111510")).toBe("PR12");
    expect(productKeyOf("52161557")).toBeNull();
  });
});
