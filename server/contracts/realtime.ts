import { z } from "zod";
import type { AlarmPushPayload } from "./alarms";

/**
 * socket.io events between the server and the browser. Measurements arrive as compact tuples
 * `[tag, isoTime, value, quality]` (the same payload the sink NOTIFYs on `aforo_measurements`).
 */
export const MEASUREMENTS_CHANNEL = "aforo_measurements";

export const measurementTupleSchema = z.tuple([z.string(), z.string(), z.number(), z.number().int().min(0).max(2)]);
export type MeasurementTuple = z.infer<typeof measurementTupleSchema>;

export const measurementsPayloadSchema = z.object({ v: z.array(measurementTupleSchema) });
export type MeasurementsPayload = z.infer<typeof measurementsPayloadSchema>;

export const subscribeRequestSchema = z.object({ installationKey: z.string().min(1).max(64) });

export interface ServerToClientEvents {
  measurements: (payload: MeasurementsPayload) => void;
  /** An alarm was raised or changed (A30-ALM-09), see server/contracts/alarms.ts. */
  alarm: (payload: AlarmPushPayload) => void;
  /** The session behind this socket ended (A30-SEC-09): the browser goes to the log-in screen with the message. */
  session_ended: (payload: { reason: string; message: string }) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: { installationKey: string }, ack: (result: { ok: true } | { ok: false; error: string }) => void) => void;
  unsubscribe: (request: { installationKey: string }) => void;
}

/** Room of every socket opened with one server-side session (closed together when it ends). */
export function sessionRoom(sessionId: string): string {
  return `session:${sessionId}`;
}

export function installationRoom(installationKey: string): string {
  return `installation:${installationKey}`;
}

/** Tags are `<installationKey>/<elementKey>/<variable>`: the room is the first segment. */
export function installationKeyOfTag(tag: string): string {
  const slash = tag.indexOf("/");
  return slash === -1 ? tag : tag.slice(0, slash);
}
