"use client";

import { useActionState } from "react";
import { logIn, type LoginState } from "./actions";

export function LoginForm() {
  const [state, action, pending] = useActionState<LoginState, FormData>(logIn, { error: null });
  return (
    <form action={action} className="login-form" aria-describedby={state.error ? "login-error" : undefined}>
      <label>
        Usuario
        <input name="username" autoComplete="username" required autoFocus maxLength={64} />
      </label>
      <label>
        Contraseña
        <input name="password" type="password" autoComplete="current-password" required maxLength={256} />
      </label>
      {state.error ? (
        <p id="login-error" role="alert" className="form-error">
          {state.error}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        {pending ? "Verificando…" : "Iniciar sesión"}
      </button>
    </form>
  );
}
