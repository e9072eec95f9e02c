import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { z } from "zod";
import { SECURITY_OUTCOMES } from "../../../db/schema/enums";
import { userHasPermission } from "../../../server/contracts/permissions";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { clientIpOf } from "../../../server/services/alarms/rejected-login";
import {
  querySecurityLog,
  SECURITY_LOG_DEFAULT_PAGE_SIZE,
  SECURITY_OUTCOME_LABELS,
  securityLogFiltersSchema,
  type SecurityLogFilters,
  type SecurityLogPage,
} from "../../../server/services/security/consult-security-log";
import { SECURITY_EVENTS } from "../../../server/services/security/security-log";

export const metadata: Metadata = { title: "Bitácora de seguridad" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

const FILTER_KEYS = ["from", "to", "username", "event", "outcome", "ip"] as const;
const USER_AGENT_SHOWN = 40;
const DETAIL_SHOWN = 80;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Query string of the filters in use (+ extra), for the pager and the export links. */
function queryOf(filters: SecurityLogFilters | null, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  if (filters) for (const key of FILTER_KEYS) if (filters[key] !== undefined) params.set(key, String(filters[key]));
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

/**
 * /seguridad — the security log (A30-SEC-10, Anexo 30 30.6.2 VII). Administrador, or an Auditor
 * Fiscal an Administrador granted it (A30-ACC-03); others get the 403 page. Rendering the page is a
 * consultation: querySecurityLog records it as "log_view" before the rows are shown.
 */
export default async function SecurityLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
  if (!userHasPermission(session.user, "viewSecurityLog")) forbidden();

  const raw = await searchParams;
  const input = Object.fromEntries(
    Object.entries(raw)
      .map(([key, value]) => [key, first(value)] as const)
      .filter(([, value]) => value !== undefined),
  );
  const parsed = securityLogFiltersSchema.safeParse(input);
  let page: SecurityLogPage | null = null;
  if (parsed.success) {
    const requestHeaders = await headers();
    const runtime = getRuntime();
    page = await querySecurityLog(
      runtime.db,
      parsed.data,
      {
        userId: Number(session.user.id),
        username: session.user.username,
        ip: clientIpOf(requestHeaders),
        userAgent: requestHeaders.get("user-agent"),
        sessionId: session.user.sessionId ?? null,
      },
      runtime.clock.now(),
    );
  }
  const filters = parsed.success ? parsed.data : null;
  const value = (key: (typeof FILTER_KEYS)[number]) => (filters ? (filters[key] ?? "") : (first(raw[key]) ?? ""));
  const pageSize = filters?.pageSize ?? SECURITY_LOG_DEFAULT_PAGE_SIZE;
  const pages = page ? Math.max(1, Math.ceil(page.total / page.pageSize)) : 1;
  const pageExtra = (n: number) => ({ page: String(n), ...(pageSize !== SECURITY_LOG_DEFAULT_PAGE_SIZE ? { pageSize: String(pageSize) } : {}) });

  return (
    <>
      <h1 className="page-title">Bitácora de seguridad</h1>
      <p className="settings-intro">
        Eventos de seguridad de la aplicación, la base de datos y el sistema operativo (Anexo 30, 30.6.2 VII): accesos exitosos y fallidos,
        inicio y cierre de sesión, actividad de los usuarios, consultas de las bitácoras y errores. Se conserva al menos 6 meses y cada consulta,
        incluida esta, queda registrada.
      </p>
      <div className="bitacora security-log">
        <form className="bitacora-filters" method="get" action="/seguridad" aria-label="Filtros de la bitácora de seguridad">
          <label>
            Fecha desde
            <input type="date" name="from" defaultValue={value("from").slice(0, 10)} />
          </label>
          <label>
            Fecha hasta
            <input type="date" name="to" defaultValue={value("to").slice(0, 10)} />
          </label>
          <label>
            Usuario
            <input name="username" defaultValue={value("username")} maxLength={64} />
          </label>
          <label>
            Evento
            <select name="event" defaultValue={value("event")}>
              <option value="">Todos</option>
              {Object.entries(SECURITY_EVENTS).map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Resultado
            <select name="outcome" defaultValue={value("outcome")}>
              <option value="">Todos</option>
              {SECURITY_OUTCOMES.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {SECURITY_OUTCOME_LABELS[outcome]}
                </option>
              ))}
            </select>
          </label>
          <label>
            IP
            <input name="ip" defaultValue={value("ip")} maxLength={49} placeholder="192.168.1.20 o 192.168.1.0/24" />
          </label>
          <button type="submit">Filtrar</button>
          <Link href="/seguridad" prefetch={false}>
            Quitar filtros
          </Link>
        </form>

        {parsed.success ? null : (
          <p role="alert" className="form-error" data-testid="security-log-error">
            Filtros inválidos: {z.prettifyError(parsed.error)}
          </p>
        )}

        {filters ? (
          <p className="security-log-exports">
            {/* Plain links: the download is a GET the server names and records (A30-SEC-10). */}
            <a href={`/api/security-log/export?${queryOf(filters, { format: "csv" })}`} data-testid="export-csv">
              Exportar CSV
            </a>
            <a href={`/api/security-log/export?${queryOf(filters, { format: "json" })}`} data-testid="export-json">
              Exportar JSON
            </a>
          </p>
        ) : null}

        <div className="security-log-scroll">
          <table className="bitacora-table security-log-table" data-testid="security-log-table">
            <thead>
              <tr>
                <th>Fecha y hora</th>
                <th>Usuario</th>
                <th>IP</th>
                <th>MAC</th>
                <th>Agente de usuario</th>
                <th>Evento</th>
                <th>Resultado</th>
                <th>Detalle</th>
              </tr>
            </thead>
            <tbody>
              {page?.entries.map((e) => {
                const detail = e.detail ? JSON.stringify(e.detail) : "";
                return (
                  <tr key={e.id} data-entry={e.id} data-event={e.event} data-outcome={e.outcome}>
                    <td>
                      <time dateTime={e.time}>{e.localTime}</time>
                    </td>
                    <td>{e.username}</td>
                    <td>{e.ip ?? "—"}</td>
                    <td>{e.macAddress}</td>
                    <td className="security-log-ua" title={e.userAgent ?? undefined}>
                      {e.userAgent ? truncate(e.userAgent, USER_AGENT_SHOWN) : "—"}
                    </td>
                    <td title={e.event}>{e.eventLabel}</td>
                    <td className={`security-outcome security-outcome-${e.outcome}`}>{e.outcomeLabel}</td>
                    <td className="security-log-detail" title={detail || undefined}>
                      {detail ? <code>{truncate(detail, DETAIL_SHOWN)}</code> : "—"}
                    </td>
                  </tr>
                );
              })}
              {page && page.entries.length === 0 ? (
                <tr>
                  <td colSpan={8}>No hay eventos con estos filtros.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>

        {page ? (
          <nav className="bitacora-pager" aria-label="Páginas">
            {page.page > 1 ? (
              <Link href={`/seguridad?${queryOf(filters, pageExtra(page.page - 1))}`} prefetch={false}>
                Anterior
              </Link>
            ) : (
              <span aria-disabled="true">Anterior</span>
            )}
            <span>
              Página {page.page} de {pages} · {page.total} eventos
            </span>
            {page.page < pages ? (
              <Link href={`/seguridad?${queryOf(filters, pageExtra(page.page + 1))}`} prefetch={false}>
                Siguiente
              </Link>
            ) : (
              <span aria-disabled="true">Siguiente</span>
            )}
          </nav>
        ) : null}
      </div>
    </>
  );
}
