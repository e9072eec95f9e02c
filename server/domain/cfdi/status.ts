/**
 * A30-CFDI-06: a CFDI's status — vigente, en proceso de cancelación, cancelación solicitada,
 * cancelado — and the cancellation answers a PAC gives (codes 204, 207, 208, 209, 310, 311, 312,
 * spec §3 "Folio fiscal"). Pure rules of a status change; the service stores it with its bitácora
 * entry. A cancelled CFDI is final: it stays stored and linked (links flagged), out of the totals.
 */

export const CFDI_STATUS_VALUES = ["vigente", "en_proceso_cancelacion", "cancelacion_solicitada", "cancelado"] as const;
export type CfdiStatus = (typeof CFDI_STATUS_VALUES)[number];

export const CFDI_STATUS_LABELS: Record<CfdiStatus, string> = {
  vigente: "Vigente",
  en_proceso_cancelacion: "En proceso de cancelación",
  cancelacion_solicitada: "Cancelación solicitada",
  cancelado: "Cancelado",
};

/** Cancellation answers of the PAC (refusals): shown with their text when known. */
export const PAC_CANCELLATION_CODES: Readonly<Record<string, string>> = {
  "204": "Folio fiscal no aplicable para cancelación",
  "207": "Folio fiscal sustituto inválido",
  "208": "Fecha de solicitud de cancelación fuera del plazo permitido",
  "209": "Fecha de cancelación anterior a la fecha de emisión",
  "310": "CSD inválido para la solicitud de cancelación",
  "311": "Clave de motivo de cancelación inválida",
  "312": "El folio fiscal no está relacionado conforme al motivo de cancelación",
};

export interface CfdiStatusChange {
  from: CfdiStatus;
  to: CfdiStatus;
  /** PAC answer code, when the status data carries one. */
  code?: string | null;
  reason: string;
}

export type StatusCheck = { ok: true; codeText: string | null } | { ok: false; error: string };

/**
 * Whether a status change may be recorded: «cancelado» is final; a change must change something;
 * a PAC code must be one of the known ones and only accompanies a refused or pending cancellation
 * (back to vigente, or still in process); a reason of at least 10 characters is required (bitácora).
 */
export function checkCfdiStatusChange(change: CfdiStatusChange): StatusCheck {
  if (change.from === "cancelado") return { ok: false, error: "El CFDI ya está cancelado: la cancelación es definitiva (A30-CFDI-06)" };
  if (change.from === change.to) return { ok: false, error: `El CFDI ya está en estado «${CFDI_STATUS_LABELS[change.to]}»` };
  if (change.reason.trim().length < 10) return { ok: false, error: "Indique el motivo o la referencia del cambio de estado (al menos 10 caracteres)" };
  const code = change.code?.trim() || null;
  if (code === null) return { ok: true, codeText: null };
  const text = PAC_CANCELLATION_CODES[code];
  if (!text) return { ok: false, error: `Código de respuesta del PAC desconocido: ${code} (conocidos: ${Object.keys(PAC_CANCELLATION_CODES).join(", ")})` };
  if (change.to === "cancelado") return { ok: false, error: `El código ${code} es un rechazo de la cancelación: no acompaña al estado «Cancelado»` };
  return { ok: true, codeText: text };
}
