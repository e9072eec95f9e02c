import { createHash } from "node:crypto";

/**
 * Bitácora hash chaining (A30-LOG-06, A30-SEC-14): each entry stores the SHA-256 of its canonical
 * content, which includes the previous entry's hash, so changing, inserting or deleting any entry
 * breaks every later link — even if done by a superuser with triggers disabled.
 *
 * Canonical content: a JSON array with the fields in a fixed order, times as ISO-8601 UTC with
 * milliseconds, absent values as null, and `details` serialised with sorted keys. Never reorder
 * or rename these fields: stored hashes depend on them (add new fields only at the end, with a
 * new canonical version).
 */
export const GENESIS_HASH = "0".repeat(64);
export const CANONICAL_VERSION = 1;

export interface HashableEventLogEntry {
  id: number;
  time: Date;
  userId: number | null;
  username: string;
  category: number | null;
  eventType: number;
  description: string;
  component: string | null;
  installationId: number | null;
  details: Record<string, unknown> | null;
}

export function canonicalEventLogContent(entry: HashableEventLogEntry, previousHash: string): string {
  return JSON.stringify([
    CANONICAL_VERSION,
    entry.id,
    entry.time.toISOString(),
    entry.userId,
    entry.username,
    entry.category,
    entry.eventType,
    entry.description,
    entry.component,
    entry.installationId,
    entry.details === null ? null : sortKeys(entry.details),
    previousHash,
  ]);
}

export function hashEventLogEntry(entry: HashableEventLogEntry, previousHash: string): string {
  return createHash("sha256").update(canonicalEventLogContent(entry, previousHash), "utf8").digest("hex");
}

export interface StoredEventLogEntry extends HashableEventLogEntry {
  hash: string;
  previousHash: string;
}

export interface ChainVerification {
  ok: boolean;
  entries: number;
  /** Number (id) of the first entry whose content, link or numbering does not check out. */
  firstBad: number | null;
  reason: string | null;
}

/**
 * Verifies entries given in id order, starting at entry 1 (or continuing from `previous`).
 * Detects: content changed (hash mismatch), a broken link (previous_hash ≠ hash of the entry
 * before), and gaps or duplicates in the consecutive numbering (A30-REC-04).
 */
export function verifyEventLogChain(
  entries: Iterable<StoredEventLogEntry>,
  previous: { id: number; hash: string } = { id: 0, hash: GENESIS_HASH },
): ChainVerification {
  let count = 0;
  let last = previous;
  for (const entry of entries) {
    count += 1;
    if (entry.id > last.id + 1) {
      // Missing numbers: the first broken entry is the first one that is gone.
      const missing = entry.id - 1 === last.id + 1 ? `falta la entrada ${last.id + 1}` : `faltan las entradas ${last.id + 1} a ${entry.id - 1}`;
      return { ok: false, entries: count - 1, firstBad: last.id + 1, reason: `numeración no consecutiva: ${missing}` };
    }
    if (entry.id !== last.id + 1) {
      return { ok: false, entries: count, firstBad: entry.id, reason: `numeración no consecutiva: se esperaba ${last.id + 1}` };
    }
    if (entry.previousHash !== last.hash) {
      return { ok: false, entries: count, firstBad: entry.id, reason: "el hash anterior no coincide con la entrada previa" };
    }
    if (hashEventLogEntry(entry, entry.previousHash) !== entry.hash) {
      return { ok: false, entries: count, firstBad: entry.id, reason: "el contenido de la entrada fue modificado" };
    }
    last = { id: entry.id, hash: entry.hash };
  }
  return { ok: true, entries: count, firstBad: null, reason: null };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
