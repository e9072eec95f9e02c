import type { Guard } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import type { AlarmServiceContext, ServiceResult } from "../../../server/services/alarms/index";
import { readJsonRequest } from "../../../server/http/json-body";

/** Shared bits of the /api/alarms route handlers (not a route: Next.js only serves route.ts). */

export function alarmContext(guard: Extract<Guard, { ok: true }>): AlarmServiceContext {
  const runtime = getRuntime();
  return {
    db: runtime.db,
    now: runtime.clock.now(),
    actor: { id: guard.userId, username: guard.session.user.username, role: guard.session.user.role },
  };
}

export function respond<T>(result: ServiceResult<T>, wrap: (value: T) => unknown, status = 200): Response {
  if (!result.ok) return Response.json({ error: result.error }, { status: result.status, headers: { "Cache-Control": "no-store" } });
  return Response.json(wrap(result.value), { status, headers: { "Cache-Control": "no-store" } });
}

export async function readJson(request: Request): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const read = await readJsonRequest(request);
  return read.ok ? { ok: true, body: read.value } : read;
}

export function parseAlarmId(raw: string): number | null {
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null;
}
