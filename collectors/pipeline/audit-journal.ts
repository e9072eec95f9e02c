import { mkdirSync } from "node:fs";
import { open, readFile, rename, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Database } from "../../db/client";
import { insertTankReadings, type NewTankReading } from "../../db/repositories/tank-readings";
import type { Logger } from "../../server/platform/logger";
import { crc32 } from "../spool/crc32";

/**
 * Durable journal of the pipeline's audit rows (`tank_readings`, A30-MS-16, A30-MS-18): the rows
 * with the gross/net volume computed by the collector wait on disk, not in memory, while the
 * database is out of reach, and survive a kill -9 or a power cut of the collector.
 *
 *   <dir>/journal.log     frames: magic u32 "AFT1" | payloadLength u32 | crc32(payload) u32 |
 *                         rowCount u32 | payload (UTF-8 JSON array of rows, times in ms)
 *   <dir>/cursor.json     {"offset": N}: bytes of journal.log already stored in the database
 *
 * DURABILITY POINT: `append` resolves after the frame is written and `fdatasync`ed. `flush` reads
 * the frames after the cursor, inserts their rows in ONE transaction (`on conflict do nothing` on
 * tank_readings_tank_system_time_unique, nulls not distinct), then moves the cursor (temp file +
 * fsync + rename + directory fsync). A crash between COMMIT and the cursor re-sends those rows at
 * the next start and the unique key keeps them once: stored exactly once.
 *
 * When everything is stored the journal is emptied: cursor 0 first, then the file truncated — a
 * crash between the two only re-sends rows that are already stored (ignored). A torn frame at the
 * end (killed mid-write) is cut off at open; it was never acknowledged.
 *
 * Small by nature (one row per tank per audit interval, e.g. 9 tanks × 1/min ≈ 13 000 rows a
 * day), so `flush` reads the pending part of the file in pieces of at most `maxFlushRows` rows.
 * One process owns the directory: the collector's spool lock (opened first) guarantees it.
 */
export interface TankAuditJournal {
  readonly dir: string;
  /** Appends rows; resolves once they are fsync'd. */
  append(rows: readonly NewTankReading[]): Promise<void>;
  /** Stores every journaled row; rejects if the database fails (the rows stay on disk). Resolves to rows newly inserted. */
  flush(): Promise<number>;
  /** Rows on disk not yet stored. */
  pending(): number;
  close(): Promise<void>;
}

export type AuditJournalDb = Pick<Database, "query" | "transaction">;

const MAGIC = 0x31544641; // "AFT1" little-endian
const HEADER_BYTES = 16;
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
const JOURNAL = "journal.log";
const CURSOR = "cursor.json";

interface StoredRow extends Omit<NewTankReading, "time"> {
  timeMs: number;
}

export function encodeAuditFrame(rows: readonly NewTankReading[]): Buffer {
  const payload = Buffer.from(JSON.stringify(rows.map(({ time, ...rest }) => ({ ...rest, timeMs: time.getTime() }) satisfies StoredRow)), "utf8");
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`registro de auditoría demasiado grande: ${payload.length} bytes`);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32LE(MAGIC, 0);
  frame.writeUInt32LE(payload.length, 4);
  frame.writeUInt32LE(crc32(payload, 0, payload.length), 8);
  frame.writeUInt32LE(rows.length, 12);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

/** Complete, CRC-valid frames from `from`; `end` is where the valid part stops. */
export function scanAuditFrames(buffer: Buffer, from = 0): { frames: Array<{ start: number; end: number; rows: number }>; end: number } {
  const frames: Array<{ start: number; end: number; rows: number }> = [];
  let at = from;
  while (at + HEADER_BYTES <= buffer.length) {
    if (buffer.readUInt32LE(at) !== MAGIC) break;
    const length = buffer.readUInt32LE(at + 4);
    if (length > MAX_PAYLOAD_BYTES || at + HEADER_BYTES + length > buffer.length) break;
    if (crc32(buffer, at + HEADER_BYTES, at + HEADER_BYTES + length) !== buffer.readUInt32LE(at + 8)) break;
    frames.push({ start: at, end: at + HEADER_BYTES + length, rows: buffer.readUInt32LE(at + 12) });
    at += HEADER_BYTES + length;
  }
  return { frames, end: at };
}

export function decodeAuditFrame(buffer: Buffer, frame: { start: number; end: number }): NewTankReading[] {
  const rows = JSON.parse(buffer.toString("utf8", frame.start + HEADER_BYTES, frame.end)) as StoredRow[];
  return rows.map(({ timeMs, ...rest }) => ({ ...rest, time: new Date(timeMs) }));
}

export async function openTankAuditJournal(options: { dir: string; db: AuditJournalDb; logger?: Logger; maxFlushRows?: number; fsync?: boolean }): Promise<TankAuditJournal> {
  const { dir, db, logger } = options;
  const maxFlushRows = options.maxFlushRows ?? 500;
  const doFsync = options.fsync ?? true;
  mkdirSync(dir, { recursive: true });
  const journalPath = path.join(dir, JOURNAL);
  const cursorPath = path.join(dir, CURSOR);

  let cursor = 0;
  try {
    const parsed = JSON.parse(await readFile(cursorPath, "utf8")) as { offset?: unknown };
    if (typeof parsed.offset === "number" && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0) cursor = parsed.offset;
  } catch {
    cursor = 0;
  }
  const handle: FileHandle = await open(journalPath, "a+");
  let size: number;
  let pendingRows = 0;
  {
    const contents = await readFile(journalPath);
    const scan = scanAuditFrames(contents);
    if (scan.end < contents.length) {
      logger?.warn({ dir, kept: scan.end, dropped: contents.length - scan.end }, "diario de auditoría de tanques: se descarta un registro incompleto al final (escritura interrumpida)");
      await handle.truncate(scan.end);
      await handle.datasync();
    }
    size = scan.end;
    // A cursor that does not fall on a frame boundary (or past the end) cannot be trusted: start
    // over; rows already stored are ignored by the unique key.
    if (cursor !== 0 && !scan.frames.some((f) => f.end === cursor)) {
      logger?.warn({ dir, cursor, size }, "diario de auditoría de tanques: cursor inválido; se reenvía todo (sin duplicados)");
      cursor = 0;
    }
    for (const frame of scan.frames) if (frame.start >= cursor) pendingRows += frame.rows;
  }
  await syncDir(dir, doFsync);

  // Every file operation runs in this chain: appends, flushes and the emptying never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  let closed = false;

  async function writeCursor(offset: number): Promise<void> {
    const temp = `${cursorPath}.tmp`;
    await writeFile(temp, JSON.stringify({ offset }));
    if (doFsync) {
      const tempHandle = await open(temp, "r+");
      await tempHandle.datasync();
      await tempHandle.close();
    }
    await rename(temp, cursorPath);
    await syncDir(dir, doFsync);
    cursor = offset;
  }

  async function flushOnce(): Promise<number> {
    let inserted = 0;
    while (cursor < size) {
      const length = size - cursor;
      const buffer = Buffer.allocUnsafe(length);
      await handle.read(buffer, 0, length, cursor);
      const scan = scanAuditFrames(buffer);
      if (scan.frames.length === 0) throw new Error(`diario de auditoría de tanques dañado en el byte ${cursor}`);
      const rows: NewTankReading[] = [];
      let upTo = 0;
      for (const frame of scan.frames) {
        if (rows.length > 0 && rows.length + frame.rows > maxFlushRows) break;
        rows.push(...decodeAuditFrame(buffer, frame));
        upTo = frame.end;
      }
      inserted += await db.transaction((tx) => insertTankReadings(tx, rows));
      await writeCursor(cursor + upTo);
      pendingRows -= rows.length;
    }
    if (cursor > 0 && cursor === size) {
      await writeCursor(0);
      await handle.truncate(0);
      if (doFsync) await handle.datasync();
      size = 0;
    }
    return inserted;
  }

  return {
    dir,
    append(rows) {
      if (closed) return Promise.reject(new Error("el diario de auditoría de tanques está cerrado"));
      if (rows.length === 0) return Promise.resolve();
      const frame = encodeAuditFrame(rows);
      return serial(async () => {
        // "a+": every write goes to the end of the file, whatever the position.
        await handle.write(frame, 0, frame.length);
        if (doFsync) await handle.datasync();
        size += frame.length;
        pendingRows += rows.length;
      });
    },
    flush: () => serial(flushOnce),
    pending: () => pendingRows,
    async close() {
      if (closed) return;
      closed = true;
      await serial(async () => handle.close());
    },
  };
}

async function syncDir(dir: string, doFsync: boolean): Promise<void> {
  if (!doFsync) return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // some file systems refuse fsync on a directory; the data file itself is synced
  } finally {
    await handle.close();
  }
}
