import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth } from "../../server/http/auth";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Iniciar sesión" };
export const dynamic = "force-dynamic";

export default async function LoginPage() {
  const session = await auth();
  if (session?.user) redirect("/tablero");
  return (
    <main className="login-page">
      <section className="login-card">
        <h1>
          Aforo <span>Controles volumétricos</span>
        </h1>
        <p className="muted">Acceso restringido a usuarios registrados (Anexo 30, 30.6.1.1 III).</p>
        <LoginForm />
      </section>
    </main>
  );
}
