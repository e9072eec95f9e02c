import type { Guard } from "../../http/authorize";
import type { ReportActor } from "./seal";

/**
 * Shared pieces of the /api/reports route handlers (issue #6 items 9–12): no-store answers, the
 * report id of the URL, the person who asks.
 */
export const NO_STORE = { "Cache-Control": "no-store" } as const;

export function errorResponse(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return Response.json({ error, ...extra }, { status, headers: NO_STORE });
}

/** A positive 32-bit integer id, or null. */
export function parseReportId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}

export function reportActor(guard: Extract<Guard, { ok: true }>): ReportActor {
  return { id: guard.userId, username: guard.session.user.username };
}
