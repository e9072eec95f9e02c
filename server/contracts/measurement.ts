import { z } from "zod";

/**
 * One sample of one tag as a collector delivers it and as the `measurements` table stores it.
 * Quality follows the OPC UA status-code severity (Part 4 §7.34: Good / Uncertain / Bad) so every
 * protocol maps onto the same three values; the database keeps it as a smallint.
 */

export const QUALITY_GOOD = 0;
export const QUALITY_UNCERTAIN = 1;
/**
 * Bad: the value could not be read (device or link failure). The `value` of a bad reading is not a
 * measurement (collectors repeat the last known value, or 0) and must never enter a calculation.
 */
export const QUALITY_BAD = 2;

export const qualitySchema = z.union([z.literal(QUALITY_GOOD), z.literal(QUALITY_UNCERTAIN), z.literal(QUALITY_BAD)]);
export type Quality = z.infer<typeof qualitySchema>;

export const readingSchema = z.object({
  /** `<installationKey>/<elementKey>/<variable>`, see `tagName` in ./site. */
  tag: z.string().min(1).max(200),
  time: z.date(),
  /** Engineering units named by the tag's variable (`level_mm` → mm). Finite numbers only. */
  value: z.number(),
  quality: qualitySchema,
});
export type Reading = z.infer<typeof readingSchema>;

/** NOTIFY channel the measurement sink signals after each stored batch. */
export const MEASUREMENTS_CHANNEL = "aforo_measurements";

/**
 * Payload of a `aforo_measurements` notification: the latest reading per tag of one stored batch,
 * as `[tag, isoTime, value, quality]`. A batch may be split over several notifications so each
 * payload stays below PostgreSQL's 8000-byte NOTIFY limit. A late or replayed batch is notified
 * too, so a listener keeps, per tag, the reading with the newest time rather than the last received.
 */
export const measurementNotificationSchema = z.object({
  v: z.array(z.tuple([z.string(), z.string(), z.number(), qualitySchema])),
});
export type MeasurementNotification = z.infer<typeof measurementNotificationSchema>;
