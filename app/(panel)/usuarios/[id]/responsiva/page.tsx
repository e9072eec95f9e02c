import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, notFound, redirect } from "next/navigation";
import { userHasPermission } from "../../../../../server/contracts/permissions";
import { ANEXO30_MIN_PASSWORD_LENGTH } from "../../../../../server/domain/security/index";
import { auth } from "../../../../../server/http/auth";
import { getRuntime } from "../../../../../server/http/runtime";
import { parseUserId } from "../../../../../server/services/users/http";
import { readAssignmentReceipt } from "../../../../../server/services/users/index";
import { PrintButton } from "../../print-button";

export const metadata: Metadata = { title: "Responsiva de usuario" };
export const dynamic = "force-dynamic";

const longDate = new Intl.DateTimeFormat("es-MX", { dateStyle: "long", timeZone: "America/Mexico_City" });
const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "long", timeStyle: "short", timeZone: "America/Mexico_City", hourCycle: "h23" });

/**
 * /usuarios/:id/responsiva — user-assignment receipt for signature (A30-SEC-07, Anexo 30 30.6.2 V c):
 * user, name, profile, date, taxpayer, the acknowledgement that the temporary password was handed
 * over in person and must be changed at the first log-in. It never shows a password.
 */
export default async function AssignmentReceiptPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
  if (!userHasPermission(session.user, "manageUsers")) forbidden();
  const id = parseUserId((await params).id);
  if (id === null) notFound();
  const runtime = getRuntime();
  const receipt = await readAssignmentReceipt(runtime.db, id);
  if (!receipt) notFound();
  const { user, taxpayer, installations, policy } = receipt;
  const now = runtime.clock.now();
  const administrator = session.user.name && session.user.name !== session.user.username ? `${session.user.name} (${session.user.username})` : session.user.username;
  return (
    <>
      <p className="no-print">
        <Link href="/usuarios">← Volver a usuarios</Link> <PrintButton />
      </p>
      <article className="receipt" data-testid="responsiva">
        <header>
          <h1>Responsiva de asignación de usuario y contraseña</h1>
          <p className="receipt-subtitle">Controles volumétricos de hidrocarburos y petrolíferos — Anexo 30 de la RMF, apartado 30.6.2 V c)</p>
        </header>

        <dl className="receipt-data">
          <dt>Contribuyente</dt>
          <dd>{taxpayer ? `${taxpayer.name} (RFC ${taxpayer.rfc})` : "____________________________________"}</dd>
          {installations.length > 0 ? (
            <>
              <dt>Instalación</dt>
              <dd>{installations.map((i) => `${i.key} · ${i.description}`).join("; ")}</dd>
            </>
          ) : null}
          <dt>Fecha</dt>
          <dd>{longDate.format(now)}</dd>
          <dt>Usuario</dt>
          <dd>
            <strong>{user.username}</strong>
          </dd>
          <dt>Nombre</dt>
          <dd>{user.displayName}</dd>
          <dt>Perfil</dt>
          <dd>{user.roleLabel}</dd>
          <dt>Alta de la cuenta</dt>
          <dd>{dateTime.format(new Date(user.createdAt))}</dd>
          <dt>Entrega</dt>
          <dd>{administrator}, Administrador del sistema</dd>
        </dl>

        <section className="receipt-statement">
          <p>
            Hago constar que recibí <strong>personalmente</strong>, del Administrador del sistema, la contraseña temporal de la cuenta de usuario
            indicada, con el perfil <strong>{user.roleLabel}</strong>. Entiendo que:
          </p>
          <ol>
            <li>La contraseña temporal debe cambiarse en mi primer inicio de sesión; el sistema no permite otra función hasta hacerlo.</li>
            <li>
              Mi contraseña es personal, confidencial e intransferible: no la compartiré, no la anotaré en lugares visibles y seré responsable de las
              operaciones registradas con mi usuario.
            </li>
            <li>
              La contraseña debe tener al menos {Math.max(ANEXO30_MIN_PASSWORD_LENGTH, policy.minLength)} caracteres con mayúsculas, minúsculas,
              dígitos y caracteres especiales, no puede repetir contraseñas anteriores y vence cada {policy.expiryDays} días.
            </li>
            <li>Las sesiones se cierran tras, a lo más, 10 minutos de inactividad y los accesos quedan registrados en la bitácora de seguridad.</li>
            <li>Informaré de inmediato al Administrador si sospecho que alguien más conoce mi contraseña.</li>
          </ol>
          <p className="receipt-note">Este documento no contiene la contraseña.</p>
        </section>

        <section className="receipt-signatures">
          <div>
            <span className="receipt-line" />
            <p>Recibe: {user.displayName}</p>
            <p className="receipt-small">Nombre y firma</p>
          </div>
          <div>
            <span className="receipt-line" />
            <p>Entrega: {session.user.name ?? session.user.username}</p>
            <p className="receipt-small">Administrador del sistema — nombre y firma</p>
          </div>
        </section>
      </article>
    </>
  );
}
