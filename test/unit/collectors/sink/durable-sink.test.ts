import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BatchRef, ChecksumMismatch } from "../../../../collectors/forwarder/forwarder";
import { createMeasurementSink, openMeasurementSink, type MeasurementSink, type MeasurementSinkDb } from "../../../../collectors/sink/measurement-sink";
import { SpoolFullError } from "../../../../collectors/spool/spool";
import type { Reading } from "../../../../server/contracts/measurement";

const T0 = Date.parse("2026-11-01T12:00:00.000Z");
const KEY = "OPCUA-EDS-0001";

function reading(i: number, tag = "EDS-0001/TQS-EDS-0001/level_mm"): Reading {
  return { tag, time: new Date(T0 + i * 1000), value: 1000 + i, quality: 0 };
}

/**
 * A database double that understands the forwarder's statements: collector_batches with its
 * (collector_key, sequence) primary key, measurements with its (tag, time) key, transactions that
 * apply all-or-nothing, an outage switch and a "COMMIT went through but the reply was lost" switch.
 */
function fakeDb() {
  const batches = new Map<string, { checksum: string; rowCount: number }>();
  const rows = new Map<string, { time: string; tag: string; value: number; quality: number }>();
  const inserted: number[] = [];
  const notified: string[] = [];
  const state = { down: false, loseNextCommitReply: false, transactions: 0 };
  const db: MeasurementSinkDb = {
    async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
      if (state.down) throw new Error("connect ECONNREFUSED");
      if (sql.includes("pg_notify")) notified.push(...(params![1] as string[]));
      return [];
    },
    async transaction<T>(fn: (tx: Parameters<Parameters<MeasurementSinkDb["transaction"]>[0]>[0]) => Promise<T>): Promise<T> {
      state.transactions += 1;
      if (state.down) throw new Error("connect ECONNREFUSED");
      const stagedBatches = new Map(batches);
      const stagedRows = new Map(rows);
      const stagedInserted: number[] = [];
      const tx = {
        orm: null as never,
        async query<R>(sql: string, params?: unknown[]): Promise<R[]> {
          if (sql.startsWith("insert into collector_batches")) {
            const [key, sequences, counts, checksums] = params as [string, number[], number[], string[]];
            const out: Array<{ sequence: string }> = [];
            sequences.forEach((sequence, i) => {
              const id = `${key}#${sequence}`;
              if (stagedBatches.has(id)) return;
              stagedBatches.set(id, { checksum: checksums[i]!, rowCount: counts[i]! });
              out.push({ sequence: String(sequence) });
            });
            return out as R[];
          }
          if (sql.startsWith("select sequence, checksum from collector_batches")) {
            const [key, sequences] = params as [string, number[]];
            return sequences.flatMap((sequence) => {
              const batch = stagedBatches.get(`${key}#${sequence}`);
              return batch ? [{ sequence: String(sequence), checksum: batch.checksum }] : [];
            }) as R[];
          }
          if (sql.startsWith("insert into measurements")) {
            const [times, tags, values, qualities] = params as [string[], string[], number[], number[]];
            times.forEach((time, i) => {
              const id = `${tags[i]}@${time}`;
              stagedInserted.push(values[i]!);
              if (!stagedRows.has(id)) stagedRows.set(id, { time, tag: tags[i]!, value: values[i]!, quality: qualities[i]! });
            });
          }
          return [];
        },
      };
      const result = await fn(tx);
      batches.clear();
      for (const [k, v] of stagedBatches) batches.set(k, v);
      rows.clear();
      for (const [k, v] of stagedRows) rows.set(k, v);
      inserted.push(...stagedInserted);
      if (state.loseNextCommitReply) {
        state.loseNextCommitReply = false;
        throw new Error("Connection terminated unexpectedly");
      }
      return result;
    },
  };
  return { db, batches, rows, inserted, notified, state };
}

let dir: string;
let sinks: MeasurementSink[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "aforo-durable-sink-"));
});
afterEach(async () => {
  for (const sink of sinks) await sink.close().catch(() => undefined);
  sinks = [];
  rmSync(dir, { recursive: true, force: true });
});
function track<S extends MeasurementSink>(sink: S): S {
  sinks.push(sink);
  return sink;
}

describe("durable measurement sink (spool + forwarder)", () => {
  it("stores pushed readings in order, one collector_batches row per spool record, and notifies", async () => {
    const fake = fakeDb();
    const sink = track(await openMeasurementSink(fake.db, { spoolDir: dir, collectorKey: KEY, maxBatch: 4 }));
    await sink.push([reading(0), reading(1), reading(2)]);
    await sink.push([reading(3), reading(4), reading(5), reading(6), reading(7), reading(8)]);
    await sink.flush();
    expect([...fake.rows.values()].map((r) => r.value)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]);
    // 3 + (4 + 2): maxBatch splits a group into records.
    expect([...fake.batches.values()].map((b) => b.rowCount)).toEqual([3, 4, 2]);
    expect(fake.notified.length).toBeGreaterThan(0);
    expect(sink.stats()).toMatchObject({ durable: true, pending: 0, written: 9, replays: 0, failedAttempts: 0 });
  });

  it("createMeasurementSink with spoolDir is durable too (opens in the background)", async () => {
    const fake = fakeDb();
    const sink = track(createMeasurementSink(fake.db, { spoolDir: dir, collectorKey: KEY }));
    const durable = sink.push([reading(1)]);
    await durable;
    await sink.flush();
    expect(fake.rows.size).toBe(1);
    expect(() => createMeasurementSink(fake.db, { spoolDir: dir })).toThrow(/collectorKey/);
  });

  it("A30-MS-16: while the database is down readings are acknowledged from the spool, then arrive in order exactly once", async () => {
    const fake = fakeDb();
    fake.state.down = true;
    const sink = track(await openMeasurementSink(fake.db, { spoolDir: dir, collectorKey: KEY, maxRetryDelayMs: 20, maxBatch: 3 }));
    for (let i = 0; i < 10; i++) await sink.push([reading(i)]);
    await expect(sink.flush()).rejects.toThrow("ECONNREFUSED");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sink.stats().pending).toBe(10);
    expect(sink.stats().failedAttempts).toBeGreaterThan(1);
    fake.state.down = false;
    await expect.poll(() => sink.stats().pending, { timeout: 2000 }).toBe(0);
    expect([...fake.rows.values()].map((r) => r.value)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect(fake.inserted).toHaveLength(10);
  });

  it("A30-MS-14: a batch whose COMMIT reply was lost is re-sent, recognised as a replay and stored once", async () => {
    const fake = fakeDb();
    const replays: BatchRef[] = [];
    const sink = track(
      await openMeasurementSink(fake.db, { spoolDir: dir, collectorKey: KEY, maxRetryDelayMs: 10, onReplay: (batch) => replays.push(batch) }),
    );
    fake.state.loseNextCommitReply = true;
    await sink.push([reading(1), reading(2)]);
    await expect.poll(() => sink.stats().pending, { timeout: 2000 }).toBe(0);
    expect(fake.inserted).toEqual([1001, 1002]); // inserted by the first attempt only
    expect(replays).toHaveLength(1);
    expect(replays[0]).toMatchObject({ collectorKey: KEY, rowCount: 2 });
    expect(sink.stats()).toMatchObject({ replays: 1, written: 0, failedAttempts: 1 });
  });

  it("a sequence already stored with another checksum is reported as a transmission error and its readings are still stored", async () => {
    const fake = fakeDb();
    const mismatches: ChecksumMismatch[] = [];
    const sink = track(
      await openMeasurementSink(fake.db, {
        spoolDir: dir,
        collectorKey: KEY,
        spool: { initialSequence: 500 },
        onChecksumMismatch: (batch) => mismatches.push(batch),
      }),
    );
    fake.batches.set(`${KEY}#500`, { checksum: "f".repeat(64), rowCount: 1 });
    await sink.push([reading(7)]);
    await sink.flush();
    expect(mismatches).toEqual([expect.objectContaining({ sequence: 500, storedChecksum: "f".repeat(64) })]);
    expect(fake.rows.size).toBe(1);
    expect(sink.stats().checksumMismatches).toBe(1);
  });

  it("survives close with the database down: the next sink on the same spool sends what was left", async () => {
    const fake = fakeDb();
    fake.state.down = true;
    const first = await openMeasurementSink(fake.db, { spoolDir: dir, collectorKey: KEY, closeTimeoutMs: 50, maxRetryDelayMs: 10 });
    await first.push([reading(1), reading(2), reading(3)]);
    const started = Date.now();
    await first.close();
    expect(Date.now() - started).toBeLessThan(2000);
    fake.state.down = false;
    const second = track(await openMeasurementSink(fake.db, { spoolDir: dir, collectorKey: KEY }));
    await second.flush();
    expect([...fake.rows.values()].map((r) => r.value)).toEqual([1001, 1002, 1003]);
    expect(() => first.push([reading(4)])).toThrow(/cerrado/);
  });

  it("refuses readings when the spool is full (rejected promise, counted, state full) and rejects invalid ones", async () => {
    const fake = fakeDb();
    fake.state.down = true;
    const sink = track(
      await openMeasurementSink(fake.db, { spoolDir: dir, collectorKey: KEY, spool: { maxBytes: 4096, segmentBytes: 1024 }, maxRetryDelayMs: 10_000 }),
    );
    let refusedError: unknown = null;
    for (let i = 0; i < 500 && !refusedError; i++) {
      await sink.push([reading(i)]).catch((error: unknown) => {
        refusedError = error;
      });
    }
    expect(refusedError).toBeInstanceOf(SpoolFullError);
    expect(sink.stats()).toMatchObject({ refused: 1, spool: expect.objectContaining({ state: "full" }) });
    // Ignoring the promise is safe (no unhandled rejection).
    void sink.push([reading(9999)]);
    await sink.push([{ ...reading(1), value: Number.NaN }]);
    expect(sink.stats().rejected).toBe(1);
  });
});
