import type { RoleKey } from "./roles";

/**
 * The permission matrix of A30-ACC-03 (Anexo 30, 30.6.1.1 IV a) 1–4, b), VII c); 30.6.2 VII), one
 * entry per function. Every API route and server action names the permission it needs; the
 * Auditor Fiscal is read-only everywhere except report queries.
 */
export const PERMISSIONS = {
  /** Registro de usuarios. */
  manageUsers: ["administrador"],
  /** Configuración del control volumétrico: installations, equipment, links, cut hour, thresholds. */
  configure: ["administrador", "supervisor"],
  /** Definir desplegados gráficos. */
  defineDisplays: ["administrador", "supervisor"],
  /** Visualizar desplegados gráficos / información almacenada. */
  view: ["administrador", "supervisor", "operador", "auditor_fiscal"],
  /** Registrar acciones y eventos en la bitácora (A30-LOG-02). */
  writeEventLog: ["administrador", "supervisor", "operador"],
  /** Consultar la bitácora (A30-LOG-03). */
  viewEventLog: ["administrador", "supervisor", "operador", "auditor_fiscal"],
  /** Consulta e impresión de informes. */
  reports: ["administrador", "supervisor", "auditor_fiscal"],
  /** Captura de CFDI, pedimentos, dictámenes. */
  captureFiscalData: ["administrador", "supervisor"],
  /** Lecturas y operaciones manuales (A30-REC-07). */
  captureManualOperations: ["administrador", "supervisor", "operador"],
  /** Reconocer / atender / suprimir alarmas (A30-ALM-10). */
  handleAlarms: ["administrador", "supervisor", "operador"],
  /** Bitácora de seguridad (30.6.2 VII). */
  viewSecurityLog: ["administrador"],
  /** Certificados CSD. */
  manageCertificates: ["administrador"],
  /** Cambiar la contraseña propia (A30-ACC-05, A30-SEC-08): toda persona con sesión, también en el cambio forzado. */
  ownAccount: ["administrador", "supervisor", "operador", "auditor_fiscal"],
} as const satisfies Record<string, readonly RoleKey[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleHasPermission(role: RoleKey, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly RoleKey[]).includes(role);
}

/**
 * The permission check for a signed-in person: the role's row of the matrix, plus the one grant an
 * Administrador can give an Auditor Fiscal — the security log (A30-ACC-03 decision, 30.6.2 VII).
 */
export function userHasPermission(user: { role: RoleKey; canViewSecurityLog?: boolean }, permission: Permission): boolean {
  if (permission === "viewSecurityLog" && user.role === "auditor_fiscal" && user.canViewSecurityLog) return true;
  return roleHasPermission(user.role, permission);
}
