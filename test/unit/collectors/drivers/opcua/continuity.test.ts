import { describe, expect, it } from "vitest";
import { OutageTracker, ReadingGate } from "../../../../../collectors/drivers/opcua/continuity";
import type { Reading } from "../../../../../server/contracts/measurement";

const TAG = "EDS-0001/TQS-EDS-0001/level_mm";
const at = (iso: string): Date => new Date(`2026-11-01T12:00:${iso}Z`);
const good = (time: Date, value: number, tag = TAG): Reading => ({ tag, time, value, quality: 0 });

/** Tags whose readings are not in strictly increasing time order (the Driver contract). */
function outOfOrder(readings: readonly Reading[]): string[] {
  const last = new Map<string, number>();
  const bad = new Set<string>();
  for (const reading of readings) {
    if (reading.time.getTime() <= (last.get(reading.tag) ?? -Infinity)) bad.add(reading.tag);
    last.set(reading.tag, reading.time.getTime());
  }
  return [...bad];
}

describe("ReadingGate: no (tag, time) twice, time order per tag, one honest restatement after an outage", () => {
  it("passes new readings and drops re-notifications of the same or older sourceTimestamp", () => {
    const gate = new ReadingGate();
    expect(gate.admit(good(at("01.000"), 10))).toEqual(good(at("01.000"), 10));
    expect(gate.admit(good(at("02.000"), 11))).toEqual(good(at("02.000"), 11));
    // A rebuilt subscription re-sends the current value with its original timestamp.
    expect(gate.admit(good(at("02.000"), 11))).toBeNull();
    expect(gate.admit(good(at("01.500"), 10.5))).toBeNull();
    expect(gate.dropped).toEqual({ repeated: 1, late: 1 });
    expect(gate.admit(good(at("02.001"), 12))).not.toBeNull();
    // Tags are independent.
    expect(gate.admit(good(at("01.000"), 1, "other"))).not.toBeNull();
  });

  it("marks an outage with a BAD reading carrying the last good value, after everything delivered", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42));
    const marker = gate.marker(TAG, at("06.000").getTime());
    expect(marker).toEqual({ tag: TAG, time: at("06.000"), value: 42, quality: 2 });
    // Collector clock behind the server's: the marker still comes after the last reading.
    const gate2 = new ReadingGate();
    gate2.admit(good(at("05.000"), 42));
    expect(gate2.marker(TAG, at("04.000").getTime()).time).toEqual(at("05.001"));
    // Unknown tag: value 0.
    expect(new ReadingGate().marker("x", 0).value).toBe(0);
  });

  it("regression (network.test 'corte breve'): a value sampled before the outage was detected, replayed after the marker, is dropped, not delivered out of order", () => {
    // Literal sequence from a failing run: Publish delivered :56.260; the link dropped after the
    // server sampled :56.460 but before that Publish reached the collector; the outage was
    // detected at :56.497 (markers); after the channel came back node-opcua Republished the lost
    // NotificationMessages on the old subscription: :56.460, :56.660, … :57.262.
    const gate = new ReadingGate();
    const delivered: Reading[] = [];
    const push = (reading: Reading | null): void => {
      if (reading) delivered.push(reading);
    };
    push(gate.admit(good(at("56.059"), 1)));
    push(gate.admit(good(at("56.260"), 2)));
    push(gate.marker(TAG, at("56.497").getTime()));
    for (const [time, value] of [["56.460", 3], ["56.660", 4], ["56.861", 5], ["57.062", 6], ["57.262", 7]] as const) push(gate.admit(good(at(time), value)));
    expect(outOfOrder(delivered)).toEqual([]);
    expect(delivered.map((r) => [r.time.toISOString().slice(17, 23), r.quality])).toEqual([
      ["56.059", 0],
      ["56.260", 0],
      ["56.497", 2],
      ["56.660", 0],
      ["56.861", 0],
      ["57.062", 0],
      ["57.262", 0],
    ]);
    expect(gate.dropped).toEqual({ repeated: 0, late: 1 });
    // The replayed values after the marker restored the tag: the new subscription's initial value
    // (unchanged since :57.262) is a plain re-notification, not a second restatement.
    expect(gate.admit(good(at("57.262"), 7), { initialAtMs: at("58.060").getTime() })).toBeNull();
    expect(gate.dropped).toEqual({ repeated: 1, late: 1 });
  });

  it("after an outage, restates an unchanged initial value once, stamped when the item was requested, then drops repeats", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42));
    gate.marker(TAG, at("06.000").getTime());
    // Only the initial value of a new monitored item is known current: another reading with an
    // old time (a replayed one) is not restated.
    expect(gate.admit(good(at("05.000"), 42))).toBeNull();
    // Monitored item requested at :09; its initial value is unchanged since :05.
    const restated = gate.admit(good(at("05.000"), 42), { initialAtMs: at("09.000").getTime() });
    expect(restated).toEqual(good(at("09.000"), 42));
    expect(gate.admit(good(at("05.000"), 42), { initialAtMs: at("09.500").getTime() })).toBeNull();
    // A change queued behind the initial value (server sampled it after :09) stays in order.
    expect(gate.admit(good(at("09.200"), 43))).toEqual(good(at("09.200"), 43));
  });

  it("regression: a change queued behind the initial value is not put before a restatement stamped at arrival", () => {
    // Publishing interval 1 s: the initial value (unchanged since :05) and a change at :09.300 come
    // in the same Publish at :10. Stamping the restatement at arrival (:10) put :09.300 after :10.
    const gate = new ReadingGate();
    const delivered: Reading[] = [];
    gate.admit(good(at("05.000"), 42));
    delivered.push(gate.marker(TAG, at("06.000").getTime()));
    for (const reading of [
      gate.admit(good(at("05.000"), 42), { initialAtMs: at("09.000").getTime() }),
      gate.admit(good(at("09.300"), 43)),
    ]) {
      if (reading) delivered.push(reading);
    }
    expect(outOfOrder(delivered)).toEqual([]);
    expect(delivered.map((r) => [r.time, r.value])).toEqual([
      [at("06.000"), 42],
      [at("09.000"), 42],
      [at("09.300"), 43],
    ]);
  });

  it("never delivers a value older than a marker or restatement, even with the server clock behind the collector's (dropped, counted)", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42));
    gate.marker(TAG, at("06.000").getTime());
    expect(gate.admit(good(at("05.000"), 42), { initialAtMs: at("09.000").getTime() })).toEqual(good(at("09.000"), 42));
    // Server clock 2 s behind: a real change stamped :07 arrives after the restatement at :09.
    expect(gate.admit(good(at("07.000"), 43))).toBeNull();
    expect(gate.dropped).toEqual({ repeated: 0, late: 1 });
    expect(gate.admit(good(at("09.001"), 44))).toEqual(good(at("09.001"), 44));
  });

  it("restates an initial value never delivered (sampled before the marker) at the request time", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42));
    gate.marker(TAG, at("06.000").getTime());
    // The value changed at :05.800 (its Publish was lost in the cut) and not since.
    expect(gate.admit(good(at("05.800"), 43), { initialAtMs: at("09.000").getTime() })).toEqual(good(at("09.000"), 43));
  });

  it("a fresh value after an outage passes as is, and BAD repeats are not restated", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("05.000"), 42));
    gate.marker(TAG, at("06.000").getTime());
    expect(gate.admit({ tag: TAG, time: at("05.000"), value: 0, quality: 2 }, { initialAtMs: at("09.000").getTime() })).toBeNull();
    expect(gate.admit(good(at("08.000"), 44), { initialAtMs: at("09.000").getTime() })).toEqual(good(at("08.000"), 44));
    // Restatement only once per outage.
    expect(gate.admit(good(at("08.000"), 44), { initialAtMs: at("09.100").getTime() })).toBeNull();
  });

  it("keeps the last good value for markers (BAD server readings do not overwrite it)", () => {
    const gate = new ReadingGate();
    gate.admit(good(at("01.000"), 7));
    gate.admit({ tag: TAG, time: at("02.000"), value: 0, quality: 2 });
    expect(gate.lastValueOf(TAG)).toBe(7);
  });

  it("keeps per-tag order and uniqueness over a random interleaving of readings, markers and restatements", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const gate = new ReadingGate();
    const delivered: Reading[] = [];
    const base = at("00.000").getTime();
    for (let i = 0; i < 5000; i++) {
      const tag = `t${Math.floor(random() * 3)}`;
      const r = random();
      const nowMs = base + i * 10;
      if (r < 0.05) delivered.push(gate.marker(tag, nowMs + Math.round((random() - 0.5) * 400)));
      else {
        const reading = good(new Date(nowMs + Math.round((random() - 0.7) * 500)), i, tag);
        const admitted = gate.admit(reading, r < 0.15 ? { initialAtMs: nowMs - Math.round(random() * 300) } : {});
        if (admitted) delivered.push(admitted);
      }
    }
    expect(outOfOrder(delivered)).toEqual([]);
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
