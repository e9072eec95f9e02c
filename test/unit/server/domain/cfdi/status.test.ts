import { describe, expect, it } from "vitest";
import { checkCfdiStatusChange, PAC_CANCELLATION_CODES } from "../../../../../server/domain/cfdi/status";

// A30-CFDI-06: status tracking and the PAC's cancellation answers.
describe("checkCfdiStatusChange (A30-CFDI-06)", () => {
  const reason = "Acuse de cancelación del PAC, folio 123";

  it("vigente → cancelado is recorded; cancelado is final", () => {
    expect(checkCfdiStatusChange({ from: "vigente", to: "cancelado", reason })).toEqual({ ok: true, codeText: null });
    expect(checkCfdiStatusChange({ from: "cancelado", to: "vigente", reason })).toMatchObject({ ok: false, error: expect.stringContaining("definitiva") });
  });

  it("a refused cancellation keeps the PAC code with its text; unknown codes and a code on «Cancelado» are refused", () => {
    expect(checkCfdiStatusChange({ from: "cancelacion_solicitada", to: "vigente", code: "204", reason })).toEqual({ ok: true, codeText: "Folio fiscal no aplicable para cancelación" });
    expect(checkCfdiStatusChange({ from: "vigente", to: "en_proceso_cancelacion", code: "312", reason })).toEqual({ ok: true, codeText: PAC_CANCELLATION_CODES["312"] });
    expect(checkCfdiStatusChange({ from: "vigente", to: "en_proceso_cancelacion", code: "999", reason })).toMatchObject({ ok: false, error: expect.stringContaining("desconocido") });
    expect(checkCfdiStatusChange({ from: "vigente", to: "cancelado", code: "204", reason })).toMatchObject({ ok: false });
  });

  it("no-op changes and changes without a reason are refused", () => {
    expect(checkCfdiStatusChange({ from: "vigente", to: "vigente", reason })).toMatchObject({ ok: false });
    expect(checkCfdiStatusChange({ from: "vigente", to: "cancelado", reason: "corto" })).toMatchObject({ ok: false, error: expect.stringContaining("motivo") });
  });

  it("knows the seven PAC codes of the spec", () => {
    expect(Object.keys(PAC_CANCELLATION_CODES).sort()).toEqual(["204", "207", "208", "209", "310", "311", "312"]);
  });
});
