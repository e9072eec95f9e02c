import { describe, expect, it } from "vitest";
import { attributeDuctBatch, stepDuctBatchDetector, DEFAULT_DUCT_BATCH_DETECTOR_CONFIG } from "../../../../../server/domain/operations/index";

/** Duct meter batches (A30-REC-01, A30-MS-18) and their tank (A30-INV-03, A30-INC-01). */
const T0 = Date.parse("2026-11-24T10:00:00Z");
const at = (s: number) => T0 + s * 1000;

describe("duct meter batch detector (A30-REC-01)", () => {
  it("A30-REC-01: a truck loading is one batch from the last rest sample to the last increase, across short flow pauses, resumable", () => {
    // rest, 10 min at 1,800 L/min sampled every 10 s with a 10 s pause (< restS), then rest.
    const samples = [{ time: at(0), valueL: 5000 }];
    let v = 5000;
    for (let s = 10; s <= 600; s += 10) {
      if (s !== 300) v += 300;
      samples.push({ time: at(s), valueL: v });
    }
    samples.push({ time: at(630), valueL: v }, { time: at(900), valueL: v });
    const first = stepDuctBatchDetector(null, samples.slice(0, 40));
    expect(first.batches).toHaveLength(0);
    const second = stepDuctBatchDetector(first.state, samples.slice(40));
    expect(second.batches).toHaveLength(1);
    const batch = second.batches[0]!;
    expect(batch.startTime).toBe(at(0));
    expect(batch.endTime).toBe(at(600));
    expect(batch.volumeL).toBe(17_700);
    expect(batch.totalizerBeforeL).toBe(5000);
    expect(batch.totalizerAfterL).toBe(22_700);
  });

  it("A30-REC-01: meter creep below minBatchL is ignored (reported), never a record", () => {
    const r = stepDuctBatchDetector(null, [
      { time: at(0), valueL: 100 },
      { time: at(30), valueL: 112 },
      { time: at(60), valueL: 112 },
    ]);
    expect(r.batches).toHaveLength(0);
    expect(r.ignored.map((b) => b.volumeL)).toEqual([12]);
    expect(DEFAULT_DUCT_BATCH_DETECTOR_CONFIG.minBatchL).toBe(50);
  });
});

describe("attribution of a duct batch to a tank (A30-INV-03, A30-INC-01)", () => {
  const tanks = [
    { tankId: 1, tankKey: "TQS-TDA-0001", netBeforeL: 100_000, netAfterL: 100_050 },
    { tankId: 2, tankKey: "TQS-TDA-0002", netBeforeL: 80_000, netAfterL: 60_150 },
    { tankId: 3, tankKey: "TQS-TDA-0003", netBeforeL: 50_000, netAfterL: 70_000 },
    { tankId: 4, tankKey: "TQS-TDA-0004", netBeforeL: null, netAfterL: null },
  ];

  it("A30-INC-01: an outlet batch goes to the tank whose net stock fell by ≈ the batch volume", () => {
    const a = attributeDuctBatch("outlet", 20_000, tanks);
    expect(a).toMatchObject({ tankId: 2, tankKey: "TQS-TDA-0002", movedL: 19_850 });
    expect(a!.share).toBeCloseTo(0.9925, 4);
    expect(a!.candidates).toHaveLength(4);
  });

  it("A30-INC-01: an inlet batch goes to the tank whose net stock rose, never to one that fell", () => {
    expect(attributeDuctBatch("inlet", 20_000, tanks)).toMatchObject({ tankId: 3, movedL: 20_000 });
  });

  it("A30-INC-01: sales metered from a tank during the batch count as its outflow, not as the batch", () => {
    const withSales = [{ tankId: 9, tankKey: "TQS-X", netBeforeL: 30_000, netAfterL: 40_000, meteredOutflowNetL: 500 }];
    expect(attributeDuctBatch("inlet", 10_500, withSales)).toMatchObject({ tankId: 9, movedL: 10_500, share: 1 });
    expect(attributeDuctBatch("outlet", 10_500, withSales)).toBeNull();
  });

  it("A30-INC-01: no tank moved by half the batch → null (the record stays on the duct, incomplete)", () => {
    expect(attributeDuctBatch("outlet", 50_000, tanks)).toBeNull();
    expect(attributeDuctBatch("outlet", 0, tanks)).toBeNull();
  });
});
