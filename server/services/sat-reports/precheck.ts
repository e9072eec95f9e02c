/**
 * A30-RPT-06: the monthly pre-check of one installation and month, from the stored records (see
 * server/domain/sat-report/precheck.ts for the rules). The month's window is the monthly report's:
 * from the cut period of the month's first day (or of the installation's registration, when later)
 * to the end of the last day's period; only periods already closed at `now` are expected to be cut.
 * Links (CFDI, pedimento) belong to the operation's record — installation and number — whatever
 * version they were made on (a later correction keeps them).
 */
import type { SqlExecutor } from "../../../db/client";
import { lastDayOfMonth, isReportMonth } from "../../domain/sat-report/monthly-builder";
import { buildMonthlyPrecheck, type PrecheckItem } from "../../domain/sat-report/precheck";
import { schedulePeriodContaining, schedulePeriodForDate } from "../../domain/settings/cut-schedule";
import { loadAlarmViews } from "../alarms/views";
import { loadCutSchedules } from "../settings/store";

export class PrecheckError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = "PrecheckError";
  }
}

export interface MonthlyPrecheck {
  installationKey: string;
  month: string;
  windowStart: string;
  windowEnd: string;
  items: PrecheckItem[];
}

const INSTALLATION_SQL = `select id, key, type, cut_hour, time_zone, created_at from installations where key = $1`;
const CUT_DATES_SQL = `select c.report_date::text as report_date from inventory_cuts c
  where c.installation_id = $1 and c.report_date between $2::date and $3::date
    and not exists (select 1 from inventory_cuts s where s.supersedes_id = c.id)
  group by c.report_date having count(distinct c.tank_id) = (select count(*) from tanks k where k.installation_id = $1)`;
const OPERATIONS_SQL = `select o.number, o.type, coalesce(h.key, k.key, d.key) as element, o.end_at, o.counterparty_rfc,
       o.quality_record_id is not null as has_quality,
       exists (select 1 from cfdi_operation_links l join operations v on v.id = l.operation_id join cfdi f on f.id = l.cfdi_id
                where v.installation_id = o.installation_id and v.number = o.number and l.unlinked_at is null and f.status <> 'cancelado') as has_cfdi,
       exists (select 1 from pedimento_operation_links p join operations v on v.id = p.operation_id
                where v.installation_id = o.installation_id and v.number = o.number and p.unlinked_at is null) as has_pedimento
  from operations o
  left join tanks k on k.id = o.tank_id left join hoses h on h.id = o.hose_id left join ducts d on d.id = o.duct_id
 where o.installation_id = $1 and o.end_at >= $2 and o.end_at < $3
   and not exists (select 1 from operations s where s.supersedes_id = o.id)`;

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));

export async function monthlyPrecheck(db: SqlExecutor, installationKey: string, month: string, now: Date): Promise<MonthlyPrecheck> {
  if (!isReportMonth(month)) throw new PrecheckError(400, `Mes inválido «${month}»: se espera AAAA-MM`);
  const [inst] = await db.query<{ id: number; key: string; type: string; cut_hour: string; time_zone: string; created_at: unknown }>(INSTALLATION_SQL, [installationKey]);
  if (!inst) throw new PrecheckError(404, `No existe la instalación ${installationKey}`);
  const schedule = (await loadCutSchedules(db, [{ id: inst.id, cut_hour: inst.cut_hour, time_zone: inst.time_zone }])).get(Number(inst.id))!;
  const firstDay = `${month}-01`;
  const lastDay = lastDayOfMonth(month);
  const registered = schedulePeriodContaining(schedule, date(inst.created_at)).reportDate;
  const firstCovered = registered > firstDay ? registered : firstDay;
  const windowStart = schedulePeriodForDate(schedule, firstCovered <= lastDay ? firstCovered : firstDay).start;
  const windowEnd = schedulePeriodForDate(schedule, lastDay).end;
  // Days whose period closed before `now` (an open day has no cut yet and is not "missing").
  const expectedCutDates: string[] = [];
  for (let d = firstCovered; d <= lastDay; d = nextDay(d)) if (schedulePeriodForDate(schedule, d).end.getTime() <= now.getTime()) expectedCutDates.push(d);
  const cutDates = new Set((await db.query<{ report_date: string }>(CUT_DATES_SQL, [inst.id, firstDay, lastDay])).map((r) => r.report_date.slice(0, 10)));
  const operations = await db.query<{ number: string | number; type: "reception" | "delivery"; element: string | null; end_at: unknown; counterparty_rfc: string | null; has_quality: boolean; has_cfdi: boolean; has_pedimento: boolean }>(
    OPERATIONS_SQL,
    [inst.id, windowStart.toISOString(), windowEnd.toISOString()],
  );
  const alarms = await loadAlarmViews(db, { installationKey, from: windowStart, to: windowEnd, openOnly: true, limit: 5000 }, now);
  const items = buildMonthlyPrecheck({
    installationType: inst.type,
    expectedCutDates,
    cutDates,
    operations: operations.map((o) => ({
      number: Number(o.number),
      type: o.type,
      element: o.element,
      endAt: date(o.end_at),
      counterpartyRfc: o.counterparty_rfc,
      hasQuality: Boolean(o.has_quality),
      hasCfdi: Boolean(o.has_cfdi),
      hasPedimento: Boolean(o.has_pedimento),
    })),
    alarms: alarms.map((a) => ({ number: a.number, type: a.type, description: a.description, needsAttention: a.state.needsAttention })),
  });
  return { installationKey: inst.key, month, windowStart: windowStart.toISOString(), windowEnd: windowEnd.toISOString(), items };
}

function nextDay(d: string): string {
  const [y, m, day] = d.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, day + 1)).toISOString().slice(0, 10);
}
