import { QUALITY_BAD, type Reading } from "../../../server/contracts/measurement";

/**
 * Pure bookkeeping that keeps a tag's record continuous and honest across reconnections
 * (A30-MS-15, A30-MS-16): no duplicate (tag, time), readings of one tag in time order, one BAD
 * marker per outage, and the outage's start and end.
 */

/**
 * Per-tag gate between the subscription and the caller. Invariant: every reading it lets through
 * is strictly after everything already delivered for that tag (server readings, BAD markers and
 * re-statements alike), which is the Driver contract's "readings of one tag arrive in time order"
 * and also rules out a (tag, time) twice.
 *
 * - A server reading whose time is after the tag's last delivered time passes as is.
 * - A server reading whose time is not after it is dropped and counted:
 *   - `repeated`: it repeats the last server time delivered — a re-notification (a fresh
 *     subscription's initial values after a rebuild repeat the current value with its original
 *     sourceTimestamp, Part 4 §5.12.1.2); expected on every rebuild;
 *   - `late`: a real value that reaches the collector behind something already delivered. Typical
 *     case: a value sampled just before the link dropped whose Publish was lost, replayed by
 *     node-opcua's Republish (Part 4 §5.13.6) on the repaired session after the outage marker
 *     (stamped at detection, i.e. after that sample) went out; or, with a server clock behind the
 *     collector's, fresh values stamped before a marker or a re-statement. Delivering it would put
 *     the tag's record out of order (the measurement pipeline and the BAD-quality outage marking
 *     rely on that order), and re-stamping it would falsify when it was measured, so it is
 *     dropped; the driver counts and logs these. The loss is bounded: what was measured between
 *     the last delivered reading and the marker (at most about one publishing interval), or the
 *     clock skew after a recovery.
 * - Exception: right after an outage marker, the initial value of a newly created monitored item
 *   that is not after the marker (the value has not changed since before the outage) is re-stated
 *   once ("valor vigente al restablecer"), so the tag's record does not stay BAD until the next
 *   change. It is stamped when the monitored item was requested (`initialAtMs`, collector clock):
 *   the server reported that value as current when it created the item, after that request, so it
 *   was current then — not at the collector's "now" when the notification arrives, which would lie
 *   (and would make changes queued behind the initial value late). Only initial values are
 *   re-stated: any other reading may be followed by newer queued ones. A re-statement does not
 *   move the server-time baseline used to tell re-notifications from late values.
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
  private readonly droppedCounts = { repeated: 0, late: 0 };

  /** Server readings dropped so far (see the class comment): re-notifications and late values. */
  get dropped(): Readonly<{ repeated: number; late: number }> {
    return { ...this.droppedCounts };
  }

  /** Last good value of a tag (repeated in BAD markers; never used in a calculation). */
  lastValueOf(tag: string): number {
    return this.lastValue.get(tag) ?? 0;
  }

  /** Newest time delivered for a tag, if any. */
  lastDeliveredOf(tag: string): Date | null {
    const ms = this.lastDeliveredMs.get(tag);
    return ms === undefined ? null : new Date(ms);
  }

  /**
   * A reading that came from the server: the reading to deliver, or null to drop it.
   * `initialAtMs`: the reading is the initial value of a monitored item requested at that
   * collector time (enables the one re-statement after an outage).
   */
  admit(reading: Reading, options: { initialAtMs?: number } = {}): Reading | null {
    const tag = reading.tag;
    const timeMs = reading.time.getTime();
    const lastDelivered = this.lastDeliveredMs.get(tag);
    if (lastDelivered === undefined || timeMs > lastDelivered) {
      this.record(reading, true);
      return reading;
    }
    if (options.initialAtMs !== undefined && this.awaitingRestoration.has(tag) && reading.quality !== QUALITY_BAD) {
      const restated = { ...reading, time: new Date(this.nextLocalTime(tag, options.initialAtMs)) };
      this.record(restated, false);
      return restated;
    }
    if (timeMs === this.lastServerMs.get(tag)) this.droppedCounts.repeated += 1;
    else this.droppedCounts.late += 1;
    return null;
  }

  /** An outage marker for a tag: BAD, last value repeated, collector time. */
  marker(tag: string, nowMs: number): Reading {
    const reading: Reading = { tag, time: new Date(this.nextLocalTime(tag, nowMs)), value: this.lastValueOf(tag), quality: QUALITY_BAD };
    this.lastDeliveredMs.set(tag, reading.time.getTime());
    this.awaitingRestoration.add(tag);
    return reading;
  }

  private nextLocalTime(tag: string, atMs: number): number {
    const floor = Math.max(this.lastDeliveredMs.get(tag) ?? -Infinity, this.lastServerMs.get(tag) ?? -Infinity);
    return Math.max(atMs, floor + 1);
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
