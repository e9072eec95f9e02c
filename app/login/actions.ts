"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "../../server/http/auth";
import { INVALID_CREDENTIALS_MESSAGE } from "../../server/services/security/login";

export interface LoginState {
  error: string | null;
}

/**
 * Log-in form action: Auth.js credentials sign-in; on success Auth.js redirects (throws
 * NEXT_REDIRECT). The answers never say whether the user exists (issue #5 item 5): a wrong name,
 * a wrong password and an inactive account read the same; a locked name reads "bloqueada" whether
 * or not it exists.
 */
export async function logIn(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const username = String(formData.get("username") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  if (!username || !password) return { error: "Escriba su usuario y su contraseña." };
  try {
    await signIn("credentials", { username, password, redirectTo: "/tablero" });
    return { error: null };
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === "cuenta_bloqueada") {
      return { error: "Demasiados intentos fallidos: el acceso con este usuario está bloqueado temporalmente. Espere unos minutos antes de volver a intentar." };
    }
    if (error instanceof AuthError) return { error: INVALID_CREDENTIALS_MESSAGE };
    throw error;
  }
}
