import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth } from "../../server/http/auth";
import { SESSION_END_MESSAGES, isSessionEndReason } from "../../server/domain/security/index";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Iniciar sesión" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await auth();
  if (session?.user) redirect("/tablero");
  // Why the previous session ended (A30-SEC-09: "sesión expirada por inactividad").
  const motivo = (await searchParams).motivo;
  const notice = typeof motivo === "string" && isSessionEndReason(motivo) ? SESSION_END_MESSAGES[motivo] : null;
  return (
    <main className="login-page">
      <section className="login-card">
        <h1>
          Aforo <span>Controles volumétricos</span>
        </h1>
        <p className="muted">Acceso restringido a usuarios registrados (Anexo 30, 30.6.1.1 III).</p>
        {notice ? (
          <p className="login-notice" role="status" data-testid="login-notice">
            {notice}
          </p>
        ) : null}
        <LoginForm />
      </section>
    </main>
  );
}
