import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { PASSWORD_CHANGE_MESSAGES } from "../../server/domain/security/index";
import { passwordRuleList } from "../../server/domain/users/index";
import { auth, signOut } from "../../server/http/auth";
import { getRuntime } from "../../server/http/runtime";
import { readPasswordPolicy } from "../../server/services/security/policy";
import { PasswordChangeForm } from "./password-change-form";

export const metadata: Metadata = { title: "Cambiar contraseña" };
export const dynamic = "force-dynamic";

/**
 * /cambiar-contrasena — outside the panel shell, like /login: the one screen a user with a pending
 * change can use (A30-ACC-05 first log-in or reset, A30-SEC-08 expiry), and the voluntary change
 * for everyone. Without a session → log-in.
 */
export default async function ChangePasswordPage() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  const policy = await readPasswordPolicy(getRuntime().db);
  const forced = session.user.passwordChange;
  async function logOut() {
    "use server";
    await signOut({ redirectTo: "/login" });
  }
  return (
    <main className="login-page">
      <section className="login-card password-card">
        <h1>
          Cambiar contraseña <span>{session.user.username}</span>
        </h1>
        <p className={forced ? "password-reason" : "muted"} data-testid="password-change-reason">
          {forced ? PASSWORD_CHANGE_MESSAGES[forced] : "Cambio voluntario de contraseña: escriba la actual y la nueva. Sus otras sesiones se cerrarán."}
        </p>
        <div className="password-rules">
          <p>La contraseña nueva debe cumplir (Anexo 30, 30.6.2 V):</p>
          <ul>
            {passwordRuleList(policy).map((rule) => (
              <li key={rule}>{rule}</li>
            ))}
          </ul>
          <p className="muted">Vence cada {policy.expiryDays} días.</p>
        </div>
        <PasswordChangeForm />
        <div className="password-footer">
          {forced ? null : <Link href="/tablero">Volver al tablero</Link>}
          <form action={logOut}>
            <button type="submit" className="users-link">
              Cerrar sesión
            </button>
          </form>
        </div>
      </section>
    </main>
  );
}
