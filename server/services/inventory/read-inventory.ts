import type { SqlExecutor } from "../../../db/client";
import { evaluateDay, milliToString, toMilli } from "../../domain/reconciliation/index";
import { schedulePeriodContaining, schedulePeriodForDate } from "../../domain/settings/cut-schedule";
import { loadCutSchedules } from "../settings/store";
import { loadCutInputs } from "./daily-cut";

/**
 * What /inventario and GET /api/inventory show for an installation and report date: the
 * inventory records (medido, calculado, diferencia, %), the daily accumulations, and the findings
 * and alarms raised by the cut — read from the stored records, never recomputed (the UI shows
 * fiscal figures, it does not compute them). When the date's period is still open, a preview of
 * the running balance is computed with the same service query and rules, clearly marked as not a
 * record.
 */
export interface InventoryRecordView {
  number: number;
  tank: string;
  measurementSystem: string | null;
  product: string;
  unit: string;
  periodStart: string;
  cutAt: string;
  opening: string;
  receptions: string;
  deliveries: string;
  processLosses: string;
  book: string;
  measured: string | null;
  difference: string | null;
  differencePct: string | null;
  status: "on_time" | "deferred";
  approach: string;
}

export interface AccumulationView {
  number: number;
  tank: string;
  measurementSystem: string | null;
  product: string;
  unit: string;
  periodEnd: string;
  receptionCount: number;
  received: string;
  deliveryCount: number;
  delivered: string;
}

export interface FindingView {
  alarmId: number;
  time: string;
  tank: string;
  type: number;
  satEventCode: number | null;
  severity: string;
  description: string;
  rule: string | null;
  eventLogId: number | null;
}

export interface InventoryView {
  installation: { key: string; description: string; timeZone: string; cutHour: string };
  date: string;
  period: { start: string; end: string; open: boolean };
  records: InventoryRecordView[];
  accumulations: AccumulationView[];
  findings: FindingView[];
  /** Running balance of an open period (not a record). */
  preview: { asOf: string; rows: { tank: string; product: string; unit: string; opening: string; receptions: string; deliveries: string; book: string; measured: string | null; difference: string | null; differencePct: string | null }[] } | null;
  installations: { key: string; description: string }[];
}

export async function readInventory(db: SqlExecutor, installationKey: string | null, date: string | null, now: Date): Promise<InventoryView | null> {
  const installations = await db.query<{ id: number; key: string; description: string; time_zone: string; cut_hour: string }>(
    "select id, key, description, time_zone, cut_hour from installations where status = 'active' order by key",
  );
  const inst = installationKey ? installations.find((i) => i.key === installationKey) : installations[0];
  if (!inst) return null;
  // The cut hour in force on each date (a change takes effect from the next cut, A30-INV-02).
  const schedule = (await loadCutSchedules(db, [inst])).get(Number(inst.id))!;
  const reportDate = date ?? schedulePeriodContaining(schedule, now).reportDate;
  const period = schedulePeriodForDate(schedule, reportDate);
  const open = period.end.getTime() > now.getTime();

  const records = await db.query<{
    number: string | number; tank: string; ms: string | null; product_key: string; unit: string; period_start: Date | string; cut_at: Date | string;
    opening_volume: string; receptions_volume: string; deliveries_volume: string; process_losses_volume: string; book_volume: string;
    measured_volume: string | null; difference_volume: string | null; difference_pct: string | null; status: "on_time" | "deferred"; approach: string;
  }>(
    `select c.number, t.key as tank, ms.key as ms, c.product_key, c.unit, c.period_start, c.cut_at, c.opening_volume::text, c.receptions_volume::text,
            c.deliveries_volume::text, c.process_losses_volume::text, c.book_volume::text, c.measured_volume::text, c.difference_volume::text,
            c.difference_pct::text, c.status, c.approach
       from inventory_cuts c join tanks t on t.id = c.tank_id left join measurement_systems ms on ms.id = c.measurement_system_id
      where c.installation_id = $1 and c.report_date = $2::date and not exists (select 1 from inventory_cuts s where s.supersedes_id = c.id)
      order by t.key, ms.key`,
    [inst.id, reportDate],
  );
  const accumulations = await db.query<{
    number: string | number; tank: string; ms: string | null; product_key: string; unit: string; period_end: Date | string;
    reception_count: number; received_volume: string; delivery_count: number; delivered_volume: string;
  }>(
    `select a.number, t.key as tank, ms.key as ms, a.product_key, a.unit, a.period_end, a.reception_count, a.received_volume::text,
            a.delivery_count, a.delivered_volume::text
       from daily_accumulations a join tanks t on t.id = a.tank_id left join measurement_systems ms on ms.id = a.measurement_system_id
      where a.installation_id = $1 and a.report_date = $2::date and not exists (select 1 from daily_accumulations s where s.supersedes_id = a.id)
      order by t.key, ms.key`,
    [inst.id, reportDate],
  );
  const findings = await db.query<{
    id: string | number; time: Date | string; component: string; type: number; sat_event_code: number | null; severity: string; description: string;
    rule: string | null; event_log_id: string | number | null;
  }>(
    `select a.id, a.time, a.component, a.type, a.sat_event_code, a.severity, a.description, a.details->>'rule' as rule, a.event_log_id
       from alarms a join inventory_cuts c on c.id = a.inventory_cut_id
      where c.installation_id = $1 and c.report_date = $2::date
      order by a.id`,
    [inst.id, reportDate],
  );

  let preview: InventoryView["preview"] = null;
  if (open && period.start.getTime() <= now.getTime()) {
    const inputs = await loadCutInputs(db, reportDate, [{ installationId: Number(inst.id), installationKey: inst.key, reportDate, start: period.start, end: now }], 3600);
    preview = {
      asOf: now.toISOString(),
      rows: inputs.map((r) => {
        const e = evaluateDay({
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
        });
        return {
          tank: r.tank_key,
          product: r.product_key,
          unit: r.unit,
          opening: r.opening,
          receptions: milliToString(toMilli(r.received)),
          deliveries: milliToString(toMilli(r.delivered)),
          book: milliToString(e.book),
          measured: e.measured === null ? null : milliToString(e.measured),
          difference: e.difference === null ? null : milliToString(e.difference),
          differencePct: e.differencePctStored,
        };
      }),
    };
  }

  const iso = (v: Date | string) => new Date(v).toISOString();
  return {
    installation: { key: inst.key, description: inst.description, timeZone: inst.time_zone, cutHour: inst.cut_hour },
    date: reportDate,
    period: { start: period.start.toISOString(), end: period.end.toISOString(), open },
    records: records.map((r) => ({
      number: Number(r.number),
      tank: r.tank,
      measurementSystem: r.ms,
      product: r.product_key,
      unit: r.unit,
      periodStart: iso(r.period_start),
      cutAt: iso(r.cut_at),
      opening: r.opening_volume,
      receptions: r.receptions_volume,
      deliveries: r.deliveries_volume,
      processLosses: r.process_losses_volume,
      book: r.book_volume,
      measured: r.measured_volume,
      difference: r.difference_volume,
      differencePct: r.difference_pct,
      status: r.status,
      approach: r.approach,
    })),
    accumulations: accumulations.map((a) => ({
      number: Number(a.number),
      tank: a.tank,
      measurementSystem: a.ms,
      product: a.product_key,
      unit: a.unit,
      periodEnd: iso(a.period_end),
      receptionCount: Number(a.reception_count),
      received: a.received_volume,
      deliveryCount: Number(a.delivery_count),
      delivered: a.delivered_volume,
    })),
    findings: findings.map((f) => ({
      alarmId: Number(f.id),
      time: iso(f.time),
      tank: f.component,
      type: Number(f.type),
      satEventCode: f.sat_event_code === null ? null : Number(f.sat_event_code),
      severity: f.severity,
      description: f.description,
      rule: f.rule,
      eventLogId: f.event_log_id === null ? null : Number(f.event_log_id),
    })),
    preview,
    installations: installations.map((i) => ({ key: i.key, description: i.description })),
  };
}
