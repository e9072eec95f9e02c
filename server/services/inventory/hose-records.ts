import type { SqlExecutor } from "../../../db/client";
import { reserveRecordNumbers } from "./bulk-records";
import type { DueCut } from "./daily-cut";

/**
 * Service-station daily records per hose (A30-REC-02 "para estaciones de servicio … por
 * dispensario y manguera", A30-MS-20), made by the daily cut in the same transaction as the tank
 * records:
 *  - `dispenser_totalizer_readings` kind 'cut': the hose's sales totaliser at the cut instant — the
 *    latest good value of `<installation>/<hose>/volume_total_l` at or before the cut (no older
 *    than the measured-stock age limit), else the latest sale reading at or before the cut. The
 *    opening of a day is the previous cut's reading, so closing − opening = that day's sales;
 *  - `daily_accumulations` element 'hose' (with its dispenser and measurement system): deliveries
 *    (current versions of the hose's operations ending in [period start, cut)) and their volume,
 *    numbered in the installation's daily-accumulation register (block reservation, gap-free).
 * Set-based (one read, one insert per table) and idempotent: a hose that already has its record for
 * the report date is skipped.
 */
export interface HoseCutRow {
  installation_id: number;
  period_start: Date | string;
  cut_at: Date | string;
  hose_id: number;
  hose_key: string;
  dispenser_id: number;
  product_key: string;
  sub_product_key: string | null;
  ms_id: number | null;
  unit: string;
  reference_temperature_c: string;
  delivered: string;
  delivery_count: number;
  totalizer: string | null;
  has_cut_reading: boolean;
}

export async function loadHoseCutInputs(tx: SqlExecutor, reportDate: string, cuts: readonly DueCut[], maxAgeS: number): Promise<HoseCutRow[]> {
  if (cuts.length === 0) return [];
  return tx.query<HoseCutRow>(
    `with p as (
       select * from unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) as p(installation_id, period_start, cut_at)
     ),
     h as (
       select p.installation_id, p.period_start, p.cut_at, h.id as hose_id, h.key as hose_key, h.dispenser_id, h.product_key, h.sub_product_key,
              i.key || '/' || h.key || '/volume_total_l' as tag, pr.unit, pr.reference_temperature_c,
              (select m.id from measurement_systems m where m.element_type = 'dispenser' and m.dispenser_id = d.id order by m.id limit 1) as ms_id
         from p
         join installations i on i.id = p.installation_id
         join dispensers d on d.installation_id = p.installation_id and d.status = 'O'
         join hoses h on h.dispenser_id = d.id and h.status = 'O'
         join products pr on pr.key = h.product_key
        where not exists (select 1 from daily_accumulations a
                           where a.installation_id = p.installation_id and a.report_date = $4::date and a.element_type = 'hose' and a.hose_id = h.id)
     ),
     ops as (
       select h.hose_id, coalesce(sum(o.net_volume), 0) as delivered, count(*)::int as delivery_count
         from h join operations o on o.installation_id = h.installation_id and o.end_at >= h.period_start and o.end_at < h.cut_at and o.hose_id = h.hose_id and o.type = 'delivery'
        where not exists (select 1 from operations s where s.supersedes_id = o.id)
        group by h.hose_id
     )
     select h.installation_id, h.period_start, h.cut_at, h.hose_id, h.hose_key, h.dispenser_id, h.product_key, h.sub_product_key, h.ms_id, h.unit,
            h.reference_temperature_c::text, coalesce(ops.delivered, 0)::text as delivered, coalesce(ops.delivery_count, 0) as delivery_count,
            round(coalesce(
              (select m.value::numeric from measurements m
                where m.tag = h.tag and m.quality = 0 and m.time <= h.cut_at and m.time > h.cut_at - make_interval(secs => $5)
                order by m.time desc limit 1),
              (select r.totalizer_l from dispenser_totalizer_readings r
                where r.dispenser_id = h.dispenser_id and r.hose_id = h.hose_id and r.kind = 'sale' and r.time <= h.cut_at order by r.time desc limit 1)
            ), 3)::text as totalizer,
            exists (select 1 from dispenser_totalizer_readings r where r.dispenser_id = h.dispenser_id and r.hose_id = h.hose_id and r.kind = 'cut' and r.time = h.cut_at) as has_cut_reading
       from h left join ops on ops.hose_id = h.hose_id
      order by h.installation_id, h.hose_key`,
    [cuts.map((c) => c.installationId), cuts.map((c) => c.start.toISOString()), cuts.map((c) => c.end.toISOString()), reportDate, maxAgeS],
  );
}

/** Stores the per-hose records of a batch of cuts; returns how many hose accumulations were stored. */
export async function storeHoseCutRecords(tx: SqlExecutor, reportDate: string, cuts: readonly DueCut[], now: Date, maxAgeS: number): Promise<number> {
  const rows = await loadHoseCutInputs(tx, reportDate, cuts, maxAgeS);
  if (rows.length === 0) return 0;
  const iso = (v: Date | string) => new Date(v).toISOString();

  // A30-MS-20: totaliser per hose at the cut (read-only once stored).
  const readings = rows.filter((r) => r.totalizer !== null && !r.has_cut_reading);
  if (readings.length > 0) {
    await tx.query(
      `insert into dispenser_totalizer_readings (hose_id, dispenser_id, time, totalizer_l, kind, source, created_at)
       select hose_id, dispenser_id, time, totalizer::numeric, 'cut', 'corte diario', $1::timestamptz
         from unnest($2::int[], $3::int[], $4::timestamptz[], $5::text[]) as x(hose_id, dispenser_id, time, totalizer)
       on conflict on constraint dispenser_totalizer_readings_unique do nothing`,
      [now.toISOString(), readings.map((r) => r.hose_id), readings.map((r) => r.dispenser_id), readings.map((r) => iso(r.cut_at)), readings.map((r) => r.totalizer)],
    );
  }

  // A30-REC-02: daily accumulation per dispenser/hose, gap-free numbers of the installation's register.
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(Number(r.installation_id), (counts.get(Number(r.installation_id)) ?? 0) + 1);
  const first = await reserveRecordNumbers(tx, "daily_accumulation", counts);
  const offset = new Map<number, number>();
  const numbers = rows.map((r) => {
    const id = Number(r.installation_id);
    const n = offset.get(id) ?? 0;
    offset.set(id, n + 1);
    return first.get(id)! + n;
  });
  await tx.query(
    `insert into daily_accumulations (installation_id, number, report_date, period_start, period_end, element_type, dispenser_id, hose_id, measurement_system_id,
                                      product_key, sub_product_key, reception_count, received_volume, delivery_count, delivered_volume, unit,
                                      reference_temperature_c, created_at)
     select installation_id, number, $1::date, period_start, period_end, 'hose', dispenser_id, hose_id, ms_id, product_key, sub_product_key,
            0, 0, delivery_count, delivered::numeric, unit, reference_temperature_c::numeric, $2::timestamptz
       from unnest($3::int[], $4::bigint[], $5::timestamptz[], $6::timestamptz[], $7::int[], $8::int[], $9::int[], $10::text[], $11::text[], $12::int[],
                   $13::text[], $14::text[], $15::text[])
         as x(installation_id, number, period_start, period_end, dispenser_id, hose_id, ms_id, product_key, sub_product_key, delivery_count, delivered, unit,
              reference_temperature_c)`,
    [
      reportDate,
      now.toISOString(),
      rows.map((r) => r.installation_id),
      numbers,
      rows.map((r) => iso(r.period_start)),
      rows.map((r) => iso(r.cut_at)),
      rows.map((r) => r.dispenser_id),
      rows.map((r) => r.hose_id),
      rows.map((r) => r.ms_id),
      rows.map((r) => r.product_key),
      rows.map((r) => r.sub_product_key),
      rows.map((r) => r.delivery_count),
      rows.map((r) => r.delivered),
      rows.map((r) => r.unit),
      rows.map((r) => r.reference_temperature_c),
    ],
  );
  return rows.length;
}
