import type { Reading } from "../../server/contracts/measurement";

/**
 * SQL and NOTIFY payloads shared by the in-memory sink and the spool forwarder (raw SQL, not the
 * ORM: this is the hot path).
 */

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; keep a margin. */
export const NOTIFY_PAYLOAD_LIMIT_BYTES = 7900;

/** $1 timestamptz[], $2 text[], $3 float8[], $4 int2[]; a (tag, time) already stored is ignored. */
export const INSERT_MEASUREMENTS_SQL =
  "insert into measurements (time, tag, value, quality) " +
  "select * from unnest($1::timestamptz[], $2::text[], $3::float8[], $4::int2[]) " +
  "on conflict (tag, time) do nothing";

/** $1 = earliest time written: the rollups (one row per level) recompute from there. */
export const MARK_ROLLUPS_DIRTY_SQL = "update rollup_state set dirty_from = least(coalesce(dirty_from, $1::timestamptz), $1::timestamptz)";

/** $1 channel, $2 text[] of payloads. */
export const NOTIFY_SQL = "select pg_notify($1, payload) from unnest($2::text[]) as payload";

export function isStorable(reading: Reading): boolean {
  return (
    typeof reading.tag === "string" &&
    reading.tag.length > 0 &&
    reading.time instanceof Date &&
    Number.isFinite(reading.time.getTime()) &&
    Number.isFinite(reading.value) &&
    (reading.quality === 0 || reading.quality === 1 || reading.quality === 2)
  );
}

/**
 * `{"v":[[tag, isoTime, value, quality], …]}` with the latest reading of each tag, split so that
 * every payload stays under NOTIFY_PAYLOAD_LIMIT_BYTES (UTF-8).
 */
export function notificationPayloads(batch: readonly Reading[], limitBytes = NOTIFY_PAYLOAD_LIMIT_BYTES): string[] {
  const latest = new Map<string, Reading>();
  for (const reading of batch) {
    const known = latest.get(reading.tag);
    if (!known || reading.time.getTime() >= known.time.getTime()) latest.set(reading.tag, reading);
  }
  const head = '{"v":[';
  const tail = "]}";
  const payloads: string[] = [];
  let entries: string[] = [];
  let bytes = head.length + tail.length;
  for (const reading of latest.values()) {
    const entry = JSON.stringify([reading.tag, reading.time.toISOString(), reading.value, reading.quality]);
    const entryBytes = Buffer.byteLength(entry, "utf8");
    const separator = entries.length > 0 ? 1 : 0;
    if (entries.length > 0 && bytes + separator + entryBytes > limitBytes) {
      payloads.push(head + entries.join(",") + tail);
      entries = [];
      bytes = head.length + tail.length;
    }
    bytes += (entries.length > 0 ? 1 : 0) + entryBytes;
    entries.push(entry);
  }
  if (entries.length > 0) payloads.push(head + entries.join(",") + tail);
  return payloads;
}
