import { sql, type SQL } from "drizzle-orm";
import { check, customType, numeric, timestamp, type AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * Column and constraint helpers shared by the schema files. Internal to db/schema: index.ts does
 * not re-export this file (convention 9), so the schema's public surface stays tables + vocabularies.
 */

/** `timestamptz` as a JS Date. Every instant in the schema is timezone-aware (A30-INV-02). */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** `bytea` (drizzle-orm 0.45 has no built-in). PGlite returns Uint8Array, pg returns Buffer. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType() {
    return "bytea";
  },
  fromDriver(value) {
    return Buffer.isBuffer(value) ? value : Buffer.from(value);
  },
});

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Inline SQL list of string literals: `('a', 'b')`. Only for compile-time constants. */
export function sqlList(values: readonly string[]): SQL {
  return sql.raw(`(${values.map(literal).join(", ")})`);
}

/** CHECK (column IN (...)) for text vocabularies (enums kept as text + check, see db/README.md). */
export function checkIn(name: string, column: AnyPgColumn, values: readonly string[]) {
  return check(name, sql`${column} in ${sqlList(values)}`);
}

/** CHECK (column ~ 'regex'); the pattern must not contain backslashes (tagged templates). */
export function checkMatches(name: string, column: AnyPgColumn, pattern: string) {
  return check(name, sql`${column} ~ ${sql.raw(literal(pattern))}`);
}

/** Shape of the SHA-256 hex digests stored across the schema (A30-SEC-14, A30-LOG-06). */
export const SHA256_HEX = "^[0-9a-f]{64}$";

/** SAT RFC pattern (catalogs.derived.json `patterns.RFC`, Ñ and & included), A30-GEN-03. */
export const RFC_PATTERN = "^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$";

/** SAT ModalidadPermiso PER1…PER56. */
export const PERMIT_MODALITY_PATTERN = "^PER([1-9]|[1-4][0-9]|5[0-6])$";

/** Installation/equipment keys: hyphen-separated letter/digit groups (A30-MS-02 default pattern). */
export const KEY_PATTERN = "^[0-9A-Za-z]{1,40}(-[0-9A-Za-z]{1,40})*$";

/** Local time of day HH:MM (cut hour, A30-INV-02). */
export const HHMM_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$";

/** numeric(18,3): fiscal volumes at the 0.001-unit resolution the reports and A30-INC rules use. */
export const fiscalVolume = (name: string) => numeric(name, { precision: 18, scale: 3 });

/** Versioned fiscal records: version 1 has no predecessor; version n > 1 supersedes one row (A30-STO-02). */
export function versionCheck(version: AnyPgColumn, supersedesId: AnyPgColumn): SQL {
  return sql`${version} >= 1 and (${version} = 1) = (${supersedesId} is null)`;
}
