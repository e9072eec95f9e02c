import { describe, expect, it } from "vitest";
import {
  DEFAULT_MATCHING_RULES,
  daysOutside,
  evaluatePair,
  matchCfdiToOperations,
  withinTolerance,
  type MatchableCfdi,
  type MatchableOperation,
} from "../../../../../server/domain/cfdi/matching";

const RFC = "GPA200101NL1";
const cfdi = (over: Partial<MatchableCfdi> = {}): MatchableCfdi => ({ id: 1, uuid: "U1", purpose: "acquisition", counterpartyRfc: RFC, issueDate: "2026-10-31", litres: 20_000, ...over });
const op = (over: Partial<MatchableOperation> = {}): MatchableOperation => ({ id: 10, type: "reception", counterpartyRfc: RFC, startDate: "2026-11-01", endDate: "2026-11-01", litres: 19_950, ...over });

describe("A30-CFDI-05 matching rules (window ± 3 days, tolerance ± 0.5 %)", () => {
  it("the requirement's acceptance: 19,950 L on 2026-11-01 vs a 20,000 L CFDI of 2026-10-31 → suggested (−0.25 %); 21,000 L → not", () => {
    const pair = evaluatePair(cfdi(), op());
    expect(pair).toMatchObject({ rfcMatch: true, dayDifference: 1, volumeDifferenceL: -50, volumeDifferencePct: -0.25 });
    expect(pair!.reason).toBe(
      "RFC GPA200101NL1 coincide; 1 día(s) de la fecha del CFDI (2026-10-31) a la recepción (ventana ±3 días); volumen 19950.000 L frente a 20000.000 L del CFDI (diferencia -0.250 %, tolerancia ±0.5 %)",
    );
    expect(evaluatePair(cfdi({ litres: 21_000 }), op())).toBeNull();
    expect(DEFAULT_MATCHING_RULES).toEqual({ windowDays: 3, tolerancePct: 0.5 });
  });

  it("window edges: 3 calendar days either side are in, 4 are out; inside a multi-day operation the distance is 0", () => {
    expect(evaluatePair(cfdi({ issueDate: "2026-10-29" }), op())?.dayDifference).toBe(3);
    expect(evaluatePair(cfdi({ issueDate: "2026-10-28" }), op())).toBeNull();
    expect(evaluatePair(cfdi({ issueDate: "2026-11-04" }), op())?.dayDifference).toBe(3);
    expect(evaluatePair(cfdi({ issueDate: "2026-11-05" }), op())).toBeNull();
    expect(daysOutside("2026-11-02", "2026-11-01", "2026-11-03")).toBe(0);
    expect(daysOutside("2026-12-31", "2027-01-02", "2027-01-02")).toBe(2);
    // Month and leap-year boundaries are calendar days, not 24-hour blocks.
    expect(daysOutside("2028-02-27", "2028-03-01", "2028-03-01")).toBe(3);
  });

  it("tolerance edges: exactly 0.5 % of the CFDI volume is in (both signs), 0.001 L more is out", () => {
    expect(withinTolerance(20_100, 20_000, 0.5)).toBe(true);
    expect(withinTolerance(19_900, 20_000, 0.5)).toBe(true);
    expect(withinTolerance(20_100.001, 20_000, 0.5)).toBe(false);
    expect(withinTolerance(19_899.999, 20_000, 0.5)).toBe(false);
    expect(evaluatePair(cfdi(), op({ litres: 20_100 }))?.score).toBe(0.333);
    expect(evaluatePair(cfdi(), op({ litres: 20_100.001 }))).toBeNull();
    // A float-unfriendly base still compares exactly (in millilitres).
    expect(withinTolerance(10_050.05, 10_000, 0.5005)).toBe(true);
    expect(withinTolerance(0, 0, 0.5)).toBe(false);
  });

  it("RFC: a different counterparty excludes the pair; an operation without RFC is a suggestion only (never automatic); case and spaces do not matter", () => {
    expect(evaluatePair(cfdi(), op({ counterpartyRfc: "XYZ010101AB1" }))).toBeNull();
    expect(evaluatePair(cfdi(), op({ counterpartyRfc: " gpa200101nl1 " }))?.rfcMatch).toBe(true);
    const noRfc = evaluatePair(cfdi(), op({ counterpartyRfc: null }));
    expect(noRfc).toMatchObject({ rfcMatch: false });
    expect(noRfc!.reason).toMatch(/^la operación no tiene RFC de contraparte/);
    const result = matchCfdiToOperations([cfdi()], [op({ counterpartyRfc: null })]);
    expect(result.links).toEqual([]);
    expect(result.matches[0]).toMatchObject({ outcome: "suggestions_only", autoLink: null });
    expect(result.matches[0]!.candidates).toHaveLength(1);
  });

  it("direction: acquisitions pair with receptions and sales with deliveries only", () => {
    expect(evaluatePair(cfdi(), op({ type: "delivery" }))).toBeNull();
    expect(evaluatePair(cfdi({ purpose: "sale" }), op())).toBeNull();
    expect(evaluatePair(cfdi({ purpose: "sale" }), op({ type: "delivery" }))).not.toBeNull();
  });

  it("unambiguous on both sides → one automatic link", () => {
    const result = matchCfdiToOperations([cfdi()], [op(), op({ id: 11, litres: 30_000 }), op({ id: 12, counterpartyRfc: "XYZ010101AB1" })]);
    expect(result.links).toEqual([expect.objectContaining({ cfdiId: 1, operationId: 10 })]);
    expect(result.matches[0]).toMatchObject({ outcome: "auto" });
    expect(result.matches[0]!.reason).toMatch(/^vinculado automáticamente: RFC GPA200101NL1 coincide/);
  });

  it("ambiguity → no automatic link: two operations fit one CFDI, or one operation fits two CFDI; candidates are kept, best first", () => {
    const twoOps = matchCfdiToOperations([cfdi()], [op({ id: 11, startDate: "2026-11-02", endDate: "2026-11-02" }), op()]);
    expect(twoOps.links).toEqual([]);
    expect(twoOps.matches[0]).toMatchObject({ outcome: "ambiguous", reason: "ambiguo: 2 operaciones de recepción cumplen RFC, fecha y volumen; vincule manualmente" });
    expect(twoOps.matches[0]!.candidates.map((c) => c.operationId)).toEqual([10, 11]);

    const twoCfdi = matchCfdiToOperations([cfdi(), cfdi({ id: 2, uuid: "U2", litres: 19_990 })], [op()]);
    expect(twoCfdi.links).toEqual([]);
    expect(twoCfdi.matches.map((m) => m.outcome)).toEqual(["ambiguous", "ambiguous"]);
    expect(twoCfdi.matches[0]!.reason).toMatch(/también corresponde a 1 CFDI más/);
  });

  it("excluded pairs (unlinked by a user) neither link nor make the others ambiguous", () => {
    const both = [op(), op({ id: 11 })];
    const result = matchCfdiToOperations([cfdi()], both, DEFAULT_MATCHING_RULES, (c, o) => c === 1 && o === 10);
    expect(result.links).toEqual([expect.objectContaining({ operationId: 11 })]);
    const none = matchCfdiToOperations([cfdi()], [op()], DEFAULT_MATCHING_RULES, () => true);
    expect(none.matches[0]).toMatchObject({ outcome: "none", candidates: [] });
  });

  it("a CFDI without fuel volume is never matched", () => {
    const result = matchCfdiToOperations([cfdi({ litres: 0 })], [op()]);
    expect(result.matches[0]).toMatchObject({ outcome: "none", reason: "el CFDI no documenta volumen de combustible: vincule manualmente" });
  });

  it("rules are parameters: a wider window and tolerance accept what the defaults refuse", () => {
    expect(evaluatePair(cfdi({ litres: 21_000 }), op(), { windowDays: 3, tolerancePct: 5 })).not.toBeNull();
    expect(evaluatePair(cfdi({ issueDate: "2026-10-20" }), op(), { windowDays: 15, tolerancePct: 0.5 })).not.toBeNull();
  });
});
