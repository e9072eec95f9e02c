"use client";

import { useState, type FormEvent } from "react";
import { apiFetch } from "../_lib/api-fetch";

/**
 * The change-password form (A30-ACC-05, A30-SEC-05/08): current password, new one and its
 * confirmation → POST /api/account/password; the server's reasons (rules broken, reuse, wrong
 * current password) are listed; on success the browser goes to the dashboard.
 */
export function PasswordChangeForm() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [violations, setViolations] = useState<string[]>([]);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const body = {
      currentPassword: String(data.get("currentPassword") ?? ""),
      newPassword: String(data.get("newPassword") ?? ""),
      confirmation: String(data.get("confirmation") ?? ""),
    };
    setError(null);
    setViolations([]);
    if (body.newPassword !== body.confirmation) {
      setError("La confirmación no coincide con la contraseña nueva: escríbala de nuevo.");
      return;
    }
    setBusy(true);
    try {
      const response = await apiFetch("/api/account/password", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const json = (await response.json().catch(() => ({}))) as { ok?: boolean; error?: string; message?: string; violations?: string[] };
      if (!response.ok || !json.ok) {
        setError(json.message ?? json.error ?? `Error ${response.status}`);
        setViolations(json.violations ?? []);
        setBusy(false);
        return;
      }
      setDone(true);
      window.setTimeout(() => window.location.assign("/tablero"), 800);
    } catch {
      setError("No se pudo contactar al servidor. Revise la conexión e intente de nuevo.");
      setBusy(false);
    }
  }

  if (done) {
    return (
      <p role="status" className="password-done" data-testid="password-changed">
        Contraseña guardada. Sus otras sesiones se cerraron. Entrando al tablero…
      </p>
    );
  }

  return (
    <form className="login-form" onSubmit={submit} aria-describedby={error ? "password-error" : undefined}>
      <label htmlFor="current-password">Contraseña actual</label>
      <input id="current-password" name="currentPassword" type="password" autoComplete="current-password" required maxLength={128} autoFocus />
      <label htmlFor="new-password">Contraseña nueva</label>
      <input id="new-password" name="newPassword" type="password" autoComplete="new-password" required maxLength={128} />
      <label htmlFor="confirm-password">Confirmar contraseña nueva</label>
      <input id="confirm-password" name="confirmation" type="password" autoComplete="new-password" required maxLength={128} />
      {error ? (
        <div id="password-error" role="alert" className="form-error">
          <p>{error}</p>
          {violations.length > 1 ? (
            <ul>
              {violations.map((v) => (
                <li key={v}>{v}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Guardando…" : "Guardar contraseña"}
      </button>
    </form>
  );
}
