import { describe, expect, it } from "vitest";
import { OutageTracker, ReadingGate } from "../../../../../collectors/drivers/opcua/continuity";
import type { Reading } from "../../../../../server/contracts/measurement";

const TAG = "EDS-0001/TQS-EDS-0001/level_mm";
const at = (iso: string): Date => new Date(`2026-11-01T12:00:${iso}Z`);
const good = (time: Date, value: number, tag = TAG): Reading => ({ tag, time, value, quality: 0 });

describe("ReadingGate: no (tag, time) twice, time order per tag, one honest restatement after an outage", () => {
  it("passes new readings and drops re-notifications of the same or older sourceTimestamp", () => {
    const gate = new ReadingGate();
    const now = at("10.000").getTime();
    expect(gate.admit(good(at("01.000"), 10), now)).toEqual(good(at("01.000"), 10));
    expect(gate.admit(good(at("02.000"), 11), now)).toEqual(good(at("02.000"), 11));
    // A rebuilt subscription re-sends the current value with its original timestamp.
    expect(gate.admit(good(at("02.000"), 11), now)).toBeNull();
    expect(gate.admit(good(at("01.500"), 10.5), now)).toBeNull();
    expect(gate.admit(good(at("02.001"), 12), now)).not.toBeNull();
    // Tags are independent.
    expect(gate.admit(good(at("01.000"), 1, "other"), now)).not.toBeNull();
  });

  it("marks an outage with a BAD reading carrying the last good value, after everything delivered", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42), at("05.100").getTime());
    const marker = gate.marker(TAG, at("06.000").getTime());
    expect(marker).toEqual({ tag: TAG, time: at("06.000"), value: 42, quality: 2 });
    // Collector clock behind the server's: the marker still comes after the last reading.
    const gate2 = new ReadingGate();
    gate2.admit(good(at("05.000"), 42), at("04.000").getTime());
    expect(gate2.marker(TAG, at("04.000").getTime()).time).toEqual(at("05.001"));
    // Unknown tag: value 0.
    expect(new ReadingGate().marker("x", 0).value).toBe(0);
  });

  it("after an outage, restates an unchanged value once at the collector's time, then drops repeats", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42), at("05.000").getTime());
    gate.marker(TAG, at("06.000").getTime());
    // Reconnected at :09; the server's value has not changed since :05.
    const restated = gate.admit(good(at("05.000"), 42), at("09.000").getTime());
    expect(restated).toEqual(good(at("09.000"), 42));
    expect(gate.admit(good(at("05.000"), 42), at("09.500").getTime())).toBeNull();
    // The server-time baseline did not move: a real change at :07 (server clock behind) is kept.
    expect(gate.admit(good(at("07.000"), 43), at("10.000").getTime())).toEqual(good(at("07.000"), 43));
  });

  it("a fresh value after an outage passes as is, and BAD repeats are not restated", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42), at("05.000").getTime());
    gate.marker(TAG, at("06.000").getTime());
    expect(gate.admit({ tag: TAG, time: at("05.000"), value: 0, quality: 2 }, at("09.000").getTime())).toBeNull();
    expect(gate.admit(good(at("08.000"), 44), at("09.000").getTime())).toEqual(good(at("08.000"), 44));
    // Restatement only once per outage.
    expect(gate.admit(good(at("08.000"), 44), at("09.100").getTime())).toBeNull();
  });

  it("keeps the last good value for markers (BAD server readings do not overwrite it)", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("01.000"), 7), 0);
    gate.admit({ tag: TAG, time: at("02.000"), value: 0, quality: 2 }, 0);
    expect(gate.lastValueOf(TAG)).toBe(7);
  });
});

describe("OutageTracker (A30-MS-15: start and end of each interruption)", () => {
  it("opens one outage per interruption and closes it with its duration", () => {
    const tracker = new OutageTracker();
    expect(tracker.current).toBeNull();
    expect(tracker.begin("conexión perdida", at("00.000"))).toEqual({ start: at("00.000"), end: null, reason: "conexión perdida", durationMs: null });
    // Later causes during the same outage do not open another.
    expect(tracker.begin("servidor inalcanzable", at("01.000"))).toBeNull();
    expect(tracker.current?.reason).toBe("conexión perdida");
    const closed = tracker.end(at("30.500"));
    expect(closed).toEqual({ start: at("00.000"), end: at("30.500"), reason: "conexión perdida", durationMs: 30_500 });
    expect(tracker.current).toBeNull();
    expect(tracker.lastClosed).toEqual(closed);
    expect(tracker.end(at("31.000"))).toBeNull();
  });

  it("never reports a negative duration", () => {
    const tracker = new OutageTracker();
    tracker.begin("x", at("10.000"));
    expect(tracker.end(at("09.000"))?.durationMs).toBe(0);
  });
});
