import type { SqlExecutor } from "../../../db/client";
import { macAddressOf } from "../../platform/mac-address";

/**
 * Security log writer (A30-SEC-10, Anexo 30 30.6.2 VII): separate from the bitácora and
 * append-only (migration 0003). Each entry has date-time, user, source IP, user agent, MAC address
 * ("no disponible" when the network does not give it: the server only sees the last router's),
 * event and outcome. Kept at least 6 months: nothing in Aforo deletes it (A30-STO-06).
 */
export const SECURITY_EVENTS = {
  login: "Inicio de sesión",
  login_failed: "Inicio de sesión fallido",
  login_locked: "Intento con cuenta bloqueada",
  logout: "Cierre de sesión por el usuario",
  idle_logout: "Cierre por inactividad",
  session_expired: "Sesión vencida (duración máxima)",
  session_revoked: "Sesión cerrada por cambio de cuenta",
  password_changed: "Cambio de contraseña",
  password_change_failed: "Cambio de contraseña rechazado",
  page_view: "Consulta de pantalla",
  api_call: "Uso de la API",
  access_denied: "Acceso denegado",
  log_view: "Consulta de bitácora de seguridad",
  user_admin: "Administración de usuarios",
  csd_admin: "Administración de certificados (CSD)",
  csrf_rejected: "Solicitud sin token CSRF",
  rate_limited: "Límite de solicitudes excedido",
  request_rejected: "Solicitud rechazada",
  error: "Error de la aplicación",
} as const;

export type SecurityEvent = keyof typeof SECURITY_EVENTS;
export type SecurityOutcome = "success" | "failure" | "denied" | "info" | "error";

export interface SecurityLogEntry {
  event: SecurityEvent;
  outcome: SecurityOutcome;
  /** Attempted or logged-in name; 'sistema' for the server's own events, 'anónimo' without a session. */
  username: string;
  userId?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  macAddress?: string | null;
  sessionId?: string | null;
  detail?: Record<string, unknown> | null;
}


/** A client address PostgreSQL's inet accepts, or null (never a reason to lose the entry). */
export function normaliseIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const trimmed = ip.trim().replace(/^::ffff:/, "");
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(trimmed) && trimmed.split(".").every((part) => Number(part) <= 255)) return trimmed;
  if (/^[0-9a-fA-F:]+$/.test(trimmed) && trimmed.includes(":") && trimmed.length <= 45) return trimmed;
  return null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function recordSecurityEvent(db: SqlExecutor, entry: SecurityLogEntry, now: Date): Promise<number> {
  const [row] = await db.query<{ id: string | number }>(
    `insert into security_log (time, username, user_id, ip, user_agent, mac_address, event, outcome, detail, session_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
    [
      now,
      entry.username.slice(0, 64) || "anónimo",
      entry.userId ?? null,
      normaliseIp(entry.ip),
      entry.userAgent ? entry.userAgent.slice(0, 300) : null,
      entry.macAddress || macAddressOf(normaliseIp(entry.ip)),
      entry.event,
      entry.outcome,
      entry.detail ? JSON.stringify(entry.detail) : null,
      entry.sessionId && UUID.test(entry.sessionId) ? entry.sessionId : null,
    ],
  );
  return Number(row!.id);
}
