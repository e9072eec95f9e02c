"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { TemporaryPasswordNotice } from "./temporary-password";
import { sendJson } from "./user-api";

/**
 * Edit controls of one account (A30-ACC-04, A30-SEC-03): profile with a mandatory reason,
 * activate/deactivate, name, security-log grant (Auditor Fiscal), password reset with
 * confirmation. Each action is one PATCH/POST through apiFetch; the server's Spanish message is
 * shown as is (e.g. the last-Administrador 409).
 */
export interface EditableUser {
  id: number;
  username: string;
  displayName: string;
  role: string;
  roleLabel: string;
  active: boolean;
  canViewSecurityLog: boolean;
}

type Outcome = { ok: boolean; text: string } | null;

export function UserEditor({ user, roles, isSelf }: { user: EditableUser; roles: Array<{ key: string; label: string }>; isSelf: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const [confirmActive, setConfirmActive] = useState(false);
  const [temporary, setTemporary] = useState<string | null>(null);
  const id = (name: string) => `${name}-${user.id}`;

  async function patch(body: Record<string, unknown>, done: string): Promise<boolean> {
    setBusy(true);
    setOutcome(null);
    const answer = await sendJson<{ description: string; eventLogId: number; sessionsEnded: number }>(`/api/users/${user.id}`, "PATCH", body);
    setBusy(false);
    if (!answer.ok) {
      setOutcome({ ok: false, text: answer.error });
      return false;
    }
    const sessions = answer.data.sessionsEnded > 0 ? ` Se cerraron ${answer.data.sessionsEnded} sesiones abiertas.` : "";
    setOutcome({ ok: true, text: `${done} Registrado en la bitácora (núm. ${answer.data.eventLogId}).${sessions}` });
    router.refresh();
    return true;
  }

  async function changeRole(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const role = String(data.get("role") ?? "");
    const reason = String(data.get("reason") ?? "").trim();
    if (role === user.role) {
      setOutcome({ ok: false, text: "Elija un perfil distinto del actual." });
      return;
    }
    if (!reason) {
      setOutcome({ ok: false, text: "Escriba el motivo del cambio de perfil: es obligatorio (A30-SEC-03)." });
      return;
    }
    if (await patch({ role, reason }, "Perfil cambiado.")) form.reset();
  }

  async function rename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const displayName = String(new FormData(event.currentTarget).get("displayName") ?? "");
    await patch({ displayName }, "Nombre actualizado.");
  }

  async function toggleActive() {
    setConfirmActive(false);
    await patch({ active: !user.active }, user.active ? "Cuenta desactivada." : "Cuenta reactivada.");
  }

  async function toggleGrant() {
    await patch(
      { canViewSecurityLog: !user.canViewSecurityLog },
      user.canViewSecurityLog ? "Acceso a la bitácora de seguridad retirado." : "Acceso a la bitácora de seguridad otorgado.",
    );
  }

  async function reset() {
    setConfirmReset(false);
    setBusy(true);
    setOutcome(null);
    const answer = await sendJson<{ temporaryPassword: string; sessionsEnded: number }>(`/api/users/${user.id}/reset-password`, "POST", {});
    setBusy(false);
    if (!answer.ok) {
      setOutcome({ ok: false, text: answer.error });
      return;
    }
    setTemporary(answer.data.temporaryPassword);
    router.refresh();
  }

  return (
    <div className="users-editor" data-testid={`user-editor-${user.username}`}>
      <form className="users-form" onSubmit={changeRole} aria-label={`Cambiar perfil de ${user.username}`}>
        <div className="users-field">
          <label htmlFor={id("perfil")}>Perfil</label>
          <select key={user.role} id={id("perfil")} name="role" defaultValue={user.role} disabled={busy}>
            {roles.map((r) => (
              <option key={r.key} value={r.key}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div className="users-field users-wide">
          <label htmlFor={id("motivo")}>Motivo del cambio de perfil</label>
          <input id={id("motivo")} name="reason" maxLength={500} required disabled={busy} placeholder="Obligatorio: queda en la bitácora" />
        </div>
        <button type="submit" disabled={busy}>
          Cambiar perfil
        </button>
      </form>

      <form className="users-form" onSubmit={rename} aria-label={`Cambiar nombre de ${user.username}`}>
        <div className="users-field users-wide">
          <label htmlFor={id("nombre")}>Nombre</label>
          <input key={user.displayName} id={id("nombre")} name="displayName" defaultValue={user.displayName} maxLength={120} required disabled={busy} />
        </div>
        <button type="submit" disabled={busy}>
          Guardar nombre
        </button>
      </form>

      <div className="users-actions">
        {confirmActive ? (
          <span className="settings-confirm" role="group" aria-label="Confirmación">
            {user.active ? `¿Desactivar la cuenta «${user.username}»? Sus sesiones abiertas se cerrarán.` : `¿Reactivar la cuenta «${user.username}»?`}{" "}
            <button type="button" onClick={toggleActive} disabled={busy}>
              Confirmar
            </button>{" "}
            <button type="button" className="users-secondary" onClick={() => setConfirmActive(false)} disabled={busy}>
              Cancelar
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirmActive(true)} disabled={busy || (isSelf && user.active)} title={isSelf ? "No puede desactivar su propia cuenta desde aquí" : undefined}>
            {user.active ? "Desactivar" : "Activar"}
          </button>
        )}

        {user.role === "auditor_fiscal" ? (
          <button type="button" onClick={toggleGrant} disabled={busy}>
            {user.canViewSecurityLog ? "Retirar acceso a la bitácora de seguridad" : "Otorgar acceso a la bitácora de seguridad"}
          </button>
        ) : null}

        {isSelf ? null : confirmReset ? (
          <span className="settings-confirm" role="group" aria-label="Confirmación de restablecimiento">
            ¿Restablecer la contraseña de «{user.username}»? Se generará una contraseña temporal y se cerrarán sus sesiones.{" "}
            <button type="button" onClick={reset} disabled={busy}>
              Confirmar restablecimiento
            </button>{" "}
            <button type="button" className="users-secondary" onClick={() => setConfirmReset(false)} disabled={busy}>
              Cancelar
            </button>
          </span>
        ) : (
          <button type="button" onClick={() => setConfirmReset(true)} disabled={busy}>
            Restablecer contraseña
          </button>
        )}
      </div>

      {outcome ? (
        <p role={outcome.ok ? "status" : "alert"} className={outcome.ok ? "settings-ok" : "settings-error"} data-testid="user-edit-result">
          {outcome.text}
        </p>
      ) : null}
      {temporary ? <TemporaryPasswordNotice userId={user.id} username={user.username} password={temporary} onDismiss={() => setTemporary(null)} /> : null}
    </div>
  );
}
