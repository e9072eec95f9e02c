import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { auth, signOut } from "../../server/http/auth";
import { ROLE_LABELS } from "../../server/contracts/roles";

export const dynamic = "force-dynamic";

/** Shell shared by every authenticated screen (A30-ACC-01: no session → log-in page). */
export default async function PanelLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
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
        </nav>
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
