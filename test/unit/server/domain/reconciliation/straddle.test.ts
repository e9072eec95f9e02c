import { describe, expect, it } from "vitest";
import { evaluateDay, partBeforeByTime, reconcileScenario, scenarioSchema, toMilli } from "../../../../../server/domain/reconciliation/index";

/** Operations straddling a cut: the book stock splits them (A30-INV-03, A30-INC-01 decision). */
const base = {
  date: "2026-11-01",
  tank: "TQS-1",
  state: "liquid" as const,
  opening: toMilli(10_000),
  openingMeasured: true,
  received: 0n,
  receptionCount: 0,
  delivered: 0n,
  deliveryCount: 0,
  processLoss: 0n,
  measuredClosing: toMilli(18_888.889),
};

describe("straddling operations in the pure rules (A30-INV-03, A30-INC-01)", () => {
  it("A30-INC-01: without the split the part received before the cut is a false finding (and A30-INC-04: stock changed without movements)", () => {
    const e = evaluateDay(base);
    expect(e.findings.map((f) => f.rule)).toEqual(["A30-INC-01", "A30-INC-04"]);
    expect(e.straddle).toBeNull();
  });

  it("A30-INC-01: inProgressAtCut adds the part moved before the cut to the book; the record keeps the literal book; the note is in the detail", () => {
    const e = evaluateDay({ ...base, inProgressAtCut: toMilli(8_888.889) });
    expect(e.findings).toEqual([]);
    expect(e.book).toBe(toMilli(18_888.889));
    expect(e.straddle!.recordBook).toBe(toMilli(10_000));
    expect(e.straddle!.recordDifference).toBe(toMilli(8_888.889));
    expect(e.straddle!.note).toBe("operación en curso al corte: 8,888.889 L antes del corte (recepción, en libros de este día)");
    const far = evaluateDay({ ...base, measuredClosing: toMilli(20_000), inProgressAtCut: toMilli(8_888.889) });
    expect(far.findings[0]!.detail).toContain("operación en curso al corte: 8,888.889 L antes del corte");
  });

  it("A30-INC-01: movedBeforeOpening takes out of the book what the opening already holds", () => {
    const e = evaluateDay({ ...base, opening: toMilli(18_888.889), received: toMilli(20_000), receptionCount: 1, measuredClosing: toMilli(30_000), movedBeforeOpening: toMilli(8_888.889) });
    expect(e.findings).toEqual([]);
    expect(e.book).toBe(toMilli(30_000));
    expect(e.straddle!.recordBook).toBe(toMilli(38_888.889));
  });

  it("partBeforeByTime: pro rata by time, 0 before the start, whole after the end", () => {
    const s = Date.parse("2026-11-02T05:40:00Z");
    const end = Date.parse("2026-11-02T06:25:00Z");
    expect(partBeforeByTime(toMilli(20_000), s, end, Date.parse("2026-11-02T06:00:00Z"))).toBe(toMilli(8_888.888));
    expect(partBeforeByTime(toMilli(20_000), s, end, s - 1)).toBe(0n);
    expect(partBeforeByTime(toMilli(20_000), s, end, end + 1)).toBe(toMilli(20_000));
  });
});

describe("`aforo reconcile` scenario with an optional movement startedAt (A30-INC-07)", () => {
  const scenario = (startedAt?: string) =>
    scenarioSchema.parse({
      installation: "EDS-0001",
      state: "liquid",
      cutHour: "00:00",
      tanks: [{ key: "TQS-1", product: "PR07" }],
      openingMeasuredL: { "TQS-1": 10_000 },
      days: [
        { date: "2026-11-01", tanks: { "TQS-1": { measuredClosingL: 18_888.889 } } },
        { date: "2026-11-02", tanks: { "TQS-1": { measuredClosingL: 30_000, receptions: [{ at: "2026-11-02T00:25:00-06:00", volumeL: 20_000, ...(startedAt ? { startedAt } : {}) }] } } },
      ],
    });

  it("A30-INC-01: a discharge 23:40–00:25 with startedAt → no finding on either day; without it → false findings on both", () => {
    expect(reconcileScenario(scenario("2026-11-01T23:40:00-06:00")).findings).toEqual([]);
    const without = reconcileScenario(scenario()).findings.map((f) => `${f.rule} ${f.date}`);
    expect(without).toContain("A30-INC-01 2026-11-01");
    expect(without).toContain("A30-INC-01 2026-11-02");
  });

  it("startedAt after the movement's end is rejected with a clear message", () => {
    const r = scenarioSchema.safeParse({
      installation: "EDS-0001",
      state: "liquid",
      cutHour: "00:00",
      tanks: [{ key: "TQS-1", product: "PR07" }],
      openingMeasuredL: { "TQS-1": 10_000 },
      days: [{ date: "2026-11-01", tanks: { "TQS-1": { measuredClosingL: 10_000, receptions: [{ at: "2026-11-01T10:00:00-06:00", startedAt: "2026-11-01T11:00:00-06:00", volumeL: 1 }] } } }],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join(" ")).toContain("startedAt: el inicio de la operación no puede ser posterior a su fin");
  });
});
