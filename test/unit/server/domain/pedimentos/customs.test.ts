import { describe, expect, it } from "vitest";
import { checkCustomsPoint, splitTariffFraction } from "../../../../../server/domain/pedimentos/customs";

describe("A30-PED-02 customs points", () => {
  it("accepts an aduana of SAT's list with an optional section 0–7", () => {
    expect(checkCustomsPoint("47", "Punto de internación")).toEqual({ ok: true, value: "47" });
    expect(checkCustomsPoint(" 470 ", "Punto de internación")).toEqual({ ok: true, value: "470" });
  });
  it("rejects malformed keys, sections 8–9 and aduanas outside the list", () => {
    expect(checkCustomsPoint("4", "Punto de internación")).toMatchObject({ ok: false, error: expect.stringContaining("clave de aduana de 2 dígitos") });
    expect(checkCustomsPoint("478", "Punto de internación").ok).toBe(false);
    expect(checkCustomsPoint("03", "Punto de exportación")).toEqual({ ok: false, error: "Punto de exportación «03»: la aduana 03 no está en el catálogo del SAT" });
  });
});

describe("A30-PED-05 tariff fraction + NICO", () => {
  it("splits the combined form or joins the NICO given apart", () => {
    expect(splitTariffFraction("2710.12.99-05")).toEqual({ ok: true, fraction: "2710.12.99", nico: "05", combined: "2710.12.99-05" });
    expect(splitTariffFraction("2711.12.01", "00")).toEqual({ ok: true, fraction: "2711.12.01", nico: "00", combined: "2711.12.01-00" });
    expect(splitTariffFraction("2711.12.01")).toEqual({ ok: true, fraction: "2711.12.01", nico: null, combined: "2711.12.01-00" });
  });
  it("rejects other forms and contradictory NICOs", () => {
    expect(splitTariffFraction("271012.99").ok).toBe(false);
    expect(splitTariffFraction("2710.12.99-05", "06")).toEqual({ ok: false, error: "NICO contradictorio: 05 en la fracción y 06 aparte" });
    expect(splitTariffFraction("2710.12.99", "5").ok).toBe(false);
  });
});
