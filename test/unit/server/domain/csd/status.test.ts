import { describe, expect, it } from "vitest";
import { CSD_STATUSES } from "../../../../../db/schema/enums";
import { CSD_STATE_LABELS, CSD_STATUS_KEYS, effectiveStatus, expiryNotice, replacedInfo } from "../../../../../server/domain/csd/index";

describe("CSD states (A30-CSD-03)", () => {
  it("the domain's statuses are the table's", () => {
    expect([...CSD_STATUS_KEYS]).toEqual([...CSD_STATUSES]);
  });

  it("maps the stored status to Activo / Inactivo / Erróneo", () => {
    expect(CSD_STATE_LABELS).toEqual({ active: "Activo", expired: "Inactivo", revoked: "Inactivo", replaced: "Inactivo", error: "Erróneo" });
    expect(replacedInfo("30001000000500003417")).toBe("sustituido por 30001000000500003417");
  });

  it("an Activo certificate past its end shows as Inactivo «caducado», dated at its end of validity", () => {
    const stored = { status: "active" as const, statusInfo: null, statusChangedAt: new Date("2026-01-01T00:00:00Z"), validTo: new Date("2026-12-15T00:00:00Z") };
    expect(effectiveStatus(stored, new Date("2026-12-14T23:59:59Z"))).toMatchObject({ status: "active", label: "Activo", info: null });
    expect(effectiveStatus(stored, new Date("2026-12-15T00:00:01Z"))).toEqual({ status: "expired", label: "Inactivo", info: "caducado", changedAt: stored.validTo });
    const replaced = { ...stored, status: "replaced" as const, statusInfo: "sustituido por X" };
    expect(effectiveStatus(replaced, new Date("2027-01-01T00:00:00Z"))).toMatchObject({ status: "replaced", label: "Inactivo", info: "sustituido por X" });
  });
});

describe("expiry notice (A30-CSD-05)", () => {
  const active = { noCertificado: "30001000000500003416", validTo: new Date("2026-12-15T00:00:00Z") };

  it("acceptance: active CSD ending 2026-12-15; clock 2026-11-16 → warning; 2026-12-15T00:00 → expired", () => {
    const warning = expiryNotice(active, new Date("2026-11-16T00:00:00Z"));
    expect(warning).toMatchObject({ level: "warning", daysLeft: 29 });
    if (warning.level === "warning") expect(warning.message).toMatch(/vence en 29 días/);
    expect(expiryNotice(active, new Date("2026-12-15T00:00:00Z"))).toMatchObject({ level: "expired", message: expect.stringMatching(/está caducado/) });
  });

  it("no notice more than 30 days before, nor without an active CSD", () => {
    expect(expiryNotice(active, new Date("2026-11-14T23:59:59Z"))).toEqual({ level: "none" });
    expect(expiryNotice(active, new Date("2026-11-15T00:00:00Z"))).toMatchObject({ level: "warning", daysLeft: 30 });
    expect(expiryNotice(null, new Date("2026-11-16T00:00:00Z"))).toEqual({ level: "none" });
  });

  it("singular on the last day", () => {
    const last = expiryNotice(active, new Date("2026-12-14T12:00:00Z"));
    expect(last).toMatchObject({ level: "warning", daysLeft: 1, message: expect.stringMatching(/vence en 1 día:/) });
  });
});
