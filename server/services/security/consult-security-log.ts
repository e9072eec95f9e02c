import { z } from "zod";
import type { Database, SqlExecutor } from "../../../db/client";
import { SECURITY_OUTCOMES } from "../../../db/schema/enums";
import { recordSecurityEvent, SECURITY_EVENTS, type SecurityEvent, type SecurityOutcome } from "./security-log";

/**
 * Consultation and export of the security log (A30-SEC-10, Anexo 30 30.6.2 VII). Access is the
 * route's or page's business (`viewSecurityLog`, A30-ACC-03); this service guarantees the rest of
 * the rule: every consultation — screen, API or export — is itself written to the security log as
 * "log_view" in the same transaction as the read, so results are never returned unrecorded.
 * Parameterised SQL only (A30-SEC-15): user input reaches PostgreSQL as $n parameters.
 */

/** Local day boundaries of date-only filters: Mexico's central time (UTC−06:00, no DST since 2022). */
export const SECURITY_LOG_TIME_ZONE = "America/Mexico_City";
const DEFAULT_OFFSET = "-06:00";
export const SECURITY_LOG_DEFAULT_PAGE_SIZE = 100;
export const SECURITY_LOG_MAX_PAGE_SIZE = 500;
/** An export larger than this is refused: narrow the dates or the filters. */
export const SECURITY_LOG_EXPORT_MAX_ROWS = 100_000;

export const SECURITY_OUTCOME_LABELS: Record<SecurityOutcome, string> = {
  success: "Éxito",
  failure: "Fallo",
  denied: "Denegado",
  info: "Información",
  error: "Error",
};

const EVENT_KEYS = Object.keys(SECURITY_EVENTS) as [SecurityEvent, ...SecurityEvent[]];

/** A query-string value: an empty field of a GET form means "no filter". */
const blankAsUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const dateOrDateTime = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/, "fecha AAAA-MM-DD o fecha y hora ISO-8601 (p. ej. 2026-11-05T08:30:00-06:00)")
  .refine((v) => isCalendarDate(v.slice(0, 10)) && !Number.isNaN(startOf(v).getTime()), "fecha inválida (revise día y mes)");

const ipAddressOrNetwork = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
const ipOrNetwork = z
  .string()
  .trim()
  .refine(
    (v) => ipAddressOrNetwork.safeParse(v).success,
    "dirección IP inválida: IPv4 (192.168.1.20), IPv6 o red CIDR (192.168.1.0/24)",
  );

/**
 * Filters of a consultation, as they come in a query string (A30-SEC-10). `from` is inclusive;
 * `to` is inclusive for a date (the whole local day) and exclusive for an instant.
 */
export const securityLogFiltersSchema = z
  .object({
    from: z.preprocess(blankAsUndefined, dateOrDateTime.optional()),
    to: z.preprocess(blankAsUndefined, dateOrDateTime.optional()),
    /** Attempted or logged-in name; names are stored lower-case (server/services/security/login.ts). */
    username: z.preprocess(
      blankAsUndefined,
      z.string().trim().max(64, "el usuario admite hasta 64 caracteres").transform((v) => v.toLowerCase()).optional(),
    ),
    event: z.preprocess(blankAsUndefined, z.enum(EVENT_KEYS, { error: `evento desconocido; use uno de: ${EVENT_KEYS.join(", ")}` }).optional()),
    outcome: z.preprocess(blankAsUndefined, z.enum(SECURITY_OUTCOMES, { error: `resultado desconocido; use uno de: ${SECURITY_OUTCOMES.join(", ")}` }).optional()),
    ip: z.preprocess(blankAsUndefined, ipOrNetwork.optional()),
    page: z.preprocess(blankAsUndefined, z.coerce.number({ error: "página: un número entero ≥ 1" }).int("página: un número entero ≥ 1").min(1, "página: un número entero ≥ 1").default(1)),
    pageSize: z.preprocess(
      blankAsUndefined,
      z.coerce
        .number({ error: `registros por página: de 1 a ${SECURITY_LOG_MAX_PAGE_SIZE}` })
        .int(`registros por página: de 1 a ${SECURITY_LOG_MAX_PAGE_SIZE}`)
        .min(1, `registros por página: de 1 a ${SECURITY_LOG_MAX_PAGE_SIZE}`)
        .max(SECURITY_LOG_MAX_PAGE_SIZE, `registros por página: de 1 a ${SECURITY_LOG_MAX_PAGE_SIZE}`)
        .default(SECURITY_LOG_DEFAULT_PAGE_SIZE),
    ),
  })
  .refine((f) => !f.from || !f.to || startOf(f.from).getTime() < endOf(f.to).getTime(), {
    message: "la fecha «desde» debe ser anterior a la fecha «hasta»",
    path: ["to"],
  });

export type SecurityLogFilters = z.output<typeof securityLogFiltersSchema>;
export type SecurityLogFiltersInput = z.input<typeof securityLogFiltersSchema>;

/** Export formats; anything else (e.g. `../../etc/passwd`) is refused before any work. */
export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const exportFormatSchema = z.enum(EXPORT_FORMATS, { error: "formato de exportación: csv o json" });

/** Who consults: written to the log_view entry (A30-SEC-10 a–c: date-time, user, source IP). */
export interface SecurityLogActor {
  userId: number;
  username: string;
  ip: string | null;
  userAgent: string | null;
  sessionId: string | null;
}

export interface SecurityLogEntryView {
  id: number;
  /** ISO-8601 instant (UTC). */
  time: string;
  /** Local date-time in America/Mexico_City, `AAAA-MM-DD HH:MM:SS`. */
  localTime: string;
  username: string;
  userId: number | null;
  ip: string | null;
  macAddress: string;
  userAgent: string | null;
  event: string;
  eventLabel: string;
  outcome: SecurityOutcome;
  outcomeLabel: string;
  detail: Record<string, unknown> | null;
  sessionId: string | null;
}

export interface SecurityLogPage {
  entries: SecurityLogEntryView[];
  total: number;
  page: number;
  pageSize: number;
}

export class SecurityLogExportTooLarge extends Error {
  constructor(readonly total: number) {
    super(
      `La exportación abarca ${total.toLocaleString("es-MX")} registros y el máximo es ${SECURITY_LOG_EXPORT_MAX_ROWS.toLocaleString("es-MX")}: acote el intervalo de fechas o agregue filtros (usuario, evento, resultado, IP).`,
    );
    this.name = "SecurityLogExportTooLarge";
  }
}

/** `AAAA-MM-DD` names a real day (JavaScript would roll 2026-02-30 over to March). */
function isCalendarDate(date: string): boolean {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

function startOf(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00${DEFAULT_OFFSET}` : value);
}

function endOf(value: string): Date {
  if (value.length !== 10) return new Date(value);
  return new Date(startOf(value).getTime() + 86_400_000);
}

const localParts = new Intl.DateTimeFormat("en-CA", {
  timeZone: SECURITY_LOG_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZoneName: "longOffset",
});

function local(time: Date): { date: string; time: string; offset: string } {
  const parts = Object.fromEntries(localParts.formatToParts(time).map((p) => [p.type, p.value]));
  const offset = (parts.timeZoneName ?? "GMT").replace(/^GMT/, "") || "+00:00";
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}`, offset };
}

/** `2026-11-05T10:00:00-06:00`: local time with its offset, unambiguous in an export. */
function localIso(time: Date): string {
  const l = local(time);
  return `${l.date}T${l.time}${l.offset}`;
}

interface Row {
  id: string | number;
  time: Date | string;
  username: string;
  user_id: number | null;
  ip: string | null;
  user_agent: string | null;
  mac_address: string;
  event: string;
  outcome: SecurityOutcome;
  detail: Record<string, unknown> | string | null;
  session_id: string | null;
}

function toView(row: Row): SecurityLogEntryView {
  const time = row.time instanceof Date ? row.time : new Date(row.time);
  const l = local(time);
  const detail = typeof row.detail === "string" ? (JSON.parse(row.detail) as Record<string, unknown>) : row.detail;
  return {
    id: Number(row.id),
    time: time.toISOString(),
    localTime: `${l.date} ${l.time}`,
    username: row.username,
    userId: row.user_id === null ? null : Number(row.user_id),
    ip: row.ip,
    macAddress: row.mac_address,
    userAgent: row.user_agent,
    event: row.event,
    eventLabel: (SECURITY_EVENTS as Record<string, string>)[row.event] ?? row.event,
    outcome: row.outcome,
    outcomeLabel: SECURITY_OUTCOME_LABELS[row.outcome] ?? row.outcome,
    detail: detail ?? null,
    sessionId: row.session_id,
  };
}

/** The WHERE clause of `filters`, with every value as a $n parameter (never concatenated). */
function whereOf(filters: SecurityLogFilters): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(`$${params.length}`));
  };
  if (filters.from) add((p) => `time >= ${p}`, startOf(filters.from));
  if (filters.to) add((p) => `time < ${p}`, endOf(filters.to));
  if (filters.username !== undefined) add((p) => `username = ${p}`, filters.username);
  if (filters.event) add((p) => `event = ${p}`, filters.event);
  if (filters.outcome) add((p) => `outcome = ${p}`, filters.outcome);
  // An address matches itself; a CIDR network matches every address inside it.
  if (filters.ip) add((p) => `ip <<= ${p}::inet`, filters.ip);
  return { sql: clauses.length ? `where ${clauses.join(" and ")}` : "", params };
}

const SELECT = "select id, time, username, user_id, host(ip) as ip, user_agent, mac_address, event, outcome, detail, session_id from security_log";

async function countOf(tx: SqlExecutor, where: { sql: string; params: unknown[] }): Promise<number> {
  const [row] = await tx.query<{ n: string | number }>(`select count(*) as n from security_log ${where.sql}`, where.params);
  return Number(row?.n ?? 0);
}

async function rowsOf(tx: SqlExecutor, where: { sql: string; params: unknown[] }, limit: number, offset: number): Promise<SecurityLogEntryView[]> {
  const n = where.params.length;
  const rows = await tx.query<Row>(`${SELECT} ${where.sql} order by time desc, id desc limit $${n + 1} offset $${n + 2}`, [...where.params, limit, offset]);
  return rows.map(toView);
}

/** The filters as given (without paging), for the log_view entry. */
function usedFilters(filters: SecurityLogFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["from", "to", "username", "event", "outcome", "ip"] as const) {
    const value = filters[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

async function recordConsultation(
  tx: SqlExecutor,
  actor: SecurityLogActor,
  outcome: SecurityOutcome,
  detail: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await recordSecurityEvent(
    tx,
    { event: "log_view", outcome, username: actor.username, userId: actor.userId, ip: actor.ip, userAgent: actor.userAgent, sessionId: actor.sessionId, detail },
    now,
  );
}

/**
 * One page of the security log, newest first, and — in the same transaction — its log_view entry
 * (A30-SEC-10 "consultations of the logs"). The entry is written after the read, so a page shows
 * the log as it was when consulted and the consultation appears in the next one.
 */
export async function querySecurityLog(
  db: Pick<Database, "transaction">,
  filters: SecurityLogFilters,
  actor: SecurityLogActor,
  now: Date,
): Promise<SecurityLogPage> {
  return db.transaction(async (tx) => {
    const where = whereOf(filters);
    const total = await countOf(tx, where);
    const entries = await rowsOf(tx, where, filters.pageSize, (filters.page - 1) * filters.pageSize);
    await recordConsultation(tx, actor, "success", { filters: usedFilters(filters), page: filters.page, pageSize: filters.pageSize, total }, now);
    return { entries, total, page: filters.page, pageSize: filters.pageSize };
  });
}

/** First cell characters a spreadsheet would run as a formula (CSV injection), per OWASP. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180): formulas neutralised with a leading ', quotes doubled, quoted when needed. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV columns (Spanish header, A30-SEC-10 fields). */
export const CSV_HEADER = ["fecha_hora", "usuario", "ip", "mac", "agente", "evento", "resultado", "detalle"] as const;

/**
 * Fields of each object of a JSON export:
 *  - id: number of the entry; fecha_hora: local time with offset (America/Mexico_City);
 *  - usuario, id_usuario: attempted or logged-in name and its account id (null if none);
 *  - ip, mac ('no disponible' when the network does not give it), agente (user agent);
 *  - evento, evento_clave: Spanish label and key (e.g. "Inicio de sesión fallido", "login_failed");
 *  - resultado, resultado_clave: Spanish label and key (e.g. "Denegado", "denied");
 *  - detalle: structured detail (object or null); sesion: session id (or null).
 */
export const JSON_EXPORT_FIELDS = [
  "id",
  "fecha_hora",
  "usuario",
  "id_usuario",
  "ip",
  "mac",
  "agente",
  "evento",
  "evento_clave",
  "resultado",
  "resultado_clave",
  "detalle",
  "sesion",
] as const;

function toCsv(entries: SecurityLogEntryView[]): string {
  const lines = [CSV_HEADER.join(",")];
  for (const e of entries) {
    lines.push(
      [localIso(new Date(e.time)), e.username, e.ip ?? "", e.macAddress, e.userAgent ?? "", e.eventLabel, e.outcomeLabel, e.detail ? JSON.stringify(e.detail) : ""]
        .map(csvCell)
        .join(","),
    );
  }
  // BOM so spreadsheet programs read the accents as UTF-8; CRLF line ends (RFC 4180).
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

function toJson(entries: SecurityLogEntryView[]): string {
  const objects = entries.map((e) => ({
    id: e.id,
    fecha_hora: localIso(new Date(e.time)),
    usuario: e.username,
    id_usuario: e.userId,
    ip: e.ip,
    mac: e.macAddress,
    agente: e.userAgent,
    evento: e.eventLabel,
    evento_clave: e.event,
    resultado: e.outcomeLabel,
    resultado_clave: e.outcome,
    detalle: e.detail,
    sesion: e.sessionId,
  }));
  return JSON.stringify(objects, null, 2);
}

export interface SecurityLogExport {
  /** Generated here from the dates, never taken from the request. */
  filename: string;
  contentType: string;
  body: string;
  rows: number;
}

/**
 * The whole filtered log (paging ignored), newest first, as CSV or JSON — itself a consultation
 * recorded as log_view with `{export: format}`. More than SECURITY_LOG_EXPORT_MAX_ROWS rows →
 * SecurityLogExportTooLarge (the refused attempt is recorded too, outcome "failure").
 */
export async function exportSecurityLog(
  db: Pick<Database, "transaction">,
  filters: SecurityLogFilters,
  format: ExportFormat,
  actor: SecurityLogActor,
  now: Date,
): Promise<SecurityLogExport> {
  const result = await db.transaction(async (tx): Promise<{ tooLarge: number } | { entries: SecurityLogEntryView[] }> => {
    const where = whereOf(filters);
    const total = await countOf(tx, where);
    if (total > SECURITY_LOG_EXPORT_MAX_ROWS) {
      await recordConsultation(tx, actor, "failure", { export: format, filters: usedFilters(filters), total, refused: "demasiados_registros" }, now);
      return { tooLarge: total };
    }
    const entries = await rowsOf(tx, where, SECURITY_LOG_EXPORT_MAX_ROWS, 0);
    await recordConsultation(tx, actor, "success", { export: format, filters: usedFilters(filters), rows: entries.length }, now);
    return { entries };
  });
  if ("tooLarge" in result) throw new SecurityLogExportTooLarge(result.tooLarge);
  const { entries } = result;
  const fromDate = filters.from ? local(startOf(filters.from)).date : entries.length ? local(new Date(entries[entries.length - 1]!.time)).date : local(now).date;
  const toDate = filters.to ? (filters.to.length === 10 ? filters.to : local(endOf(filters.to)).date) : local(now).date;
  const safe = (date: string) => (/^\d{4}-\d{2}-\d{2}$/.test(date) ? date : "fecha");
  return {
    filename: `bitacora-seguridad_${safe(fromDate)}_${safe(toDate)}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    body: format === "csv" ? toCsv(entries) : toJson(entries),
    rows: entries.length,
  };
}
