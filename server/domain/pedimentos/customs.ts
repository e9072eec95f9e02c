/**
 * Customs keys of a pedimento (Anexo 30, 30.6.1.2.5 I–II; A30-PED-02/05). Pure; reuses the SAT
 * customs-office list of pedimento.ts through normalisePedimentoNumber (not copied here).
 */
import { normalisePedimentoNumber } from "./pedimento";

/** Aduana (2 digits) + optional section digit 0–7, the form of SAT PuntoDeInternacion / PuntoDeExportacion. */
export const CUSTOMS_POINT_REGEX = /^[0-9]{2}[0-7]?$/;

/**
 * A30-PED-02: export/entry point = customs office of SAT's list (Apéndice 1 del Anexo 22) plus an
 * optional section digit. `47` and `470` are valid; `03` (not an aduana) and `479` are not.
 */
export function checkCustomsPoint(raw: string, label: string): { ok: true; value: string } | { ok: false; error: string } {
  const value = raw.trim();
  if (!CUSTOMS_POINT_REGEX.test(value)) return { ok: false, error: `${label} «${raw}»: clave de aduana de 2 dígitos y, en su caso, la sección (0–7), p. ej. 47 o 470` };
  // A pedimento number with this aduana validates exactly when the aduana is in SAT's list.
  if (!normalisePedimentoNumber(`00${value.slice(0, 2)}00001000001`).ok) return { ok: false, error: `${label} «${raw}»: la aduana ${value.slice(0, 2)} no está en el catálogo del SAT` };
  return { ok: true, value };
}

/**
 * A30-PED-05: `2710.12.99-05`, or `2710.12.99` with the NICO apart → { fraction, nico, combined }.
 * `combined` is the form tariffFractionWarnings expects (`-00` when the fraction has no NICO).
 */
export function splitTariffFraction(raw: string, nicoRaw?: string | null): { ok: true; fraction: string; nico: string | null; combined: string } | { ok: false; error: string } {
  const match = /^([0-9]{4}\.[0-9]{2}\.[0-9]{2})(?:-([0-9]{2}))?$/.exec(raw.trim());
  if (!match) return { ok: false, error: `fracción arancelaria «${raw}»: use el formato 2710.12.99 o 2710.12.99-05 (fracción y NICO)` };
  const inlineNico = match[2] ?? null;
  const nico = nicoRaw?.trim() || null;
  if (nico !== null && !/^[0-9]{2}$/.test(nico)) return { ok: false, error: `NICO «${nicoRaw}»: 2 dígitos` };
  if (inlineNico !== null && nico !== null && inlineNico !== nico) return { ok: false, error: `NICO contradictorio: ${inlineNico} en la fracción y ${nico} aparte` };
  const finalNico = inlineNico ?? nico;
  return { ok: true, fraction: match[1]!, nico: finalNico, combined: `${match[1]!}-${finalNico ?? "00"}` };
}
