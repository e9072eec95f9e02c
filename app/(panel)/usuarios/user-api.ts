"use client";

import { apiFetch } from "../../_lib/api-fetch";

/** JSON call to the user-administration API with the CSRF header (apiFetch); errors as Spanish text. */
export type ApiAnswer<T> = { ok: true; data: T } | { ok: false; error: string; violations: string[] };

export async function sendJson<T>(url: string, method: "POST" | "PATCH", body: unknown): Promise<ApiAnswer<T>> {
  try {
    const response = await apiFetch(url, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => ({}))) as { error?: string; message?: string; violations?: string[] } & T;
    if (!response.ok) {
      const error =
        response.status === 403 && json.error === "sin permiso"
          ? "Su perfil no tiene permiso para esta acción."
          : (json.message ?? json.error ?? `Error ${response.status}`);
      return { ok: false, error, violations: json.violations ?? [] };
    }
    return { ok: true, data: json };
  } catch {
    return { ok: false, error: "No se pudo contactar al servidor. Revise la conexión e intente de nuevo.", violations: [] };
  }
}
