import type { Database, SqlExecutor } from "../../../db/client";
import { raiseAlarm } from "../../../db/repositories/alarms";
import { appendEventLog } from "../../../db/repositories/event-log";
import { ALARM_TYPE, ALARM_TYPE_INFO } from "../../domain/alarms/index";
import { EVENT_CATEGORY } from "../../domain/event-log/index";

/**
 * Daily integrity check of the consecutive registers (A30-REC-04 "a gap found by the daily
 * integrity check raises A30-ALM-01 type 4", A30-ALM-08 "gaps in any consecutive numbering"):
 * for operations, daily accumulations and inventory records (per installation) and the alarm
 * register (global), the stored numbers are compared with the `record_sequences` counter:
 *  - gap: numbers in 1…last_value with no row (one finding per missing range);
 *  - duplicate: a number with more than one current version (nobody supersedes it);
 *  - ahead: rows numbered above the counter (the counter was not advanced).
 * Each finding raises ONE type-4 alarm with a bitácora entry; the alarm's source key names the
 * register, installation and range, so a finding already alarmed is never raised again.
 * Each register is read with one statement (one snapshot of rows + counter), so records being
 * written concurrently are never mistaken for gaps.
 */

export type IntegrityRegister = "operation" | "daily_accumulation" | "inventory_cut" | "alarm";

export interface IntegrityFinding {
  register: IntegrityRegister;
  installationId: number;
  installationKey: string | null;
  kind: "gap" | "duplicate" | "ahead";
  from: number;
  to: number;
  sourceKey: string;
  description: string;
}

export interface IntegrityRunSummary {
  checked: number;
  findings: IntegrityFinding[];
  alarmsRaised: number;
}

const REGISTERS: Array<{ register: IntegrityRegister; table: string; numberColumn: string; perInstallation: boolean; label: string }> = [
  { register: "operation", table: "operations", numberColumn: "number", perInstallation: true, label: "operaciones" },
  { register: "daily_accumulation", table: "daily_accumulations", numberColumn: "number", perInstallation: true, label: "acumulados diarios" },
  { register: "inventory_cut", table: "inventory_cuts", numberColumn: "number", perInstallation: true, label: "registros de inventario" },
  { register: "alarm", table: "alarms", numberColumn: "id", perInstallation: false, label: "alarmas" },
];

/** Findings of one register (read-only). */
async function checkRegister(db: SqlExecutor, spec: (typeof REGISTERS)[number]): Promise<IntegrityFinding[]> {
  const scope = spec.perInstallation ? "installation_id" : "0";
  const supersedes = spec.register === "alarm" ? "false" : `exists (select 1 from ${spec.table} s where s.supersedes_id = r.id)`;
  const rows = await db.query<{ installation_id: number; installation_key: string | null; kind: "gap" | "duplicate" | "ahead"; from_n: string | number; to_n: string | number }>(
    `with seq as (
       select installation_id, last_value from record_sequences where register = $1
     ),
     nums as (
       select ${scope} as installation_id, r.${spec.numberColumn} as n, count(*) filter (where not ${supersedes}) as current_versions
         from ${spec.table} r group by 1, 2
     ),
     scopes as (select installation_id from seq union select installation_id from nums),
     ordered as (
       select s.installation_id, n.n, lag(n.n) over (partition by s.installation_id order by n.n) as prev
         from scopes s join nums n on n.installation_id = s.installation_id
     ),
     findings as (
       -- holes between stored numbers, and before the first one
       select o.installation_id, 'gap' as kind, coalesce(o.prev, 0) + 1 as from_n, o.n - 1 as to_n
         from ordered o where o.n > coalesce(o.prev, 0) + 1
       union all
       -- numbers handed out by the counter after the last stored one
       select s.installation_id, 'gap', coalesce(max(n.n), 0) + 1, s.last_value
         from seq s left join nums n on n.installation_id = s.installation_id
        group by s.installation_id, s.last_value having coalesce(max(n.n), 0) < s.last_value
       union all
       select n.installation_id, 'duplicate', n.n, n.n from nums n where n.current_versions > 1
       union all
       select n.installation_id, 'ahead', min(n.n), max(n.n)
         from nums n left join seq s on s.installation_id = n.installation_id
        where n.n > coalesce(s.last_value, 0) group by n.installation_id
     )
     select f.installation_id, i.key as installation_key, f.kind, f.from_n, f.to_n
       from findings f left join installations i on i.id = f.installation_id
      order by f.installation_id, f.from_n, f.kind`,
    [spec.register],
  );
  return rows.map((r) => {
    const from = Number(r.from_n);
    const to = Number(r.to_n);
    const installationId = Number(r.installation_id);
    const range = from === to ? `${from}` : `${from}–${to}`;
    const where = r.installation_key ? ` de ${r.installation_key}` : "";
    const text =
      r.kind === "gap"
        ? `Hueco en la numeración consecutiva de ${spec.label}${where}: falta${from === to ? " el número" : "n los números"} ${range}`
        : r.kind === "duplicate"
          ? `Número duplicado en ${spec.label}${where}: el ${range} tiene más de una versión vigente`
          : `Numeración de ${spec.label}${where} por encima del contador: ${range}`;
    return {
      register: spec.register,
      installationId,
      installationKey: r.installation_key,
      kind: r.kind,
      from,
      to,
      sourceKey: `numeracion:${r.kind}:${spec.register}:${installationId}:${from}-${to}`,
      description: text,
    };
  });
}

/** Read-only: every finding of every register (for the CLI or a status page). */
export async function findNumberingIssues(db: SqlExecutor): Promise<IntegrityFinding[]> {
  const all: IntegrityFinding[] = [];
  for (const spec of REGISTERS) all.push(...(await checkRegister(db, spec)));
  return all;
}

/** The daily job: one type-4 alarm + bitácora entry per finding not alarmed before. */
export async function runRecordsIntegrityCheck(db: Database, now: Date): Promise<IntegrityRunSummary> {
  const findings = await findNumberingIssues(db);
  let alarmsRaised = 0;
  for (const f of findings) {
    const raised = await db.transaction(async (tx) => {
      const [seen] = await tx.query("select 1 from alarms where source_key = $1 limit 1", [f.sourceKey]);
      if (seen) return false;
      const entry = await appendEventLog(tx, {
        time: now,
        username: "sistema",
        category: EVENT_CATEGORY.dailyOperations,
        eventType: ALARM_TYPE_INFO[ALARM_TYPE.incompleteOrDuplicateRecords].satEventCode!,
        description: f.description,
        component: "UCC",
        installationId: f.installationId > 0 ? f.installationId : null,
        details: { requirement: "A30-REC-04", check: "numeracion", register: f.register, kind: f.kind, from: f.from, to: f.to },
      });
      await raiseAlarm(tx, {
        time: now,
        occurredAt: now,
        installationId: f.installationId > 0 ? f.installationId : null,
        component: "UCC",
        type: ALARM_TYPE.incompleteOrDuplicateRecords,
        severity: "high",
        description: f.description,
        sourceKey: f.sourceKey,
        eventLogId: entry.id,
        details: { requirement: "A30-REC-04", register: f.register, kind: f.kind, from: f.from, to: f.to },
      });
      return true;
    });
    if (raised) alarmsRaised += 1;
  }
  return { checked: REGISTERS.length, findings, alarmsRaised };
}

/** Scheduled job (server/start-server.ts): once a day; also at start so a stop does not skip it. */
export function recordsIntegrityJob(db: Database) {
  return { name: "integridad de la numeración", everyMs: 86_400_000, runAtStart: true, run: (now: Date) => runRecordsIntegrityCheck(db, now) };
}
