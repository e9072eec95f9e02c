"use client";

import { apiFetch } from "./api-fetch";

/**
 * POST of a JSON body through apiFetch (CSRF header included) for the fiscal-data forms
 * (pedimentos, dictámenes, lots): the parsed answer, or every message of a refusal.
 */
export async function postJson<T>(url: string, body: unknown): Promise<{ ok: true; data: T } | { ok: false; messages: string[] }> {
  try {
    const response = await apiFetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => null)) as (T & { error?: string; messages?: string[] }) | null;
    if (!response.ok) {
      const messages = json?.messages?.length ? json.messages : [json?.error ?? `Error ${response.status}`];
      return { ok: false, messages };
    }
    return { ok: true, data: json as T };
  } catch {
    return { ok: false, messages: ["No se pudo contactar al servidor."] };
  }
}

/** Trimmed text of a form field, or undefined when empty (optional fields are omitted, not sent empty). */
export function field(data: FormData, name: string): string | undefined {
  const value = String(data.get(name) ?? "").trim();
  return value === "" ? undefined : value;
}
