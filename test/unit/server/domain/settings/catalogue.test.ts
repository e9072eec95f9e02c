import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS } from "../../../../../server/domain/diagnostics/thresholds";
import { PERMISSIONS } from "../../../../../server/contracts/permissions";
import {
  SETTINGS,
  describeChange,
  effectiveValue,
  mergeForChange,
  settingDefinition,
  validateSettingValue,
} from "../../../../../server/domain/settings/index";

describe("settings catalogue (A30-ACC-03, A30-ALM-04, A30-INV-02)", () => {
  it("A30-ACC-03: volumetric parameters need 'configure' (Administrador and Supervisor); access-control ones 'manageUsers' (Administrador)", () => {
    expect(SETTINGS.length).toBeGreaterThanOrEqual(12);
    for (const s of SETTINGS) expect(s.permission).toBe(s.section === "seguridad" ? "manageUsers" : "configure");
    expect([...PERMISSIONS.configure]).toEqual(["administrador", "supervisor"]);
    expect([...PERMISSIONS.manageUsers]).toEqual(["administrador"]);
  });

  it("A30-SEC-02: the password length follows the taxpayer's policy but never goes below 8 («mínimo 8»); expiry defaults to 90 days", () => {
    const six = validateSettingValue("security.password_min_length", 6);
    expect(six.ok).toBe(false);
    if (!six.ok) expect(six.error).toBe("Longitud mínima de contraseña: el mínimo es 8");
    expect(validateSettingValue("security.password_min_length", 12)).toEqual({ ok: true, value: 12 });
    expect(settingDefinition("security.password_expiry_days")?.default).toBe(90);
    expect(validateSettingValue("security.password_expiry_days", 0).ok).toBe(false);
    expect(validateSettingValue("security.lockout_threshold", 2).ok).toBe(false);
  });

  it("A30-ALM-04: the 72 h limit accepts 1–72 h (numbers or numeric text) and is only lowered: 73 is rejected in Spanish", () => {
    expect(validateSettingValue("alarms.unattended_fault_limit_h", 48)).toEqual({ ok: true, value: 48 });
    expect(validateSettingValue("alarms.unattended_fault_limit_h", "24")).toEqual({ ok: true, value: 24 });
    expect(validateSettingValue("alarms.unattended_fault_limit_h", 72)).toEqual({ ok: true, value: 72 });
    expect(validateSettingValue("alarms.unattended_fault_limit_h", 1)).toEqual({ ok: true, value: 1 });
    const high = validateSettingValue("alarms.unattended_fault_limit_h", 73);
    expect(high).toMatchObject({ ok: false, error: expect.stringMatching(/sólo puede reducirse/) });
    expect(validateSettingValue("alarms.unattended_fault_limit_h", 0)).toMatchObject({ ok: false, error: expect.stringMatching(/mínimo es 1/) });
    expect(validateSettingValue("alarms.unattended_fault_limit_h", 2.5)).toMatchObject({ ok: false, error: expect.stringMatching(/entero/) });
    expect(validateSettingValue("alarms.unattended_fault_limit_h", "setenta")).toMatchObject({ ok: false, error: expect.stringMatching(/número/) });
    expect(validateSettingValue("alarms.unattended_fault_limit_h", "")).toMatchObject({ ok: false });
  });

  it("A30-ALM-10: the longest shelving is bounded to 1–168 h", () => {
    expect(validateSettingValue("alarms.max_shelve_h", 168)).toEqual({ ok: true, value: 168 });
    expect(validateSettingValue("alarms.max_shelve_h", 169)).toMatchObject({ ok: false, error: expect.stringMatching(/máximo es 168/) });
    expect(validateSettingValue("alarms.max_shelve_h", 0)).toMatchObject({ ok: false });
  });

  it("A30-REC-03: the grace period of incomplete records is > 0 and ≤ 720 h", () => {
    expect(validateSettingValue("operations.incomplete_grace_hours", 0.5)).toEqual({ ok: true, value: 0.5 });
    expect(validateSettingValue("operations.incomplete_grace_hours", 720)).toEqual({ ok: true, value: 720 });
    expect(validateSettingValue("operations.incomplete_grace_hours", 0)).toMatchObject({ ok: false, error: expect.stringMatching(/mayor que 0/) });
    expect(validateSettingValue("operations.incomplete_grace_hours", 721)).toMatchObject({ ok: false, error: expect.stringMatching(/720/) });
  });

  it("A30-INV-02: the cut hour is HH:MM 00:00–23:59 and the time zone a real IANA zone", () => {
    expect(validateSettingValue("installations.cut_hour", "06:00")).toEqual({ ok: true, value: "06:00" });
    expect(validateSettingValue("installations.cut_hour", " 23:59 ")).toEqual({ ok: true, value: "23:59" });
    for (const bad of ["24:00", "6:00", "06:60", "0600", 6, null]) expect(validateSettingValue("installations.cut_hour", bad)).toMatchObject({ ok: false, error: expect.stringMatching(/Hora de corte/) });
    expect(validateSettingValue("installations.time_zone", "America/Tijuana")).toEqual({ ok: true, value: "America/Tijuana" });
    expect(validateSettingValue("installations.time_zone", "America/Ciudad_Gotica")).toMatchObject({ ok: false, error: expect.stringMatching(/IANA/) });
    expect(validateSettingValue("installations.time_zone", "")).toMatchObject({ ok: false, error: expect.stringMatching(/Zona horaria/) });
  });

  it("A30-INC-02/04, A30-INV-04: dead-bands are ≥ 0 with at most 3 decimals", () => {
    for (const key of ["inventory.dead_band_inc02", "inventory.dead_band_inc04", "inventory.dead_band_inv04"]) {
      expect(validateSettingValue(key, 0)).toEqual({ ok: true, value: 0 });
      expect(validateSettingValue(key, "12.345")).toEqual({ ok: true, value: 12.345 });
      expect(validateSettingValue(key, -0.001)).toMatchObject({ ok: false, error: expect.stringMatching(/mínimo es 0/) });
      expect(validateSettingValue(key, 1.2345)).toMatchObject({ ok: false, error: expect.stringMatching(/3 decimales/) });
    }
  });

  it("A30-DIAG-02: thresholds are validated as a whole, cross-field rules included, and changed field by field", () => {
    const merged = mergeForChange("diagnostics.thresholds", DEFAULT_THRESHOLDS, { staleAfterS: 45 });
    expect(validateSettingValue("diagnostics.thresholds", merged)).toEqual({ ok: true, value: { ...DEFAULT_THRESHOLDS, staleAfterS: 45 } });
    const tooSlow = mergeForChange("diagnostics.thresholds", DEFAULT_THRESHOLDS, { staleAfterS: 295 });
    expect(validateSettingValue("diagnostics.thresholds", tooSlow)).toMatchObject({ ok: false, error: expect.stringMatching(/300 s/) });
    expect(validateSettingValue("diagnostics.thresholds", { ...DEFAULT_THRESHOLDS, runEveryS: 0 })).toMatchObject({ ok: false, error: expect.stringMatching(/runEveryS/) });
  });

  it("unknown parameters are rejected; invalid stored values fall back to the default (never a longer 72 h limit)", () => {
    expect(validateSettingValue("alarms.otra_cosa", 1)).toMatchObject({ ok: false, error: expect.stringMatching(/desconocido/) });
    expect(settingDefinition("alarms.otra_cosa")).toBeUndefined();
    expect(effectiveValue("alarms.unattended_fault_limit_h", 500)).toBe(72);
    expect(effectiveValue("alarms.unattended_fault_limit_h", 24)).toBe(24);
    expect(effectiveValue("alarms.max_shelve_h", undefined)).toBe(24);
    expect(effectiveValue("inventory.dead_band_inc02", -3)).toBe(0);
  });

  it("A30-LOG-10: the change description names the parameter with before and after values", () => {
    expect(describeChange("alarms.unattended_fault_limit_h", 72, 48).description).toBe("Cambio de configuración: Límite de fallas no atendidas de 72 h a 48 h");
    expect(describeChange("installations.cut_hour", "00:00", "06:00", "EDS-0001").description).toBe("Cambio de configuración: Hora de corte de EDS-0001 de 00:00 a 06:00");
    expect(describeChange("alarms.max_shelve_h", 24, 24).changes).toEqual([]);
    const t = describeChange("diagnostics.thresholds", DEFAULT_THRESHOLDS, { ...DEFAULT_THRESHOLDS, staleAfterS: 45 });
    expect(t.changes).toEqual([{ field: "staleAfterS", before: 30, after: 45 }]);
    expect(t.description).toContain("staleAfterS de 30 a 45");
  });
});
