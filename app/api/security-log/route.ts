import { z } from "zod";
import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { clientIpOf } from "../../../server/services/alarms/rejected-login";
import { querySecurityLog, securityLogFiltersSchema } from "../../../server/services/security/consult-security-log";

export const dynamic = "force-dynamic";

const NO_STORE = { "Cache-Control": "no-store" };

/**
 * GET /api/security-log — the security log (A30-SEC-10, 30.6.2 VII), newest first, with filters
 * `from`, `to` (AAAA-MM-DD or ISO-8601), `username`, `event`, `outcome`, `ip` (address or CIDR),
 * `page`, `pageSize` (1–500, 100 by default). Administrador, or an Auditor Fiscal with the grant
 * (A30-ACC-03); each consultation is itself written to the security log ("log_view").
 */
export async function GET(request: Request): Promise<Response> {
  const guard = await requirePermission("viewSecurityLog");
  if (!guard.ok) return guard.response;
  const filters = securityLogFiltersSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!filters.success) return Response.json({ error: z.prettifyError(filters.error) }, { status: 400, headers: NO_STORE });
  const runtime = getRuntime();
  const page = await querySecurityLog(
    runtime.db,
    filters.data,
    {
      userId: guard.userId,
      username: guard.session.user.username,
      ip: clientIpOf(request.headers),
      userAgent: request.headers.get("user-agent"),
      sessionId: guard.session.user.sessionId ?? null,
    },
    runtime.clock.now(),
  );
  return Response.json(page, { headers: NO_STORE });
}
