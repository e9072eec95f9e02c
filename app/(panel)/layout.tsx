import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { auth, signOut } from "../../server/http/auth";
import { ROLE_LABELS } from "../../server/contracts/roles";
import { roleHasPermission } from "../../server/contracts/permissions";
import { getRuntime } from "../../server/http/runtime";
import { activeAlarmSummary } from "../../server/services/alarms/views";
import { ActiveAlarmsBanner } from "../_components/active-alarms-banner";

export const dynamic = "force-dynamic";

/** Shell shared by every authenticated screen (A30-ACC-01: no session → log-in page). */
export default async function PanelLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
  const runtime = getRuntime();
  const alarmSummary = await activeAlarmSummary(runtime.db, runtime.clock.now());
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
        <nav aria-label="Principal">
          <Link href="/tablero">Tablero</Link>
          <Link href="/operaciones">Operaciones</Link>
          <Link href="/inventario">Inventario</Link>
          <Link href="/bitacora">Bitácora</Link>
          {/* Not prefetched: rendering /alarmas is a consultation recorded in the bitácora (A30-ALM-09). */}
          <Link href="/alarmas" prefetch={false}>
            Alarmas
          </Link>
          <Link href="/diagnostico">Diagnóstico</Link>
          {/* A30-ACC-06: only profiles that may configure (Administrador, Supervisor) see the link. */}
          {roleHasPermission(session.user.role, "configure") ? <Link href="/configuracion">Configuración</Link> : null}
        </nav>
        <ActiveAlarmsBanner initial={alarmSummary} />
        <div className="session">
          <span data-testid="session-user">
            {session.user.username} · {ROLE_LABELS[session.user.role]}
          </span>
          <form action={logOut}>
            <button type="submit" className="link-button">
              Cerrar sesión
            </button>
          </form>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}
