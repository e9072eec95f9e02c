"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { apiFetch } from "../../_lib/api-fetch";

/**
 * «Instalar certificado» (A30-CSD-01/02): the .cer, the .key and the private key's password go as
 * multipart/form-data (FormData) through apiFetch (CSRF header). A rejection shows the server's
 * reason ("contraseña incorrecta", "la llave no corresponde al certificado", "no es un CSD"…).
 * The password field is cleared after every attempt and never kept in state.
 */
export function InstallCertificateForm() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    setDone(null);
    let answer: Response | null = null;
    try {
      answer = await apiFetch("/api/certificates", { method: "POST", body: data });
    } catch {
      answer = null;
    }
    const passwordInput = form.elements.namedItem("password");
    if (passwordInput instanceof HTMLInputElement) passwordInput.value = "";
    setBusy(false);
    if (!answer) {
      setError("No se pudo contactar al servidor; intente de nuevo.");
      return;
    }
    const body = (await answer.json().catch(() => null)) as {
      error?: string;
      certificate?: { noCertificado: string; rfc: string };
      replaced?: { noCertificado: string } | null;
    } | null;
    if (!answer.ok || !body?.certificate) {
      setError(body?.error ?? `No se pudo instalar el certificado (HTTP ${answer.status}).`);
      return;
    }
    setDone(
      `Certificado ${body.certificate.noCertificado} (${body.certificate.rfc}) instalado y activo.` +
        (body.replaced ? ` El certificado ${body.replaced.noCertificado} queda Inactivo.` : ""),
    );
    form.reset();
    router.refresh();
  }

  return (
    <section className="users-section" aria-labelledby="instalar-certificado">
      <h2 id="instalar-certificado">Instalar certificado</h2>
      <form className="users-form csd-form" onSubmit={submit} encType="multipart/form-data" data-testid="csd-install-form">
        <div className="users-field">
          <label htmlFor="csd-cer">Certificado (.cer)</label>
          <input id="csd-cer" name="cer" type="file" accept=".cer,.crt,.pem,application/pkix-cert,application/x-x509-ca-cert" required />
        </div>
        <div className="users-field">
          <label htmlFor="csd-key">Llave privada (.key)</label>
          <input id="csd-key" name="key" type="file" accept=".key,application/pkcs8" required />
        </div>
        <div className="users-field">
          <label htmlFor="csd-password">Contraseña de la llave privada</label>
          <input id="csd-password" name="password" type="password" required maxLength={256} autoComplete="off" />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Instalando…" : "Instalar certificado"}
        </button>
      </form>
      <p className="users-note">
        Use el Certificado de Sello Digital (CSD) del contribuyente, no la e.firma. La llave privada y su contraseña se guardan cifradas y no se
        vuelven a mostrar. Al instalar un CSD nuevo, el anterior queda Inactivo.
      </p>
      {error ? (
        <p role="alert" className="settings-error" data-testid="csd-install-error">
          {error}
        </p>
      ) : null}
      {done ? (
        <p role="status" className="csd-installed" data-testid="csd-install-done">
          {done}
        </p>
      ) : null}
    </section>
  );
}
