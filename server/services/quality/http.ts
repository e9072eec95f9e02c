import { QualityError } from "./lots";

/**
 * Error answers of the quality routes: validation → 400 with every reason (A32-01 "sin lote o
 * folio → 400", A30-TYP-02 "sin RFC del laboratorio → 400"), unknown installation/tank/lot/
 * operation/analyzer → 404, duplicate folio → 409. Anything else is rethrown (500 without internals).
 */
export function qualityErrorResponse(error: unknown): Response {
  if (error instanceof QualityError) {
    const status = error.code === "not_found" ? 404 : error.code === "conflict" ? 409 : 400;
    return Response.json({ error: error.message, messages: error.reasons }, { status, headers: { "Cache-Control": "no-store" } });
  }
  throw error;
}
