import { ANEXO30_MIN_PASSWORD_LENGTH, passwordRuleViolations, type PasswordPolicy } from "../security/password-policy";

/**
 * The password rules as the change-password screen lists them, and the pure part of a password
 * change (A30-SEC-05, A30-ACC-05, A30-SEC-08): rule check and confirmation. The history check
 * needs the stored hashes and stays in the service.
 */
export function passwordRuleList(policy: PasswordPolicy): string[] {
  return [
    `Mínimo ${Math.max(ANEXO30_MIN_PASSWORD_LENGTH, policy.minLength)} caracteres`,
    "Al menos una letra mayúscula",
    "Al menos una letra minúscula",
    "Al menos un dígito",
    "Al menos un carácter especial (p. ej. # $ % & * ! ?)",
    "Sin espacios y sin su nombre de usuario",
    "No reutilizar ninguna contraseña anterior",
  ];
}

export function passwordRejectionMessage(violations: readonly string[]): string {
  return `La contraseña nueva no cumple las reglas: ${violations.join("; ")}.`;
}

export const CONFIRMATION_MISMATCH = "La confirmación no coincide con la contraseña nueva: escríbala de nuevo.";

export type NewPasswordCheck =
  | { ok: true }
  | { ok: false; cause: "reglas"; error: string; violations: string[] }
  | { ok: false; cause: "confirmacion"; error: string; violations: [] };

/** Rules first (they describe the candidate itself), then the confirmation. `abc12345` fails, `Abcdef1!` passes. */
export function checkNewPassword(newPassword: string, confirmation: string, policy: PasswordPolicy, username?: string): NewPasswordCheck {
  const violations = passwordRuleViolations(newPassword, policy, { username });
  if (violations.length > 0) return { ok: false, cause: "reglas", error: passwordRejectionMessage(violations), violations };
  if (newPassword !== confirmation) return { ok: false, cause: "confirmacion", error: CONFIRMATION_MISMATCH, violations: [] };
  return { ok: true };
}
