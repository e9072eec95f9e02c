import Link from "next/link";
import { ROLE_LABELS } from "../server/contracts/roles";
import { auth } from "../server/http/auth";

/**
 * The page `forbidden()` renders, with HTTP 403 (A30-ACC-06): a profile that types the URL of a
 * function it may not use gets this, never the function.
 */
export default async function Forbidden() {
  const session = await auth();
  const role = session?.user ? ROLE_LABELS[session.user.role] : null;
  return (
    <main className="content">
      <section className="settings-forbidden" data-testid="forbidden">
        <h1 className="page-title">403 — Sin permiso</h1>
        <p>
          {role ? `Su perfil (${role}) no tiene permiso para esta función.` : "No tiene permiso para esta función."} Los permisos de cada perfil
          son los del Anexo 30, 30.6.1.1 IV.
        </p>
        <p>
          <Link href="/tablero">Volver al tablero</Link>
        </p>
      </section>
    </main>
  );
}
