import { PedimentoError } from "./store";

/**
 * Error answers of the pedimento routes: validation → 400 with every reason (A30-PED-02/03/04:
 * "sin Incoterms → 400"), unknown pedimento/installation/operation → 404, duplicates and
 * concurrent corrections → 409. Anything else is rethrown (500 without internals).
 */
export function pedimentoErrorResponse(error: unknown): Response {
  if (error instanceof PedimentoError) {
    const status = error.code === "not_found" ? 404 : error.code === "conflict" ? 409 : 400;
    return Response.json({ error: error.message, messages: error.reasons }, { status, headers: { "Cache-Control": "no-store" } });
  }
  throw error;
}
