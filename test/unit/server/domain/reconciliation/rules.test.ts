import { describe, expect, it } from "vitest";
import {
  alarmsForFindings,
  evaluateDay,
  evaluateMonth,
  findingDescription,
  toMilli,
  type DayInput,
  type ReconciliationOptions,
} from "../../../../../server/domain/reconciliation/index";

const L = (v: number | string) => toMilli(v);

function day(p: Partial<Omit<DayInput, "opening" | "received" | "delivered" | "processLoss" | "measuredClosing">> & {
  opening: number;
  received?: number;
  delivered?: number;
  loss?: number;
  measured: number | null;
}): DayInput {
  return {
    date: p.date ?? "2026-11-01",
    tank: p.tank ?? "TQS-EDS-0001",
    state: p.state ?? "liquid",
    opening: L(p.opening),
    openingMeasured: p.openingMeasured ?? true,
    received: L(p.received ?? 0),
    receptionCount: p.receptionCount ?? (p.received ? 1 : 0),
    delivered: L(p.delivered ?? 0),
    deliveryCount: p.deliveryCount ?? (p.delivered ? 1 : 0),
    processLoss: L(p.loss ?? 0),
    measuredClosing: p.measured === null ? null : L(p.measured),
  };
}

const rules = (input: DayInput, options?: ReconciliationOptions) => evaluateDay(input, options).findings.map((f) => f.rule);

describe("A30-INV-03/04 calculated stock and the stock-difference alarm", () => {
  it("A30-INV-03: 10,100 + 20,000 − 11,800 − 0 = 18,300 calculated", () => {
    expect(evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, measured: 18300 })).book).toBe(L(18300));
  });

  it("A30-INV-04: measured 18,250 → difference −50 (0.2732 %), one low 'Diferencia de existencias' alarm, no INC-01", () => {
    const e = evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, measured: 18250 }));
    expect(e.difference).toBe(L(-50));
    expect(e.differencePctStored).toBe("0.273224");
    expect(e.findings).toEqual([]);
    expect(e.stockDifferenceAlarm).toMatchObject({ severity: "low", tank: "TQS-EDS-0001", date: "2026-11-01", difference: L(-50), differencePct: "0.2732" });
    expect(e.stockDifferenceAlarm!.description).toContain("Diferencia de existencias");
  });

  it("A30-INV-04: no difference → no alarm; a configured dead-band of 50 L silences −50 but not −50.001", () => {
    expect(evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, measured: 18300 })).stockDifferenceAlarm).toBeNull();
    const band = { deadBand02: 0n, deadBand04: 0n, deadBandStockDifference: L(50) };
    expect(evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, measured: 18250 }), band).stockDifferenceAlarm).toBeNull();
    expect(evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, measured: 18249.999 }), band).stockDifferenceAlarm).not.toBeNull();
  });

  it("A30-INV-04: above the tolerance the INC-01 alarm replaces the low-priority one", () => {
    const e = evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, measured: 18180 }));
    expect(e.findings.map((f) => f.rule)).toEqual(["A30-INC-01"]);
    expect(e.stockDifferenceAlarm).toBeNull();
  });

  it("A30-REC-08: a 150 L process loss reduces the book stock by 150 L", () => {
    expect(evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, loss: 150, measured: 18150 })).book).toBe(L(18150));
  });
});

describe("A30-INC-01 book vs measured final volume — the six worked examples", () => {
  const base = { opening: 10100, received: 20000, delivered: 11800 };
  it("#1 measured 18,250 vs book 18,300 → 0.2732 % → no finding", () => {
    expect(rules(day({ ...base, measured: 18250 }))).toEqual([]);
  });
  it("#2 measured 18,180 → 0.6557 % → finding with differenceL −120, differencePct 0.6557", () => {
    const [f] = evaluateDay(day({ ...base, measured: 18180 })).findings;
    expect(f).toMatchObject({ rule: "A30-INC-01", satEventCode: 7, book: L(18300), measured: L(18180), difference: L(-120), differencePct: "0.6557" });
  });
  it("#3 boundary: book 20,000, measured 19,900 = exactly 0.5000 % → no finding; 19,899.980 = 0.5001 % → finding", () => {
    expect(rules(day({ opening: 10000, received: 10000, measured: 19900 }))).toEqual([]);
    const [f] = evaluateDay(day({ opening: 10000, received: 10000, measured: 19899.98 })).findings;
    expect(f).toMatchObject({ rule: "A30-INC-01", differencePct: "0.5001", difference: L(-100.02) });
  });
  it("#4 losses 150 → book 18,150; measured 18,100 → 0.2755 % no finding; 18,050 → 0.5510 % finding", () => {
    expect(rules(day({ ...base, loss: 150, measured: 18100 }))).toEqual([]);
    expect(evaluateDay(day({ ...base, loss: 150, measured: 18100 })).differencePctStored).toBe("0.275482");
    expect(evaluateDay(day({ ...base, loss: 150, measured: 18050 })).findings[0]).toMatchObject({ rule: "A30-INC-01", differencePct: "0.5510" });
  });
  it("#5 gas PR09 (1 %): book 60,000; 59,400 = exactly 1.0 % → no finding; 59,350 = 1.0833 % → finding", () => {
    const gas = { opening: 50000, received: 120000, delivered: 110000, state: "gas" as const };
    expect(rules(day({ ...gas, measured: 59400 }))).toEqual([]);
    expect(evaluateDay(day({ ...gas, measured: 59350 })).findings[0]).toMatchObject({ rule: "A30-INC-01", differencePct: "1.0833" });
  });
  it("gas vs liquid: the same 0.8 % difference is a finding for a liquid and not for gas", () => {
    const d = { opening: 50000, received: 120000, delivered: 110000, measured: 59520 };
    expect(rules(day({ ...d, state: "liquid" }))).toEqual(["A30-INC-01"]);
    expect(rules(day({ ...d, state: "gas" }))).toEqual([]);
  });
  it("#6 book 0 & measured 0 → no finding; book 0 & measured 5 → finding with pct null", () => {
    expect(rules(day({ opening: 1000, delivered: 1000, measured: 0 }))).toEqual([]);
    const [f] = evaluateDay(day({ opening: 1000, delivered: 1000, measured: 5 })).findings;
    expect(f).toMatchObject({ rule: "A30-INC-01", book: 0n, difference: L(5), differencePct: null });
  });
  it("equality at 0.001 units: a 0.001 L difference on a 0 book is a finding, a sub-0.001 one is not", () => {
    expect(rules(day({ opening: 1000, delivered: 1000, measured: 0.001 }))).toEqual(["A30-INC-01"]);
    expect(rules(day({ opening: 1000, delivered: 1000, measured: 0.0004 }))).toEqual([]);
  });
  it("unmeasured (kept by differences) tanks produce no INC-01…04 finding and no difference", () => {
    const e = evaluateDay(day({ opening: 100, delivered: 50, measured: null }));
    expect(e.findings).toEqual([]);
    expect(e.difference).toBeNull();
  });
});

describe("A30-INC-02 … 05", () => {
  it("A30-INC-02: 15,000 → 15,000 with one 800 L delivery → finding (rule 01 also fires: 800 / 14,200 = 5.6338 %)", () => {
    const e = evaluateDay(day({ opening: 15000, delivered: 800, measured: 15000 }));
    expect(e.findings.map((f) => [f.rule, f.satEventCode])).toEqual([["A30-INC-01", 7], ["A30-INC-02", 8]]);
    expect(e.findings[0]!.differencePct).toBe("5.6338");
  });
  it("A30-INC-02: same stocks without movements → no finding; 15,000.001 with a delivery → no rule-02 finding", () => {
    expect(rules(day({ opening: 15000, measured: 15000 }))).toEqual([]);
    expect(rules(day({ opening: 15000, delivered: 800, measured: 15000.001 }))).toEqual(["A30-INC-01"]);
  });
  it("A30-INC-02 dead-band: with 0.5 L, a 0.4 L change despite a delivery counts as unchanged", () => {
    const band = { deadBand02: L(0.5), deadBand04: 0n, deadBandStockDifference: 0n };
    const e = evaluateDay(day({ opening: 15000, delivered: 800, measured: 15000.4 }), band);
    expect(e.findings.map((f) => f.rule)).toContain("A30-INC-02");
    expect(e.findings.find((f) => f.rule === "A30-INC-02")!.detail).toContain("banda muerta regla 02: 0.5");
  });
  it("A30-INC-03: −12.5 L measured → finding (with rule 05: 112.5 delivered > 100 available); 0.000 → none", () => {
    expect(rules(day({ tank: "SME-STQ-EDS-0021", opening: 100, delivered: 112.5, measured: -12.5 }))).toEqual(["A30-INC-03", "A30-INC-05"]);
    expect(rules(day({ opening: 100, delivered: 100, measured: 0 }))).toEqual([]);
  });
  it("A30-INC-03 decision: a negative calculated stock with a non-negative measured stock is rule 05, not 03", () => {
    const r = rules(day({ opening: 100, delivered: 112.5, measured: 0 }));
    expect(r).toContain("A30-INC-05");
    expect(r).not.toContain("A30-INC-03");
  });
  it("A30-INC-04: 15,000 → 14,985 without movements → finding (variation −15); unchanged → none", () => {
    const [f] = evaluateDay(day({ opening: 15000, measured: 14985 })).findings;
    expect(f).toMatchObject({ rule: "A30-INC-04", satEventCode: 10, difference: L(-15) });
    expect(f!.detail).toContain("−15.000");
    expect(rules(day({ opening: 15000, measured: 15000 }))).toEqual([]);
  });
  it("A30-INC-04 dead-band 20 L: −15 is not a finding, −20.001 is", () => {
    const band = { deadBand02: 0n, deadBand04: L(20), deadBandStockDifference: 0n };
    expect(rules(day({ opening: 15000, measured: 14985 }), band)).toEqual([]);
    expect(rules(day({ opening: 15000, measured: 14979.999 }), band)).toEqual(["A30-INC-04"]);
  });
  it("A30-INC-04: process losses alone are not receptions or deliveries", () => {
    expect(rules(day({ opening: 15000, loss: 15, measured: 14985 }))).toEqual(["A30-INC-04"]);
  });
  it("A30-INC-05: 5,000 + 2,000 received, 7,200 delivered → finding; 7,000 → none", () => {
    const e = evaluateDay(day({ opening: 5000, received: 2000, delivered: 7200, measured: -200 }));
    expect(e.findings.map((f) => f.rule)).toEqual(["A30-INC-03", "A30-INC-05"]);
    expect(e.findings[1]!.detail).toContain("exceso 200.000");
    expect(rules(day({ opening: 5000, received: 2000, delivered: 7000, measured: 0 }))).toEqual([]);
  });
  it("rules 02/04 need a measured previous stock; 05 uses the calculated one when that is all there is", () => {
    expect(rules(day({ opening: 15000, openingMeasured: false, measured: 14985 }))).toEqual([]);
    expect(rules(day({ opening: 100, openingMeasured: false, delivered: 200, measured: null }))).toEqual(["A30-INC-05"]);
  });
});

describe("A30-INC-01 over a calendar month and A30-INC-06 alarms", () => {
  it("month: opening 10,000, closing 8,800 with balanced movements → 12 % finding dated YYYY-MM", () => {
    const f = evaluateMonth({ month: "2026-11", tank: "TQS-EDS-0001", state: "liquid", opening: L(10000), received: L(30000), delivered: L(30000), processLoss: 0n, measuredClosing: L(8800) });
    expect(f).toMatchObject({ rule: "A30-INC-01", period: "month", date: "2026-11", differencePct: "12.0000" });
    expect(evaluateMonth({ month: "2026-11", tank: "T", state: "liquid", opening: L(10000), received: 0n, delivered: 0n, processLoss: 0n, measuredClosing: L(9950) })).toBeNull();
  });
  it("A30-INC-06: one type-2 alarm per finding, SAT codes 7–11 by rule, component = tank, description with figures", () => {
    const e = evaluateDay(day({ opening: 5000, received: 2000, delivered: 7200, measured: -200 }));
    const alarms = alarmsForFindings(e.findings);
    expect(alarms.map((a) => [a.type, a.satEventCode, a.component, a.date])).toEqual([
      [2, 9, "TQS-EDS-0001", "2026-11-01"],
      [2, 11, "TQS-EDS-0001", "2026-11-01"],
    ]);
    const [f] = evaluateDay(day({ opening: 10100, received: 20000, delivered: 11800, measured: 18180 })).findings;
    const text = findingDescription(f!);
    expect(text).toContain("TQS-EDS-0001 2026-11-01");
    expect(text).toContain("−120.000");
    expect(text.length).toBeLessThanOrEqual(250);
  });
});
