/**
 * States of a stored CSD (A30-CSD-03) and the expiry notice (A30-CSD-05). The table keeps the
 * detailed status (db/schema/enums.ts CSD_STATUSES); the screen shows the three states SAT's
 * e-invoicing services use:
 *
 *   active   → Activo    the one CSD that seals (at most one per taxpayer, unique index)
 *   replaced → Inactivo  "sustituido por <No. de certificado>" — a newer CSD was installed
 *   expired  → Inactivo  "caducado" — its validity ended (A30-CSD-03 acceptance)
 *   revoked  → Inactivo  "revocado" — reserved: Aforo does not query SAT's revocation lists
 *   error    → Erróneo   a stored certificate that can no longer be used although its dates are
 *                        fine: its private key or password does not decrypt with the current
 *                        AFORO_ENCRYPTION_KEY, the decrypted key no longer matches the
 *                        certificate, or the stored certificate no longer reads. Found by
 *                        refreshCertificateStatuses; never the state of a rejected install
 *                        (a rejected install stores nothing).
 */
export const CSD_STATUS_KEYS = ["active", "expired", "revoked", "replaced", "error"] as const;
export type CsdStatus = (typeof CSD_STATUS_KEYS)[number];
export type CsdStateLabel = "Activo" | "Inactivo" | "Erróneo";

export const CSD_STATE_LABELS: Record<CsdStatus, CsdStateLabel> = {
  active: "Activo",
  expired: "Inactivo",
  revoked: "Inactivo",
  replaced: "Inactivo",
  error: "Erróneo",
};

/** "sustituido por 30001000000500003417". */
export function replacedInfo(newNoCertificado: string): string {
  return `sustituido por ${newNoCertificado}`;
}
export const EXPIRED_INFO = "caducado";

/**
 * The state to show at `now`: an Activo certificate whose validity already ended is shown as
 * Inactivo "caducado" even before refreshCertificateStatuses stores it.
 */
export function effectiveStatus(stored: { status: CsdStatus; statusInfo: string | null; statusChangedAt: Date; validTo: Date }, now: Date): {
  status: CsdStatus;
  label: CsdStateLabel;
  info: string | null;
  changedAt: Date;
} {
  if (stored.status === "active" && now.getTime() > stored.validTo.getTime()) {
    return { status: "expired", label: CSD_STATE_LABELS.expired, info: EXPIRED_INFO, changedAt: stored.validTo };
  }
  return { status: stored.status, label: CSD_STATE_LABELS[stored.status], info: stored.statusInfo, changedAt: stored.statusChangedAt };
}

/** A30-CSD-05 decision: warn this many days before the active CSD ends. */
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export type ExpiryNotice = { level: "none" } | { level: "warning"; daysLeft: number; message: string } | { level: "expired"; message: string };

/**
 * A30-CSD-05: warning from 30 days before the end of validity, "expired" from the end on (reports
 * can no longer be sealed). `daysLeft` rounds up: 29.2 days → 30.
 */
export function expiryNotice(active: { noCertificado: string; validTo: Date } | null, now: Date): ExpiryNotice {
  if (!active) return { level: "none" };
  const left = active.validTo.getTime() - now.getTime();
  if (left <= 0) {
    return { level: "expired", message: `El CSD activo ${active.noCertificado} está caducado: los reportes no se pueden sellar hasta instalar un CSD vigente.` };
  }
  if (left <= EXPIRY_WARNING_DAYS * DAY_MS) {
    const daysLeft = Math.ceil(left / DAY_MS);
    return {
      level: "warning",
      daysLeft,
      message: `El CSD activo ${active.noCertificado} vence en ${daysLeft} ${daysLeft === 1 ? "día" : "días"}: tramite uno nuevo en el portal del SAT e instálelo antes de que caduque.`,
    };
  }
  return { level: "none" };
}
