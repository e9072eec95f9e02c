import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMeasurementSink } from "../../../collectors/sink/measurement-sink";
import { MEASUREMENTS_CHANNEL, measurementNotificationSchema, type Reading } from "../../../server/contracts/measurement";
import { openTestDatabase, testEngines, type TestDatabase } from "../../helpers/test-db";

const T0 = Date.parse("2026-11-01T12:00:00.000Z");

describe.each(testEngines)("measurement sink on %s", (engine) => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await testDb?.close();
  });

  it("stores a batch once (duplicates ignored), marks the rollups dirty and notifies the latest value per tag", async () => {
    const { db } = testDb;
    const payloads: string[] = [];
    const unlisten = await db.listen(MEASUREMENTS_CHANNEL, (payload) => payloads.push(payload));
    const readings: Reading[] = [];
    for (let i = 0; i < 3000; i++) {
      readings.push({ tag: `TDA-0001/TQS-TDA-${String(i % 300).padStart(4, "0")}/level_mm`, time: new Date(T0 + Math.floor(i / 300) * 1000), value: i + 0.125, quality: (i % 3) as 0 | 1 | 2 });
    }
    const sink = createMeasurementSink(db, { flushIntervalMs: 10_000, maxBatch: 1000 });
    sink.push(readings);
    sink.push(readings.slice(0, 500)); // a replayed part of the batch
    await sink.flush();
    await sink.close();

    const [{ n }] = await db.query<{ n: number }>("select count(*)::int as n from measurements where tag like 'TDA-0001/TQS-TDA-%'") as [{ n: number }];
    expect(n).toBe(3000);
    const [sample] = await db.query<{ time: Date; value: number; quality: number }>(
      "select time, value, quality from measurements where tag = $1 and time = $2",
      ["TDA-0001/TQS-TDA-0007/level_mm", new Date(T0 + 9000)],
    );
    expect(sample).toEqual({ time: new Date(T0 + 9000), value: 2707.125, quality: 2707 % 3 });
    const states = await db.query<{ rollup: string; dirty_from: Date }>("select rollup, dirty_from from rollup_state");
    expect(states).toHaveLength(3);
    for (const state of states) expect(state.dirty_from.getTime()).toBeLessThanOrEqual(T0);

    await new Promise((resolve) => setTimeout(resolve, 200));
    await unlisten();
    const latest = new Map<string, string>();
    for (const payload of payloads) {
      expect(Buffer.byteLength(payload)).toBeLessThan(7900);
      // A replayed (older) batch is notified too: keep the newest time per tag.
      for (const [tag, time] of measurementNotificationSchema.parse(JSON.parse(payload)).v) {
        if ((latest.get(tag) ?? "") < time) latest.set(tag, time);
      }
    }
    expect(latest.size).toBe(300);
    expect(latest.get("TDA-0001/TQS-TDA-0007/level_mm")).toBe(new Date(T0 + 9000).toISOString());
  });
});
