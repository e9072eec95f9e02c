import type { Database, SqlExecutor } from "../../../db/client";
import { appendAdministrationEntry } from "../../../db/repositories/event-log";
import { roleHasPermission } from "../../contracts/permissions";
import type { RoleKey } from "../../contracts/roles";
import {
  SETTINGS,
  SETTING_SECTION_LABELS,
  describeChange,
  effectiveValue,
  mergeForChange,
  scheduleChange,
  schedulePeriodContaining,
  settingDefinition,
  validateSettingValue,
  type SettingScope,
  type SettingSection,
} from "../../domain/settings/index";
import { cutScheduleKey, loadCutSchedules, readStoredSetting, writeSetting } from "./store";

/**
 * Volumetric-control settings (A30-ACC-03, A30-LOG-10, A30-INV-02, A30-ALM-04): read every
 * parameter; change one → validated against the catalogue, stored, and ONE bitácora entry
 * (category 1 "administración del sistema — cambio de configuración", SAT type 1) naming the user
 * with the before and after values, all in one transaction.
 */
export interface SettingsActor {
  id: number;
  username: string;
  role: RoleKey;
}

export type SettingsResult<T> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404; error: string };

const fail = (status: 400 | 403 | 404, error: string) => ({ ok: false as const, status, error });

export interface GlobalSettingView {
  key: string;
  section: SettingSection;
  sectionLabel: string;
  label: string;
  help: string;
  unit: string | null;
  requirement: string;
  kind: "number" | "text" | "object";
  min: number | null;
  max: number | null;
  value: unknown;
  default: unknown;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface InstallationSettingsView {
  key: string;
  description: string;
  cutHour: string;
  timeZone: string;
  /** The period in progress under the schedule in force. */
  currentPeriod: { reportDate: string; start: string; end: string };
  /** A change made but not in force yet (A30-INV-02 "a partir del siguiente corte"). */
  pending: { effectiveFrom: string; cutHour: string; timeZone: string } | null;
}

export interface SettingsView {
  settings: GlobalSettingView[];
  installations: InstallationSettingsView[];
}

export async function readSettings(db: SqlExecutor, now: Date): Promise<SettingsView> {
  const settings: GlobalSettingView[] = [];
  for (const def of SETTINGS) {
    if (def.scope !== "global") continue;
    const stored = await readStoredSetting(db, def.key);
    settings.push({
      key: def.key,
      section: def.section,
      sectionLabel: SETTING_SECTION_LABELS[def.section],
      label: def.label,
      help: def.help,
      unit: def.unit,
      requirement: def.requirement,
      kind: def.kind,
      min: "min" in def ? (def.min ?? null) : null,
      max: "max" in def ? (def.max ?? null) : null,
      value: effectiveValue(def.key, stored?.value),
      default: def.default,
      updatedAt: stored?.updatedAt?.toISOString() ?? null,
      updatedBy: stored?.updatedBy ?? null,
    });
  }
  const rows = await db.query<{ id: number; key: string; description: string; cut_hour: string; time_zone: string }>(
    "select id, key, description, cut_hour, time_zone from installations where status = 'active' order by key",
  );
  const schedules = await loadCutSchedules(db, rows);
  const installations = rows.map((r): InstallationSettingsView => {
    const schedule = schedules.get(Number(r.id))!;
    const current = schedulePeriodContaining(schedule, now);
    const future = schedule.filter((e) => e.from !== null && e.from > current.reportDate).sort((a, b) => (a.from! < b.from! ? -1 : 1));
    const pending = future.at(-1);
    return {
      key: r.key,
      description: r.description,
      cutHour: r.cut_hour,
      timeZone: r.time_zone,
      currentPeriod: { reportDate: current.reportDate, start: current.start.toISOString(), end: current.end.toISOString() },
      pending: pending ? { effectiveFrom: pending.from!, cutHour: pending.cutHour, timeZone: pending.timeZone } : null,
    };
  });
  return { settings, installations };
}

export interface SettingChange {
  key: string;
  label: string;
  scope: SettingScope;
  installationKey: string | null;
  before: unknown;
  after: unknown;
  description: string;
  eventLogId: number;
  /** Cut hour / time zone: first report date under the new value and the instant of the first cut at it. */
  effectiveFrom: string | null;
  firstCutAt: string | null;
}

function truncate(text: string, max = 250): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/** Changes one parameter (`installationKey` required for the per-installation cut hour and zone). */
export async function changeSetting(
  db: Pick<Database, "transaction">,
  actor: SettingsActor,
  key: string,
  raw: unknown,
  now: Date,
  options: { installationKey?: string | null } = {},
): Promise<SettingsResult<SettingChange>> {
  if (!roleHasPermission(actor.role, "configure")) return fail(403, "sin permiso para cambiar la configuración");
  const def = settingDefinition(key);
  if (!def) return fail(404, `parámetro desconocido: ${key}`);
  if (def.scope === "installation") {
    if (!options.installationKey) return fail(400, `${def.label}: indique la instalación (installationKey)`);
    return changeInstallationSetting(db, actor, key, raw, now, options.installationKey);
  }
  return db.transaction(async (tx) => {
    const stored = await readStoredSetting(tx, key, true);
    const before = effectiveValue(key, stored?.value);
    const parsed = validateSettingValue(key, mergeForChange(key, before, raw));
    if (!parsed.ok) return fail(400, parsed.error);
    const summary = describeChange(key, before, parsed.value);
    if (summary.changes.length === 0) return fail(400, `${def.label}: el valor nuevo es igual al actual`);
    await writeSetting(tx, key, parsed.value, now, actor.id);
    const description = truncate(summary.description);
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      description,
      details: { kind: "cambio_configuracion", requirement: "A30-LOG-10", setting: key, before, after: parsed.value, changes: summary.changes },
    });
    return {
      ok: true as const,
      value: { key, label: def.label, scope: def.scope, installationKey: null, before, after: parsed.value, description, eventLogId: entry.id, effectiveFrom: null, firstCutAt: null },
    };
  });
}

async function changeInstallationSetting(
  db: Pick<Database, "transaction">,
  actor: SettingsActor,
  key: string,
  raw: unknown,
  now: Date,
  installationKey: string,
): Promise<SettingsResult<SettingChange>> {
  const def = settingDefinition(key)!;
  const parsed = validateSettingValue(key, raw);
  if (!parsed.ok) return fail(400, parsed.error);
  return db.transaction(async (tx) => {
    const [inst] = await tx.query<{ id: number; key: string; cut_hour: string; time_zone: string }>(
      "select id, key, cut_hour, time_zone from installations where key = $1 for update",
      [installationKey],
    );
    if (!inst) return fail(404, `instalación desconocida: ${installationKey}`);
    const column = key === "installations.cut_hour" ? "cut_hour" : "time_zone";
    const before = inst[column];
    const after = parsed.value as string;
    if (before === after) return fail(400, `${def.label} de ${inst.key}: el valor nuevo es igual al actual`);
    const schedules = await loadCutSchedules(tx, [inst]);
    const target = { cutHour: column === "cut_hour" ? after : inst.cut_hour, timeZone: column === "time_zone" ? after : inst.time_zone };
    const change = scheduleChange(schedules.get(Number(inst.id))!, target, now);
    if (!change.ok) return fail(400, `${def.label} de ${inst.key}: ${change.error}`);
    await writeSetting(tx, cutScheduleKey(Number(inst.id)), change.schedule, now, actor.id);
    await tx.query(`update installations set ${column} = $2 where id = $1`, [inst.id, after]);
    const local = new Intl.DateTimeFormat("es-MX", { timeZone: target.timeZone, dateStyle: "short", timeStyle: "short" }).format(change.firstCutAt);
    const summary = describeChange(key, before, after, inst.key);
    const description = truncate(`${summary.description}; aplica a partir del siguiente corte (${local}, ${target.timeZone})`);
    const entry = await appendAdministrationEntry(tx, {
      time: now,
      userId: actor.id,
      username: actor.username,
      description,
      installationId: Number(inst.id),
      details: {
        kind: "cambio_configuracion",
        requirement: "A30-LOG-10",
        setting: key,
        installationKey: inst.key,
        before,
        after,
        effectiveFrom: change.effectiveFrom,
        firstCutAt: change.firstCutAt.toISOString(),
        transitionPeriod: { reportDate: change.transition.reportDate, start: change.transition.start.toISOString(), end: change.transition.end.toISOString() },
      },
    });
    return {
      ok: true as const,
      value: {
        key,
        label: def.label,
        scope: def.scope,
        installationKey: inst.key,
        before,
        after,
        description,
        eventLogId: entry.id,
        effectiveFrom: change.effectiveFrom,
        firstCutAt: change.firstCutAt.toISOString(),
      },
    };
  });
}
