import { describe, expect, it } from "vitest";
import { formatNumber, formatTime } from "../../../../app/_lib/format";

describe("UI formatting (es-MX)", () => {
  it("midnight is 00:00:00, never 24:00:00 (cut hour 00:00, A30-INV-02)", () => {
    expect(formatTime("2026-11-25T06:00:00Z", "America/Mexico_City")).toBe("00:00:00");
    expect(formatTime("2026-11-25T05:59:59Z", "America/Mexico_City")).toBe("23:59:59");
  });

  it("numbers use es-MX grouping and the requested decimals", () => {
    expect(formatNumber(18250, 3)).toBe("18,250.000");
    expect(formatNumber(-120.5, 1)).toBe("-120.5");
  });
});
