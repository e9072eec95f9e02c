import { QUALITY_BAD, type Reading } from "../../../server/contracts/measurement";

/**
 * Pure bookkeeping that keeps a tag's record continuous and honest across reconnections
 * (A30-MS-15, A30-MS-16): no duplicate (tag, time), readings of one tag in time order, one BAD
 * marker per outage, and the outage's start and end.
 */

/**
 * Per-tag gate between the subscription and the caller.
 *
 * - A server reading whose time is not after the last server reading delivered for that tag is a
 *   re-notification (a fresh subscription's initial values after a rebuild repeat the current
 *   value with its original sourceTimestamp, Part 4 §5.12.1.2): dropped.
 * - Exception: right after an outage marker, an unchanged value is re-stated once at the
 *   collector's time ("valor vigente al restablecer"), so the tag's record does not stay BAD until
 *   the next change. Its time is after the marker; it does not move the server-time baseline, so a
 *   server clock behind the collector's never causes real readings to be dropped.
 * - BAD markers and re-statements use the collector clock, bumped past the tag's last delivered
 *   time so that (tag, time) stays unique and ordered.
 */
export class ReadingGate {
  /** Newest server time delivered per tag (GOOD/UNCERTAIN/BAD from the server). */
  private readonly lastServerMs = new Map<string, number>();
  /** Newest time delivered per tag, whatever its origin. */
  private readonly lastDeliveredMs = new Map<string, number>();
  private readonly lastValue = new Map<string, number>();
  /** Tags whose last delivered reading is an outage marker. */
  private readonly awaitingRestoration = new Set<string>();

  /** Last good value of a tag (repeated in BAD markers; never used in a calculation). */
  lastValueOf(tag: string): number {
    return this.lastValue.get(tag) ?? 0;
  }

  /** A reading that came from the server: the reading to deliver, or null to drop it. */
  admit(reading: Reading, nowMs: number): Reading | null {
    const tag = reading.tag;
    const timeMs = reading.time.getTime();
    const lastServer = this.lastServerMs.get(tag);
    if (lastServer !== undefined && timeMs <= lastServer) {
      if (!this.awaitingRestoration.has(tag) || reading.quality === QUALITY_BAD) return null;
      const restated = { ...reading, time: new Date(this.nextLocalTime(tag, nowMs)) };
      this.record(restated, false);
      return restated;
    }
    // Newer than anything the server sent for this tag. (If the server clock is behind the
    // collector's, it may precede an outage marker: delivered anyway, losing no data.)
    this.record(reading, true);
    return reading;
  }

  /** An outage marker for a tag: BAD, last value repeated, collector time. */
  marker(tag: string, nowMs: number): Reading {
    const reading: Reading = { tag, time: new Date(this.nextLocalTime(tag, nowMs)), value: this.lastValueOf(tag), quality: QUALITY_BAD };
    this.lastDeliveredMs.set(tag, reading.time.getTime());
    this.awaitingRestoration.add(tag);
    return reading;
  }

  private nextLocalTime(tag: string, nowMs: number): number {
    const floor = Math.max(this.lastDeliveredMs.get(tag) ?? -Infinity, this.lastServerMs.get(tag) ?? -Infinity);
    return Math.max(nowMs, floor + 1);
  }

  private record(reading: Reading, fromServerClock: boolean): void {
    const timeMs = reading.time.getTime();
    if (fromServerClock) this.lastServerMs.set(reading.tag, Math.max(timeMs, this.lastServerMs.get(reading.tag) ?? -Infinity));
    this.lastDeliveredMs.set(reading.tag, Math.max(timeMs, this.lastDeliveredMs.get(reading.tag) ?? -Infinity));
    if (reading.quality !== QUALITY_BAD) this.lastValue.set(reading.tag, reading.value);
    this.awaitingRestoration.delete(reading.tag);
  }
}

export interface Outage {
  start: Date;
  /** Null while the outage lasts. */
  end: Date | null;
  /** Spanish, what was detected first (e.g. "conexión perdida"). */
  reason: string;
  durationMs: number | null;
}

/** Start and end of each link interruption (A30-MS-15: component, start and end time). */
export class OutageTracker {
  private open: { start: Date; reason: string } | null = null;
  private last: Outage | null = null;

  get current(): Outage | null {
    return this.open ? { start: this.open.start, end: null, reason: this.open.reason, durationMs: null } : null;
  }

  get lastClosed(): Outage | null {
    return this.last;
  }

  /** Opens an outage; null if one is already open (one per interruption). */
  begin(reason: string, start: Date): Outage | null {
    if (this.open) return null;
    this.open = { start, reason };
    return this.current;
  }

  /** Closes the open outage; null if none. */
  end(end: Date): Outage | null {
    if (!this.open) return null;
    const endMs = Math.max(end.getTime(), this.open.start.getTime());
    const closed: Outage = { start: this.open.start, end: new Date(endMs), reason: this.open.reason, durationMs: endMs - this.open.start.getTime() };
    this.open = null;
    this.last = closed;
    return closed;
  }
}
