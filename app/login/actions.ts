"use server";

import { AuthError } from "next-auth";
import { signIn } from "../../server/http/auth";

export interface LoginState {
  error: string | null;
}

/** Log-in form action: Auth.js credentials sign-in; on success Auth.js redirects (throws NEXT_REDIRECT). */
export async function logIn(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const username = String(formData.get("username") ?? "").trim();
  const password = String(formData.get("password") ?? "");
  if (!username || !password) return { error: "Escriba su usuario y su contraseña." };
  try {
    await signIn("credentials", { username, password, redirectTo: "/tablero" });
    return { error: null };
  } catch (error) {
    if (error instanceof AuthError) return { error: "Usuario o contraseña incorrectos." };
    throw error;
  }
}
