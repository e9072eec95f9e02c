import { describe, expect, it } from "vitest";
import { checkIncoterm, linkedVolumeSummary, normalisePedimentoNumber, PEDIMENTO_PATTERN, tariffFractionWarnings } from "../../../../../server/domain/pedimentos/index";

describe("pedimentos (A30-PED-02…07)", () => {
  it("A30-PED-03: «23 47 3456 3001234» and «234734563001234» → «23  47  3456  3001234», valid against the SAT pattern", () => {
    for (const raw of ["23 47 3456 3001234", "234734563001234", "23-47-3456-3001234"]) {
      expect(normalisePedimentoNumber(raw)).toEqual({ ok: true, value: "23  47  3456  3001234" });
    }
    expect(PEDIMENTO_PATTERN.test("23  47  3456  3001234")).toBe(true);
  });

  it("A30-PED-03: aduana 03 (not in the list) and consecutive …000000 are rejected; wrong length too", () => {
    expect(normalisePedimentoNumber("23  03  3456  3001234")).toMatchObject({ ok: false, error: expect.stringContaining("aduana 03") });
    expect(normalisePedimentoNumber("23  47  3456  3000000")).toMatchObject({ ok: false, error: expect.stringContaining("000000") });
    expect(normalisePedimentoNumber("2347345630012").ok).toBe(false);
  });

  it("A30-PED-04: FOB accepted, XYZ rejected, DPU exported as DAT with a warning", () => {
    expect(checkIncoterm("fob")).toEqual({ ok: true, value: "FOB", exported: "FOB", warning: null });
    expect(checkIncoterm("XYZ").ok).toBe(false);
    expect(checkIncoterm("DPU")).toMatchObject({ ok: true, exported: "DAT", warning: expect.stringContaining("DAT") });
  });

  it("A30-PED-05: PR03 with 2711.12.01-00 → «fracción no corresponde al producto»; PR07 -06 with octane 92.3 → none; -05 → warned", () => {
    expect(tariffFractionWarnings("PR03", "2711.12.01-00")[0]).toContain("fracción no corresponde al producto");
    expect(tariffFractionWarnings("PR07", "2710.12.99-06", 92.3)).toEqual([]);
    expect(tariffFractionWarnings("PR07", "2710.12.99-05", 92.3)).toHaveLength(1);
  });

  it("A30-PED-07: 60,000 L linked to three receptions of 20,000 L → «vinculado 60,000 / 60,000 L»", () => {
    expect(linkedVolumeSummary(60000, [20000, 20000, 20000])).toEqual({ linkedL: 60000, declaredL: 60000, complete: true, label: "vinculado 60,000 / 60,000 L" });
    expect(linkedVolumeSummary(60000, [20000]).complete).toBe(false);
  });
});
