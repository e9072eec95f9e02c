import { describe, expect, it } from "vitest";
import { exceedsPercent, milliToNumber, milliToString, percentString, toMilli } from "../../../../../server/domain/reconciliation/index";

describe("exact decimal volumes at 0.001 units (A30-INC common text)", () => {
  it("reads numbers through their shortest decimal form, not their binary value", () => {
    expect(toMilli(19899.98)).toBe(19_899_980n);
    expect(toMilli(0.1 + 0.2)).toBe(300n); // 0.30000000000000004 → 0.300
    expect(toMilli("-12.5")).toBe(-12_500n);
    expect(toMilli(15000.001)).toBe(15_000_001n);
    expect(toMilli(1e21)).toBe(10n ** 24n);
    expect(toMilli(1.5e-7)).toBe(0n);
  });

  it("rounds beyond three decimals half away from zero, like PostgreSQL round(x, 3)", () => {
    expect(toMilli("1.0005")).toBe(1001n);
    expect(toMilli("1.00049")).toBe(1000n);
    expect(toMilli("-1.0005")).toBe(-1001n);
  });

  it("rejects what is not a decimal number", () => {
    expect(() => toMilli("12,5")).toThrow(/inválido/);
    expect(() => toMilli(Number.NaN)).toThrow(/finito/);
  });

  it("prints fixed three decimals and JSON numbers", () => {
    expect(milliToString(-120_000n)).toBe("-120.000");
    expect(milliToString(5n)).toBe("0.005");
    expect(milliToNumber(19_899_980n)).toBe(19899.98);
  });

  it("A30-INC-01 #3: exactly 0.5 % does not exceed 0.5 %, 0.5001 % does — decided on integers", () => {
    expect(exceedsPercent(-100_000n, 20_000_000n, "0.5")).toBe(false);
    expect(exceedsPercent(-100_020n, 20_000_000n, "0.5")).toBe(true);
    expect(exceedsPercent(-100_001n, 20_000_000n, "0.5")).toBe(true); // 0.500005 %
    expect(percentString(-100_020n, 20_000_000n, 4)).toBe("0.5001");
  });

  it("A30-INC-01 #6: with book 0 any non-zero difference exceeds and the percentage is null", () => {
    expect(exceedsPercent(0n, 0n, "0.5")).toBe(false);
    expect(exceedsPercent(1n, 0n, "0.5")).toBe(true);
    expect(percentString(5000n, 0n, 4)).toBeNull();
  });

  it("percentages round half up on the exact quotient", () => {
    expect(percentString(120_000n, 18_300_000n, 4)).toBe("0.6557");
    expect(percentString(50_000n, 18_300_000n, 4)).toBe("0.2732");
    expect(percentString(650_000n, 60_000_000n, 4)).toBe("1.0833");
    expect(percentString(120_000n, 18_300_000n, 6)).toBe("0.655738");
    expect(percentString(200_000n, -200_000n, 4)).toBe("100.0000");
  });
});
