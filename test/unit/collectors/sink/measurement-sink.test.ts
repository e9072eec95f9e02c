import { afterEach, describe, expect, it } from "vitest";
import { createMeasurementSink, type MeasurementSink, type MeasurementSinkDb } from "../../../../collectors/sink/measurement-sink";
import type { Reading } from "../../../../server/contracts/measurement";

const T0 = Date.parse("2026-11-01T12:00:00.000Z");

function reading(i: number, tag = "EDS-0001/TQS-EDS-0001/level_mm"): Reading {
  return { tag, time: new Date(T0 + i * 1000), value: 1000 + i, quality: 0 };
}

/** A database double that records inserted rows and fails while `down` is true. */
function fakeDb() {
  const rows: Array<{ time: string; tag: string; value: number; quality: number }> = [];
  const notified: string[] = [];
  const dirtyFrom: string[] = [];
  const state = { down: false, attempts: 0 };
  const db: MeasurementSinkDb = {
    async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
      if (state.down) throw new Error("connection refused");
      if (sql.includes("pg_notify")) notified.push(...(params![1] as string[]));
      return [];
    },
    async transaction<T>(fn: (tx: Parameters<Parameters<MeasurementSinkDb["transaction"]>[0]>[0]) => Promise<T>): Promise<T> {
      state.attempts += 1;
      if (state.down) throw new Error("connection refused");
      const staged: typeof rows = [];
      const staging: string[] = [];
      const tx = {
        orm: null as never,
        async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
          if (sql.startsWith("insert into measurements")) {
            const [times, tags, values, qualities] = params as [string[], string[], number[], number[]];
            times.forEach((time, i) => staged.push({ time, tag: tags[i]!, value: values[i]!, quality: qualities[i]! }));
          } else if (sql.startsWith("update rollup_state")) staging.push(params![0] as string);
          return [];
        },
      };
      const result = await fn(tx);
      rows.push(...staged);
      dirtyFrom.push(...staging);
      return result;
    },
  };
  return { db, rows, notified, dirtyFrom, state };
}

let sink: MeasurementSink | null = null;
afterEach(async () => {
  await sink?.close().catch(() => undefined);
  sink = null;
});

describe("measurement sink", () => {
  it("writes in batches of at most maxBatch, in order, and marks rollups dirty from the batch's earliest time", async () => {
    const fake = fakeDb();
    sink = createMeasurementSink(fake.db, { flushIntervalMs: 10_000, maxBatch: 3 });
    sink.push([reading(5), reading(3), reading(4), reading(6), reading(7)]);
    await sink.flush();
    expect(fake.rows.map((r) => r.value)).toEqual([1005, 1003, 1004, 1006, 1007]);
    expect(fake.state.attempts).toBe(2);
    expect(fake.dirtyFrom).toEqual([new Date(T0 + 3000).toISOString(), new Date(T0 + 6000).toISOString()]);
    expect(fake.notified).toHaveLength(2);
    expect(sink.stats()).toMatchObject({ pending: 0, written: 5, batches: 2, failedAttempts: 0 });
  });

  it("flushes on its own within flushIntervalMs", async () => {
    const fake = fakeDb();
    sink = createMeasurementSink(fake.db, { flushIntervalMs: 20 });
    sink.push([reading(1)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.rows).toHaveLength(1);
  });

  it("keeps every reading while the database is down and writes them in order once it is back", async () => {
    const fake = fakeDb();
    fake.state.down = true;
    sink = createMeasurementSink(fake.db, { flushIntervalMs: 5, maxBatch: 4, maxRetryDelayMs: 20 });
    for (let i = 0; i < 10; i++) sink.push([reading(i)]);
    await expect(sink.flush()).rejects.toThrow("connection refused");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.stats().pending).toBe(10);
    expect(sink.stats().failedAttempts).toBeGreaterThan(1);
    fake.state.down = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.rows.map((r) => r.value)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect(sink.stats().pending).toBe(0);
  });

  it("close() writes what is queued; after close push is refused", async () => {
    const fake = fakeDb();
    sink = createMeasurementSink(fake.db, { flushIntervalMs: 10_000 });
    sink.push([reading(1), reading(2)]);
    await sink.close();
    expect(fake.rows).toHaveLength(2);
    expect(() => sink!.push([reading(3)])).toThrow();
  });

  it("close() gives up after closeTimeoutMs and says how many readings were not stored", async () => {
    const fake = fakeDb();
    fake.state.down = true;
    sink = createMeasurementSink(fake.db, { flushIntervalMs: 10_000, closeTimeoutMs: 50, maxRetryDelayMs: 10 });
    sink.push([reading(1), reading(2)]);
    await expect(sink.close()).rejects.toThrow(/^2 mediciones/);
    sink = null;
  });

  it("rejects readings that cannot be stored (non-finite value, invalid time)", async () => {
    const fake = fakeDb();
    sink = createMeasurementSink(fake.db, { flushIntervalMs: 10_000 });
    sink.push([{ ...reading(1), value: Number.NaN }, { ...reading(2), time: new Date(Number.NaN) }, reading(3)]);
    await sink.flush();
    expect(fake.rows).toHaveLength(1);
    expect(sink.stats().rejected).toBe(2);
  });
});
