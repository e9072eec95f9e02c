import type { SqlExecutor } from "../db/client";

/**
 * Veeder-Root delivery reports already stored (A30-REC-01, A30-MS-14): the console keeps its last
 * deliveries and answers them on every i202 poll, and the driver only remembers in memory which
 * it announced. Without this list a restarted collector announces them all again, and the
 * operations service — which stores each once — raises a type-4 "registro duplicado" alarm for
 * each. The operations service keeps the report's identity in `operations.source_key` as
 * `atg:<installationKey>/<tankKey>@<driver key>` (server/domain/operations `sourceKeys.atg`),
 * the driver key being `<tankNumber>@<YYMMDDHHmm>`; the tank's `tagPrefix` is
 * `<installationKey>/<tankKey>`.
 */

/** Pure: driver keys of the stored source keys that belong to the given tanks (by tag prefix). */
export function deliveryKeysFromSourceKeys(sourceKeys: Iterable<string>, tagPrefixes: Iterable<string>): string[] {
  const prefixes = [...tagPrefixes].map((p) => `atg:${p}@`);
  const keys: string[] = [];
  for (const sourceKey of sourceKeys) {
    const prefix = prefixes.find((p) => sourceKey.startsWith(p));
    if (!prefix) continue;
    const key = sourceKey.slice(prefix.length);
    if (key.length > 0) keys.push(key);
  }
  return keys;
}

/**
 * The driver keys of the deliveries already stored for these tanks, oldest first (the driver
 * keeps the most recent ones when its memory is full). `limit` bounds the list per call.
 */
export async function loadKnownDeliveryKeys(db: SqlExecutor, tagPrefixes: readonly string[], limit = 5000): Promise<string[]> {
  if (tagPrefixes.length === 0) return [];
  const patterns = tagPrefixes.map((p) => `atg:${p.replace(/[\\%_]/g, (c) => `\\${c}`)}@%`);
  const rows = await db.query<{ source_key: string }>(
    `select source_key from (
       select source_key, max(id) as id from operations
        where source_key like any($1::text[])
        group by source_key order by max(id) desc limit $2
     ) k order by id`,
    [patterns, limit],
  );
  return deliveryKeysFromSourceKeys(rows.map((r) => r.source_key), tagPrefixes);
}
