import { requirePermission } from "../../../server/http/authorize";
import { getRuntime } from "../../../server/http/runtime";
import { activeCertificateNotice, installCertificate, listCertificates, readCertificateUpload } from "../../../server/services/csd/index";
import { csdEncryptionKey, refuseTestCertificates } from "../../../server/services/csd/http";
import { adminActor, errorResponse, NO_STORE, requestContext } from "../../../server/services/users/http";

export const dynamic = "force-dynamic";

/**
 * GET /api/certificates — the CSD list (A30-CSD-03): insertion date, validity, subject, issuer,
 * 20-digit number, type, state and state date, plus the A30-CSD-05 expiry notice. Never a key or
 * a password (A30-CSD-04). Administrador only (A30-ACC-03 "Manage CSD certificates").
 */
export async function GET(): Promise<Response> {
  const guard = await requirePermission("manageCertificates");
  if (!guard.ok) return guard.response;
  const runtime = getRuntime();
  const now = runtime.clock.now();
  const [certificates, notice] = await Promise.all([listCertificates(runtime.db, now), activeCertificateNotice(runtime.db, now)]);
  return Response.json({ certificates, notice }, { headers: NO_STORE });
}

/**
 * POST /api/certificates — multipart/form-data with `cer` (.cer file), `key` (.key file) and
 * `password` (A30-CSD-01/02): 201 {certificate, replaced, eventLogId}; 400 {error, reason} with
 * the first failing rule (wrong password, key of another certificate, e.firma, other RFC, expired,
 * not SAT…) or a missing/oversized input; 409 when it is already the Activo CSD.
 */
export async function POST(request: Request): Promise<Response> {
  const guard = await requirePermission("manageCertificates");
  if (!guard.ok) return guard.response;
  const upload = await readCertificateUpload(request);
  if (!upload.ok) return errorResponse(upload.status, upload.error);
  const runtime = getRuntime();
  const result = await installCertificate(
    runtime.db,
    adminActor(guard),
    { cer: upload.value.cer, key: upload.value.key },
    upload.value.password,
    runtime.clock.now(),
    csdEncryptionKey(runtime),
    { context: requestContext(request), refuseTestCertificates: refuseTestCertificates(runtime) },
  );
  if (!result.ok) return errorResponse(result.status, result.error, result.reason ? { reason: result.reason } : {});
  return Response.json(
    { certificate: result.value.certificate, replaced: result.value.replaced, eventLogId: result.value.eventLogId },
    { status: 201, headers: NO_STORE },
  );
}
