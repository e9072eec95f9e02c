import type { Reading } from "../../server/contracts/measurement";

export type { Reading } from "../../server/contracts/measurement";

/**
 * A field protocol driver: connects to one device or gateway and turns what it reads into
 * `Reading`s (tag, time, value, quality). One folder per protocol under drivers/ implements it.
 *
 * Contract:
 * - `start` returns once the driver runs, not once it is connected: a device that is down at
 *   start-up is retried in the background (the status says so).
 * - While the link is down the driver reports `disconnected` and delivers, once per outage, a
 *   reading with quality BAD for each of its tags, so the record shows that nothing could be read
 *   from that moment (A30-MS-15 evidence of interruption).
 * - `onReadings` may be called with readings of several tags; readings of one tag arrive in
 *   time order. It must not throw and must not block (the sink buffers).
 * - `stop` releases every socket and timer; no reading is delivered after it resolves.
 */
export interface Driver {
  readonly name: string;
  readonly status: DriverStatus;
  start(onReadings: (readings: Reading[]) => void): Promise<void>;
  stop(): Promise<void>;
  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: DriverStatus) => void): () => void;
}

export type DriverState = "idle" | "connecting" | "connected" | "disconnected" | "stopped";

export interface DriverStatus {
  state: DriverState;
  /** When the driver entered this state. */
  since: Date;
  /** Why (in Spanish, for the bitácora and the UI), e.g. "conexión perdida". */
  detail: string | null;
}

/** A tag the driver reads and its address in the protocol's terms. */
export interface DriverTag {
  tag: string;
  /** OPC UA: `ns=<idx>;s=…`, `ns=<idx>;i=…`, or `nsu=<namespace uri>;s=…` (resolved at connect time). */
  nodeId: string;
}
