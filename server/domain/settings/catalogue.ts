import { z } from "zod";
import { MAX_UNATTENDED_LIMIT_MS } from "../alarms/unattended-faults";
import { DEFAULT_MAX_SHELVE_MS } from "../alarms/state";
import { DEFAULT_THRESHOLDS, diagnosticsThresholdsSchema, type DiagnosticsThresholds } from "../diagnostics/thresholds";
import { isValidCutHour, isValidTimeZone } from "../reconciliation/periods";
import type { Permission } from "../../contracts/permissions";
import { ANEXO30_MIN_PASSWORD_LENGTH, DEFAULT_LOCKOUT_POLICY, DEFAULT_PASSWORD_EXPIRY_DAYS, MAX_PASSWORD_LENGTH } from "../security/index";

/**
 * The catalogue of volumetric-control parameters a user may change (A30-ACC-03 "configuración del
 * control volumétrico": Administrador and Supervisor only), each validated with zod and carrying
 * its legal constraint:
 *  - the 72 h unattended-fault limit only downward, 1–72 h (A30-ALM-04);
 *  - the longest shelving of an alarm, 1–168 h (A30-ALM-10);
 *  - the self-diagnosis thresholds (A30-DIAG-01/02, schema in domain/diagnostics/thresholds);
 *  - the cut hour HH:MM and the IANA time zone of each installation (A30-INV-02);
 *  - the dead-bands of rules A30-INC-02 / A30-INC-04 and of the A30-INV-04 difference alarm, ≥ 0
 *    in the product's unit (default 0: the literal rule).
 * Pure: no database, no clock.
 */
export type SettingScope = "global" | "installation";
export type SettingSection = "control_volumetrico" | "alarmas" | "autodiagnostico" | "seguridad";

export const SETTING_SECTION_LABELS: Record<SettingSection, string> = {
  control_volumetrico: "Control volumétrico",
  alarmas: "Alarmas",
  autodiagnostico: "Autodiagnóstico",
  seguridad: "Seguridad de acceso",
};

export interface SettingDefinition<T = unknown> {
  key: string;
  scope: SettingScope;
  section: SettingSection;
  /** Spanish label shown in /configuracion and in the bitácora. */
  label: string;
  help: string;
  unit: string | null;
  requirement: string;
  permission: Permission;
  kind: "number" | "text" | "object";
  min?: number;
  max?: number;
  default: T;
  schema: z.ZodType<T>;
}

/** Accepts a number or a numeric string (HTML forms send text); anything else stays as is for zod to reject. */
function numeric(value: unknown): unknown {
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value.trim()))) return Number(value.trim());
  return value;
}

function numberSetting(label: string, opts: { min: number; max: number; int?: boolean; tooHigh?: string; decimals?: number }) {
  let base = z.number({ error: `${label}: debe ser un número` });
  if (opts.int) base = base.int({ error: `${label}: debe ser un número entero` });
  base = base
    .min(opts.min, { error: `${label}: el mínimo es ${opts.min}` })
    .max(opts.max, { error: opts.tooHigh ?? `${label}: el máximo es ${opts.max}` });
  const decimals = opts.decimals;
  const refined =
    decimals === undefined ? base : base.refine((v) => Math.abs(v * 10 ** decimals - Math.round(v * 10 ** decimals)) < 1e-6, { error: `${label}: a lo más ${decimals} decimales` });
  return z.preprocess(numeric, refined) as unknown as z.ZodType<number>;
}

const MAX_DEAD_BAND = 1_000_000;

function deadBand(key: string, rule: string, label: string, help: string): SettingDefinition<number> {
  return {
    key,
    scope: "global",
    section: "control_volumetrico",
    label,
    help,
    unit: "unidad del producto (L)",
    requirement: rule,
    permission: "configure",
    kind: "number",
    min: 0,
    max: MAX_DEAD_BAND,
    default: 0,
    schema: numberSetting(label, { min: 0, max: MAX_DEAD_BAND, decimals: 3 }),
  };
}

const cutHourSchema = z
  .string({ error: "Hora de corte: debe ser texto HH:MM" })
  .trim()
  .refine(isValidCutHour, { error: "Hora de corte: use el formato HH:MM de 00:00 a 23:59" });

const timeZoneSchema = z
  .string({ error: "Zona horaria: debe ser texto" })
  .trim()
  .min(1, { error: "Zona horaria: no puede estar vacía" })
  .refine((tz) => tz.includes("/") || tz === "UTC", { error: "Zona horaria: use un nombre IANA, p. ej. America/Mexico_City" })
  .refine(isValidTimeZone, { error: "Zona horaria: no es una zona IANA válida (p. ej. America/Mexico_City)" });

const thresholdsSchema = z.unknown().transform((value, ctx): DiagnosticsThresholds => {
  const parsed = diagnosticsThresholdsSchema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: `Umbrales de autodiagnóstico: ${issue.path.join(".") || "umbrales"}: ${issue.message}` });
  return z.NEVER;
});

export const SETTINGS = [
  {
    key: "installations.cut_hour",
    scope: "installation",
    section: "control_volumetrico",
    label: "Hora de corte",
    help: "Hora local (HH:MM) del corte diario de inventario; el cambio aplica a partir del siguiente corte (A30-INV-02).",
    unit: "HH:MM",
    requirement: "A30-INV-02",
    permission: "configure",
    kind: "text",
    default: "00:00",
    schema: cutHourSchema,
  } satisfies SettingDefinition<string>,
  {
    key: "installations.time_zone",
    scope: "installation",
    section: "control_volumetrico",
    label: "Zona horaria",
    help: "Zona horaria IANA en la que se calcula la hora de corte; el cambio aplica a partir del siguiente corte.",
    unit: null,
    requirement: "A30-INV-02",
    permission: "configure",
    kind: "text",
    default: "America/Mexico_City",
    schema: timeZoneSchema,
  } satisfies SettingDefinition<string>,
  deadBand("inventory.dead_band_inc02", "A30-INC-02", "Banda muerta de la regla 02", "Existencias dentro de esta banda cuentan como iguales pese a movimientos (0 = igualdad a 0.001)."),
  deadBand("inventory.dead_band_inc04", "A30-INC-04", "Banda muerta de la regla 04", "Variaciones de existencias dentro de esta banda sin movimientos no son un cambio."),
  deadBand("inventory.dead_band_inv04", "A30-INV-04", "Banda muerta de la diferencia de existencias", "Diferencia medido − calculado a partir de la cual se genera la alarma «Diferencia de existencias» (0 = regla literal)."),
  {
    key: "alarms.unattended_fault_limit_h",
    scope: "global",
    section: "alarmas",
    label: "Límite de fallas no atendidas",
    help: "Horas tras las cuales una falla no atendida genera la alarma «Falla no atendida»; sólo puede reducirse (máximo 72 h, A30-ALM-04).",
    unit: "h",
    requirement: "A30-ALM-04",
    permission: "configure",
    kind: "number",
    min: 1,
    max: 72,
    default: MAX_UNATTENDED_LIMIT_MS / 3_600_000,
    schema: numberSetting("Límite de fallas no atendidas", {
      min: 1,
      max: 72,
      int: true,
      tooHigh: "Límite de fallas no atendidas: el límite de la regla de 72 h sólo puede reducirse (máximo 72 h)",
    }),
  } satisfies SettingDefinition<number>,
  {
    key: "alarms.max_shelve_h",
    scope: "global",
    section: "alarmas",
    label: "Supresión máxima de alarmas",
    help: "Lo más que un usuario puede suprimir una alarma (A30-ALM-10), de 1 a 168 h.",
    unit: "h",
    requirement: "A30-ALM-10",
    permission: "configure",
    kind: "number",
    min: 1,
    max: 168,
    default: DEFAULT_MAX_SHELVE_MS / 3_600_000,
    schema: numberSetting("Supresión máxima de alarmas", { min: 1, max: 168, int: true }),
  } satisfies SettingDefinition<number>,
  {
    // Same key and bounds as server/services/operations/incomplete-records.ts (graceHoursSchema).
    key: "operations.incomplete_grace_hours",
    scope: "global",
    section: "alarmas",
    label: "Periodo de gracia de registros incompletos",
    help: "Horas que un registro puede seguir incompleto (p. ej. sin RFC de la contraparte) antes de la alarma «Registros incompletos o duplicados» (A30-REC-03, A30-ALM-08); más de 0 y hasta 720 h.",
    unit: "h",
    requirement: "A30-REC-03",
    permission: "configure",
    kind: "number",
    min: 0,
    max: 720,
    default: 24,
    schema: z.preprocess(
      numeric,
      z
        .number({ error: "Periodo de gracia de registros incompletos: debe ser un número" })
        .gt(0, { error: "Periodo de gracia de registros incompletos: debe ser mayor que 0 h" })
        .max(720, { error: "Periodo de gracia de registros incompletos: el máximo es 720 h (30 días)" }),
    ) as unknown as z.ZodType<number>,
  } satisfies SettingDefinition<number>,
  {
    key: "diagnostics.thresholds",
    scope: "global",
    section: "autodiagnostico",
    label: "Umbrales de autodiagnóstico",
    help: "Umbrales de detección de fallas de los sistemas de medición, canales y UCC (A30-DIAG-01/02).",
    unit: null,
    requirement: "A30-DIAG-02",
    permission: "configure",
    kind: "object",
    default: DEFAULT_THRESHOLDS,
    schema: thresholdsSchema,
  } satisfies SettingDefinition<DiagnosticsThresholds>,
  // A30-SEC-02 (30.6.2 II): the access-control parameters follow the taxpayer's policy but never
  // go below the Anexo 30 minimums; only the Administrador (user administration) changes them.
  {
    key: "security.password_min_length",
    scope: "global",
    section: "seguridad",
    label: "Longitud mínima de contraseña",
    help: "Caracteres mínimos de una contraseña (además de mayúscula, minúscula, dígito y carácter especial); nunca menos de 8 (A30-SEC-05).",
    unit: "caracteres",
    requirement: "A30-SEC-05",
    permission: "manageUsers",
    kind: "number",
    min: ANEXO30_MIN_PASSWORD_LENGTH,
    max: 64,
    default: ANEXO30_MIN_PASSWORD_LENGTH,
    schema: numberSetting("Longitud mínima de contraseña", {
      min: ANEXO30_MIN_PASSWORD_LENGTH,
      max: Math.min(64, MAX_PASSWORD_LENGTH),
      int: true,
    }),
  } satisfies SettingDefinition<number>,
  {
    key: "security.password_expiry_days",
    scope: "global",
    section: "seguridad",
    label: "Vigencia de contraseñas",
    help: "Días tras los cuales una contraseña vence y debe cambiarse al iniciar sesión (A30-SEC-08).",
    unit: "días",
    requirement: "A30-SEC-08",
    permission: "manageUsers",
    kind: "number",
    min: 1,
    max: 365,
    default: DEFAULT_PASSWORD_EXPIRY_DAYS,
    schema: numberSetting("Vigencia de contraseñas", { min: 1, max: 365, int: true }),
  } satisfies SettingDefinition<number>,
  {
    key: "security.lockout_threshold",
    scope: "global",
    section: "seguridad",
    label: "Intentos fallidos antes del bloqueo",
    help: "Intentos fallidos consecutivos tras los cuales la cuenta se bloquea temporalmente; cada intento adicional duplica la espera.",
    unit: "intentos",
    requirement: "A30-SEC-02",
    permission: "manageUsers",
    kind: "number",
    min: 3,
    max: 10,
    default: DEFAULT_LOCKOUT_POLICY.threshold,
    schema: numberSetting("Intentos fallidos antes del bloqueo", { min: 3, max: 10, int: true }),
  } satisfies SettingDefinition<number>,
  {
    key: "security.lockout_base_s",
    scope: "global",
    section: "seguridad",
    label: "Bloqueo inicial",
    help: "Segundos del primer bloqueo; se duplican con cada intento fallido adicional, hasta 1 h.",
    unit: "s",
    requirement: "A30-SEC-02",
    permission: "manageUsers",
    kind: "number",
    min: 15,
    max: 3600,
    default: DEFAULT_LOCKOUT_POLICY.baseLockS,
    schema: numberSetting("Bloqueo inicial", { min: 15, max: 3600, int: true }),
  } satisfies SettingDefinition<number>,
] as const;

export type SettingKey = (typeof SETTINGS)[number]["key"];

const BY_KEY = new Map<string, SettingDefinition>(SETTINGS.map((s) => [s.key, s as SettingDefinition]));

export function settingDefinition(key: string): SettingDefinition | undefined {
  return BY_KEY.get(key);
}

export type ValidationResult<T = unknown> = { ok: true; value: T } | { ok: false; error: string };

/** Validates a new value for `key` (A30-ACC-03 boundary validation); errors are Spanish and name the parameter. */
export function validateSettingValue(key: string, raw: unknown): ValidationResult {
  const def = BY_KEY.get(key);
  if (!def) return { ok: false, error: `parámetro desconocido: ${key}` };
  const parsed = def.schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => i.message).join("; ") };
  return { ok: true, value: parsed.data };
}

/**
 * A stored value as the software uses it: a missing or invalid value (written behind the
 * application's back) falls back to the default — for the 72 h limit that is the legal maximum,
 * never a longer limit.
 */
export function effectiveValue(key: string, stored: unknown): unknown {
  const def = BY_KEY.get(key);
  if (!def) throw new RangeError(`parámetro desconocido: ${key}`);
  if (stored === undefined || stored === null) return def.default;
  const parsed = def.schema.safeParse(stored);
  return parsed.success ? parsed.data : def.default;
}

/**
 * Object-valued settings (the diagnostics thresholds) are changed field by field: the input is
 * merged over the current value and the whole is validated (cross-field rules included).
 */
export function mergeForChange(key: string, current: unknown, raw: unknown): unknown {
  const def = BY_KEY.get(key);
  if (def?.kind === "object" && raw !== null && typeof raw === "object" && !Array.isArray(raw) && current !== null && typeof current === "object") {
    return { ...(current as Record<string, unknown>), ...(raw as Record<string, unknown>) };
  }
  return raw;
}

/** Readable value for the bitácora and the UI. */
export function formatSettingValue(key: string, value: unknown): string {
  const def = BY_KEY.get(key);
  if (def?.kind === "object") return JSON.stringify(value);
  if (def?.unit === "h") return `${String(value)} h`;
  return String(value);
}

export interface ChangeSummary {
  description: string;
  /** For object settings, the fields that changed; for scalars, the single value. */
  changes: { field: string | null; before: unknown; after: unknown }[];
}

/** What changed, for the bitácora entry (A30-LOG-10: before and after values). Empty when nothing did. */
export function describeChange(key: string, before: unknown, after: unknown, installationKey?: string | null): ChangeSummary {
  const def = BY_KEY.get(key);
  const label = def?.label ?? key;
  const where = installationKey ? ` de ${installationKey}` : "";
  if (def?.kind === "object") {
    const b = (before ?? {}) as Record<string, unknown>;
    const a = (after ?? {}) as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f])).sort();
    const changes = fields.map((field) => ({ field, before: b[field], after: a[field] }));
    const text = changes.map((c) => `${c.field} de ${JSON.stringify(c.before)} a ${JSON.stringify(c.after)}`).join(", ");
    return { description: `Cambio de configuración: ${label}${where}: ${text}`, changes };
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return { description: "", changes: [] };
  return {
    description: `Cambio de configuración: ${label}${where} de ${formatSettingValue(key, before)} a ${formatSettingValue(key, after)}`,
    changes: [{ field: null, before, after }],
  };
}
