import { describe, expect, it } from "vitest";
import {
  changeOwnPasswordInputSchema,
  createUserInputSchema,
  lastAdministratorViolation,
  planUserUpdate,
  updateUserInputSchema,
  validationMessage,
  type UserAccountState,
} from "../../../../../server/domain/users/accounts";

const operador: UserAccountState = { username: "luis", displayName: "Luis Pérez", role: "operador", active: true, canViewSecurityLog: false };

describe("user input schemas (A30-ACC-02/04)", () => {
  it("accepts user name, name and one of the four profiles; the user name is lower-cased", () => {
    expect(createUserInputSchema.parse({ username: " Ana.Lopez ", displayName: " Ana López ", role: "supervisor" })).toEqual({
      username: "ana.lopez",
      displayName: "Ana López",
      role: "supervisor",
    });
  });

  it("A30-ACC-02: profile «Invitado» is refused naming the four profiles", () => {
    const parsed = createUserInputSchema.safeParse({ username: "ana", displayName: "Ana", role: "Invitado" });
    expect(parsed.success).toBe(false);
    expect(validationMessage(parsed.error!)).toBe(
      "Perfil inválido «Invitado»: los únicos perfiles son administrador, supervisor, operador, auditor_fiscal (A30-ACC-02).",
    );
  });

  it("A30-ACC-04: registration without a profile is refused", () => {
    const parsed = createUserInputSchema.safeParse({ username: "ana", displayName: "Ana" });
    expect(validationMessage(parsed.error!)).toMatch(/^Falta el perfil \(role\)/);
  });

  it("refuses unknown fields (a password cannot be chosen by the Administrador), bad names and non-objects", () => {
    expect(validationMessage(createUserInputSchema.safeParse({ username: "ana", displayName: "Ana", role: "operador", password: "x" }).error!)).toBe(
      "Campos no permitidos: password.",
    );
    expect(validationMessage(createUserInputSchema.safeParse({ username: "ana lópez", displayName: "Ana", role: "operador" }).error!)).toMatch(
      /^Nombre de usuario inválido/,
    );
    expect(createUserInputSchema.safeParse({ username: "a".repeat(65), displayName: "Ana", role: "operador" }).success).toBe(false);
    expect(validationMessage(createUserInputSchema.safeParse([]).error!)).toBe("El cuerpo de la solicitud debe ser un objeto JSON.");
  });

  it("an update needs at least one change; the password schema bounds its lengths", () => {
    expect(validationMessage(updateUserInputSchema.safeParse({ reason: "x" }).error!)).toMatch(/^Indique al menos un cambio/);
    expect(updateUserInputSchema.safeParse({ active: "no" }).success).toBe(false);
    expect(changeOwnPasswordInputSchema.safeParse({ currentPassword: "a", newPassword: "b".repeat(129), confirmation: "" }).success).toBe(false);
    expect(validationMessage(changeOwnPasswordInputSchema.safeParse({ newPassword: "Abcdef1!", confirmation: "Abcdef1!" }).error!)).toBe(
      "Escriba su contraseña actual.",
    );
  });
});

describe("planUserUpdate (A30-SEC-03)", () => {
  it("a profile change without a reason is refused (400)", () => {
    expect(planUserUpdate(operador, { role: "supervisor" })).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/motivo/) });
    expect(planUserUpdate(operador, { role: "supervisor", reason: "   " })).toMatchObject({ ok: false, status: 400 });
  });

  it("with a reason: old and new profile and the reason are described", () => {
    const plan = planUserUpdate(operador, { role: "supervisor", reason: "Cubre el turno nocturno" });
    expect(plan).toMatchObject({
      ok: true,
      roleChanged: true,
      deactivated: false,
      reason: "Cubre el turno nocturno",
      changes: [{ field: "role", before: "operador", after: "supervisor" }],
      description: "Cambio de perfil «luis»: perfil Operador → Supervisor. Motivo: Cubre el turno nocturno",
    });
  });

  it("the same profile is no change", () => {
    expect(planUserUpdate(operador, { role: "operador" })).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/iguales a los actuales/) });
  });

  it("deactivation and name changes", () => {
    const plan = planUserUpdate(operador, { active: false, displayName: "Luis P." });
    expect(plan).toMatchObject({ ok: true, deactivated: true, roleChanged: false });
    if (plan.ok) expect(plan.description).toBe("Desactivación de usuario «luis»: desactivación de la cuenta; nombre «Luis Pérez» → «Luis P.»");
  });

  it("the security-log grant is only for an Auditor Fiscal or an Administrador, and is withdrawn when the profile loses it", () => {
    expect(planUserUpdate(operador, { canViewSecurityLog: true })).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/Auditor Fiscal/) });
    const auditor: UserAccountState = { ...operador, role: "auditor_fiscal" };
    const grant = planUserUpdate(auditor, { canViewSecurityLog: true });
    expect(grant).toMatchObject({ ok: true, description: "Otorgar acceso a la bitácora de seguridad «luis»: otorgar acceso a la bitácora de seguridad" });
    const granted = { ...auditor, canViewSecurityLog: true };
    const demoted = planUserUpdate(granted, { role: "operador", reason: "Cambio de puesto" });
    expect(demoted).toMatchObject({ ok: true, next: { role: "operador", canViewSecurityLog: false } });
    if (demoted.ok) expect(demoted.changes.map((c) => c.field)).toEqual(["role", "canViewSecurityLog"]);
  });
});

describe("last active Administrador guard (issue #5 item 2)", () => {
  const users = [
    { id: 1, role: "administrador" as const, active: true },
    { id: 2, role: "administrador" as const, active: false },
    { id: 3, role: "supervisor" as const, active: true },
  ];

  it("the only active Administrador can be neither demoted nor deactivated", () => {
    expect(lastAdministratorViolation(users, 1, { role: "supervisor", active: true })).toMatch(/último Administrador activo/);
    expect(lastAdministratorViolation(users, 1, { role: "administrador", active: false })).toMatch(/^No se puede desactivar al último Administrador activo/);
  });

  it("allowed when another active Administrador remains, for other users, and for harmless changes", () => {
    const two = [...users, { id: 4, role: "administrador" as const, active: true }];
    expect(lastAdministratorViolation(two, 1, { role: "supervisor", active: true })).toBeNull();
    expect(lastAdministratorViolation(users, 3, { role: "operador", active: false })).toBeNull();
    expect(lastAdministratorViolation(users, 1, { role: "administrador", active: true })).toBeNull();
    // An inactive Administrador is not the one keeping the system manageable.
    expect(lastAdministratorViolation(users, 2, { role: "operador", active: false })).toBeNull();
  });
});
