import { describe, expect, it } from "vitest";
import { buildMonthlyPrecheck, requiresCfdi, type PrecheckOperation } from "../../../../../server/domain/sat-report/precheck";

const op = (over: Partial<PrecheckOperation> & Pick<PrecheckOperation, "number" | "type">): PrecheckOperation => ({
  element: "TQS-EDS-0001",
  endAt: new Date("2026-11-10T12:00:00Z"),
  counterpartyRfc: "GPA200101NL1",
  hasQuality: true,
  hasCfdi: true,
  hasPedimento: false,
  ...over,
});
const days = (n: number) => Array.from({ length: n }, (_, i) => `2026-11-${String(i + 1).padStart(2, "0")}`);

describe("A30-RPT-06 monthly pre-check", () => {
  it("acceptance: a month with one missing cut and one reception without CFDI shows exactly those two items", () => {
    const items = buildMonthlyPrecheck({
      installationType: "service_station",
      expectedCutDates: days(30),
      cutDates: new Set(days(30).filter((d) => d !== "2026-11-14")),
      operations: [op({ number: 1, type: "reception", hasCfdi: false }), op({ number: 2, type: "reception" }), op({ number: 3, type: "delivery", element: "DISP-0001-MGA-0001", counterpartyRfc: "XAXX010101000", hasCfdi: false })],
      alarms: [],
    });
    expect(items).toEqual([
      { code: "missing_cuts", label: "Días sin corte diario", count: 1, examples: ["2026-11-14"] },
      { code: "no_cfdi", label: "Recepciones o entregas sin el CFDI requerido", count: 1, examples: ["Recepción 1 (TQS-EDS-0001)"] },
    ]);
  });

  it("decision §20 #17: a service station's retail sales need no CFDI each; a terminal's deliveries do", () => {
    expect(requiresCfdi("service_station", { type: "delivery" })).toBe(false);
    expect(requiresCfdi("service_station", { type: "reception" })).toBe(true);
    expect(requiresCfdi("storage_terminal", { type: "delivery" })).toBe(true);
  });

  it("lists counterparty, quality, import-pedimento gaps and open findings / alarms; an all-clear month is an empty list", () => {
    const items = buildMonthlyPrecheck({
      installationType: "storage_terminal",
      expectedCutDates: days(2),
      cutDates: new Set(days(2)),
      operations: [
        op({ number: 7, type: "delivery", element: "DUC-CAR-0001", counterpartyRfc: null, hasCfdi: false }),
        op({ number: 8, type: "reception", counterpartyRfc: "XEXX010101000", hasQuality: false }),
        op({ number: 9, type: "reception", counterpartyRfc: "XEXX010101000", hasPedimento: true }),
      ],
      alarms: [
        { number: 4, type: 2, description: "A30-INC-01 Diferencia entre volumen final medido y en libros", needsAttention: true },
        { number: 5, type: 7, description: "Falla del sistema de medición", needsAttention: true },
        { number: 6, type: 7, description: "Atendida", needsAttention: false },
      ],
    });
    expect(items.map((i) => [i.code, i.examples])).toEqual([
      ["no_counterparty", ["Entrega 7 (DUC-CAR-0001)"]],
      ["no_quality", ["Recepción 8 (TQS-EDS-0001)"]],
      ["no_cfdi", ["Entrega 7 (DUC-CAR-0001)"]],
      ["import_without_pedimento", ["Recepción 8 (TQS-EDS-0001)"]],
      ["open_inconsistencies", ["Alarma 4: A30-INC-01 Diferencia entre volumen final medido y en libros"]],
      ["unattended_alarms", ["Alarma 5: Falla del sistema de medición"]],
    ]);
    expect(buildMonthlyPrecheck({ installationType: "storage_terminal", expectedCutDates: days(2), cutDates: new Set(days(2)), operations: [op({ number: 1, type: "reception" })], alarms: [] })).toEqual([]);
  });

  it("keeps at most 20 examples but counts all", () => {
    const operations = Array.from({ length: 25 }, (_, i) => op({ number: i + 1, type: "reception", hasCfdi: false }));
    const [item] = buildMonthlyPrecheck({ installationType: "service_station", expectedCutDates: [], cutDates: new Set(), operations, alarms: [] });
    expect(item).toMatchObject({ code: "no_cfdi", count: 25 });
    expect(item!.examples).toHaveLength(20);
  });
});
