import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { verificationContract } from "../../../../server/domain/event-log/index";
import { runIntegrityCheck } from "../../../../server/services/event-log/index";

export const dynamic = "force-dynamic";

/**
 * POST /api/bitacora/verify — runs the bitácora's integrity check now (A30-LOG-06): returns
 * `{"ok","entries","firstBad"}` (the CLI contract) plus `reason` and `alarmId`. A break raises an
 * alarm of type 3 once per break; the run is itself an entry. Every profile may ask for it
 * (it only adds records, like consulting the bitácora).
 */
export async function POST(): Promise<Response> {
  const guard = await requirePermission("viewEventLog");
  if (!guard.ok) return guard.response;
  const runtime = getRuntime();
  const result = await runIntegrityCheck(runtime.db, runtime.clock.now(), { userId: guard.userId, username: guard.session.user.username });
  return Response.json({ ...verificationContract(result), reason: result.reason, alarmId: result.alarmId }, { headers: { "Cache-Control": "no-store" } });
}
