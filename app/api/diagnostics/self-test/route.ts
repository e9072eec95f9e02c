import { ZodError } from "zod";
import { requirePermission } from "../../../../server/http/authorize";
import { getRuntime } from "../../../../server/http/runtime";
import { DEFAULT_THRESHOLDS } from "../../../../server/domain/diagnostics/index";
import { SelfTestError, selfTestRequestSchema, startSelfTest } from "../../../../server/services/diagnostics/self-test";
import { readJsonRequest } from "../../../../server/http/json-body";

export const dynamic = "force-dynamic";

/**
 * POST /api/diagnostics/self-test {"component":"SMD-DISP-0004"}: starts the guided self-diagnosis
 * test (A30-DIAG-04) — a software-side interruption of the element's communication; the
 * diagnostics job detects it, records detection time and alarm number and restores it. Answers
 * 201 with the test; follow it in GET /api/diagnostics (selfTests). Administrador/Supervisor.
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("configure");
  if (!guard.ok) return guard.response;
  const read = await readJsonRequest(request, { empty: undefined, invalidMessage: "el cuerpo debe ser JSON: {\"component\":\"SMD-DISP-0004\"}" });
  if (!read.ok) return read.response;
  const body = read.value;
  const runtime = getRuntime();
  try {
    const { component } = selfTestRequestSchema.parse(body);
    const test = await startSelfTest(
      runtime.db,
      { component, userId: guard.userId, username: guard.session.user.username, timeoutS: DEFAULT_THRESHOLDS.selfTestTimeoutS },
      runtime.clock.now(),
    );
    return Response.json({ test }, { status: 201 });
  } catch (error) {
    if (error instanceof ZodError) return Response.json({ error: error.issues.map((i) => i.message).join("; ") }, { status: 400 });
    if (error instanceof SelfTestError) return Response.json({ error: error.message }, { status: error.status });
    throw error;
  }
}
