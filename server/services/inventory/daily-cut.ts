import type { Database, SqlExecutor } from "../../../db/client";
import { ALARM_TYPE } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";
import {
  DEFAULT_OPTIONS,
  addDays,
  evaluateDay,
  evaluateMonth,
  findingDescription,
  isLastDayOfMonth,
  milliToString,
  monthOf,
  toMilli,
  type DayEvaluation,
  type Finding,
  type PhysicalState,
  type ReconciliationOptions,
} from "../../domain/reconciliation/index";
import { appendEventLogBatch, insertAlarmsBatch, reserveRecordNumbers, type BulkAlarm } from "./bulk-records";
import { scheduleDueReportDates, schedulePeriodContaining, schedulePeriodForDate } from "../../domain/settings/cut-schedule";
import { loadCutSchedules } from "../settings/store";
import { readReconciliationOptions } from "../settings/reconciliation-options";
import { storeHoseCutRecords } from "./hose-records";
import { loadStraddleAdjustments, type StraddleAdjustment } from "./straddle";
import type { NewEventLogEntry } from "../../../db/repositories/event-log";

/**
 * The daily inventory cut (A30-INV-01…06, A30-REC-02, A30-INC-01…06, A30-ALM-08): at each
 * installation's cut hour, for every tank × measurement system × product:
 *  - the receptions and deliveries of the period (current versions of `operations`, by end time)
 *    and the process losses of the report date, aggregated in the database;
 *  - the measured stock at the cut: the latest tank reading at or before the cut (and no older than
 *    `measuredMaxAgeMs`), net volume at reference conditions, in the product's unit;
 *  - the opening: the previous cut's measured stock (its calculated one when it had none), or for
 *    the first cut the reading at the period start;
 * then the same pure rules as `aforo reconcile` (A30-INC-07) decide the findings, and one
 * transaction stores the daily accumulations, the inventory records, a bitácora entry
 * (category 7, event type 7–11) and a type-2 alarm per finding, the low-priority "Diferencia de
 * existencias" alarms (A30-INV-04), the "corte diferido" note of a late cut (A30-INV-01) and the
 * type-4 "corte faltante" alarms for holes in the history (A30-ALM-08).
 *
 * Idempotent: a key that already has a record for the report date is skipped, so running twice
 * adds nothing. Set-based: one aggregate query and one insert per table for a whole batch of
 * installations sharing a report date.
 */
export interface DailyCutOptions {
  reconciliation?: ReconciliationOptions;
  /** A cut made later than this after its cut instant is "diferido" (A30-INV-01). Default 10 min. */
  deferredAfterMs?: number;
  /** Oldest reading accepted as the measured stock at a cut. Default 1 h. */
  measuredMaxAgeMs?: number;
  /** How far back the history is checked for missing cuts (A30-ALM-08). Default 31 days. */
  missingCutLookbackDays?: number;
  /** Installations per transaction. Default 2,000. */
  batchSize?: number;
}

export interface DailyCutSummary {
  /** (installation, report date) pairs processed. */
  cuts: number;
  /** Inventory records stored. */
  records: number;
  findings: number;
  stockDifferenceAlarms: number;
  deferred: number;
  missingCuts: number;
  /** Service-station daily records per hose stored (A30-REC-02, A30-MS-20). */
  hoseRecords: number;
}

interface InstallationRow {
  id: number;
  key: string;
  time_zone: string;
  cut_hour: string;
  created_at: Date | string;
  last_cut: string | null;
}

export interface DueCut {
  installationId: number;
  installationKey: string;
  reportDate: string;
  start: Date;
  end: Date;
}

const EMPTY: DailyCutSummary = { cuts: 0, records: 0, findings: 0, stockDifferenceAlarms: 0, deferred: 0, missingCuts: 0, hoseRecords: 0 };

/** Makes every cut that is due at `now` and not made yet (the scheduled job; also catches up after a stop). */
export async function runDueCuts(db: Database, now: Date, options: DailyCutOptions = {}): Promise<DailyCutSummary> {
  const installations = await db.query<InstallationRow>(
    `select i.id, i.key, i.time_zone, i.cut_hour, i.created_at,
            (select max(c.report_date)::text from inventory_cuts c where c.installation_id = i.id) as last_cut
       from installations i
      where i.status = 'active' and exists (select 1 from tanks t where t.installation_id = i.id)`,
  );
  // A30-INV-02: a cut-hour change made in /configuracion applies from the next cut; each period
  // uses the schedule in force at its cuts, so periods join without gap, overlap or skipped date.
  const schedules = await loadCutSchedules(db, installations);
  const due: DueCut[] = [];
  for (const inst of installations) {
    const schedule = schedules.get(Number(inst.id))!;
    const firstDate = schedulePeriodContaining(schedule, new Date(inst.created_at)).reportDate;
    for (const reportDate of scheduleDueReportDates(schedule, now, inst.last_cut, firstDate)) {
      const period = schedulePeriodForDate(schedule, reportDate);
      due.push({ installationId: Number(inst.id), installationKey: inst.key, reportDate, start: period.start, end: period.end });
    }
  }
  return makeCuts(db, due, now, await withConfiguredDeadBands(db, options));
}

/** Dead-bands of A30-INC-02/04 and A30-INV-04 from app_settings unless given (A30-INC common rule). */
async function withConfiguredDeadBands(db: Database, options: DailyCutOptions): Promise<DailyCutOptions> {
  return options.reconciliation ? options : { ...options, reconciliation: await readReconciliationOptions(db) };
}

/** Makes the cut of one installation and report date (tests, catch-up tools). */
export async function runCutForDate(db: Database, installationKey: string, reportDate: string, now: Date, options: DailyCutOptions = {}): Promise<DailyCutSummary> {
  const [inst] = await db.query<InstallationRow>("select id, key, time_zone, cut_hour, created_at, null as last_cut from installations where key = $1", [installationKey]);
  if (!inst) throw new Error(`instalación desconocida: ${installationKey}`);
  const period = schedulePeriodForDate((await loadCutSchedules(db, [inst])).get(Number(inst.id))!, reportDate);
  if (period.end.getTime() > now.getTime()) throw new Error(`el periodo del ${reportDate} termina ${period.end.toISOString()}: todavía no se puede cortar`);
  return makeCuts(db, [{ installationId: Number(inst.id), installationKey: inst.key, reportDate, start: period.start, end: period.end }], now, await withConfiguredDeadBands(db, options));
}

async function makeCuts(db: Database, due: DueCut[], now: Date, options: DailyCutOptions): Promise<DailyCutSummary> {
  const summary = { ...EMPTY };
  const byDate = new Map<string, DueCut[]>();
  for (const d of due) byDate.set(d.reportDate, [...(byDate.get(d.reportDate) ?? []), d]);
  const batchSize = options.batchSize ?? 2000;
  // Oldest first: day n's opening is day n−1's record.
  for (const date of [...byDate.keys()].sort()) {
    const cuts = byDate.get(date)!;
    for (let i = 0; i < cuts.length; i += batchSize) {
      const part = await db.transaction((tx) => cutBatch(tx, date, cuts.slice(i, i + batchSize), now, options));
      for (const k of Object.keys(summary) as (keyof DailyCutSummary)[]) summary[k] += part[k];
    }
  }
  return summary;
}

export interface KeyRow {
  installation_id: number;
  installation_key: string;
  period_start: Date | string;
  cut_at: Date | string;
  tank_id: number;
  tank_key: string;
  product_key: string;
  sub_product_key: string | null;
  ms_id: number | null;
  physical_state: PhysicalState;
  unit: string;
  reference_temperature_c: string;
  approach: "static" | "by_differences";
  opening: string;
  opening_measured: boolean;
  opening_at: Date | string | null;
  received: string;
  reception_count: number;
  delivered: string;
  delivery_count: number;
  loss: string;
  measured: string | null;
  measured_at: Date | string | null;
}

/** Litres per reporting unit (A30-MS-09): tank readings are in litres, records in the product's unit. */
const LITRES_PER_UNIT_SQL = `case pr.unit when 'UM01' then 158.987294928 when 'UM02' then 28.316846592 when 'UM04' then 1000 else 1 end`;

/**
 * One statement: keys (tank × static system × product without a record for the date), movements,
 * losses, opening and measured stock for every tank of a batch of installations. Also used with
 * cut_at = now for the preview of the open period (nothing is written then).
 */
export async function loadCutInputs(tx: SqlExecutor, reportDate: string, cuts: readonly DueCut[], maxAgeS: number): Promise<KeyRow[]> {
  return tx.query<KeyRow>(
    `with p as (
       select * from unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[]) as p(installation_id, installation_key, period_start, cut_at)
     ),
     k as (
       select p.installation_id, p.installation_key, p.period_start, p.cut_at, t.id as tank_id, t.key as tank_key, t.product_key, t.sub_product_key,
              ms.id as ms_id, pr.physical_state, pr.unit, pr.reference_temperature_c, t.measurement_approach as approach,
              (${LITRES_PER_UNIT_SQL})::numeric as litres_per_unit
         from p
         join tanks t on t.installation_id = p.installation_id and t.status = 'O'
         join products pr on pr.key = t.product_key
         left join measurement_systems ms on ms.tank_id = t.id and ms.element_type = 'tank' and ms.kind = 'static'
        where not exists (
          select 1 from inventory_cuts c
           where c.tank_id = t.id and c.measurement_system_id is not distinct from ms.id and c.product_key = t.product_key and c.report_date = $5::date)
     ),
     tk as (select distinct tank_id, product_key, period_start, cut_at from k),
     ops as (
       select tk.tank_id, tk.product_key,
              coalesce(sum(o.net_volume) filter (where o.type = 'reception'), 0) as received,
              count(*) filter (where o.type = 'reception')::int as reception_count,
              coalesce(sum(o.net_volume) filter (where o.type = 'delivery'), 0) as delivered,
              count(*) filter (where o.type = 'delivery')::int as delivery_count
         from tk
         join operations o on o.tank_id = tk.tank_id and o.product_key = tk.product_key and o.end_at >= tk.period_start and o.end_at < tk.cut_at
        where not exists (select 1 from operations s where s.supersedes_id = o.id)
        group by tk.tank_id, tk.product_key
     ),
     losses as (
       select tk.tank_id, tk.product_key, sum(l.volume) as loss
         from tk
         join process_losses l on l.tank_id = tk.tank_id and l.product_key = tk.product_key and l.report_date = $5::date
        where not exists (select 1 from process_losses s where s.supersedes_id = l.id)
        group by tk.tank_id, tk.product_key
     )
     select k.installation_id, k.installation_key, k.period_start, k.cut_at, k.tank_id, k.tank_key, k.product_key, k.sub_product_key, k.ms_id,
            k.physical_state, k.unit, k.reference_temperature_c::text, k.approach,
            coalesce(prev.measured_volume, prev.book_volume, round((ro.net_volume_l::numeric / k.litres_per_unit), 3), 0)::text as opening,
            (prev.measured_volume is not null or (prev.id is null and ro.net_volume_l is not null)) as opening_measured,
            coalesce(prev.measured_at, case when prev.id is null then ro.time end) as opening_at,
            coalesce(ops.received, 0)::text as received, coalesce(ops.reception_count, 0) as reception_count,
            coalesce(ops.delivered, 0)::text as delivered, coalesce(ops.delivery_count, 0) as delivery_count,
            coalesce(losses.loss, 0)::text as loss,
            case when k.approach = 'static' then round((rc.net_volume_l::numeric / k.litres_per_unit), 3)::text end as measured,
            case when k.approach = 'static' then rc.time end as measured_at
       from k
       left join ops on ops.tank_id = k.tank_id and ops.product_key = k.product_key
       left join losses on losses.tank_id = k.tank_id and losses.product_key = k.product_key
       left join lateral (
         select c.id, c.measured_volume, c.book_volume, c.measured_at from inventory_cuts c
          where c.tank_id = k.tank_id and c.measurement_system_id is not distinct from k.ms_id and c.product_key = k.product_key
            and c.report_date = $6::date
            and not exists (select 1 from inventory_cuts s where s.supersedes_id = c.id)
          order by c.version desc limit 1
       ) prev on true
       left join lateral (
         select r.net_volume_l, r.time from tank_readings r
          where prev.id is null and r.tank_id = k.tank_id and r.measurement_system_id is not distinct from k.ms_id
            and r.time <= k.period_start and r.time > k.period_start - make_interval(secs => $7)
          order by r.time desc limit 1
       ) ro on true
       left join lateral (
         select r.net_volume_l, r.time from tank_readings r
          where r.tank_id = k.tank_id and r.measurement_system_id is not distinct from k.ms_id
            and r.time <= k.cut_at and r.time > k.cut_at - make_interval(secs => $7)
          order by r.time desc limit 1
       ) rc on true
      order by k.installation_id, k.tank_key, k.ms_id nulls first`,
    [
      cuts.map((c) => c.installationId),
      cuts.map((c) => c.installationKey),
      cuts.map((c) => c.start.toISOString()),
      cuts.map((c) => c.end.toISOString()),
      reportDate,
      addDays(reportDate, -1),
      maxAgeS,
    ],
  );
}

async function cutBatch(tx: SqlExecutor, reportDate: string, cuts: DueCut[], now: Date, options: DailyCutOptions): Promise<DailyCutSummary> {
  const rulesOptions = options.reconciliation ?? DEFAULT_OPTIONS;
  const maxAgeS = Math.round((options.measuredMaxAgeMs ?? 3_600_000) / 1000);
  const deferredAfterMs = options.deferredAfterMs ?? 600_000;

  const rows = await loadCutInputs(tx, reportDate, cuts, maxAgeS);
  const summary = { ...EMPTY, cuts: cuts.length };
  const deferredCuts = cuts.filter((c) => now.getTime() - c.end.getTime() > deferredAfterMs);
  const deferredIds = new Set(deferredCuts.map((c) => c.installationId));

  // Operations that straddle a cut: split in the BOOK stock only (A30-INV-03, A30-INC-01 decision, ./straddle.ts).
  const straddles = await loadStraddleAdjustments(tx, rows, maxAgeS);
  // The same pure rules as the CLI (A30-INC-07).
  const evaluations: DayEvaluation[] = rows.map((r) =>
    evaluateDay(
      {
        ...(straddles.has(Number(r.tank_id))
          ? { movedBeforeOpening: straddles.get(Number(r.tank_id))!.movedBeforeOpening, inProgressAtCut: straddles.get(Number(r.tank_id))!.inProgressAtCut }
          : {}),
        date: reportDate,
        tank: r.tank_key,
        state: r.physical_state,
        opening: toMilli(r.opening),
        openingMeasured: r.opening_measured,
        received: toMilli(r.received),
        receptionCount: Number(r.reception_count),
        delivered: toMilli(r.delivered),
        deliveryCount: Number(r.delivery_count),
        processLoss: toMilli(r.loss),
        measuredClosing: r.measured === null ? null : toMilli(r.measured),
      },
      rulesOptions,
    ),
  );

  if (rows.length > 0) {
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(Number(r.installation_id), (counts.get(Number(r.installation_id)) ?? 0) + 1);
    const cutNumbers = await reserveRecordNumbers(tx, "inventory_cut", counts);
    const accNumbers = await reserveRecordNumbers(tx, "daily_accumulation", counts);
    const offset = new Map<number, number>();
    const numbers = rows.map((r) => {
      const id = Number(r.installation_id);
      const n = offset.get(id) ?? 0;
      offset.set(id, n + 1);
      return { cut: cutNumbers.get(id)! + n, acc: accNumbers.get(id)! + n };
    });
    const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

    // A30-REC-02: daily accumulated record per tank × product × measurement system.
    await tx.query(
      `insert into daily_accumulations (installation_id, number, report_date, period_start, period_end, element_type, tank_id, measurement_system_id,
                                        product_key, sub_product_key, reception_count, received_volume, delivery_count, delivered_volume, unit,
                                        reference_temperature_c, created_at)
       select installation_id, number, $1::date, period_start, period_end, 'tank', tank_id, ms_id, product_key, sub_product_key,
              reception_count, received::numeric, delivery_count, delivered::numeric, unit, reference_temperature_c::numeric, $2::timestamptz
         from unnest($3::int[], $4::bigint[], $5::timestamptz[], $6::timestamptz[], $7::int[], $8::int[], $9::text[], $10::text[], $11::int[], $12::text[],
                     $13::int[], $14::text[], $15::text[], $16::text[])
           as x(installation_id, number, period_start, period_end, tank_id, ms_id, product_key, sub_product_key, reception_count, received,
                delivery_count, delivered, unit, reference_temperature_c)`,
      [
        reportDate,
        now.toISOString(),
        rows.map((r) => r.installation_id),
        numbers.map((n) => n.acc),
        rows.map((r) => iso(r.period_start)),
        rows.map((r) => iso(r.cut_at)),
        rows.map((r) => r.tank_id),
        rows.map((r) => r.ms_id),
        rows.map((r) => r.product_key),
        rows.map((r) => r.sub_product_key),
        rows.map((r) => r.reception_count),
        rows.map((r) => r.received),
        rows.map((r) => r.delivery_count),
        rows.map((r) => r.delivered),
        rows.map((r) => r.unit),
        rows.map((r) => r.reference_temperature_c),
      ],
    );

    // A30-INV-01/05: the inventory control records.
    const inserted = await tx.query<{ id: string | number; number: string | number; installation_id: number }>(
      `insert into inventory_cuts (installation_id, number, tank_id, measurement_system_id, product_key, sub_product_key, report_date, period_start, cut_at,
                                   opening_volume, opening_measured_at, receptions_volume, deliveries_volume, process_losses_volume, reception_count,
                                   delivery_count, book_volume, measured_volume, measured_at, difference_volume, difference_pct, unit,
                                   reference_temperature_c, approach, status, created_at)
       select installation_id, number, tank_id, ms_id, product_key, sub_product_key, $1::date, period_start, cut_at,
              opening::numeric, opening_at, received::numeric, delivered::numeric, loss::numeric, reception_count,
              delivery_count, book::numeric, measured::numeric, measured_at, difference::numeric, pct::numeric, unit,
              reference_temperature_c::numeric, approach, status, $2::timestamptz
         from unnest($3::int[], $4::bigint[], $5::int[], $6::int[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[],
                     $11::text[], $12::timestamptz[], $13::text[], $14::text[], $15::text[], $16::int[], $17::int[], $18::text[], $19::text[],
                     $20::timestamptz[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[])
           as x(installation_id, number, tank_id, ms_id, product_key, sub_product_key, period_start, cut_at, opening, opening_at, received,
                delivered, loss, reception_count, delivery_count, book, measured, measured_at, difference, pct, unit, reference_temperature_c,
                approach, status)
       returning id, number, installation_id`,
      [
        reportDate,
        now.toISOString(),
        rows.map((r) => r.installation_id),
        numbers.map((n) => n.cut),
        rows.map((r) => r.tank_id),
        rows.map((r) => r.ms_id),
        rows.map((r) => r.product_key),
        rows.map((r) => r.sub_product_key),
        rows.map((r) => iso(r.period_start)),
        rows.map((r) => iso(r.cut_at)),
        rows.map((r) => r.opening),
        rows.map((r) => iso(r.opening_at)),
        rows.map((r) => r.received),
        rows.map((r) => r.delivered),
        rows.map((r) => r.loss),
        rows.map((r) => r.reception_count),
        rows.map((r) => r.delivery_count),
        // The record keeps the literal A30-INV-03 figures (inventory_cuts_book_check); a split at a cut is in the bitácora.
        evaluations.map((e) => milliToString(e.straddle ? e.straddle.recordBook : e.book)),
        evaluations.map((e) => (e.measured === null ? null : milliToString(e.measured))),
        rows.map((r) => (r.measured === null ? null : iso(r.measured_at))),
        evaluations.map((e) => {
          const d = e.straddle ? e.straddle.recordDifference : e.difference;
          return d === null ? null : milliToString(d);
        }),
        evaluations.map((e) => (e.straddle ? e.straddle.recordDifferencePctStored : e.differencePctStored)),
        rows.map((r) => r.unit),
        rows.map((r) => r.reference_temperature_c),
        rows.map((r) => r.approach),
        rows.map((r) => (deferredIds.has(Number(r.installation_id)) ? "deferred" : "on_time")),
      ],
    );
    const cutIdByNumber = new Map(inserted.map((r) => [`${r.installation_id}:${Number(r.number)}`, Number(r.id)]));
    const cutIds = rows.map((r, i) => cutIdByNumber.get(`${r.installation_id}:${numbers[i]!.cut}`)!);
    summary.records = rows.length;

    // A30-INC-06: one bitácora entry (category 7, type 7–11) and one type-2 alarm per finding.
    const findings = rows.flatMap((r, i) => evaluations[i]!.findings.map((f) => ({ row: r, finding: f, cutId: cutIds[i]! })));
    await writeFindings(tx, findings, now);
    summary.findings += findings.length;

    // A30-INV-03 / A30-INC-01: the auditor sees every operation split at a cut (one entry per record).
    await appendEventLogBatch(
      tx,
      rows.flatMap((r, i) => {
        const st = straddles.get(Number(r.tank_id));
        const e = evaluations[i]!;
        if (!st || !e.straddle) return [];
        return [
          {
            time: now,
            username: "sistema",
            category: EVENT_CATEGORY.dailyOperations,
            eventType: EVENT_CATEGORY.dailyOperations,
            description: `Corte ${reportDate} ${r.tank_key}: ${e.straddle.note}; libros con la división ${milliToString(e.book)}`.slice(0, 250),
            component: r.tank_key,
            installationId: Number(r.installation_id),
            details: {
              kind: "operacion_en_curso_al_corte",
              requirement: ["A30-INV-03", "A30-INC-01"],
              ...straddleDetails(st),
              recordBookVolume: milliToString(e.straddle.recordBook),
              evaluatedBookVolume: milliToString(e.book),
              evaluatedDifferenceVolume: e.difference === null ? null : milliToString(e.difference),
              inventoryCutId: cutIds[i]!,
            },
          },
        ];
      }),
    );

    // A30-INV-04: "Diferencia de existencias", low priority.
    const stockAlarms: BulkAlarm[] = [];
    rows.forEach((r, i) => {
      const a = evaluations[i]!.stockDifferenceAlarm;
      if (!a) return;
      stockAlarms.push({
        time: now,
        occurredAt: new Date(r.cut_at),
        installationId: Number(r.installation_id),
        component: r.tank_key,
        type: ALARM_TYPE.volumetricInconsistency,
        satEventCode: null,
        severity: "low",
        description: a.description,
        sourceKey: `inventario:diferencia:${r.tank_id}:${r.ms_id ?? "-"}:${r.product_key}:${reportDate}`,
        inventoryCutId: cutIds[i]!,
        eventLogId: null,
        details: { kind: "diferencia_existencias", requirement: "A30-INV-04", date: reportDate, bookVolume: milliToString(evaluations[i]!.book), measuredVolume: milliToString(evaluations[i]!.measured!), differenceVolume: milliToString(a.difference), differencePct: a.differencePct, unit: r.unit },
      });
    });
    await insertAlarmsBatch(tx, stockAlarms);
    summary.stockDifferenceAlarms = stockAlarms.length;

    // A30-INC-01 over the calendar month, at the cut that closes its last day.
    if (isLastDayOfMonth(reportDate)) summary.findings += await monthlyRule01(tx, reportDate, rows, cutIds, now);
  }

  // A30-REC-02 / A30-MS-20: per-hose totaliser reading and daily accumulation (service stations), same transaction.
  summary.hoseRecords = await storeHoseCutRecords(tx, reportDate, cuts, now, maxAgeS);

  // A30-INV-01: a cut made after the server was down keeps the cut timestamp and says so in the bitácora.
  const deferredWithRecords = deferredCuts.filter((c) => rows.some((r) => Number(r.installation_id) === c.installationId));
  await appendEventLogBatch(
    tx,
    deferredWithRecords.map((c) => ({
      time: now,
      username: "sistema",
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `Corte diferido ${c.reportDate} de ${c.installationKey}: hora de corte ${c.end.toISOString()}, realizado ${now.toISOString()} (el servicio no estaba activo a la hora de corte)`,
      installationId: c.installationId,
      details: { kind: "corte_diferido", requirement: "A30-INV-01", reportDate: c.reportDate, cutAt: c.end.toISOString(), madeAt: now.toISOString() },
    })),
  );
  summary.deferred = deferredWithRecords.length;

  summary.missingCuts = await raiseMissingCuts(tx, cuts, reportDate, now, options.missingCutLookbackDays ?? 31);
  return summary;
}

function straddleDetails(st: StraddleAdjustment): Record<string, unknown> {
  return { movedBeforeOpening: milliToString(st.movedBeforeOpening), inProgressAtCut: milliToString(st.inProgressAtCut), operations: st.operations };
}

async function writeFindings(tx: SqlExecutor, findings: { row: KeyRow; finding: Finding; cutId: number }[], now: Date): Promise<void> {
  if (findings.length === 0) return;
  const details = ({ row, finding }: { row: KeyRow; finding: Finding }) => ({
    rule: finding.rule,
    period: finding.period,
    date: finding.date,
    bookVolume: milliToString(finding.book),
    measuredVolume: finding.measured === null ? null : milliToString(finding.measured),
    differenceVolume: finding.difference === null ? null : milliToString(finding.difference),
    differencePct: finding.differencePct,
    unit: row.unit,
    detail: finding.detail,
    measurementSystemId: row.ms_id,
    productKey: row.product_key,
  });
  const entries: NewEventLogEntry[] = findings.map((f) => ({
    time: now,
    username: "sistema",
    category: EVENT_CATEGORY.inconsistencies,
    eventType: f.finding.satEventCode,
    description: findingDescription(f.finding),
    component: f.row.tank_key,
    installationId: Number(f.row.installation_id),
    details: details(f),
  }));
  const entryIds = await appendEventLogBatch(tx, entries);
  await insertAlarmsBatch(
    tx,
    findings.map((f, i) => ({
      time: now,
      occurredAt: new Date(f.row.cut_at),
      installationId: Number(f.row.installation_id),
      component: f.row.tank_key,
      type: ALARM_TYPE.volumetricInconsistency,
      satEventCode: f.finding.satEventCode,
      severity: "high",
      description: findingDescription(f.finding),
      sourceKey: `inconsistencia:${f.finding.rule}:${f.row.tank_id}:${f.row.ms_id ?? "-"}:${f.row.product_key}:${f.finding.date}`,
      inventoryCutId: f.cutId,
      eventLogId: entryIds[i]!,
      details: details(f),
    })),
  );
}

/** Rule 01 over the month that ends with `reportDate`, for keys with a record on every day of it. */
async function monthlyRule01(tx: SqlExecutor, reportDate: string, rows: KeyRow[], cutIds: number[], now: Date): Promise<number> {
  const first = `${monthOf(reportDate)}-01`;
  const days = Number(reportDate.slice(8, 10));
  const months = await tx.query<{ tank_id: number; ms_id: number | null; product_key: string; n: number; opening: string; opening_measured: boolean; received: string; delivered: string; loss: string; closing: string | null }>(
    `select c.tank_id, c.measurement_system_id as ms_id, c.product_key, count(*)::int as n,
            ((array_agg(c.opening_volume order by c.report_date))[1])::text as opening,
            ((array_agg(c.opening_measured_at is not null order by c.report_date))[1]) as opening_measured,
            sum(c.receptions_volume)::text as received, sum(c.deliveries_volume)::text as delivered, sum(c.process_losses_volume)::text as loss,
            ((array_agg(c.measured_volume order by c.report_date desc))[1])::text as closing
       from inventory_cuts c
      where c.tank_id = any($1::int[]) and c.report_date between $2::date and $3::date
        and not exists (select 1 from inventory_cuts s where s.supersedes_id = c.id)
      group by c.tank_id, c.measurement_system_id, c.product_key`,
    [[...new Set(rows.map((r) => r.tank_id))], first, reportDate],
  );
  const byKey = new Map(rows.map((r, i) => [`${r.tank_id}:${r.ms_id ?? "-"}:${r.product_key}`, { row: r, cutId: cutIds[i]! }]));
  const findings: { row: KeyRow; finding: Finding; cutId: number }[] = [];
  for (const m of months) {
    const key = byKey.get(`${m.tank_id}:${m.ms_id ?? "-"}:${m.product_key}`);
    if (!key || Number(m.n) !== days || !m.opening_measured || m.closing === null) continue;
    const finding = evaluateMonth({
      month: monthOf(reportDate),
      tank: key.row.tank_key,
      state: key.row.physical_state,
      opening: toMilli(m.opening),
      received: toMilli(m.received),
      delivered: toMilli(m.delivered),
      processLoss: toMilli(m.loss),
      measuredClosing: toMilli(m.closing),
    });
    if (finding) findings.push({ row: key.row, finding, cutId: key.cutId });
  }
  await writeFindings(tx, findings, now);
  return findings.length;
}

/**
 * A30-ALM-08: report dates without a record between a key's first record (within the look-back)
 * and this cut raise one type-4 alarm "corte faltante <fecha> <tanque>" each (once).
 */
async function raiseMissingCuts(tx: SqlExecutor, cuts: DueCut[], reportDate: string, now: Date, lookbackDays: number): Promise<number> {
  const missing = await tx.query<{ installation_id: number; tank_id: number; tank_key: string; ms_id: number | null; product_key: string; day: string }>(
    `with keys as (
       select c.installation_id, c.tank_id, c.measurement_system_id as ms_id, c.product_key, min(c.report_date) as first_day
         from inventory_cuts c
        where c.installation_id = any($1::int[]) and c.report_date between $2::date and $3::date
        group by c.installation_id, c.tank_id, c.measurement_system_id, c.product_key
     )
     select k.installation_id, k.tank_id, t.key as tank_key, k.ms_id, k.product_key, d.day::date::text as day
       from keys k
       join tanks t on t.id = k.tank_id
       cross join lateral generate_series(k.first_day, $3::date, interval '1 day') as d(day)
      where not exists (select 1 from inventory_cuts c where c.tank_id = k.tank_id and c.measurement_system_id is not distinct from k.ms_id
                          and c.product_key = k.product_key and c.report_date = d.day::date)
        and not exists (select 1 from alarms a where a.source_key = 'corte-faltante:' || k.tank_id || ':' || coalesce(k.ms_id::text, '-') || ':' || k.product_key || ':' || d.day::date::text)
      order by k.installation_id, t.key, d.day`,
    [[...new Set(cuts.map((c) => c.installationId))], addDays(reportDate, -lookbackDays), reportDate],
  );
  if (missing.length === 0) return 0;
  const entryIds = await appendEventLogBatch(
    tx,
    missing.map((m) => ({
      time: now,
      username: "sistema",
      category: EVENT_CATEGORY.dailyOperations,
      eventType: EVENT_CATEGORY.dailyOperations,
      description: `corte faltante ${m.day} ${m.tank_key}`,
      component: m.tank_key,
      installationId: Number(m.installation_id),
      details: { kind: "corte_faltante", requirement: "A30-ALM-08", reportDate: m.day, tankId: m.tank_id, measurementSystemId: m.ms_id, productKey: m.product_key },
    })),
  );
  await insertAlarmsBatch(
    tx,
    missing.map((m, i) => ({
      time: now,
      occurredAt: now,
      installationId: Number(m.installation_id),
      component: m.tank_key,
      type: ALARM_TYPE.incompleteOrDuplicateRecords,
      satEventCode: 14,
      severity: "medium",
      description: `corte faltante ${m.day} ${m.tank_key}`,
      sourceKey: `corte-faltante:${m.tank_id}:${m.ms_id ?? "-"}:${m.product_key}:${m.day}`,
      inventoryCutId: null,
      eventLogId: entryIds[i]!,
      details: { requirement: "A30-ALM-08", reportDate: m.day },
    })),
  );
  return missing.length;
}

