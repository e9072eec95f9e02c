import type { SqlExecutor } from "../../../db/client";
import type { CheckState, MeasurementSystemInput, OpenAlarm, TagWindow } from "../../domain/diagnostics/index";

/**
 * The few cheap queries the diagnostics job needs per run (A30-DIAG-01). Row shapes are mapped
 * here; the checks themselves are pure (server/domain/diagnostics).
 */

const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/** Software-side interruption of a self-test (A30-DIAG-04): readings of these tag prefixes from `start` are treated as missing. */
export interface Interruption {
  prefixes: string[];
  start: Date;
}

/**
 * One aggregate per tag over the window. Uses the time index (BRIN / hypertable chunks); rows
 * under a simulated interruption are left out.
 */
export async function readTagWindows(db: SqlExecutor, from: Date, interruptions: readonly Interruption[]): Promise<TagWindow[]> {
  const prefixes = interruptions.flatMap((i) => i.prefixes);
  const starts = interruptions.flatMap((i) => i.prefixes.map(() => i.start.toISOString()));
  const rows = await db.query<{
    tag: string; last_good: Date | string | null; last_good_value: number | string | null; total: number; bad: number; good_count: number; good_min: number | string | null; good_max: number | string | null;
  }>(
    `select m.tag,
            max(m.time) filter (where m.quality = 0) as last_good,
            (array_agg(m.value order by m.time desc) filter (where m.quality = 0))[1] as last_good_value,
            count(*)::int as total,
            (count(*) filter (where m.quality = 2))::int as bad,
            (count(*) filter (where m.quality = 0))::int as good_count,
            min(m.value) filter (where m.quality = 0) as good_min,
            max(m.value) filter (where m.quality = 0) as good_max
       from measurements m
      where m.time > $1
        and not exists (select 1 from unnest($2::text[], $3::timestamptz[]) as x(prefix, start)
                         where left(m.tag, length(x.prefix)) = x.prefix and m.time >= x.start)
      group by m.tag`,
    [from.toISOString(), prefixes, starts],
  );
  const num = (v: number | string | null) => (v === null ? null : Number(v));
  return rows.map((r) => ({
    tag: r.tag,
    lastGood: toDate(r.last_good),
    lastGoodValue: num(r.last_good_value),
    total: Number(r.total),
    bad: Number(r.bad),
    goodCount: Number(r.good_count),
    goodMin: num(r.good_min),
    goodMax: num(r.good_max),
  }));
}

export interface MeasurementSystemRow extends MeasurementSystemInput {
  id: number;
}

export async function readMeasurementSystems(db: SqlExecutor): Promise<MeasurementSystemRow[]> {
  const rows = await db.query<{
    id: number; key: string; installation_id: number; installation_key: string; time_zone: string; ms_status: string; element_status: string | null;
    valid_until: string | null; collector_key: string | null; element_key: string | null; hose_keys: string[] | null; level_max_mm: number | string | null;
  }>(
    `select ms.id, ms.key, ms.installation_id, i.key as installation_key, i.time_zone, ms.status as ms_status,
            coalesce(t.status, d.status, disp.status, h.status) as element_status,
            ms.calibration_valid_until::text as valid_until, c.key as collector_key,
            coalesce(t.key, d.key, disp.key, h.key) as element_key,
            (select array_agg(hh.key order by hh.key) from hoses hh where ms.dispenser_id is not null and hh.dispenser_id = ms.dispenser_id) as hose_keys,
            (select (st.points->-1->>'levelMm')::float8 from strapping_tables st where st.tank_id = ms.tank_id order by st.version desc limit 1) as level_max_mm
       from measurement_systems ms
       join installations i on i.id = ms.installation_id
       left join collectors c on c.id = ms.collector_id
       left join tanks t on t.id = ms.tank_id
       left join ducts d on d.id = ms.duct_id
       left join dispensers disp on disp.id = ms.dispenser_id
       left join hoses h on h.id = ms.hose_id
      order by ms.key`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    key: r.key,
    installationId: Number(r.installation_id),
    installationKey: r.installation_key,
    timeZone: r.time_zone,
    inOperation: r.ms_status === "O" && (r.element_status ?? "O") === "O",
    calibrationValidUntil: r.valid_until,
    elementKeys: [...new Set([r.key, ...(r.element_key ? [r.element_key] : []), ...(r.hose_keys ?? [])])],
    channel: r.collector_key ? `CANAL:${r.collector_key}` : null,
    levelMaxMm: r.level_max_mm === null ? null : Number(r.level_max_mm),
  }));
}

export interface TankRow {
  key: string;
  installationId: number;
  timeZone: string;
  inOperation: boolean;
  calibrationValidUntil: string | null;
}

export async function readTanks(db: SqlExecutor): Promise<TankRow[]> {
  const rows = await db.query<{ key: string; installation_id: number; time_zone: string; status: string; valid_until: string | null }>(
    `select t.key, t.installation_id, i.time_zone, t.status, t.calibration_valid_until::text as valid_until
       from tanks t join installations i on i.id = t.installation_id order by t.key`,
  );
  return rows.map((r) => ({ key: r.key, installationId: Number(r.installation_id), timeZone: r.time_zone, inOperation: r.status === "O", calibrationValidUntil: r.valid_until }));
}

export interface CollectorRow {
  id: number;
  key: string;
  installationId: number;
  installationKey: string;
  enabled: boolean;
  tags: string[];
}

export async function readCollectors(db: SqlExecutor): Promise<CollectorRow[]> {
  const rows = await db.query<{ id: number; key: string; installation_id: number; installation_key: string; enabled: boolean; tags: string[] | null }>(
    `select c.id, c.key, c.installation_id, i.key as installation_key, c.enabled,
            (select array_agg(g.name order by g.name) from tags g where g.collector_id = c.id) as tags
       from collectors c join installations i on i.id = c.installation_id order by c.key`,
  );
  return rows.map((r) => ({ id: Number(r.id), key: r.key, installationId: Number(r.installation_id), installationKey: r.installation_key, enabled: r.enabled, tags: r.tags ?? [] }));
}

/**
 * Latest batch of every collector that ever sent one: a loose index scan over the
 * (collector_key, sequence) primary key, so the cost does not grow with the number of batches.
 */
export async function readLatestBatches(db: SqlExecutor): Promise<Map<string, { receivedAt: Date; lastTime: Date | null }>> {
  const rows = await db.query<{ key: string; received_at: Date | string; last_time: Date | string | null }>(
    `with recursive k(key) as (
       select min(collector_key) from collector_batches
       union all
       select (select min(b.collector_key) from collector_batches b where b.collector_key > k.key) from k where k.key is not null
     )
     select k.key, b.received_at, b.last_time
       from k cross join lateral (
         select received_at, last_time from collector_batches b where b.collector_key = k.key order by b.sequence desc limit 1
       ) b
      where k.key is not null`,
  );
  return new Map(rows.map((r) => [r.key, { receivedAt: new Date(r.received_at), lastTime: toDate(r.last_time) }]));
}

/** Open (not cleared) alarms raised by the diagnostics (`diag:`) or by a link monitor (`link:`). */
export async function readOpenAlarms(db: SqlExecutor): Promise<OpenAlarm[]> {
  const rows = await db.query<{ id: number | string; source_key: string; component: string; type: number; occurred_at: Date | string; time: Date | string }>(
    `select a.id, a.source_key, a.component, a.type, a.occurred_at, a.time from alarms a
      where (a.source_key like 'diag:%' or a.source_key like 'link:%')
        and not exists (select 1 from alarm_actions x where x.alarm_id = a.id and x.action = 'clear')
      order by a.id`,
  );
  return rows.map((r) => ({ id: Number(r.id), sourceKey: r.source_key, component: r.component, type: Number(r.type), occurredAt: new Date(r.occurred_at), time: new Date(r.time) }));
}

export interface StoredComponentStatus {
  component: string;
  componentClass: string;
  state: CheckState;
  since: Date;
  checkedAt: Date;
  detail: Record<string, unknown> | null;
}

export async function readComponentStatus(db: SqlExecutor): Promise<StoredComponentStatus[]> {
  const rows = await db.query<{ component: string; class: string; state: CheckState; since: Date | string; checked_at: Date | string; detail: Record<string, unknown> | string | null }>(
    "select component, class, state, since, checked_at, detail from component_status order by component",
  );
  return rows.map((r) => ({
    component: r.component,
    componentClass: r.class,
    state: r.state,
    since: new Date(r.since),
    checkedAt: new Date(r.checked_at),
    detail: typeof r.detail === "string" ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
  }));
}

/** Latest backup recorded in the bitácora (category 1, details.event = 'backup' — the convention for the backup command). */
export async function readLastBackup(db: SqlExecutor): Promise<Date | null> {
  const [row] = await db.query<{ last: Date | string | null }>(
    "select max(time) as last from event_log where category = 1 and details->>'event' = 'backup'",
  );
  return toDate(row?.last ?? null);
}

export async function readThresholdSetting(db: SqlExecutor): Promise<unknown> {
  const [row] = await db.query<{ value: unknown }>("select value from app_settings where key = 'diagnostics.thresholds'");
  if (!row) return undefined;
  return typeof row.value === "string" ? JSON.parse(row.value) : row.value;
}
