import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { auth, signOut } from "../../server/http/auth";
import { ROLE_LABELS } from "../../server/contracts/roles";
import { userHasPermission } from "../../server/contracts/permissions";
import { endedSessionReason } from "../../server/http/authorize";
import { ENVIRONMENT_LABELS } from "../../server/config";
import { getRuntime } from "../../server/http/runtime";
import { activeAlarmSummary } from "../../server/services/alarms/views";
import { accessReviewReminder } from "../../server/services/users/index";
import { AccessReviewReminder } from "../_components/access-review-reminder";
import { ActiveAlarmsBanner } from "../_components/active-alarms-banner";
import { ReleaseFooter } from "../_components/release-footer";

export const dynamic = "force-dynamic";

/**
 * Shell shared by every authenticated screen (A30-ACC-01: no session → log-in page, with the
 * reason when the session ended, e.g. inactivity, A30-SEC-09). A user who must register a new
 * password reaches nothing else (A30-ACC-05, A30-SEC-08). The menu shows only what the profile
 * may use (A30-ACC-06); the pages and routes refuse the rest on their own.
 */
export default async function PanelLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.user) {
    const reason = await endedSessionReason();
    redirect(reason ? `/login?motivo=${reason}` : "/login");
  }
  if (session.user.passwordChange) redirect("/cambiar-contrasena");
  const may = (permission: Parameters<typeof userHasPermission>[1]) => userHasPermission(session.user, permission);
  const runtime = getRuntime();
  const alarmSummary = await activeAlarmSummary(runtime.db, runtime.clock.now());
  // A30-SEC-04: the Administrador is reminded on every screen when the six-monthly review is due.
  const reviewReminder = may("manageUsers") ? await accessReviewReminder(runtime.db, runtime.clock.now()) : null;
  async function logOut() {
    "use server";
    await signOut({ redirectTo: "/login" });
  }
  return (
    <div className="shell">
      <header className="topbar">
        <Link href="/tablero" className="brand">
          Aforo
        </Link>
        {/* A30-SEC-12: the environment mode on every screen (production, test, demo). */}
        <span className={`environment-badge environment-${runtime.config.AFORO_ENV}`} data-testid="environment-badge" title="Entorno (AFORO_ENV)">
          {ENVIRONMENT_LABELS[runtime.config.AFORO_ENV]}
        </span>
        <nav aria-label="Principal">
          <Link href="/tablero">Tablero</Link>
          <Link href="/operaciones">Operaciones</Link>
          <Link href="/inventario">Inventario</Link>
          <Link href="/bitacora">Bitácora</Link>
          {/* Not prefetched: rendering /alarmas is a consultation recorded in the bitácora (A30-ALM-09). */}
          <Link href="/alarmas" prefetch={false}>
            Alarmas
          </Link>
          <Link href="/cfdi">CFDI</Link>
          <Link href="/pedimentos">Pedimentos</Link>
          <Link href="/calidad">Calidad</Link>
          <Link href="/diagnostico">Diagnóstico</Link>
          {/* A30-ACC-06: only profiles that may configure (Administrador, Supervisor) see the link. */}
          {may("reports") ? (
            <Link href="/reportes" prefetch={false}>
              Reportes
            </Link>
          ) : null}
          {may("configure") ? <Link href="/configuracion">Configuración</Link> : null}
          {may("manageUsers") ? <Link href="/usuarios">Usuarios</Link> : null}
          {may("manageCertificates") ? <Link href="/certificados">Certificados</Link> : null}
          {/* Not prefetched: each view of the security log is itself logged (A30-SEC-10). */}
          {may("viewSecurityLog") ? (
            <Link href="/seguridad" prefetch={false}>
              Seguridad
            </Link>
          ) : null}
        </nav>
        <ActiveAlarmsBanner initial={alarmSummary} />
        <div className="session">
          <span data-testid="session-user">
            {session.user.username} · {ROLE_LABELS[session.user.role]}
          </span>
          <Link href="/cambiar-contrasena" className="link-button">
            Cambiar contraseña
          </Link>
          <form action={logOut}>
            <button type="submit" className="link-button">
              Cerrar sesión
            </button>
          </form>
        </div>
      </header>
      {reviewReminder?.due ? <AccessReviewReminder message={reviewReminder.message} /> : null}
      <main className="content">{children}</main>
      {/* A30-SEC-14: version and SHA-256 of the running program on every screen. */}
      <ReleaseFooter />
    </div>
  );
}
