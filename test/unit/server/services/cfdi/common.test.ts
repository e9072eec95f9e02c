import { describe, expect, it } from "vitest";
import { cfdiInstant, decimalText } from "../../../../../server/services/cfdi/common";
import { safeFileName } from "../../../../../server/services/cfdi/import";

describe("CFDI service helpers", () => {
  it("A30-CFDI-08: stored numeric text is shown with the CFDI's decimals, significant digits never dropped", () => {
    expect(decimalText("21.503456", 2)).toBe("21.503456");
    expect(decimalText("21.500000", 2)).toBe("21.50");
    expect(decimalText("20000.000000", 0)).toBe("20000");
    expect(decimalText("3327.010000", 2)).toBe("3327.01");
    expect(decimalText("0", 2)).toBe("0.00");
    expect(decimalText(null, 2)).toBeNull();
  });

  it("a CFDI Fecha (no offset) is read in the taxpayer's zone; malformed → null", () => {
    expect(cfdiInstant("2026-10-31T10:15:30", "America/Mexico_City")!.toISOString()).toBe("2026-10-31T16:15:30.000Z");
    expect(cfdiInstant("2026-10-31T10:15:30", "America/Tijuana")!.toISOString()).toBe("2026-10-31T17:15:30.000Z");
    expect(cfdiInstant("2026-10-31 10:15:30", "America/Mexico_City")).toBeNull();
    expect(cfdiInstant("2026-02-30T10:15:30", "America/Mexico_City")).toBeNull();
    expect(cfdiInstant(null, "America/Mexico_City")).toBeNull();
  });

  it("file names are kept as their base name, without control characters, ≤ 255 characters", () => {
    expect(safeFileName("C:\\facturas\\octubre\\F-001.xml")).toBe("F-001.xml");
    expect(safeFileName("../../etc/passwd.xml")).toBe("passwd.xml");
    expect(safeFileName("a\u0000b\nc.xml")).toBe("abc.xml");
    expect(safeFileName("")).toBe("cfdi.xml");
    expect(safeFileName(`${"x".repeat(300)}.xml`)).toHaveLength(255);
  });
});
