/**
 * Password rules of Anexo 30, 30.6.2 V (A30-SEC-05, A30-SEC-08, A30-SEC-02). Pure: the history
 * check compares hashes through an injected verifier so this module stays free of crypto and I/O.
 */
export const ANEXO30_MIN_PASSWORD_LENGTH = 8;
export const DEFAULT_PASSWORD_EXPIRY_DAYS = 90;
/** Longest password accepted: a bound on hashing work and on request bodies. */
export const MAX_PASSWORD_LENGTH = 128;

export interface PasswordPolicy {
  /** ≥ 8 (A30-SEC-02: configurable, never below the Anexo minimum). */
  minLength: number;
  /** Days after which a password must be changed (A30-SEC-08). */
  expiryDays: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: ANEXO30_MIN_PASSWORD_LENGTH, expiryDays: DEFAULT_PASSWORD_EXPIRY_DAYS };

/**
 * Every rule the candidate breaks, as Spanish sentences for the form (empty when it passes).
 * A30-SEC-05: `abc12345` → no upper case, no special character; `Abcdef1!` → accepted.
 */
export function passwordRuleViolations(candidate: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, context: { username?: string } = {}): string[] {
  const minLength = Math.max(ANEXO30_MIN_PASSWORD_LENGTH, policy.minLength);
  const errors: string[] = [];
  const length = [...candidate].length;
  if (length < minLength) errors.push(`debe tener al menos ${minLength} caracteres`);
  if (length > MAX_PASSWORD_LENGTH) errors.push(`no puede tener más de ${MAX_PASSWORD_LENGTH} caracteres`);
  if (!/\p{Lu}/u.test(candidate)) errors.push("debe incluir al menos una letra mayúscula");
  if (!/\p{Ll}/u.test(candidate)) errors.push("debe incluir al menos una letra minúscula");
  if (!/\p{Nd}/u.test(candidate)) errors.push("debe incluir al menos un dígito");
  if (!/[^\p{L}\p{Nd}\s]/u.test(candidate)) errors.push("debe incluir al menos un carácter especial (p. ej. # $ % & * ! ?)");
  if (/\s/u.test(candidate)) errors.push("no puede contener espacios");
  if (context.username && context.username.length >= 3 && candidate.toLowerCase().includes(context.username.toLowerCase())) {
    errors.push("no puede contener el nombre de usuario");
  }
  return errors;
}

/** Sentence shown when the candidate matches any earlier password (A30-SEC-05, full history). */
export const PASSWORD_REUSED = "contraseña usada anteriormente: elija una que no haya usado antes";

/**
 * True when a hash of the history matches the candidate. `verify` is the slow-hash comparison
 * (scrypt); all entries are checked so timing does not tell which one matched.
 */
export async function isPasswordReused(candidate: string, historyHashes: readonly string[], verify: (password: string, hash: string) => Promise<boolean>): Promise<boolean> {
  const results = await Promise.all(historyHashes.map((hash) => verify(candidate, hash)));
  return results.some(Boolean);
}

/** A30-SEC-08: expired when more than `expiryDays` full days have passed since it was set. */
export function isPasswordExpired(changedAt: Date, now: Date, expiryDays: number): boolean {
  return now.getTime() - changedAt.getTime() > expiryDays * 86_400_000;
}

/** Why a user must set a new password before anything else (A30-ACC-05, A30-SEC-08), or null. */
export type PasswordChangeReason = "first_login" | "reset" | "expired";

export function passwordChangeReason(user: { mustChangePassword: boolean; passwordChangedAt: Date; resetPending?: boolean }, now: Date, policy: PasswordPolicy): PasswordChangeReason | null {
  if (user.mustChangePassword) return user.resetPending ? "reset" : "first_login";
  if (isPasswordExpired(user.passwordChangedAt, now, policy.expiryDays)) return "expired";
  return null;
}

export const PASSWORD_CHANGE_MESSAGES: Record<PasswordChangeReason, string> = {
  first_login: "Es su primer inicio de sesión: registre una contraseña nueva para continuar.",
  reset: "Un administrador restableció su contraseña: registre una contraseña nueva para continuar.",
  expired: "Su contraseña venció: registre una contraseña nueva para continuar.",
};
