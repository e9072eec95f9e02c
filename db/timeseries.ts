import type { SqlExecutor } from "./client";

/**
 * Time-series capabilities of the connected engine (design.md §1 "TimescaleDB"):
 * - TimescaleDB with the Community (TSL, `timescale`) license: `measurements` hypertable,
 *   continuous aggregates named like the rollup tables, compression and retention policies.
 * - TimescaleDB Apache edition (what Debian ships): hypertable + `drop_chunks`; the rollup tables
 *   are maintained by the server (`refreshRollups`).
 * - Plain PostgreSQL / PGlite: ordinary tables, rollups by the server, retention by DELETE.
 * The rollup relations keep the same names and columns in every mode, so one set of queries
 * serves all three engines.
 */
export interface TimeseriesCapabilities {
  enabled: boolean;
  license: "apache" | "timescale" | null;
  version: string | null;
  hypertable: boolean;
  /** true when the rollups are TimescaleDB continuous aggregates (server does not refresh them). */
  continuousAggregates: boolean;
}

export interface RollupLevel {
  name: "1m" | "1h" | "1d";
  relation: string;
  interval: string;
  /** Where this level is computed from: raw measurements or the next finer rollup. */
  source: "measurements" | "measurement_rollup_1m" | "measurement_rollup_1h";
}

export const ROLLUP_LEVELS: readonly RollupLevel[] = [
  { name: "1m", relation: "measurement_rollup_1m", interval: "1 minute", source: "measurements" },
  { name: "1h", relation: "measurement_rollup_1h", interval: "1 hour", source: "measurement_rollup_1m" },
  { name: "1d", relation: "measurement_rollup_1d", interval: "1 day", source: "measurement_rollup_1h" },
];

const BUCKET_ORIGIN = "2000-01-01 00:00:00+00";

interface SetupOptions {
  rawRetentionDays: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

interface EngineHandle extends SqlExecutor {
  engine: "pglite" | "postgres";
}

export async function setupTimeseries(db: EngineHandle, options: SetupOptions): Promise<TimeseriesCapabilities> {
  const log = options.log ?? (() => undefined);
  for (const level of ROLLUP_LEVELS) {
    await db.query("insert into rollup_state (rollup) values ($1) on conflict (rollup) do nothing", [level.name]);
  }
  const none: TimeseriesCapabilities = { enabled: false, license: null, version: null, hypertable: false, continuousAggregates: false };
  if (db.engine === "pglite") return none;

  const available = await db.query<{ default_version: string }>(
    "select default_version from pg_available_extensions where name = 'timescaledb'",
  );
  if (available.length === 0) {
    log("timescaledb no está disponible en el servidor: tablas ordinarias y agregados mantenidos por Aforo");
    return none;
  }
  try {
    await db.query("create extension if not exists timescaledb");
  } catch (error) {
    // Typical cause: the library is installed but not in shared_preload_libraries.
    log("timescaledb está instalado pero no se pudo activar", { error: (error as Error).message });
    return none;
  }
  const [installed] = await db.query<{ extversion: string; license: string | null }>(
    "select extversion, current_setting('timescaledb.license', true) as license from pg_extension where extname = 'timescaledb'",
  );
  if (!installed) return none;
  const license = installed.license === "timescale" ? "timescale" : "apache";

  await db.query(
    "select create_hypertable('measurements', by_range('time', interval '1 day'), if_not_exists => true, migrate_data => true)",
  );
  const capabilities: TimeseriesCapabilities = {
    enabled: true,
    license,
    version: installed.extversion,
    hypertable: true,
    continuousAggregates: false,
  };
  if (license === "timescale") {
    capabilities.continuousAggregates = await setupCommunityFeatures(db, options.rawRetentionDays, log);
  }
  log("timescaledb detectado", { ...capabilities });
  return capabilities;
}

/**
 * TSL-only features. The migrations created the rollups as tables; here each one is replaced by a
 * continuous aggregate of the same name and columns (hierarchical: 1h over 1m, 1d over 1h, with
 * count-weighted averages). Runs once: later start-ups find the views and leave them alone.
 */
async function setupCommunityFeatures(
  db: SqlExecutor,
  rawRetentionDays: number,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<boolean> {
  try {
    for (const level of ROLLUP_LEVELS) {
      const [existing] = await db.query<{ relkind: string }>(
        "select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relname = $1",
        [level.relation],
      );
      if (existing?.relkind === "v") continue;
      await db.query(`drop table if exists ${level.relation}`);
      const select =
        level.source === "measurements"
          ? `select time_bucket(interval '${level.interval}', time) as bucket, tag, avg(value) as value_avg, min(value) as value_min,
               max(value) as value_max, last(value, time) as value_last, count(*)::integer as sample_count
             from measurements group by 1, 2`
          : `select time_bucket(interval '${level.interval}', bucket) as bucket, tag,
               sum(value_avg * sample_count) / nullif(sum(sample_count), 0) as value_avg, min(value_min) as value_min,
               max(value_max) as value_max, last(value_last, bucket) as value_last, sum(sample_count)::integer as sample_count
             from ${level.source} group by 1, 2`;
      await db.query(`create materialized view ${level.relation} with (timescaledb.continuous) as ${select} with no data`);
      await db.query(
        `select add_continuous_aggregate_policy('${level.relation}', start_offset => interval '${level.name === "1d" ? "7 days" : "3 days"}',
           end_offset => null, schedule_interval => interval '${level.name === "1m" ? "30 seconds" : "5 minutes"}', if_not_exists => true)`,
      );
    }
    await db.query(
      "alter table measurements set (timescaledb.compress, timescaledb.compress_segmentby = 'tag', timescaledb.compress_orderby = 'time desc')",
    );
    await db.query("select add_compression_policy('measurements', interval '7 days', if_not_exists => true)");
    await db.query(`select add_retention_policy('measurements', interval '${Math.trunc(rawRetentionDays)} days', if_not_exists => true)`);
    return true;
  } catch (error) {
    log("no se pudieron crear los agregados continuos/compresión de TimescaleDB; Aforo mantiene los agregados", {
      error: (error as Error).message,
    });
    return false;
  }
}

/**
 * Server-maintained rollups (every mode without continuous aggregates). Ingest marks
 * `rollup_state.dirty_from` with the oldest time it wrote (late or replayed data included); this
 * recomputes every bucket from there on, finer level first, and clears the mark only if no
 * newer ingest moved it meanwhile (compare-and-set), so concurrent writers never lose a bucket.
 */
export async function refreshRollups(db: SqlExecutor, now: Date): Promise<{ level: string; buckets: number }[]> {
  const done: { level: string; buckets: number }[] = [];
  for (const level of ROLLUP_LEVELS) {
    const [state] = await db.query<{ dirty_from: Date | null }>("select dirty_from from rollup_state where rollup = $1", [level.name]);
    if (!state?.dirty_from) continue;
    const dirtyFrom = new Date(state.dirty_from);
    const select =
      level.source === "measurements"
        ? `select date_bin(interval '${level.interval}', time, timestamptz '${BUCKET_ORIGIN}') as bucket, tag, avg(value), min(value),
             max(value), (array_agg(value order by time desc))[1], count(*)::integer
           from measurements
           where time >= date_bin(interval '${level.interval}', $1::timestamptz, timestamptz '${BUCKET_ORIGIN}') and time <= $2
           group by 1, 2`
        : `select date_bin(interval '${level.interval}', bucket, timestamptz '${BUCKET_ORIGIN}') as bucket, tag,
             sum(value_avg * sample_count) / nullif(sum(sample_count), 0), min(value_min), max(value_max),
             (array_agg(value_last order by bucket desc))[1], sum(sample_count)::integer
           from ${level.source}
           where bucket >= date_bin(interval '${level.interval}', $1::timestamptz, timestamptz '${BUCKET_ORIGIN}') and bucket <= $2
           group by 1, 2`;
    const rows = await db.query<{ n: number }>(
      `with upserted as (
         insert into ${level.relation} (bucket, tag, value_avg, value_min, value_max, value_last, sample_count)
         ${select}
         on conflict (tag, bucket) do update set value_avg = excluded.value_avg, value_min = excluded.value_min,
           value_max = excluded.value_max, value_last = excluded.value_last, sample_count = excluded.sample_count
         returning 1)
       select count(*)::integer as n from upserted`,
      [dirtyFrom, now],
    );
    await db.query(
      "update rollup_state set dirty_from = null, refreshed_at = $2 where rollup = $1 and dirty_from = $3",
      [level.name, now, dirtyFrom],
    );
    done.push({ level: level.name, buckets: rows[0]?.n ?? 0 });
  }
  return done;
}

/** Drops raw measurements older than the retention (fiscal tables are never touched). */
export async function applyRawRetention(
  db: SqlExecutor,
  capabilities: TimeseriesCapabilities,
  now: Date,
  rawRetentionDays: number,
): Promise<void> {
  const cutoff = new Date(now.getTime() - rawRetentionDays * 86_400_000);
  if (capabilities.continuousAggregates) return; // the TimescaleDB retention policy does it
  if (capabilities.hypertable) {
    await db.query("select drop_chunks('measurements', older_than => $1::timestamptz)", [cutoff]);
    return;
  }
  await db.query("delete from measurements where time < $1", [cutoff]);
}
