import { describe, expect, it } from "vitest";
import { DEFAULT_PASSWORD_POLICY } from "../../../../../server/domain/security/password-policy";
import { checkNewPassword, CONFIRMATION_MISMATCH, passwordRuleList } from "../../../../../server/domain/users/password-rules";

describe("password change rules (A30-SEC-05, A30-ACC-05)", () => {
  it("A30-SEC-05: `abc12345` is rejected for lacking an upper-case letter and a special character", () => {
    const check = checkNewPassword("abc12345", "abc12345", DEFAULT_PASSWORD_POLICY, "operador");
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.cause).toBe("reglas");
    expect(check.violations).toEqual(["debe incluir al menos una letra mayúscula", "debe incluir al menos un carácter especial (p. ej. # $ % & * ! ?)"]);
    expect(check.error).toMatch(/^La contraseña nueva no cumple las reglas: debe incluir al menos una letra mayúscula; /);
  });

  it("A30-SEC-05: `Abcdef1!` is accepted", () => {
    expect(checkNewPassword("Abcdef1!", "Abcdef1!", DEFAULT_PASSWORD_POLICY, "operador")).toEqual({ ok: true });
  });

  it("A30-SEC-02: the taxpayer's longer minimum applies (10 → `Abcdef1!` too short)", () => {
    const check = checkNewPassword("Abcdef1!", "Abcdef1!", { minLength: 10, expiryDays: 90 });
    expect(check).toMatchObject({ ok: false, cause: "reglas", violations: ["debe tener al menos 10 caracteres"] });
  });

  it("a password containing the user name is refused", () => {
    expect(checkNewPassword("Xoperador1!", "Xoperador1!", DEFAULT_PASSWORD_POLICY, "operador")).toMatchObject({
      ok: false,
      violations: ["no puede contener el nombre de usuario"],
    });
  });

  it("a valid password with a different confirmation is refused after the rules", () => {
    expect(checkNewPassword("Abcdef1!", "Abcdef1?", DEFAULT_PASSWORD_POLICY)).toEqual({ ok: false, cause: "confirmacion", error: CONFIRMATION_MISMATCH, violations: [] });
  });

  it("the list shown on the change screen names the policy's minimum and every rule", () => {
    const list = passwordRuleList({ minLength: 12, expiryDays: 30 });
    expect(list[0]).toBe("Mínimo 12 caracteres");
    expect(list.join(" | ")).toMatch(/mayúscula.*minúscula.*dígito.*carácter especial.*No reutilizar/);
    // Never below the Anexo 30 minimum, even if a stored policy said otherwise.
    expect(passwordRuleList({ minLength: 6, expiryDays: 30 })[0]).toBe("Mínimo 8 caracteres");
  });
});
