import { RFC_REGEX } from "../operations/record";

/** A30-CFDI-03: 8-4-4-4-12 hexadecimal, 36 characters. */
const UUID_REGEX = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** Upper-case canonical UUID, or null when malformed or a repeated-digit placeholder (all 0, all F…). */
export function normalizeUuid(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (!UUID_REGEX.test(trimmed)) return null;
  const upper = trimmed.toUpperCase();
  const digits = upper.replaceAll("-", "");
  if (/^(.)\1*$/.test(digits)) return null;
  return upper;
}

/** The reason the import service gives when the UUID already exists for the taxpayer (A30-CFDI-03). */
export function duplicateUuidReason(uuid: string): string {
  return `UUID duplicado: el CFDI ${uuid} ya fue importado`;
}

/** Generic RFCs (A30-GEN-03): público en general and extranjero. */
export const GENERIC_RFCS = ["XAXX010101000", "XEXX010101000"] as const;

export interface RfcCheck {
  ok: boolean;
  /** Trimmed, upper-cased (A30-GEN-03). */
  normalized: string;
  detail: string;
}

/**
 * A30-GEN-03 on a CFDI RFC: 12 characters (persona moral) or 13 (persona física), Ñ and & allowed,
 * valid YYMMDD; generic RFCs only where the party may be generic (the receptor, never the emisor).
 */
export function checkRfc(value: string | null, role: "emisor" | "receptor"): RfcCheck {
  const raw = value ?? "";
  const normalized = raw.trim().toUpperCase();
  const note = raw !== normalized && raw !== "" ? ` (normalizado desde «${raw}»)` : "";
  if (normalized === "") return { ok: false, normalized, detail: `falta el RFC del ${role}` };
  if (!RFC_REGEX.test(normalized)) {
    return { ok: false, normalized, detail: `RFC del ${role} mal formado: «${raw}» (se esperan 12 caracteres para persona moral o 13 para persona física)` };
  }
  const generic = (GENERIC_RFCS as readonly string[]).includes(normalized);
  if (generic && role === "emisor") return { ok: false, normalized, detail: `el emisor no puede usar el RFC genérico ${normalized}` };
  const kind = generic ? "genérico" : normalized.length === 12 ? "persona moral" : "persona física";
  return { ok: true, normalized, detail: `RFC del ${role} ${normalized} bien formado (${kind})${note}` };
}
