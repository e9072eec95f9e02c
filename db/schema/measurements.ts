import { sql } from "drizzle-orm";
import { check, doublePrecision, index, integer, pgTable, primaryKey, smallint, text } from "drizzle-orm/pg-core";
import { ROLLUP_NAMES } from "./enums";
import { checkIn, timestamptz } from "./internal";

/**
 * Raw measurements (the high-rate series). A TimescaleDB hypertable when the extension exists
 * (db/timeseries.ts converts it at start-up; never in migrations). Deliberately no FK to `tags`:
 * ingest is batched COPY/unnest and must not pay a join per row. Never updated (A30-MS-17).
 */
export const measurements = pgTable(
  "measurements",
  {
    time: timestamptz("time").notNull(),
    tag: text("tag").notNull(),
    value: doublePrecision("value").notNull(),
    /** 0 good, 1 uncertain, 2 bad. */
    quality: smallint("quality").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tag, t.time] }),
    check("measurements_quality_check", sql`${t.quality} in (0, 1, 2)`),
    // Time-range scans across all tags (rollup refresh, retention) on plain PostgreSQL/PGlite;
    // BRIN stays tiny and nearly free on append-mostly data. Hypertable chunks inherit it.
    index("measurements_time_brin_idx").using("brin", t.time),
  ],
);

function rollupTable<N extends string>(name: N) {
  return pgTable(
    name,
    {
      bucket: timestamptz("bucket").notNull(),
      tag: text("tag").notNull(),
      valueAvg: doublePrecision("value_avg").notNull(),
      valueMin: doublePrecision("value_min").notNull(),
      valueMax: doublePrecision("value_max").notNull(),
      valueLast: doublePrecision("value_last").notNull(),
      sampleCount: integer("sample_count").notNull(),
    },
    (t) => [primaryKey({ columns: [t.tag, t.bucket] })],
  );
}

/**
 * Rollups for trends: same name and columns whether maintained by the server (plain PostgreSQL,
 * PGlite, TimescaleDB Apache) or replaced by continuous aggregates (TimescaleDB TSL).
 */
export const measurementRollup1m = rollupTable("measurement_rollup_1m");
export const measurementRollup1h = rollupTable("measurement_rollup_1h");
export const measurementRollup1d = rollupTable("measurement_rollup_1d");

/** Incremental-refresh bookkeeping per rollup level ('1m', '1h', '1d'); see db/timeseries.ts. */
export const rollupState = pgTable(
  "rollup_state",
  {
    rollup: text("rollup").primaryKey(),
    /** Oldest raw time written since the last refresh (null = clean). */
    dirtyFrom: timestamptz("dirty_from"),
    refreshedAt: timestamptz("refreshed_at"),
  },
  (t) => [checkIn("rollup_state_rollup_check", t.rollup, ROLLUP_NAMES)],
);
