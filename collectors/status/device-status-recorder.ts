import type { Database } from "../../db/client";
import type { Reading } from "../../server/contracts/measurement";
import {
  classifyStatusTag,
  INITIAL_DEVICE_STATUS,
  nextDeviceStatus,
  type DeviceStatusDecision,
  type DeviceStatusPoint,
  type DeviceStatusState,
} from "../../server/domain/device-status/index";
import type { Logger } from "../../server/platform/logger";
import { recordDeviceStatusDecision } from "../../server/services/device-status/record-device-status";
import { createOrderedWrites } from "./ordered-writes";

/**
 * Turns the status points among a collector's readings (UPS on battery, emergency stop, device
 * calibration validity — `server/domain/device-status`) into bitácora entries and alarms
 * (A30-ALM-01 types 1/8/11, A30-ALM-05). Transitions are decided per tag in reading order with the
 * source timestamps; writes are queued in order and retried until the database takes them, so a
 * stop pressed while the database is unreachable is recorded with its real time once it is back.
 */
export interface DeviceStatusRecorder {
  /** Looks at every reading; measurements are ignored. Never throws. */
  onReadings(readings: readonly Reading[]): void;
  drain(timeoutMs?: number): Promise<void>;
  /** Writes waiting for the database. */
  readonly pending: number;
  /** Status-point readings seen so far (measurements not counted). */
  readonly observed: number;
}

export function createDeviceStatusRecorder(options: {
  db: Pick<Database, "transaction">;
  logger: Logger;
  now?: () => Date;
  retryDelayMs?: number;
}): DeviceStatusRecorder {
  const now = options.now ?? (() => new Date());
  const states = new Map<string, DeviceStatusState>();
  const points = new Map<string, DeviceStatusPoint | null>();
  const writes = createOrderedWrites<{ point: DeviceStatusPoint; decision: DeviceStatusDecision; at: Date }>({
    write: (item) => recordDeviceStatusDecision(options.db, item.point, item.decision, item.at),
    logger: options.logger,
    failureMessage: "no se pudo registrar el cambio de estado del dispositivo; se reintenta",
    describe: (item) => ({ tag: item.point.tag }),
    retryDelayMs: options.retryDelayMs,
  });
  let observed = 0;

  const pointOf = (tag: string): DeviceStatusPoint | null => {
    let point = points.get(tag);
    if (point === undefined) {
      point = classifyStatusTag(tag);
      points.set(tag, point);
    }
    return point;
  };

  return {
    onReadings(readings) {
      for (const reading of readings) {
        const point = pointOf(reading.tag);
        if (!point) continue;
        observed += 1;
        const next = nextDeviceStatus(states.get(reading.tag) ?? INITIAL_DEVICE_STATUS, point.variable, reading);
        states.set(reading.tag, next.state);
        if (next.decision.kind === "none") continue;
        if (next.decision.kind !== "observed-normal") options.logger.warn({ tag: point.tag, decision: next.decision }, "cambio de estado del dispositivo");
        writes.push({ point, decision: next.decision, at: now() });
      }
    },
    drain: (timeoutMs = 10_000) => writes.drain(timeoutMs),
    get pending() {
      return writes.pending();
    },
    get observed() {
      return observed;
    },
  };
}
