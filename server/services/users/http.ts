import type { z } from "zod";
import { validationMessage } from "../../domain/users/index";
import type { Guard } from "../../http/authorize";
import { clientIpOf } from "../alarms/rejected-login";
import type { RequestContext, UserAdminActor, UsersResult } from "./common";
import { readJsonRequest } from "../../http/json-body";

/**
 * Shared pieces of the /api/users, /api/account/password and /api/access-review route handlers:
 * small JSON bodies, zod validation with Spanish messages, no-store answers (they may carry a
 * temporary password), never a stack trace.
 */
export const NO_STORE = { "Cache-Control": "no-store" } as const;
/** These bodies are a few short fields; anything larger is refused before parsing. */
export const MAX_BODY_BYTES = 16 * 1024;

export function errorResponse(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, ...extra }, { status, headers: NO_STORE });
}

export async function readJsonBody(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  // Account bodies are small: a tighter bound than the front layer's general 1 MiB.
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return { ok: false, response: errorResponse(413, "El cuerpo de la solicitud es demasiado grande.") };
  const read = await readJsonRequest(request.clone(), { invalidMessage: "El cuerpo debe ser JSON válido." });
  if (read.ok && Buffer.byteLength(JSON.stringify(read.value) ?? "", "utf8") > MAX_BODY_BYTES) {
    return { ok: false, response: errorResponse(413, "El cuerpo de la solicitud es demasiado grande.") };
  }
  return read.ok ? { ok: true, body: read.value } : read;
}

/** Body → typed input, or the 400 answer with every message. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): { ok: true; data: z.infer<S> } | { ok: false; response: Response } {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, response: errorResponse(400, validationMessage(parsed.error)) };
}

/** `:id` of /api/users/:id — a positive integer within the column's range, else null (→ 400). */
export function parseUserId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}

export function requestContext(request: Request): RequestContext {
  const ip = clientIpOf(request.headers);
  return { ip: ip === "desconocida" ? null : ip, userAgent: request.headers.get("user-agent")?.slice(0, 300) ?? null };
}

export function adminActor(guard: Extract<Guard, { ok: true }>): UserAdminActor {
  return { id: guard.userId, username: guard.session.user.username, role: guard.session.user.role, sessionId: guard.session.user.sessionId };
}

export function respond<T>(result: UsersResult<T>, wrap: (value: T) => unknown, status = 200): Response {
  if (!result.ok) return errorResponse(result.status, result.error, result.violations ? { violations: result.violations } : {});
  return Response.json(wrap(result.value), { status, headers: NO_STORE });
}
