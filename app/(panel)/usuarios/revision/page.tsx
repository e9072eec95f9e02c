import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { userHasPermission } from "../../../../server/contracts/permissions";
import { INACTIVITY_LIMIT_DAYS, type SecurityLogAccess } from "../../../../server/domain/security/access-review";
import { auth } from "../../../../server/http/auth";
import { getRuntime } from "../../../../server/http/runtime";
import { readAccessReview } from "../../../../server/services/users/index";
import { PrintButton } from "../print-button";
import { ReviewForm } from "./review-form";

export const metadata: Metadata = { title: "Revisión de accesos" };
export const dynamic = "force-dynamic";

const date = new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeZone: "America/Mexico_City" });
const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeStyle: "short", timeZone: "America/Mexico_City", hourCycle: "h23" });
const LOG_ACCESS: Record<SecurityLogAccess, string> = { perfil: "Sí (por perfil)", otorgado: "Sí (otorgado)", no: "No" };

/**
 * /usuarios/revision — six-monthly review of users and privileges (A30-SEC-04, 30.6.2 IV): the
 * report (users, profiles, last log-in, inactive > 90 days, privileges unchanged since), the
 * «Revisión de accesos vencida» banner when due, and «Registrar revisión». Administrador only.
 */
export default async function AccessReviewPage() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  if (!userHasPermission(session.user, "manageUsers")) forbidden();
  const runtime = getRuntime();
  const { report, reviews } = await readAccessReview(runtime.db, runtime.clock.now());
  return (
    <>
      <p className="no-print">
        <Link href="/usuarios">← Volver a usuarios</Link> <PrintButton />
      </p>
      <h1 className="page-title">Revisión de usuarios y privilegios</h1>
      <p className="settings-intro">
        Al menos cada 6 meses se revisan y depuran los usuarios y sus privilegios, en Aforo y en los demás activos tecnológicos relacionados (Anexo
        30, 30.6.2 IV). Revise la lista, desactive las cuentas que ya no se usan, ajuste los perfiles y registre la revisión.
      </p>
      {report.reviewDue ? (
        <p className="users-review-banner" role="alert" data-testid="access-review-due">
          {report.message}
        </p>
      ) : (
        <p className="settings-ok" data-testid="access-review-ok">
          {report.message}
        </p>
      )}

      <p className="settings-meta">
        {report.summary.total} cuentas · {report.summary.active} activas · {report.summary.activeAdministrators} administradores activos ·{" "}
        {report.summary.inactiveOver90Days} activas sin acceso en más de {INACTIVITY_LIMIT_DAYS} días · {report.summary.neverLoggedIn} sin ningún
        acceso · generado el {dateTime.format(new Date(report.generatedAt))}
      </p>

      <div className="operations-table-wrap">
        <table className="users-table" data-testid="access-review-table">
          <thead>
            <tr>
              <th scope="col">Usuario</th>
              <th scope="col">Nombre</th>
              <th scope="col">Perfil</th>
              <th scope="col">Estado</th>
              <th scope="col">Último acceso</th>
              <th scope="col">Días sin acceso</th>
              <th scope="col">Inactivo &gt; {INACTIVITY_LIMIT_DAYS} días</th>
              <th scope="col">Privilegios sin cambio desde</th>
              <th scope="col">Bitácora de seguridad</th>
              <th scope="col">Observaciones</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((r) => (
              <tr key={r.userId} data-user={r.username} className={r.inactiveOver90Days ? "users-flagged" : r.active ? undefined : "users-inactive"}>
                <td>{r.username}</td>
                <td>{r.displayName}</td>
                <td>{r.roleLabel}</td>
                <td>{r.active ? "Activo" : "Inactivo"}</td>
                <td>{r.lastLoginAt ? dateTime.format(new Date(r.lastLoginAt)) : "Nunca"}</td>
                <td className="num">{r.daysSinceLastLogin ?? "—"}</td>
                <td>{r.inactiveOver90Days ? <strong>Sí</strong> : "No"}</td>
                <td>
                  {date.format(new Date(r.roleChangedAt))} ({r.daysSinceRoleChange} días)
                </td>
                <td>{LOG_ACCESS[r.securityLogAccess]}</td>
                <td>{r.observations.join("; ") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section className="users-section no-print" aria-labelledby="registrar-revision">
        <h2 id="registrar-revision">Registrar revisión</h2>
        <p className="users-note">
          Al registrarla, Aforo guarda esta lista tal como está ahora y escribe una entrada «Revisión de usuarios y privilegios» en la bitácora.
        </p>
        <ReviewForm />
      </section>

      <section className="users-section" aria-labelledby="revisiones-anteriores">
        <h2 id="revisiones-anteriores">Revisiones registradas</h2>
        {reviews.length === 0 ? (
          <p className="settings-meta">Todavía no hay ninguna revisión registrada.</p>
        ) : (
          <table className="users-table">
            <thead>
              <tr>
                <th scope="col">Fecha</th>
                <th scope="col">Revisó</th>
                <th scope="col">Cuentas</th>
                <th scope="col">Notas</th>
                <th scope="col">Bitácora</th>
              </tr>
            </thead>
            <tbody>
              {reviews.map((r) => (
                <tr key={r.id}>
                  <td>{dateTime.format(new Date(r.reviewedAt))}</td>
                  <td>{r.reviewedBy}</td>
                  <td className="num">{r.usersReviewed}</td>
                  <td>{r.notes ?? "—"}</td>
                  <td>{r.eventLogId !== null ? `núm. ${r.eventLogId}` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
