import type { Database, SqlExecutor } from "../../../db/client";
import { DEFAULT_MAX_SHELVE_MS, MAX_UNATTENDED_LIMIT_MS, parseUnattendedLimitHours } from "../../domain/alarms/index";
import { changeSetting } from "../settings/settings";
import { fail, type AlarmActor, type ServiceResult } from "./context";

/**
 * Alarm settings in `app_settings`:
 *  - `alarms.unattended_fault_limit_h`: the 72 h rule's limit in hours (A30-ALM-04), only ≤ 72;
 *  - `alarms.max_shelve_h`: the longest a user may shelve an alarm (A30-ALM-10), default 24, ≤ 168.
 * An invalid stored value falls back to the legal/default maximum (never to a longer limit).
 */
export const UNATTENDED_LIMIT_SETTING = "alarms.unattended_fault_limit_h";
export const MAX_SHELVE_SETTING = "alarms.max_shelve_h";

async function readSetting(db: SqlExecutor, key: string): Promise<unknown> {
  const [row] = await db.query<{ value: unknown }>("select value from app_settings where key = $1", [key]);
  if (!row) return undefined;
  return typeof row.value === "string" ? safeJson(row.value) : row.value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function readUnattendedLimitMs(db: SqlExecutor): Promise<number> {
  const value = await readSetting(db, UNATTENDED_LIMIT_SETTING);
  if (value === undefined) return MAX_UNATTENDED_LIMIT_MS;
  const parsed = parseUnattendedLimitHours(value);
  return parsed.ok ? parsed.limitMs : MAX_UNATTENDED_LIMIT_MS;
}

export async function readMaxShelveMs(db: SqlExecutor): Promise<number> {
  const value = await readSetting(db, MAX_SHELVE_SETTING);
  const hours = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(hours) && hours > 0 && hours <= 168 ? hours * 3_600_000 : DEFAULT_MAX_SHELVE_MS;
}

/**
 * Lowers (or restores up to 72 h) the 72 h rule's limit; > 72 h is rejected (A30-ALM-04). Goes
 * through the settings service (/configuracion): validated against the catalogue, stored, and one
 * bitácora "cambio de configuración" entry with old and new values (A30-LOG-01 category 1, A30-LOG-10).
 */
export async function setUnattendedLimitHours(
  db: Pick<Database, "transaction">,
  actor: AlarmActor,
  hours: unknown,
  now: Date,
): Promise<ServiceResult<{ limitMs: number }>> {
  const result = await changeSetting(db, actor, UNATTENDED_LIMIT_SETTING, hours, now);
  if (!result.ok) return fail(result.status, result.error);
  return { ok: true, value: { limitMs: Number(result.value.after) * 3_600_000 } };
}
