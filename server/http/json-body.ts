/**
 * The one reader of JSON request bodies for every API route (A30-SEC-15: input validation at the
 * boundary). Malformed JSON → 400; text holding the NUL character → 400 (PostgreSQL text cannot
 * store it, and no Aforo field has a use for it), before any schema or query sees the value.
 * Size is bounded earlier, by the HTTP front layer (413).
 */
export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; response: Response };

export const NUL_MESSAGE = "el texto no puede contener el carácter de control NUL (\\u0000)";

/** True when any string or key inside the value contains U+0000. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([key, item]) => key.includes("\u0000") || containsNul(item, depth + 1));
  }
  return false;
}

export async function readJsonRequest(
  request: Request,
  options: { empty?: unknown; invalidMessage?: string; headers?: Record<string, string> } = {},
): Promise<JsonBodyResult> {
  const fail = (error: string): JsonBodyResult => ({ ok: false, response: Response.json({ error }, { status: 400, headers: { "Cache-Control": "no-store", ...options.headers } }) });
  let text: string;
  try {
    text = await request.text();
  } catch {
    return fail("no se pudo leer el cuerpo de la solicitud");
  }
  if (text.trim() === "") return { ok: true, value: "empty" in options ? options.empty : {} };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return fail(options.invalidMessage ?? "el cuerpo debe ser JSON válido");
  }
  if (containsNul(value)) return fail(NUL_MESSAGE);
  return { ok: true, value };
}
