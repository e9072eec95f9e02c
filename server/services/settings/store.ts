import type { SqlExecutor } from "../../../db/client";
import { cutScheduleSchema, effectiveValue, type CutSchedule } from "../../domain/settings/index";

/** app_settings access shared by the settings service and its readers (daily cut, alarms, diagnostics). */

function decode(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export async function readStoredSetting(db: SqlExecutor, key: string, forUpdate = false): Promise<{ value: unknown; updatedAt: Date | null; updatedBy: string | null } | undefined> {
  const [row] = await db.query<{ value: unknown; updated_at: Date | string | null; updated_by: string | null }>(
    `select s.value, s.updated_at, u.username as updated_by from app_settings s left join users u on u.id = s.updated_by where s.key = $1${forUpdate ? " for update of s" : ""}`,
    [key],
  );
  if (!row) return undefined;
  return { value: decode(row.value), updatedAt: row.updated_at === null ? null : new Date(row.updated_at), updatedBy: row.updated_by };
}

export async function writeSetting(tx: SqlExecutor, key: string, value: unknown, now: Date, userId: number | null): Promise<void> {
  await tx.query(
    `insert into app_settings (key, value, updated_at, updated_by) values ($1, $2::jsonb, $3, $4)
     on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [key, JSON.stringify(value), now.toISOString(), userId],
  );
}

/** The value the software uses (stored and valid, else the default). */
export async function readEffectiveSetting<T>(db: SqlExecutor, key: string): Promise<T> {
  return effectiveValue(key, (await readStoredSetting(db, key))?.value) as T;
}

/** app_settings key of an installation's cut schedule (history of cut hours with effective dates, A30-INV-02). */
export function cutScheduleKey(installationId: number): string {
  return `inventory.cut_schedule.${installationId}`;
}

export interface InstallationCutRow {
  id: number;
  cut_hour: string;
  time_zone: string;
}

/**
 * Every installation's cut schedule: the stored history when there is one (and it is valid),
 * otherwise the installation's cut hour and zone since always.
 */
export async function loadCutSchedules(db: SqlExecutor, installations: readonly InstallationCutRow[]): Promise<Map<number, CutSchedule>> {
  const rows = await db.query<{ key: string; value: unknown }>("select key, value from app_settings where key like 'inventory.cut\\_schedule.%'");
  const stored = new Map(rows.map((r) => [r.key, decode(r.value)]));
  const out = new Map<number, CutSchedule>();
  for (const inst of installations) {
    const parsed = cutScheduleSchema.safeParse(stored.get(cutScheduleKey(Number(inst.id))));
    out.set(Number(inst.id), parsed.success ? parsed.data : [{ from: null, cutHour: inst.cut_hour, timeZone: inst.time_zone }]);
  }
  return out;
}
