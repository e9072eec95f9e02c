"use client";

import Link from "next/link";

/**
 * The temporary password, shown ONCE right after it was generated (A30-ACC-04/05, A30-SEC-07): it
 * is stored only as a hash and cannot be shown again. The Administrador hands it over in person
 * and has the receipt signed.
 */
export function TemporaryPasswordNotice({ userId, username, password, onDismiss }: { userId: number; username: string; password: string; onDismiss: () => void }) {
  return (
    <div className="users-temp-password" role="status" data-testid="temporary-password-notice">
      <p>
        Contraseña temporal de <strong>{username}</strong>: <code data-testid="temporary-password">{password}</code>
      </p>
      <p className="users-note">
        Entréguela en persona y en privado; no la envíe por correo ni mensaje. Se muestra solo esta vez: Aforo no la guarda en texto y no podrá
        volver a verla. La persona deberá cambiarla en su primer inicio de sesión.
      </p>
      <p>
        <Link href={`/usuarios/${userId}/responsiva`} target="_blank">
          Imprimir responsiva
        </Link>{" "}
        (para firma, sin la contraseña) ·{" "}
        <button type="button" className="users-link" onClick={onDismiss}>
          Ya la entregué, ocultar
        </button>
      </p>
    </div>
  );
}
