import type { SqlExecutor } from "../client";
import { nextRecordNumber } from "./event-log";

/**
 * Operations register (A30-REC-01/03/04/07): SQL for the versioned `operations` table, the
 * `dispenser_totalizer_readings` sale readings, the series the detection job reads
 * (tank_readings, hose totalizer measurements) and the job's checkpoints (app_settings).
 * Fiscal rows are never updated: a correction inserts version n + 1 with supersedes_id.
 */

export interface NewOperation {
  installationId: number;
  type: "reception" | "delivery";
  satRecordType?: "D" | "E" | "J" | "A" | "N" | "C";
  elementType: "tank" | "hose" | "dispenser" | "duct" | "well";
  tankId?: number | null;
  /** Duct batches (element 'duct'): the duct; tank_id names the tank the batch drew from / went to. */
  ductId?: number | null;
  dispenserId?: number | null;
  hoseId?: number | null;
  measurementSystemId?: number | null;
  productKey: string;
  subProductKey?: string | null;
  startAt: Date;
  endAt: Date;
  elementVolumeBefore?: number | null;
  elementVolumeAfter?: number | null;
  grossVolume?: number | null;
  netVolume: number;
  unit?: "UM01" | "UM02" | "UM03" | "UM04";
  temperatureC?: number | null;
  densityKgM3?: number | null;
  vcf?: number | null;
  referenceTemperatureC: number;
  counterpartyRfc?: string | null;
  counterpartyName?: string | null;
  counterpartyPermit?: string | null;
  transportMeansKey?: string | null;
  transportPermit?: string | null;
  totalizerAfter?: number | null;
  status: "complete" | "incomplete";
  incompleteReasons?: string[] | null;
  origin: "automatic" | "manual" | "third_party" | "provider";
  sourceDevice?: string | null;
  algorithmId?: string | null;
  algorithmVersion?: string | null;
  sourceKey?: string | null;
  rawData?: Record<string, unknown> | null;
  justification?: string | null;
  clarification?: string | null;
  eventLogId?: number | null;
  createdAt: Date;
  createdBy?: number | null;
}

export interface OperationRow {
  id: number;
  installationId: number;
  installationKey: string;
  number: number;
  version: number;
  supersedesId: number | null;
  type: "reception" | "delivery";
  elementType: string;
  tankId: number | null;
  tankKey: string | null;
  hoseId: number | null;
  hoseKey: string | null;
  dispenserKey: string | null;
  productKey: string;
  subProductKey: string | null;
  startAt: Date;
  endAt: Date;
  elementVolumeBefore: number | null;
  elementVolumeAfter: number | null;
  grossVolume: number | null;
  netVolume: number;
  unit: string;
  temperatureC: number | null;
  vcf: number | null;
  referenceTemperatureC: number;
  counterpartyRfc: string | null;
  counterpartyName: string | null;
  counterpartyPermit: string | null;
  transportMeansKey: string | null;
  transportPermit: string | null;
  totalizerAfter: number | null;
  status: "complete" | "incomplete";
  incompleteReasons: string[];
  origin: "automatic" | "manual" | "third_party" | "provider";
  sourceDevice: string | null;
  algorithmId: string | null;
  algorithmVersion: string | null;
  sourceKey: string | null;
  rawData: Record<string, unknown> | null;
  justification: string | null;
  clarification: string | null;
  correctionReason: string | null;
  eventLogId: number | null;
  createdAt: Date;
  createdBy: number | null;
  createdByUsername: string | null;
}

const fixed3 = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : v.toFixed(3));

/**
 * Serialises the writers of one installation's operation register for the rest of the
 * transaction (the record_sequences row lock), without using a number: a duplicate found after
 * the lock leaves no gap (A30-REC-04).
 */
export async function lockOperationRegister(tx: SqlExecutor, installationId: number): Promise<void> {
  await tx.query(
    "insert into record_sequences (register, installation_id, last_value) values ('operation', $1, 0) on conflict (register, installation_id) do nothing",
    [installationId],
  );
  await tx.query("select last_value from record_sequences where register = 'operation' and installation_id = $1 for update", [installationId]);
}

/** Inserts version 1 of a record with the next consecutive number of its installation. */
export async function insertOperation(tx: SqlExecutor, op: NewOperation): Promise<{ id: number; number: number }> {
  const number = await nextRecordNumber(tx, "operation", op.installationId);
  const [id] = await insertOperationRows(tx, [{ op, number }]);
  return { id: id!, number };
}

/**
 * Reserves `count` consecutive numbers of an installation's operation register in one statement
 * (same counter and row lock as `nextRecordNumber`: gap-free, a rollback returns the block,
 * A30-REC-04). Returns the first number of the block.
 */
export async function reserveOperationNumbers(tx: SqlExecutor, installationId: number, count: number): Promise<number> {
  const [row] = await tx.query<{ last_value: string | number }>(
    `insert into record_sequences (register, installation_id, last_value) values ('operation', $1, $2)
     on conflict (register, installation_id) do update set last_value = record_sequences.last_value + excluded.last_value
     returning last_value`,
    [installationId, count],
  );
  return Number(row!.last_value) - count + 1;
}

const INSERT_COLUMNS = [
  "installation_id", "number", "type", "sat_record_type", "element_type", "tank_id", "duct_id", "dispenser_id", "hose_id", "measurement_system_id",
  "product_key", "sub_product_key", "start_at", "end_at", "element_volume_before", "element_volume_after", "gross_volume", "net_volume", "unit",
  "temperature_c", "density_kg_m3", "vcf", "reference_temperature_c", "counterparty_rfc", "counterparty_name", "counterparty_permit",
  "transport_means_key", "transport_permit", "totalizer_after", "status", "incomplete_reasons", "origin", "source_device", "algorithm_id",
  "algorithm_version", "source_key", "raw_data", "justification", "clarification", "version", "supersedes_id", "correction_reason", "event_log_id",
  "created_at", "created_by",
] as const;
/** Rows per INSERT statement (45 parameters each, well under the 65,535-parameter limit). */
const ROWS_PER_INSERT = 400;

/**
 * Inserts version-1 records with the numbers given (reserved by the caller), several per
 * statement (multi-row VALUES). Returns their ids in the order given.
 */
export async function insertOperationRows(tx: SqlExecutor, rows: ReadonlyArray<{ op: NewOperation; number: number }>): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const part = rows.slice(i, i + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = part.map(({ op, number }) => {
      const values = operationValues(op, number);
      const placeholders = values.map((v, k) => {
        params.push(v);
        const column = INSERT_COLUMNS[k]!;
        return column === "incomplete_reasons" || column === "raw_data" ? `$${params.length}::jsonb` : `$${params.length}`;
      });
      return `(${placeholders.join(", ")})`;
    });
    const inserted = await tx.query<{ id: string | number; installation_id: number; number: string | number }>(
      `insert into operations (${INSERT_COLUMNS.join(", ")}) values ${tuples.join(", ")} returning id, installation_id, number`,
      params,
    );
    const byNumber = new Map(inserted.map((r) => [`${Number(r.installation_id)}:${Number(r.number)}`, Number(r.id)]));
    for (const { op, number } of part) ids.push(byNumber.get(`${op.installationId}:${number}`)!);
  }
  return ids;
}

function operationValues(op: NewOperation, number: number): unknown[] {
  // version 1 only (corrections copy their predecessor: insertOperationVersion)
  return [
    op.installationId,
    number,
    op.type,
    op.satRecordType ?? "D",
    op.elementType,
    op.tankId ?? null,
    op.ductId ?? null,
    op.dispenserId ?? null,
    op.hoseId ?? null,
    op.measurementSystemId ?? null,
    op.productKey,
    op.subProductKey ?? null,
    op.startAt.toISOString(),
    op.endAt.toISOString(),
    fixed3(op.elementVolumeBefore),
    fixed3(op.elementVolumeAfter),
    fixed3(op.grossVolume),
    op.netVolume.toFixed(3),
    op.unit ?? "UM03",
    op.temperatureC === null || op.temperatureC === undefined ? null : op.temperatureC.toFixed(3),
    op.densityKgM3 === null || op.densityKgM3 === undefined ? null : op.densityKgM3.toFixed(3),
    op.vcf === null || op.vcf === undefined ? null : op.vcf.toFixed(5),
    op.referenceTemperatureC.toFixed(2),
    op.counterpartyRfc ?? null,
    op.counterpartyName ?? null,
    op.counterpartyPermit ?? null,
    op.transportMeansKey ?? null,
    op.transportPermit ?? null,
    fixed3(op.totalizerAfter),
    op.status,
    op.incompleteReasons && op.incompleteReasons.length > 0 ? JSON.stringify(op.incompleteReasons) : null,
    op.origin,
    op.sourceDevice ?? null,
    op.algorithmId ?? null,
    op.algorithmVersion ?? null,
    op.sourceKey ?? null,
    op.rawData ? JSON.stringify(op.rawData) : null,
    op.justification ?? null,
    op.clarification ?? null,
    1,
    null,
    null,
    op.eventLogId ?? null,
    op.createdAt.toISOString(),
    op.createdBy ?? null,
  ];
}

/** Every column a new version copies from its predecessor unless overridden. */
const COPIED_COLUMNS = [
  "installation_id", "number", "type", "sat_record_type", "element_type", "tank_id", "duct_id", "well_id", "dispenser_id", "hose_id",
  "measurement_system_id", "product_key", "sub_product_key", "start_at", "end_at", "element_volume_before", "element_volume_after",
  "gross_volume", "net_volume", "unit", "measured_value", "measured_unit", "conversion_factor", "conversion_text", "temperature_c",
  "pressure_abs_kpa", "density_kg_m3", "vcf", "reference_temperature_c", "reference_pressure_kpa", "calorific_value", "calorific_value_unit",
  "counterparty_rfc", "counterparty_name", "counterparty_permit", "transport_means_key", "transport_permit", "totalizer_after",
  "unit_price_mxn", "amount_mxn", "lot_id", "quality_record_id", "status", "incomplete_reasons", "origin", "source_rfc", "imported_file_id",
  "source_device", "algorithm_id", "algorithm_version", "source_key", "raw_data", "justification", "clarification",
] as const;
export type VersionOverride = Partial<Record<(typeof COPIED_COLUMNS)[number], string | number | null>>;

/**
 * Inserts version n + 1 of the record whose current version is `previousId` (same number, every
 * column copied, `overrides` applied) — A30-STO-02, A30-LOG-10. Returns the new row id.
 */
export async function insertOperationVersion(
  tx: SqlExecutor,
  previousId: number,
  overrides: VersionOverride,
  meta: { correctionReason: string; eventLogId: number; createdAt: Date; createdBy: number | null },
): Promise<number> {
  const params: unknown[] = [previousId, meta.correctionReason, meta.eventLogId, meta.createdAt.toISOString(), meta.createdBy];
  const select = COPIED_COLUMNS.map((column) => {
    if (!(column in overrides)) return `p.${column}`;
    const value = overrides[column];
    params.push(value === null || value === undefined ? null : column === "incomplete_reasons" || column === "raw_data" ? value : String(value));
    return column === "incomplete_reasons" || column === "raw_data" ? `$${params.length}::jsonb` : `$${params.length}`;
  });
  const [row] = await tx.query<{ id: string | number }>(
    `insert into operations (${COPIED_COLUMNS.join(", ")}, version, supersedes_id, correction_reason, event_log_id, created_at, created_by)
     select ${select.join(", ")}, p.version + 1, p.id, $2, $3, $4, $5 from operations p where p.id = $1
     returning id`,
    params,
  );
  if (!row) throw new Error(`operación ${previousId} inexistente`);
  return Number(row.id);
}

const SELECT = `
  select o.*, i.key as installation_key, k.key as tank_key, h.key as hose_key, d.key as dispenser_key, u.username as created_by_username
    from operations o
    join installations i on i.id = o.installation_id
    left join tanks k on k.id = o.tank_id
    left join hoses h on h.id = o.hose_id
    left join dispensers d on d.id = o.dispenser_id
    left join users u on u.id = o.created_by`;

/** Current version (nobody supersedes it) of the record that has this source key, if any. */
export async function findCurrentBySourceKey(db: SqlExecutor, installationId: number, sourceKey: string): Promise<OperationRow | null> {
  const rows = await db.query<Record<string, unknown>>(
    `${SELECT} where o.installation_id = $1 and o.number = (select number from operations where installation_id = $1 and source_key = $2 order by version limit 1)
       and not exists (select 1 from operations n where n.supersedes_id = o.id)`,
    [installationId, sourceKey],
  );
  return rows[0] ? mapRow(rows[0]) : null;
}

/** An automatic reception (current version) on the same tank whose interval overlaps [from, to]. */
export async function findOverlappingReception(db: SqlExecutor, tankId: number, from: Date, to: Date): Promise<OperationRow | null> {
  const rows = await db.query<Record<string, unknown>>(
    `${SELECT} where o.tank_id = $1 and o.type = 'reception' and o.origin = 'automatic' and o.start_at <= $3 and o.end_at >= $2
       and not exists (select 1 from operations n where n.supersedes_id = o.id) order by o.id limit 1`,
    [tankId, from.toISOString(), to.toISOString()],
  );
  return rows[0] ? mapRow(rows[0]) : null;
}

export async function getOperationById(db: SqlExecutor, id: number): Promise<OperationRow | null> {
  const rows = await db.query<Record<string, unknown>>(`${SELECT} where o.id = $1`, [id]);
  return rows[0] ? mapRow(rows[0]) : null;
}

/** The current version of the record `id` belongs to (locks nothing; run after lockOperationRegister to serialise). */
export async function getCurrentVersion(db: SqlExecutor, id: number): Promise<OperationRow | null> {
  const rows = await db.query<Record<string, unknown>>(
    `${SELECT} where (o.installation_id, o.number) = (select installation_id, number from operations where id = $1)
       and not exists (select 1 from operations n where n.supersedes_id = o.id)`,
    [id],
  );
  return rows[0] ? mapRow(rows[0]) : null;
}

export interface OperationFilter {
  installationKey?: string;
  from?: Date;
  to?: Date;
  type?: "reception" | "delivery";
  /** A30-REC-03 "registros incompletos" view. */
  status?: "complete" | "incomplete";
  limit?: number;
}

/** Current versions, newest first (A30-REC-03 fields, origin and status). */
export async function listCurrentOperations(db: SqlExecutor, filter: OperationFilter): Promise<OperationRow[]> {
  const where = ["not exists (select 1 from operations n where n.supersedes_id = o.id)"];
  const params: unknown[] = [];
  if (filter.installationKey) {
    params.push(filter.installationKey);
    where.push(`i.key = $${params.length}`);
  }
  if (filter.from) {
    params.push(filter.from.toISOString());
    where.push(`o.end_at >= $${params.length}`);
  }
  if (filter.to) {
    params.push(filter.to.toISOString());
    where.push(`o.end_at < $${params.length}`);
  }
  if (filter.type) {
    params.push(filter.type);
    where.push(`o.type = $${params.length}`);
  }
  if (filter.status) {
    params.push(filter.status);
    where.push(`o.status = $${params.length}`);
  }
  params.push(filter.limit ?? 500);
  const rows = await db.query<Record<string, unknown>>(`${SELECT} where ${where.join(" and ")} order by o.end_at desc, o.number desc limit $${params.length}`, params);
  return rows.map(mapRow);
}

/** Every version of the record `id` belongs to, oldest first (A30-LOG-10 history). */
export async function listOperationVersions(db: SqlExecutor, id: number): Promise<OperationRow[]> {
  const rows = await db.query<Record<string, unknown>>(
    `${SELECT} where (o.installation_id, o.number) = (select installation_id, number from operations where id = $1) order by o.version`,
    [id],
  );
  return rows.map(mapRow);
}

export async function linkEventLogToOperation(tx: SqlExecutor, eventLogId: number, operationId: number, kind: "note" | "cause" | "corrective_action" | "follow_up"): Promise<void> {
  await tx.query("insert into event_log_links (event_log_id, kind, operation_id) values ($1, $2, $3)", [eventLogId, kind, operationId]);
}

export async function insertSaleTotalizerReading(
  tx: SqlExecutor,
  reading: { dispenserId: number; hoseId: number; time: Date; totalizerL: number; operationId: number; source: string },
): Promise<void> {
  await tx.query(
    `insert into dispenser_totalizer_readings (hose_id, dispenser_id, time, totalizer_l, kind, operation_id, source)
     values ($1, $2, $3, $4, 'sale', $5, $6) on conflict on constraint dispenser_totalizer_readings_unique do nothing`,
    [reading.hoseId, reading.dispenserId, reading.time.toISOString(), reading.totalizerL.toFixed(3), reading.operationId, reading.source],
  );
}

/** Source keys (of the installation) that already have a record, among `sourceKeys` (one statement). */
export async function findStoredSourceKeys(db: SqlExecutor, installationId: number, sourceKeys: readonly string[]): Promise<Set<string>> {
  if (sourceKeys.length === 0) return new Set();
  const rows = await db.query<{ source_key: string }>(
    "select distinct source_key from operations where installation_id = $1 and source_key = any($2::text[])",
    [installationId, [...sourceKeys]],
  );
  return new Set(rows.map((r) => r.source_key));
}

/** Sale readings of the hose totalizers, one statement (same conflict rule as insertSaleTotalizerReading). */
export async function insertSaleTotalizerReadings(
  tx: SqlExecutor,
  readings: ReadonlyArray<{ dispenserId: number; hoseId: number; time: Date; totalizerL: number; operationId: number; source: string }>,
): Promise<void> {
  if (readings.length === 0) return;
  await tx.query(
    `insert into dispenser_totalizer_readings (hose_id, dispenser_id, time, totalizer_l, kind, operation_id, source)
     select hose_id, dispenser_id, time, totalizer_l::numeric, 'sale', operation_id, source
       from unnest($1::int[], $2::int[], $3::timestamptz[], $4::text[], $5::bigint[], $6::text[]) as x(hose_id, dispenser_id, time, totalizer_l, operation_id, source)
     on conflict on constraint dispenser_totalizer_readings_unique do nothing`,
    [
      readings.map((r) => r.hoseId),
      readings.map((r) => r.dispenserId),
      readings.map((r) => r.time.toISOString()),
      readings.map((r) => r.totalizerL.toFixed(3)),
      readings.map((r) => r.operationId),
      readings.map((r) => r.source),
    ],
  );
}

// ── what the detection job reads ────────────────────────────────────────────────────────────

export interface TankTarget {
  tankId: number;
  tankKey: string;
  installationId: number;
  installationKey: string;
  productKey: string;
  subProductKey: string | null;
  referenceTemperatureC: number;
  measurementSystemId: number | null;
  measurementSystemKey: string | null;
  hoses: HoseTarget[];
}

export interface HoseTarget {
  hoseId: number;
  hoseKey: string;
  dispenserId: number;
  dispenserKey: string;
  tankId: number;
  installationId: number;
  installationKey: string;
  productKey: string;
  subProductKey: string | null;
  referenceTemperatureC: number;
  measurementSystemId: number | null;
  measurementSystemKey: string | null;
  /** Measurement tag of the gross totalizer: `<installation>/<hose>/volume_total_l`. */
  totalizerTag: string;
}

export async function loadDetectionTargets(db: SqlExecutor): Promise<TankTarget[]> {
  const tanks = await db.query<{
    tank_id: number; tank_key: string; installation_id: number; installation_key: string; product_key: string; sub_product_key: string | null;
    reference_temperature_c: string; ms_id: number | null; ms_key: string | null;
  }>(
    `select k.id as tank_id, k.key as tank_key, i.id as installation_id, i.key as installation_key, k.product_key, k.sub_product_key,
            p.reference_temperature_c, ms.id as ms_id, ms.key as ms_key
       from tanks k join installations i on i.id = k.installation_id join products p on p.key = k.product_key
       left join lateral (select id, key from measurement_systems m where m.element_type = 'tank' and m.tank_id = k.id and m.kind = 'static' order by id limit 1) ms on true
      order by i.key, k.key`,
  );
  const hoses = await db.query<{
    hose_id: number; hose_key: string; dispenser_id: number; dispenser_key: string; tank_id: number; installation_id: number; installation_key: string;
    product_key: string; sub_product_key: string | null; reference_temperature_c: string; ms_id: number | null; ms_key: string | null;
  }>(
    `select h.id as hose_id, h.key as hose_key, d.id as dispenser_id, d.key as dispenser_key, h.tank_id, i.id as installation_id, i.key as installation_key,
            h.product_key, h.sub_product_key, p.reference_temperature_c, ms.id as ms_id, ms.key as ms_key
       from hoses h join dispensers d on d.id = h.dispenser_id join installations i on i.id = d.installation_id join products p on p.key = h.product_key
       left join lateral (select id, key from measurement_systems m where m.element_type = 'dispenser' and m.dispenser_id = d.id order by id limit 1) ms on true
      order by i.key, h.key`,
  );
  return tanks.map((t) => ({
    tankId: Number(t.tank_id),
    tankKey: t.tank_key,
    installationId: Number(t.installation_id),
    installationKey: t.installation_key,
    productKey: t.product_key,
    subProductKey: t.sub_product_key,
    referenceTemperatureC: Number(t.reference_temperature_c),
    measurementSystemId: t.ms_id === null ? null : Number(t.ms_id),
    measurementSystemKey: t.ms_key,
    hoses: hoses
      .filter((h) => Number(h.tank_id) === Number(t.tank_id))
      .map((h) => ({
        hoseId: Number(h.hose_id),
        hoseKey: h.hose_key,
        dispenserId: Number(h.dispenser_id),
        dispenserKey: h.dispenser_key,
        tankId: Number(h.tank_id),
        installationId: Number(h.installation_id),
        installationKey: h.installation_key,
        productKey: h.product_key,
        subProductKey: h.sub_product_key,
        referenceTemperatureC: Number(h.reference_temperature_c),
        measurementSystemId: h.ms_id === null ? null : Number(h.ms_id),
        measurementSystemKey: h.ms_key,
        totalizerTag: `${h.installation_key}/${h.hose_key}/volume_total_l`,
      })),
  }));
}

export interface TankReadingPoint {
  time: Date;
  netVolumeL: number;
  grossVolumeL: number | null;
  temperatureC: number | null;
  levelMm: number | null;
  vcf: number | null;
  algorithmId: string | null;
  algorithmVersion: string | null;
}

/** Automatic readings of a tank after `after` (exclusive), oldest first. */
export async function readTankReadingsAfter(db: SqlExecutor, tankId: number, after: Date | null, limit: number): Promise<TankReadingPoint[]> {
  const rows = await db.query<{
    time: Date | string; net_volume_l: number; gross_volume_l: number | null; temperature_c: number | null; level_mm: number | null; vcf: string | null;
    algorithm_id: string | null; algorithm_version: string | null;
  }>(
    `select time, net_volume_l, gross_volume_l, temperature_c, level_mm, vcf, algorithm_id, algorithm_version from tank_readings
      where tank_id = $1 and origin = 'automatic' and ($2::timestamptz is null or time > $2::timestamptz) order by time limit $3`,
    [tankId, after ? after.toISOString() : null, limit],
  );
  return rows.map(mapReading);
}

/**
 * The tank's series as the measurement pipeline stores it at full rate (measurements tags
 * `<installation>/<tank>/net_volume_l`, `gross_volume_l`, `temperature_c`, `level_mm`, same
 * instants); tank_readings only holds an audit row per tank and minute.
 */
export async function readTankSeriesFromMeasurements(db: SqlExecutor, prefix: string, after: Date | null, limit: number): Promise<TankReadingPoint[]> {
  const rows = await db.query<{ time: Date | string; net: number; gross: number | null; temperature: number | null; level: number | null; vcf: number | null }>(
    `select n.time, n.value as net, g.value as gross, tt.value as temperature, l.value as level, v.value as vcf
       from measurements n
       left join measurements g on g.tag = $2 and g.time = n.time
       left join measurements tt on tt.tag = $3 and tt.time = n.time
       left join measurements l on l.tag = $4 and l.time = n.time
       left join measurements v on v.tag = $5 and v.time = n.time
      where n.tag = $1 and n.quality = 0 and ($6::timestamptz is null or n.time > $6::timestamptz)
      order by n.time limit $7`,
    [`${prefix}/net_volume_l`, `${prefix}/gross_volume_l`, `${prefix}/temperature_c`, `${prefix}/level_mm`, `${prefix}/vcf`, after ? after.toISOString() : null, limit],
  );
  return rows.map((r) => ({
    time: new Date(r.time),
    netVolumeL: Number(r.net),
    grossVolumeL: r.gross === null ? null : Number(r.gross),
    temperatureC: r.temperature === null ? null : Number(r.temperature),
    levelMm: r.level === null ? null : Number(r.level),
    vcf: r.vcf === null ? null : Number(r.vcf),
    algorithmId: null,
    algorithmVersion: null,
  }));
}

export async function tagHasData(db: SqlExecutor, tag: string): Promise<boolean> {
  const rows = await db.query("select 1 from measurements where tag = $1 limit 1", [tag]);
  return rows.length > 0;
}

/** The automatic reading of a tank at or before `time` (null when none). */
export async function tankReadingAtOrBefore(db: SqlExecutor, tankId: number, time: Date): Promise<TankReadingPoint | null> {
  const rows = await db.query<Parameters<typeof mapReading>[0]>(
    `select time, net_volume_l, gross_volume_l, temperature_c, level_mm, vcf, algorithm_id, algorithm_version from tank_readings
      where tank_id = $1 and origin = 'automatic' and time <= $2 order by time desc limit 1`,
    [tankId, time.toISOString()],
  );
  if (rows[0]) return mapReading(rows[0]);
  const after = await db.query<Parameters<typeof mapReading>[0]>(
    `select time, net_volume_l, gross_volume_l, temperature_c, level_mm, vcf, algorithm_id, algorithm_version from tank_readings
      where tank_id = $1 and origin = 'automatic' and time > $2 order by time limit 1`,
    [tankId, time.toISOString()],
  );
  return after[0] ? mapReading(after[0]) : null;
}

/**
 * The automatic readings of a tank that cover [from, to]: the last one at or before `from`, every
 * one inside, and the first after `to` (one statement; the detection job picks per sale in memory).
 */
export async function tankReadingsCovering(db: SqlExecutor, tankId: number, from: Date, to: Date): Promise<TankReadingPoint[]> {
  const rows = await db.query<Parameters<typeof mapReading>[0]>(
    `(select time, net_volume_l, gross_volume_l, temperature_c, level_mm, vcf, algorithm_id, algorithm_version from tank_readings
       where tank_id = $1 and origin = 'automatic' and time <= $2 order by time desc limit 1)
     union all
     (select time, net_volume_l, gross_volume_l, temperature_c, level_mm, vcf, algorithm_id, algorithm_version from tank_readings
       where tank_id = $1 and origin = 'automatic' and time > $2 and time <= $3)
     union all
     (select time, net_volume_l, gross_volume_l, temperature_c, level_mm, vcf, algorithm_id, algorithm_version from tank_readings
       where tank_id = $1 and origin = 'automatic' and time > $3 order by time limit 1)
     order by time`,
    [tankId, from.toISOString(), to.toISOString()],
  );
  return rows.map(mapReading);
}

/** In-memory `tankReadingAtOrBefore` over a sorted list (the first reading when all are later). */
export function readingAtOrBefore(readings: readonly TankReadingPoint[], time: Date): TankReadingPoint | null {
  let found: TankReadingPoint | null = null;
  for (const r of readings) {
    if (r.time.getTime() <= time.getTime()) found = r;
    else break;
  }
  return found ?? readings[0] ?? null;
}

/** Base density (at the product's reference temperature) of the tank's reading at or before `time`. */
export async function tankBaseDensityAtOrBefore(db: SqlExecutor, tankId: number, time: Date): Promise<number | null> {
  const rows = await db.query<{ base_density_kg_m3: number | null }>(
    `select base_density_kg_m3 from tank_readings where tank_id = $1 and origin = 'automatic' and base_density_kg_m3 is not null and time <= $2
      order by time desc limit 1`,
    [tankId, time.toISOString()],
  );
  return rows[0]?.base_density_kg_m3 == null ? null : Number(rows[0].base_density_kg_m3);
}

export interface DuctTarget {
  ductId: number;
  ductKey: string;
  direction: "inlet" | "outlet";
  installationId: number;
  installationKey: string;
  measurementSystemId: number | null;
  measurementSystemKey: string | null;
  /** `<installation>/<duct>/volume_total_l` (gross) and `net_volume_total_l` (net at 15 °C, the flow computer's). */
  grossTag: string;
  netTag: string;
  inOperationTag: string;
  /** Product of the duct (used when no tank can be named) and its reference temperature. */
  productKey: string | null;
  referenceTemperatureC: number;
}

/** Operating ducts with a flow meter (their tanks are the installation's TankTargets). */
export async function loadDuctTargets(db: SqlExecutor): Promise<DuctTarget[]> {
  const rows = await db.query<{
    id: number; key: string; direction: "inlet" | "outlet"; installation_id: number; installation_key: string; ms_id: number | null; ms_key: string | null;
    product_key: string | null; reference_temperature_c: string | null;
  }>(
    `select d.id, d.key, d.direction, d.installation_id, i.key as installation_key, ms.id as ms_id, ms.key as ms_key, d.product_key, p.reference_temperature_c
       from ducts d join installations i on i.id = d.installation_id left join products p on p.key = d.product_key
       left join lateral (select id, key from measurement_systems m where m.element_type = 'duct' and m.duct_id = d.id order by id limit 1) ms on true
      where d.status = 'O' and d.direction in ('inlet', 'outlet')
      order by i.key, d.key`,
  );
  return rows.map((d) => ({
    ductId: Number(d.id),
    ductKey: d.key,
    direction: d.direction,
    installationId: Number(d.installation_id),
    installationKey: d.installation_key,
    measurementSystemId: d.ms_id === null ? null : Number(d.ms_id),
    measurementSystemKey: d.ms_key,
    grossTag: `${d.installation_key}/${d.key}/volume_total_l`,
    netTag: `${d.installation_key}/${d.key}/net_volume_total_l`,
    inOperationTag: `${d.installation_key}/${d.key}/in_operation`,
    productKey: d.product_key,
    referenceTemperatureC: d.reference_temperature_c === null ? 20 : Number(d.reference_temperature_c),
  }));
}

function mapReading(r: {
  time: Date | string; net_volume_l: number; gross_volume_l: number | null; temperature_c: number | null; level_mm: number | null; vcf: string | null;
  algorithm_id: string | null; algorithm_version: string | null;
}): TankReadingPoint {
  return {
    time: new Date(r.time),
    netVolumeL: Number(r.net_volume_l),
    grossVolumeL: r.gross_volume_l === null ? null : Number(r.gross_volume_l),
    temperatureC: r.temperature_c === null ? null : Number(r.temperature_c),
    levelMm: r.level_mm === null ? null : Number(r.level_mm),
    vcf: r.vcf === null ? null : Number(r.vcf),
    algorithmId: r.algorithm_id,
    algorithmVersion: r.algorithm_version,
  };
}

/** Good-quality values of a measurement tag in (after, until], oldest first. */
export async function readTagAfter(db: SqlExecutor, tag: string, after: Date | null, limit: number): Promise<Array<{ time: Date; value: number }>> {
  const rows = await db.query<{ time: Date | string; value: number }>(
    `select time, value from measurements where tag = $1 and quality = 0 and ($2::timestamptz is null or time > $2::timestamptz) order by time limit $3`,
    [tag, after ? after.toISOString() : null, limit],
  );
  return rows.map((r) => ({ time: new Date(r.time), value: Number(r.value) }));
}

/** A duct meter's gross totalizer after `after`, with the `in_operation` value stored at the same instant (null when none). */
export async function readDuctSeriesAfter(
  db: SqlExecutor,
  grossTag: string,
  inOperationTag: string,
  after: Date | null,
  limit: number,
): Promise<Array<{ time: Date; value: number; inOperation: boolean | null }>> {
  const rows = await db.query<{ time: Date | string; value: number; in_operation: number | null }>(
    `select m.time, m.value, o.value as in_operation from measurements m
       left join measurements o on o.tag = $2 and o.time = m.time and o.quality = 0
      where m.tag = $1 and m.quality = 0 and ($3::timestamptz is null or m.time > $3::timestamptz) order by m.time limit $4`,
    [grossTag, inOperationTag, after ? after.toISOString() : null, limit],
  );
  return rows.map((r) => ({ time: new Date(r.time), value: Number(r.value), inOperation: r.in_operation === null ? null : Number(r.in_operation) !== 0 }));
}

/** Good-quality values of a tag in [from, to] plus the last one before `from` and the first after `to`. */
export async function readTagAround(db: SqlExecutor, tag: string, from: Date, to: Date): Promise<Array<{ time: Date; value: number }>> {
  const rows = await db.query<{ time: Date | string; value: number }>(
    `(select time, value from measurements where tag = $1 and quality = 0 and time < $2 order by time desc limit 1)
     union all (select time, value from measurements where tag = $1 and quality = 0 and time >= $2 and time <= $3)
     union all (select time, value from measurements where tag = $1 and quality = 0 and time > $3 order by time limit 1)
     order by time`,
    [tag, from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({ time: new Date(r.time), value: Number(r.value) }));
}

// ── checkpoints ─────────────────────────────────────────────────────────────────────────────

/** The detection job's durable state for one element (app_settings `operations.detector.<kind>.<id>`). */
export async function loadCheckpoint<T>(db: SqlExecutor, key: string): Promise<T | null> {
  const rows = await db.query<{ value: T | string }>("select value from app_settings where key = $1", [key]);
  if (!rows[0]) return null;
  const value = rows[0].value;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export async function saveCheckpoint(tx: SqlExecutor, key: string, value: unknown, now: Date): Promise<void> {
  await tx.query(
    `insert into app_settings (key, value, updated_at) values ($1, $2, $3)
     on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
    [key, JSON.stringify(value), now.toISOString()],
  );
}

function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

function mapRow(r: Record<string, unknown>): OperationRow {
  const reasons = r.incomplete_reasons;
  const raw = r.raw_data;
  return {
    id: Number(r.id),
    installationId: Number(r.installation_id),
    installationKey: String(r.installation_key),
    number: Number(r.number),
    version: Number(r.version),
    supersedesId: num(r.supersedes_id),
    type: r.type as OperationRow["type"],
    elementType: String(r.element_type),
    tankId: num(r.tank_id),
    tankKey: (r.tank_key as string | null) ?? null,
    hoseId: num(r.hose_id),
    hoseKey: (r.hose_key as string | null) ?? null,
    dispenserKey: (r.dispenser_key as string | null) ?? null,
    productKey: String(r.product_key),
    subProductKey: (r.sub_product_key as string | null) ?? null,
    startAt: new Date(r.start_at as string),
    endAt: new Date(r.end_at as string),
    elementVolumeBefore: num(r.element_volume_before),
    elementVolumeAfter: num(r.element_volume_after),
    grossVolume: num(r.gross_volume),
    netVolume: Number(r.net_volume),
    unit: String(r.unit),
    temperatureC: num(r.temperature_c),
    vcf: num(r.vcf),
    referenceTemperatureC: Number(r.reference_temperature_c),
    counterpartyRfc: (r.counterparty_rfc as string | null) ?? null,
    counterpartyName: (r.counterparty_name as string | null) ?? null,
    counterpartyPermit: (r.counterparty_permit as string | null) ?? null,
    transportMeansKey: (r.transport_means_key as string | null) ?? null,
    transportPermit: (r.transport_permit as string | null) ?? null,
    totalizerAfter: num(r.totalizer_after),
    status: r.status as OperationRow["status"],
    incompleteReasons: (typeof reasons === "string" ? JSON.parse(reasons) : (reasons ?? [])) as string[],
    origin: r.origin as OperationRow["origin"],
    sourceDevice: (r.source_device as string | null) ?? null,
    algorithmId: (r.algorithm_id as string | null) ?? null,
    algorithmVersion: (r.algorithm_version as string | null) ?? null,
    sourceKey: (r.source_key as string | null) ?? null,
    rawData: (typeof raw === "string" ? JSON.parse(raw) : (raw ?? null)) as Record<string, unknown> | null,
    justification: (r.justification as string | null) ?? null,
    clarification: (r.clarification as string | null) ?? null,
    correctionReason: (r.correction_reason as string | null) ?? null,
    eventLogId: num(r.event_log_id),
    createdAt: new Date(r.created_at as string),
    createdBy: num(r.created_by),
    createdByUsername: (r.created_by_username as string | null) ?? null,
  };
}
