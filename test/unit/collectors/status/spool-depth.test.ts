import { describe, expect, it } from "vitest";
import { deliveryKeysFromSourceKeys } from "../../../../collectors/known-deliveries";
import type { MeasurementSinkStats } from "../../../../collectors/sink/measurement-sink";
import { PendingAgeTracker, spoolDepthReport } from "../../../../collectors/status/spool-depth";

const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 16, 0, s));

describe("spool depth (A30-DIAG-01 buffer depth)", () => {
  it("nothing pending → no age; the oldest pending record is dated by the last sample that did not hold it", () => {
    const tracker = new PendingAgeTracker();
    expect(tracker.sample(10, 10, t(0))).toBeNull();
    expect(tracker.sample(10, 10, t(5))).toBeNull();
    // Record 11 appeared between t(5) and t(10): pending since t(5) at the latest.
    expect(tracker.sample(11, 10, t(10))).toEqual(t(5));
    expect(tracker.sample(14, 10, t(15))).toEqual(t(5));
    // 11 and 12 confirmed: 13 appeared between t(10) and t(15).
    expect(tracker.sample(14, 12, t(20))).toEqual(t(10));
    expect(tracker.sample(14, 14, t(25))).toBeNull();
  });

  it("records pending before the first sample (left by a previous run) are dated from that first sample", () => {
    const tracker = new PendingAgeTracker();
    expect(tracker.sample(30, 20, t(0))).toEqual(t(0));
    expect(tracker.sample(31, 20, t(7))).toEqual(t(0));
  });

  it("builds the report from the sink's spool status; an in-memory sink has none", () => {
    const stats = {
      spool: { state: "high-water", usedBytes: 900, maxBytes: 1000, fillRatio: 0.912345, segments: 2, lastSequence: 14, committedSequence: 10, pendingRecords: 4, pendingReadings: 400, stagedReadings: 3, refusedReadings: 0, lastError: null },
    } as unknown as MeasurementSinkStats;
    expect(spoolDepthReport(stats, t(5), t(65))).toEqual({
      reportedAt: t(65).toISOString(),
      state: "high-water",
      pendingRecords: 4,
      pendingReadings: 400,
      stagedReadings: 3,
      usedBytes: 900,
      maxBytes: 1000,
      fillRatio: 0.9123,
      refusedReadings: 0,
      lastSequence: 14,
      committedSequence: 10,
      oldestPendingSince: t(5).toISOString(),
      oldestPendingAgeS: 60,
    });
    expect(spoolDepthReport({ pending: 0 } as MeasurementSinkStats, null, t(0))).toBeNull();
  });
});

describe("known Veeder-Root deliveries (A30-REC-01)", () => {
  it("maps the operations' source keys back to the driver's delivery keys of the link's tanks", () => {
    const keys = deliveryKeysFromSourceKeys(
      ["atg:EDS-0001/TQS-EDS-0001@1@2611251030", "atg:EDS-0001/TQS-EDS-0002@2@2611250900", "atg:TDA-0001/TQS-TDA-0001@1@2611250800", "stock:EDS-0001/TQS-EDS-0001@x", "atg:EDS-0001/TQS-EDS-0001@"],
      ["EDS-0001/TQS-EDS-0001", "EDS-0001/TQS-EDS-0002"],
    );
    expect(keys).toEqual(["1@2611251030", "2@2611250900"]);
  });
});
