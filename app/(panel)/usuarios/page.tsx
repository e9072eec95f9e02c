import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { userHasPermission } from "../../../server/contracts/permissions";
import { ROLE_KEYS, ROLE_LABELS } from "../../../server/contracts/roles";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { accessReviewReminder, listUsers } from "../../../server/services/users/index";
import { CreateUserForm } from "./create-user-form";
import { UserEditor } from "./user-editor";

export const metadata: Metadata = { title: "Usuarios" };
export const dynamic = "force-dynamic";

const ROLES = ROLE_KEYS.map((key) => ({ key, label: ROLE_LABELS[key] }));
const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeStyle: "short", timeZone: "America/Mexico_City", hourCycle: "h23" });

/** /usuarios — registro de usuarios (A30-ACC-04: Administrador only; every other profile gets the 403 page). */
export default async function UsersPage() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  if (!userHasPermission(session.user, "manageUsers")) forbidden();
  const runtime = getRuntime();
  const [users, reminder] = await Promise.all([listUsers(runtime.db), accessReviewReminder(runtime.db, runtime.clock.now())]);
  const selfId = Number(session.user.id);
  return (
    <>
      <h1 className="page-title">Usuarios</h1>
      <p className="settings-intro">
        Registro de usuarios y perfiles (Anexo 30, 30.6.1.1 IV). Cada alta, cambio de perfil, desactivación y restablecimiento de contraseña queda en
        la bitácora con su usuario. Los perfiles son Administrador, Supervisor, Operador y Auditor Fiscal.
      </p>
      {reminder.due ? (
        <p className="users-review-banner" role="alert" data-testid="access-review-reminder">
          {reminder.message} <Link href="/usuarios/revision">Realizar la revisión de accesos</Link>
        </p>
      ) : (
        <p className="settings-meta">
          {reminder.message} <Link href="/usuarios/revision">Revisión de accesos</Link>
        </p>
      )}

      <CreateUserForm roles={ROLES} />

      <section className="users-section" aria-labelledby="lista-usuarios">
        <h2 id="lista-usuarios">Usuarios registrados ({users.length})</h2>
        <div className="operations-table-wrap">
          <table className="users-table" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Usuario</th>
                <th scope="col">Nombre</th>
                <th scope="col">Perfil</th>
                <th scope="col">Estado</th>
                <th scope="col">Último acceso</th>
                <th scope="col">Contraseña por cambiar</th>
                <th scope="col">Acciones</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-user={u.username} className={u.active ? undefined : "users-inactive"}>
                  <td>
                    <strong>{u.username}</strong>
                    {u.id === selfId ? <span className="users-badge">usted</span> : null}
                  </td>
                  <td>{u.displayName}</td>
                  <td>
                    {u.roleLabel}
                    {u.role === "auditor_fiscal" && u.canViewSecurityLog ? <span className="users-badge">bitácora de seguridad</span> : null}
                  </td>
                  <td>{u.active ? "Activo" : "Inactivo"}</td>
                  <td>{u.lastLoginAt ? dateTime.format(new Date(u.lastLoginAt)) : "Nunca"}</td>
                  <td>{u.mustChangePassword ? (u.passwordResetPending ? "Sí (restablecida)" : "Sí (primer acceso)") : "No"}</td>
                  <td>
                    <details className="users-details">
                      <summary>Editar</summary>
                      <UserEditor
                        user={{ id: u.id, username: u.username, displayName: u.displayName, role: u.role, roleLabel: u.roleLabel, active: u.active, canViewSecurityLog: u.canViewSecurityLog }}
                        roles={ROLES}
                        isSelf={u.id === selfId}
                      />
                    </details>
                    <Link href={`/usuarios/${u.id}/responsiva`} className="users-receipt-link">
                      Imprimir responsiva
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
