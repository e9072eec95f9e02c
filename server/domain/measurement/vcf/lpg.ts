import { fail, type MeasurementError } from "../result";

/**
 * LPG / NGL (PR12 Gas L.P., PR14 Propano) are NOT covered by API MPMS 11.1: they need API MPMS
 * 11.2.4-2007 = GPA TP-27 (Tables 23E/24E, 53E/54E, 59E/60E), a reference-fluid correlation on
 * reduced temperature for relative densities 0.3500–0.6880.
 *
 * Not implemented: the research note (measurement-math.md §6) gives neither the TP-27 equations
 * nor printed check values, and a fiscal volume must not come from an unverified correlation.
 * Every LPG request answers this explicit error instead of a silently wrong factor; implementing
 * TP-27 needs the standard's text and its printed examples (a separate task).
 */
export const LPG_NOT_IMPLEMENTED_MESSAGE =
  "LPG (API 11.2.4) no implementado: el GLP y el propano requieren API MPMS 11.2.4 / GPA TP-27; use el volumen corregido que entrega el elemento terciario o capture el volumen a condiciones de referencia";

export function lpgNotImplemented(): { ok: false; error: MeasurementError } {
  return fail("not_implemented", LPG_NOT_IMPLEMENTED_MESSAGE);
}
