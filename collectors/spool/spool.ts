import { existsSync, readFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, unlink, writeFile, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Reading } from "../../server/contracts/measurement";
import type { Logger } from "../../server/platform/logger";
import { checkFrame, decodeRecord, encodeRecord, FRAME_HEADER_BYTES, PAYLOAD_HEADER_BYTES, readingBytes, type DecodedRecord } from "./record";

/**
 * Durable append-only local queue of readings (store-and-forward, A30-MS-16).
 *
 * Layout of the spool directory (one per collector, e.g. `<dataDir>/spool/<collectorKey>/`):
 *
 *   seg-<first sequence, 20 digits>.log   segments of framed records (record.ts), append-only
 *   cursor.json                           last sequence confirmed stored in the database
 *   spool.lock                            owner process (pid + boot id); a dead owner's lock is taken over
 *
 * Write path (group commit): `append` only stages readings and returns a promise. One writer
 * turns everything staged so far into records of at most `maxRecordReadings` readings, each with
 * the next sequence number, appends them to the active segment in one `write`, and `fdatasync`s.
 * Appends that arrive during that fsync form the next group, so many readings share one fsync.
 *
 *   DURABILITY POINT: the promise of `append` resolves only after the fsync of the records that
 *   hold its readings. Only then is a reading acknowledged (to the driver, to a test's log) and
 *   visible to `read`: the forwarder never sends a record that is not on disk.
 *
 * Sequence numbers are consecutive per spool and never reused: they are recovered from the
 * records and the cursor at start-up, and a brand-new spool starts at `Date.now() × 1000`, so a
 * spool that was wiped cannot collide with sequences the database already holds for this
 * collector (collector_batches primary key, A30-MS-14).
 *
 * Read/consume path: the forwarder `read`s durable records after the cursor in order, stores
 * them, then `commit`s the last stored sequence: the cursor is replaced atomically (write a temp
 * file, fsync it, rename over cursor.json, fsync the directory) and segments whose records are all
 * committed are deleted. A crash between the database commit and the cursor write re-sends those
 * records at the next start; the forwarder recognises them by (collector, sequence, checksum).
 *
 * Recovery (`openSpool`): every segment is scanned; complete CRC-valid frames are kept. A bad
 * frame at the end of the last segment is a torn tail (kill -9 or power loss in the middle of a
 * write): the file is truncated to the last complete record. A bad frame in an older segment is
 * corruption: the bytes from there on are moved to `<segment>.corrupt-<time>` and reported, never
 * silently discarded.
 *
 * Bounded size: `maxBytes` (segments on disk + staged). Crossing `highWaterRatio` emits a
 * "high-water" event ("spool casi lleno"); an append that does not fit is refused as a whole with
 * `SpoolFullError` (state "full"): readings are refused, never dropped after being accepted.
 */

export const DEFAULT_SPOOL_MAX_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024;
export const DEFAULT_HIGH_WATER_RATIO = 0.8;
export const DEFAULT_MAX_RECORD_READINGS = 5000;

const SEGMENT_PATTERN = /^seg-(\d{20})\.log$/;
const CURSOR_FILE = "cursor.json";
const LOCK_FILE = "spool.lock";
/** Hysteresis: "normal" again only once the fill ratio drops this far below the high-water mark. */
const HIGH_WATER_HYSTERESIS = 0.05;

export interface SpoolOptions {
  /** Directory of this collector's spool (created if missing). */
  dir: string;
  /** Bound of the spool on disk (segments + staged). Default 1 GiB. */
  maxBytes?: number;
  /** Segment size that triggers rotation (at a group boundary). Default 16 MiB, at most maxBytes / 4. */
  segmentBytes?: number;
  /** Fill ratio of the "spool casi lleno" event. Default 0.8. */
  highWaterRatio?: number;
  /** Readings per record (one sequence number each). Default 5000. */
  maxRecordReadings?: number;
  /** Sequence of the first record of a brand-new spool. Default Date.now() × 1000. */
  initialSequence?: number;
  /** fsync on every group (default true). false only for measurements that want to isolate its cost. */
  fsync?: boolean;
  onEvent?: (event: SpoolEvent) => void;
  logger?: Logger;
}

export type SpoolEvent =
  | { type: "recovered"; segments: number; pendingRecords: number; pendingReadings: number; truncatedBytes: number; nextSequence: number }
  | { type: "torn-tail"; segment: string; offset: number; truncatedBytes: number; reason: string }
  | { type: "corrupt"; segment: string; offset: number; quarantinedBytes: number; quarantineFile: string; reason: string }
  | { type: "high-water"; usedBytes: number; maxBytes: number; ratio: number }
  | { type: "normal"; usedBytes: number; maxBytes: number; ratio: number }
  | { type: "full"; usedBytes: number; maxBytes: number; refusedReadings: number }
  | { type: "write-error"; error: Error };

export type SpoolState = "ok" | "high-water" | "full" | "failed" | "closed";

export interface SpoolStatus {
  state: SpoolState;
  usedBytes: number;
  maxBytes: number;
  /** (bytes on disk + staged) / maxBytes. */
  fillRatio: number;
  segments: number;
  /** Last durable (fsync'd) sequence; equals committedSequence when nothing was written yet. */
  lastSequence: number;
  /** Last sequence the consumer confirmed (cursor). */
  committedSequence: number;
  /** Durable records/readings not yet committed. */
  pendingRecords: number;
  pendingReadings: number;
  /** Accepted readings whose fsync has not completed yet. */
  stagedReadings: number;
  refusedReadings: number;
  lastError: string | null;
}

export interface AppendReceipt {
  /** Sequences of the records that hold the appended readings (a group may span several). */
  firstSequence: number;
  lastSequence: number;
}

export interface SpoolRecord extends DecodedRecord {
  count: number;
}

export class SpoolFullError extends Error {
  readonly code = "SPOOL_FULL";
  constructor(
    readonly usedBytes: number,
    readonly maxBytes: number,
    readonly refusedReadings: number,
  ) {
    super(`spool lleno: ${usedBytes} de ${maxBytes} bytes en uso; ${refusedReadings} lecturas rechazadas (no se guardaron)`);
    this.name = "SpoolFullError";
  }
}

export class SpoolLockedError extends Error {
  readonly code = "SPOOL_LOCKED";
  constructor(dir: string, pid: number) {
    super(`el spool ${dir} está en uso por el proceso ${pid}`);
    this.name = "SpoolLockedError";
  }
}

export interface Spool {
  readonly dir: string;
  /**
   * Accepts the readings (all or none) and resolves once they are fsync'd: the durability point.
   * Throws SpoolFullError synchronously when they do not fit (nothing is accepted then).
   */
  append(readings: readonly Reading[]): Promise<AppendReceipt>;
  /** Resolves once everything accepted so far is durable. */
  sync(): Promise<void>;
  /** Durable records with sequence > afterSequence, in order, up to ~maxReadings readings (at least one record). */
  read(afterSequence: number, maxReadings: number): Promise<SpoolRecord[]>;
  /** Confirms everything up to `sequence` is stored downstream: moves the cursor, deletes consumed segments. */
  commit(sequence: number): Promise<void>;
  /** Called after every durable group with the last durable sequence. Returns the unsubscribe function. */
  onDurable(listener: (lastSequence: number) => void): () => void;
  status(): SpoolStatus;
  /** Finishes the pending group write and the cursor, releases files and the lock. */
  close(): Promise<void>;
}

interface Segment {
  name: string;
  file: string;
  firstSequence: number;
  lastSequence: number;
  size: number;
  readHandle: FileHandle | null;
}

interface IndexEntry {
  sequence: number;
  count: number;
  segment: Segment;
  offset: number;
  frameBytes: number;
}

interface Group {
  readings: Reading[];
  bodyBytes: number[];
  reservedBytes: number;
  promise: Promise<AppendReceipt>;
  resolve: (receipt: AppendReceipt) => void;
  reject: (error: Error) => void;
}

export async function openSpool(options: SpoolOptions): Promise<Spool> {
  const spool = new FileSpool(options);
  await spool.open();
  return spool;
}

/** Spool directory convention: `<dataDir>/spool/<collectorKey>`. */
export function spoolDirFor(dataDir: string, collectorKey: string): string {
  if (!/^[0-9A-Za-z][0-9A-Za-z_.-]*$/.test(collectorKey)) throw new Error(`clave de colector inválida para el spool: ${collectorKey}`);
  return path.join(dataDir, "spool", collectorKey);
}

class FileSpool implements Spool {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly highWaterRatio: number;
  private readonly maxRecordReadings: number;
  private readonly doFsync: boolean;
  private readonly options: SpoolOptions;
  private readonly logger: Logger | undefined;

  private segments: Segment[] = [];
  private active: Segment | null = null;
  private activeHandle: FileHandle | null = null;
  /** Durable, uncommitted records in sequence order (entries before `head` are consumed). */
  private index: IndexEntry[] = [];
  private head = 0;
  private pendingReadings = 0;
  private nextSequence = 0;
  private committedSequence = 0;
  private lastDurableSequence = 0;
  private diskBytes = 0;
  private stagedBytes = 0;
  private stagedReadings = 0;
  private refusedReadings = 0;
  private state: SpoolState = "ok";
  private lastError: string | null = null;
  private failure: Error | null = null;
  private closed = false;

  private openGroup: Group | null = null;
  private writing: Promise<void> | null = null;
  private commitChain: Promise<void> = Promise.resolve();
  private readonly durableListeners = new Set<(lastSequence: number) => void>();

  constructor(options: SpoolOptions) {
    this.options = options;
    this.dir = path.resolve(options.dir);
    this.maxBytes = options.maxBytes ?? DEFAULT_SPOOL_MAX_BYTES;
    this.segmentBytes = options.segmentBytes ?? Math.min(DEFAULT_SEGMENT_BYTES, Math.floor(this.maxBytes / 4));
    this.highWaterRatio = options.highWaterRatio ?? DEFAULT_HIGH_WATER_RATIO;
    this.maxRecordReadings = options.maxRecordReadings ?? DEFAULT_MAX_RECORD_READINGS;
    this.doFsync = options.fsync ?? true;
    this.logger = options.logger;
    if (!(this.maxBytes > 0)) throw new RangeError(`maxBytes debe ser > 0: ${this.maxBytes}`);
    if (!(this.segmentBytes > 0) || this.segmentBytes > this.maxBytes / 4) {
      throw new RangeError(`segmentBytes debe estar entre 1 y maxBytes / 4: ${this.segmentBytes}`);
    }
    if (!(this.highWaterRatio > 0 && this.highWaterRatio <= 1)) throw new RangeError(`highWaterRatio fuera de (0, 1]: ${this.highWaterRatio}`);
    if (!(this.maxRecordReadings > 0)) throw new RangeError(`maxRecordReadings debe ser > 0: ${this.maxRecordReadings}`);
  }

  // ── start-up ──────────────────────────────────────────────────────────────────────────────

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    if (OPEN_IN_THIS_PROCESS.has(this.dir)) throw new SpoolLockedError(this.dir, process.pid);
    OPEN_IN_THIS_PROCESS.add(this.dir);
    try {
      await this.acquireLock();
    } catch (error) {
      OPEN_IN_THIS_PROCESS.delete(this.dir);
      throw error;
    }
    try {
      await this.recover();
    } catch (error) {
      await this.releaseLock();
      throw error;
    }
  }

  private async acquireLock(): Promise<void> {
    const lockFile = path.join(this.dir, LOCK_FILE);
    const bootId = currentBootId();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await open(lockFile, "wx");
        await handle.writeFile(JSON.stringify({ pid: process.pid, bootId, since: new Date().toISOString() }));
        await handle.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      let owner: { pid?: number; bootId?: string | null } = {};
      try {
        owner = JSON.parse(await readFile(lockFile, "utf8")) as typeof owner;
      } catch {
        // Unreadable or half-written lock (its writer died): stale.
      }
      const pid = typeof owner.pid === "number" ? owner.pid : -1;
      const sameBoot = !owner.bootId || !bootId || owner.bootId === bootId;
      // Our own pid in a lock we do not hold is a previous life of this process slot (a container
      // restarted: the collector is pid 1 again), not a live owner.
      const alive = pid === process.pid ? false : processAlive(pid);
      if (pid > 0 && sameBoot && alive) throw new SpoolLockedError(this.dir, pid);
      this.logger?.warn({ dir: this.dir, pid }, "bloqueo del spool abandonado (proceso terminado): se reutiliza");
      await unlink(lockFile).catch(() => undefined);
    }
    throw new Error(`no se pudo bloquear el spool ${this.dir}`);
  }

  private async releaseLock(): Promise<void> {
    await unlink(path.join(this.dir, LOCK_FILE)).catch(() => undefined);
    OPEN_IN_THIS_PROCESS.delete(this.dir);
  }

  private async recover(): Promise<void> {
    await unlink(path.join(this.dir, `${CURSOR_FILE}.tmp`)).catch(() => undefined);
    const cursor = await this.readCursor();
    const names = (await readdir(this.dir)).filter((name) => SEGMENT_PATTERN.test(name)).sort();
    let truncatedBytes = 0;
    let previousSequence = -1;
    const found: Array<{ segment: Segment; entries: IndexEntry[] }> = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const file = path.join(this.dir, name);
      const bytes = await readFile(file);
      const segment: Segment = { name, file, firstSequence: -1, lastSequence: -1, size: 0, readHandle: null };
      const entries: IndexEntry[] = [];
      let offset = 0;
      let badReason: string | null = null;
      while (offset < bytes.length) {
        const check = checkFrame(bytes, offset);
        if (!check.ok) {
          badReason = check.reason;
          break;
        }
        if (check.sequence <= previousSequence) {
          badReason = `secuencia fuera de orden (${check.sequence} tras ${previousSequence})`;
          break;
        }
        entries.push({ sequence: check.sequence, count: check.count, segment, offset, frameBytes: check.frameBytes });
        previousSequence = check.sequence;
        offset += check.frameBytes;
      }
      if (badReason !== null) {
        const lost = bytes.length - offset;
        if (i === names.length - 1) {
          // Torn tail: the last write did not complete (kill -9, power loss). Its group was never
          // acknowledged (the fsync did not return), so truncating loses nothing acknowledged.
          await this.truncateFile(file, offset);
          truncatedBytes += lost;
          this.emit({ type: "torn-tail", segment: name, offset, truncatedBytes: lost, reason: badReason });
          this.logger?.warn({ segment: name, offset, truncatedBytes: lost, reason: badReason }, "spool: escritura incompleta truncada al recuperar");
        } else {
          const quarantineFile = `${file}.corrupt-${Date.now()}`;
          await writeFile(quarantineFile, bytes.subarray(offset));
          await this.truncateFile(file, offset);
          this.emit({ type: "corrupt", segment: name, offset, quarantinedBytes: lost, quarantineFile, reason: badReason });
          this.logger?.error({ segment: name, offset, quarantineFile, reason: badReason }, "spool: segmento dañado; el resto se apartó sin borrarlo");
        }
      }
      segment.size = offset;
      if (entries.length > 0) {
        segment.firstSequence = entries[0]!.sequence;
        segment.lastSequence = entries[entries.length - 1]!.sequence;
      }
      found.push({ segment, entries });
    }

    const lastFound = previousSequence;
    if (cursor !== null) this.committedSequence = cursor;
    else if (found.some((f) => f.entries.length > 0)) {
      // Segments without a cursor (cursor deleted by hand): resend everything; the forwarder
      // recognises what the database already has.
      this.committedSequence = found.find((f) => f.entries.length > 0)!.entries[0]!.sequence - 1;
      this.logger?.warn({ dir: this.dir }, "spool sin cursor: se reenviarán todos los registros (los repetidos se detectan)");
    } else {
      const initial = this.options.initialSequence ?? Date.now() * 1000;
      if (!Number.isSafeInteger(initial) || initial < 1) throw new RangeError(`initialSequence inválida: ${initial}`);
      this.committedSequence = initial - 1;
    }
    if (cursor === null) await this.writeCursor(this.committedSequence);

    for (const { segment, entries } of found) {
      const consumed = entries.length === 0 || segment.lastSequence <= this.committedSequence;
      if (consumed) {
        await unlink(segment.file);
        continue;
      }
      this.segments.push(segment);
      this.diskBytes += segment.size;
      for (const entry of entries) {
        if (entry.sequence <= this.committedSequence) continue;
        this.index.push(entry);
        this.pendingReadings += entry.count;
      }
    }
    await this.syncDir();
    this.lastDurableSequence = Math.max(this.committedSequence, lastFound);
    this.nextSequence = this.lastDurableSequence + 1;
    const last = this.segments[this.segments.length - 1];
    if (last && last.size < this.segmentBytes) {
      this.active = last;
      this.activeHandle = await open(last.file, "a");
    }
    this.updateFillState();
    this.emit({
      type: "recovered",
      segments: this.segments.length,
      pendingRecords: this.index.length,
      pendingReadings: this.pendingReadings,
      truncatedBytes,
      nextSequence: this.nextSequence,
    });
  }

  private async readCursor(): Promise<number | null> {
    const file = path.join(this.dir, CURSOR_FILE);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as { committedSequence?: unknown };
      if (typeof parsed.committedSequence === "number" && Number.isSafeInteger(parsed.committedSequence) && parsed.committedSequence >= 0) {
        return parsed.committedSequence;
      }
    } catch {
      // fall through
    }
    // The cursor is replaced by rename, so this is damage from outside; resending is safe.
    this.logger?.error({ file }, "cursor del spool ilegible: se reenviarán los registros pendientes");
    return null;
  }

  private async truncateFile(file: string, size: number): Promise<void> {
    const handle = await open(file, "r+");
    try {
      await handle.truncate(size);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  // ── write path ────────────────────────────────────────────────────────────────────────────

  append(readings: readonly Reading[]): Promise<AppendReceipt> {
    if (this.closed) throw new Error("el spool está cerrado");
    if (this.failure) throw this.failure;
    if (readings.length === 0) {
      return Promise.resolve({ firstSequence: this.lastDurableSequence, lastSequence: this.lastDurableSequence });
    }
    const sizes: number[] = new Array(readings.length);
    let body = 0;
    for (let i = 0; i < readings.length; i++) {
      const bytes = readingBytes(readings[i]!);
      sizes[i] = bytes;
      body += bytes;
    }
    // Worst case framing: this append may open new records (one header per maxRecordReadings) and
    // may split the current group's last record.
    const overhead = (Math.ceil(readings.length / this.maxRecordReadings) + 1) * (FRAME_HEADER_BYTES + PAYLOAD_HEADER_BYTES);
    const reserved = body + overhead;
    if (this.diskBytes + this.stagedBytes + reserved > this.maxBytes) {
      this.refusedReadings += readings.length;
      const error = new SpoolFullError(this.diskBytes + this.stagedBytes, this.maxBytes, readings.length);
      this.lastError = error.message;
      if (this.state !== "full") this.logger?.error({ dir: this.dir, usedBytes: this.diskBytes + this.stagedBytes, maxBytes: this.maxBytes }, "spool lleno: se rechazan lecturas");
      this.state = "full";
      this.emit({ type: "full", usedBytes: this.diskBytes + this.stagedBytes, maxBytes: this.maxBytes, refusedReadings: readings.length });
      throw error;
    }
    let group = this.openGroup;
    if (!group) {
      let resolve!: (receipt: AppendReceipt) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<AppendReceipt>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Callers may ignore the promise; a write error is also reported by event and status.
      promise.catch(() => undefined);
      group = { readings: [], bodyBytes: [], reservedBytes: 0, promise, resolve, reject };
      this.openGroup = group;
    }
    for (let i = 0; i < readings.length; i++) {
      group.readings.push(readings[i]!);
      group.bodyBytes.push(sizes[i]!);
    }
    group.reservedBytes += reserved;
    this.stagedBytes += reserved;
    if (this.state === "full") this.state = "high-water";
    this.stagedReadings += readings.length;
    this.updateFillState();
    this.kickWriter();
    return group.promise;
  }

  async sync(): Promise<void> {
    while (this.writing || this.openGroup) {
      if (this.writing) await this.writing;
      else this.kickWriter();
    }
    if (this.failure) throw this.failure;
  }

  private kickWriter(): void {
    if (this.writing || !this.openGroup) return;
    // setImmediate: readings delivered in the same turn of the event loop (one OPC UA publish
    // response = many `changed` events) join the same group.
    this.writing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.writeLoop())
      .finally(() => {
        this.writing = null;
        if (this.openGroup) this.kickWriter();
      });
  }

  private async writeLoop(): Promise<void> {
    while (this.openGroup) {
      const group = this.openGroup;
      this.openGroup = null;
      if (this.failure) {
        group.reject(this.failure);
        this.stagedBytes -= group.reservedBytes;
        this.stagedReadings -= group.readings.length;
        continue;
      }
      try {
        const receipt = await this.writeGroup(group);
        group.resolve(receipt);
        for (const listener of this.durableListeners) {
          try {
            listener(this.lastDurableSequence);
          } catch (error) {
            this.logger?.error({ err: error }, "un observador del spool lanzó un error");
          }
        }
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        this.lastError = err.message;
        this.emit({ type: "write-error", error: err });
        this.logger?.error({ err, dir: this.dir }, "no se pudo escribir en el spool");
        group.reject(err);
      } finally {
        this.stagedBytes -= group.reservedBytes;
        this.stagedReadings -= group.readings.length;
        this.updateFillState();
      }
    }
  }

  private async writeGroup(group: Group): Promise<AppendReceipt> {
    // Rotation at group boundaries: a group's records go to one segment, so a failed write is
    // undone by truncating one file.
    if (this.active && this.active.size >= this.segmentBytes) await this.sealActive();
    if (!this.active) await this.createSegment(this.nextSequence);
    const segment = this.active!;
    const handle = this.activeHandle!;
    const sizeBefore = segment.size;
    const firstSequence = this.nextSequence;
    const frames: Buffer[] = [];
    const entries: IndexEntry[] = [];
    let offset = segment.size;
    for (let start = 0; start < group.readings.length; start += this.maxRecordReadings) {
      const end = Math.min(group.readings.length, start + this.maxRecordReadings);
      let body = 0;
      for (let i = start; i < end; i++) body += group.bodyBytes[i]!;
      const sequence = firstSequence + frames.length;
      const frame = encodeRecord(sequence, end - start === group.readings.length ? group.readings : group.readings.slice(start, end), body);
      frames.push(frame);
      entries.push({ sequence, count: end - start, segment, offset, frameBytes: frame.length });
      offset += frame.length;
    }
    const bytes = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
    try {
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      if (this.doFsync) await handle.datasync();
    } catch (error) {
      // Undo the partial group so that the segment ends with a complete record. If even that
      // fails, the spool stops accepting: recovery at the next start truncates the tail.
      try {
        await handle.truncate(sizeBefore);
      } catch (truncateError) {
        this.failure = new Error(`spool inutilizable tras un error de escritura: ${(truncateError as Error).message}`);
        this.state = "failed";
      }
      throw error;
    }
    segment.size = offset;
    this.diskBytes += bytes.length;
    if (segment.firstSequence < 0) segment.firstSequence = firstSequence;
    const lastSequence = firstSequence + frames.length - 1;
    segment.lastSequence = lastSequence;
    this.nextSequence = lastSequence + 1;
    this.lastDurableSequence = lastSequence;
    for (const entry of entries) {
      this.index.push(entry);
      this.pendingReadings += entry.count;
    }
    return { firstSequence, lastSequence };
  }

  private async sealActive(): Promise<void> {
    if (this.activeHandle) {
      if (this.doFsync) await this.activeHandle.sync();
      await this.activeHandle.close();
    }
    this.activeHandle = null;
    this.active = null;
  }

  private async createSegment(firstSequence: number): Promise<void> {
    const name = `seg-${String(firstSequence).padStart(20, "0")}.log`;
    const file = path.join(this.dir, name);
    const handle = await open(file, "a");
    // The new directory entry must be durable before records in it are acknowledged.
    await this.syncDir();
    const segment: Segment = { name, file, firstSequence: -1, lastSequence: -1, size: 0, readHandle: null };
    this.segments.push(segment);
    this.active = segment;
    this.activeHandle = handle;
  }

  // ── read / consume path ───────────────────────────────────────────────────────────────────

  async read(afterSequence: number, maxReadings: number): Promise<SpoolRecord[]> {
    let i = this.lowerBound(afterSequence + 1);
    const picked: IndexEntry[] = [];
    let readings = 0;
    while (i < this.index.length && (picked.length === 0 || readings + this.index[i]!.count <= maxReadings)) {
      const entry = this.index[i]!;
      picked.push(entry);
      readings += entry.count;
      i++;
    }
    const records: SpoolRecord[] = [];
    let runStart = 0;
    while (runStart < picked.length) {
      // Consecutive records of one segment are contiguous: one read per run.
      let runEnd = runStart + 1;
      while (runEnd < picked.length && picked[runEnd]!.segment === picked[runStart]!.segment) runEnd++;
      const first = picked[runStart]!;
      const last = picked[runEnd - 1]!;
      const length = last.offset + last.frameBytes - first.offset;
      const buffer = Buffer.allocUnsafe(length);
      const handle = await this.readHandle(first.segment);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(buffer, got, length - got, first.offset + got);
        if (bytesRead === 0) throw new Error(`spool: ${first.segment.name} terminó antes de lo esperado`);
        got += bytesRead;
      }
      for (let k = runStart; k < runEnd; k++) {
        const entry = picked[k]!;
        const record = decodeRecord(buffer, entry.offset - first.offset);
        if (record.sequence !== entry.sequence) throw new Error(`spool: se esperaba la secuencia ${entry.sequence} y se leyó ${record.sequence}`);
        records.push({ ...record, count: entry.count });
      }
      runStart = runEnd;
    }
    return records;
  }

  private lowerBound(sequence: number): number {
    let lo = this.head;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.index[mid]!.sequence < sequence) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async readHandle(segment: Segment): Promise<FileHandle> {
    segment.readHandle ??= await open(segment.file, "r");
    return segment.readHandle;
  }

  commit(sequence: number): Promise<void> {
    const run = this.commitChain.then(() => this.doCommit(sequence));
    this.commitChain = run.catch(() => undefined);
    return run;
  }

  private async doCommit(sequence: number): Promise<void> {
    if (sequence <= this.committedSequence) return;
    if (sequence > this.lastDurableSequence) {
      throw new Error(`commit(${sequence}) más allá del último registro durable (${this.lastDurableSequence})`);
    }
    await this.writeCursor(sequence);
    this.committedSequence = sequence;
    while (this.head < this.index.length && this.index[this.head]!.sequence <= sequence) {
      this.pendingReadings -= this.index[this.head]!.count;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.index.length) {
      this.index = this.index.slice(this.head);
      this.head = 0;
    }
    let deleted = false;
    while (this.segments.length > 0) {
      const segment = this.segments[0]!;
      if (segment === this.active || segment.lastSequence < 0 || segment.lastSequence > sequence) break;
      this.segments.shift();
      if (segment.readHandle) await segment.readHandle.close().catch(() => undefined);
      segment.readHandle = null;
      await unlink(segment.file);
      this.diskBytes -= segment.size;
      deleted = true;
    }
    if (deleted) await this.syncDir();
    this.updateFillState();
  }

  private async writeCursor(sequence: number): Promise<void> {
    const file = path.join(this.dir, CURSOR_FILE);
    const temp = `${file}.tmp`;
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(JSON.stringify({ version: 1, committedSequence: sequence, updatedAt: new Date().toISOString() }));
      if (this.doFsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await this.syncDir();
  }

  private async syncDir(): Promise<void> {
    if (!this.doFsync || process.platform === "win32") return;
    const handle = await open(this.dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  // ── status ────────────────────────────────────────────────────────────────────────────────

  onDurable(listener: (lastSequence: number) => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  status(): SpoolStatus {
    const used = this.diskBytes + this.stagedBytes;
    return {
      state: this.state,
      usedBytes: used,
      maxBytes: this.maxBytes,
      fillRatio: used / this.maxBytes,
      segments: this.segments.length,
      lastSequence: this.lastDurableSequence,
      committedSequence: this.committedSequence,
      pendingRecords: this.index.length - this.head,
      pendingReadings: this.pendingReadings,
      stagedReadings: this.stagedReadings,
      refusedReadings: this.refusedReadings,
      lastError: this.lastError,
    };
  }

  private updateFillState(): void {
    if (this.state === "failed" || this.state === "closed") return;
    const used = this.diskBytes + this.stagedBytes;
    const ratio = used / this.maxBytes;
    if (ratio >= this.highWaterRatio) {
      if (this.state === "ok") {
        this.state = "high-water";
        this.logger?.warn({ dir: this.dir, usedBytes: used, maxBytes: this.maxBytes }, "spool casi lleno");
        this.emit({ type: "high-water", usedBytes: used, maxBytes: this.maxBytes, ratio });
      }
    } else if (this.state === "full" || (this.state === "high-water" && ratio < this.highWaterRatio - HIGH_WATER_HYSTERESIS)) {
      this.state = "ok";
      this.emit({ type: "normal", usedBytes: used, maxBytes: this.maxBytes, ratio });
    }
  }

  private emit(event: SpoolEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (error) {
      this.logger?.error({ err: error }, "el observador de eventos del spool lanzó un error");
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.sync();
    } catch {
      // Reported to the appenders already.
    }
    this.closed = true;
    await this.commitChain;
    await this.sealActive().catch(() => undefined);
    for (const segment of this.segments) {
      if (segment.readHandle) await segment.readHandle.close().catch(() => undefined);
      segment.readHandle = null;
    }
    this.state = "closed";
    this.durableListeners.clear();
    await this.releaseLock();
  }
}

/** Spool directories opened by this process (a second open of one is refused). */
const OPEN_IN_THIS_PROCESS = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function currentBootId(): string | null {
  const file = "/proc/sys/kernel/random/boot_id";
  try {
    return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
  } catch {
    return null;
  }
}
