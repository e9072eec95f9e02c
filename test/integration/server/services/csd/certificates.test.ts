import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../../db/client";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { openEncryptedPrivateKey, signDetachedCms, verifyDetachedCms } from "../../../../../server/domain/csd/index";
import { openSecretParts } from "../../../../../server/platform/secret-box";
import {
  activeSigner,
  csdSecretAad,
  CsdUnavailableError,
  installCertificate,
  listCertificates,
  refreshCertificateStatuses,
  type CsdActor,
} from "../../../../../server/services/csd/index";
import { FIXTURE_PASSWORD, pair } from "../../../../helpers/csd-fixtures";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

const KEY = "a1b2c3d4e5f60718".repeat(4);
const OTHER_KEY = "0f1e2d3c4b5a6978".repeat(4);
const NOW = new Date("2026-12-01T00:00:00Z");
const at = (iso: string) => new Date(iso);
const ctx = { ip: "192.168.10.20", userAgent: "vitest" };

const count = async (db: Database, sql: string, params: unknown[] = []) => Number((await db.query<{ n: string | number }>(sql, params))[0]!.n);
const eventCount = (db: Database) => count(db, "select count(*) as n from event_log");
const certificateCount = (db: Database) => count(db, "select count(*) as n from csd_certificates");

interface StoredRow {
  id: number;
  taxpayer_id: number;
  serial_number: string;
  rfc: string;
  status: string;
  status_info: string | null;
  status_changed_at: Date | string;
  installed_at: Date | string;
  certificate_der_base64: string;
  encrypted_private_key: Uint8Array;
  private_key_iv: Uint8Array;
  private_key_tag: Uint8Array;
  encrypted_password: Uint8Array;
  password_iv: Uint8Array;
  password_tag: Uint8Array;
  is_test: boolean;
  installed_by: number | null;
  valid_to: Date | string;
}
async function stored(db: Database, serial: string): Promise<StoredRow | undefined> {
  const [row] = await db.query<StoredRow>("select * from csd_certificates where serial_number = $1", [serial]);
  return row;
}
const buf = (value: Uint8Array) => Buffer.from(value);

describe.each(testEngines)("CSD install, list and signer on %s (A30-CSD-01…04, issue #6 item 6)", (engine) => {
  let t: TestDatabase;
  let admin: CsdActor;
  let supervisor: CsdActor;
  let ekuTaxpayerId: number;
  let cacxTaxpayerId: number;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: at("2026-11-01T06:00:00Z") });
    const users = await t.db.query<{ id: number; username: string }>("select id, username from users where username in ('admin', 'supervisor')");
    const id = (name: string) => Number(users.find((u) => u.username === name)!.id);
    admin = { id: id("admin"), username: "admin", role: "administrador" };
    supervisor = { id: id("supervisor"), username: "supervisor", role: "supervisor" };
    ekuTaxpayerId = Number((await t.db.query<{ id: number }>("select id from taxpayers where rfc = 'EKU9003173C9'"))[0]!.id);
  });
  afterAll(async () => t?.close());

  it("without an installed CSD, activeSigner fails «sin CSD activo»", async () => {
    await expect(activeSigner(t.db, NOW, KEY)).rejects.toThrow(/sin CSD activo/);
    await expect(activeSigner(t.db, NOW, KEY)).rejects.toMatchObject({ code: "none" });
  });

  it("rejected installs store NOTHING and write no bitácora entry (one security-log failure each)", async () => {
    const events = await eventCount(t.db);
    const failuresBefore = await count(t.db, "select count(*) as n from security_log where event = 'csd_admin' and outcome = 'failure'");
    const eku = pair("ekuCsd");
    const cases: Array<[Parameters<typeof installCertificate>[2], string, string]> = [
      [eku, "mala", "wrong_password"],
      [pair("ekuFiel"), FIXTURE_PASSWORD, "not_csd"],
      [pair("cacxCsd"), FIXTURE_PASSWORD, "rfc_mismatch"],
      [{ cer: eku.cer, key: pair("cacxCsd").key }, FIXTURE_PASSWORD, "key_mismatch"],
      [pair("nonSat"), FIXTURE_PASSWORD, "not_sat"],
    ];
    for (const [files, password, reason] of cases) {
      const result = await installCertificate(t.db, admin, files, password, NOW, KEY, { context: ctx });
      expect(result).toMatchObject({ ok: false, status: 400, reason });
    }
    expect(await certificateCount(t.db)).toBe(0);
    expect(await eventCount(t.db)).toBe(events);
    const failures = await t.db.query<{ detail: Record<string, unknown> | string }>(
      "select detail from security_log where event = 'csd_admin' and outcome = 'failure' order by id",
    );
    expect(failures.length - failuresBefore).toBe(cases.length);
    const text = JSON.stringify(failures);
    expect(text).toContain("wrong_password");
    expect(text).not.toContain("mala");
    expect(text).not.toContain(FIXTURE_PASSWORD);
  });

  it("a Supervisor cannot install (A30-ACC-03): 403, nothing stored", async () => {
    const result = await installCertificate(t.db, supervisor, pair("ekuCsd"), FIXTURE_PASSWORD, NOW, KEY);
    expect(result).toMatchObject({ ok: false, status: 403 });
    expect(await certificateCount(t.db)).toBe(0);
  });

  it("installs the EKU9003173C9 CSD: row Activo, key and password encrypted at rest (A30-CSD-04), ONE bitácora entry", async () => {
    const eventsBefore = await eventCount(t.db);
    const eku = pair("ekuCsd");
    const result = await installCertificate(t.db, admin, eku, FIXTURE_PASSWORD, NOW, KEY, { context: ctx });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.replaced).toBeNull();
    expect(result.value.certificate).toMatchObject({
      noCertificado: "30001000000500003416",
      rfc: "EKU9003173C9",
      taxpayerRfc: "EKU9003173C9",
      subjectName: "ESCUELA KEMPER URGATE SA DE CV",
      issuerName: "AC UAT (SERVICIO DE ADMINISTRACION TRIBUTARIA)",
      validFrom: "2023-05-18T11:43:51.000Z",
      validTo: "2027-05-18T11:43:51.000Z",
      type: "CSD",
      status: "active",
      statusLabel: "Activo",
      statusInfo: null,
      statusChangedAt: NOW.toISOString(),
      installedAt: NOW.toISOString(),
      installedBy: "admin",
      isTest: true,
    });
    // The view carries no secret.
    expect(Object.keys(result.value.certificate).some((k) => /key|password|der/i.test(k))).toBe(false);

    const row = (await stored(t.db, "30001000000500003416"))!;
    expect(row.status).toBe("active");
    expect(Buffer.from(row.certificate_der_base64, "base64").equals(eku.cer)).toBe(true);
    expect(Number(row.installed_by)).toBe(admin.id);
    const opened = openEncryptedPrivateKey(eku.key, FIXTURE_PASSWORD);
    if (!opened.ok) throw new Error(opened.reason);
    const plainKeyDer = opened.key.export({ type: "pkcs8", format: "der" });
    for (const column of [row.encrypted_private_key, row.encrypted_password]) {
      const bytes = buf(column);
      expect(bytes.includes(eku.key)).toBe(false);
      expect(bytes.includes(eku.key.subarray(0, 48))).toBe(false);
      expect(bytes.includes(plainKeyDer.subarray(0, 48))).toBe(false);
      expect(bytes.includes(Buffer.from(FIXTURE_PASSWORD))).toBe(false);
    }
    expect(buf(row.private_key_iv)).toHaveLength(12);
    expect(buf(row.private_key_tag)).toHaveLength(16);
    expect(buf(row.password_iv).equals(buf(row.private_key_iv))).toBe(false);
    // Decrypts back with the server key (and only with the right AAD).
    const keyParts = { ciphertext: buf(row.encrypted_private_key), iv: buf(row.private_key_iv), tag: buf(row.private_key_tag) };
    expect(openSecretParts(keyParts, KEY, csdSecretAad(ekuTaxpayerId, "30001000000500003416", "private_key")).equals(eku.key)).toBe(true);
    expect(
      openSecretParts({ ciphertext: buf(row.encrypted_password), iv: buf(row.password_iv), tag: buf(row.password_tag) }, KEY, csdSecretAad(ekuTaxpayerId, "30001000000500003416", "password")).toString(),
    ).toBe(FIXTURE_PASSWORD);
    expect(() => openSecretParts(keyParts, OTHER_KEY, csdSecretAad(ekuTaxpayerId, "30001000000500003416", "private_key"))).toThrow();
    expect(() => openSecretParts(keyParts, KEY, csdSecretAad(ekuTaxpayerId, "30001000000500003416", "password"))).toThrow();

    // ONE bitácora entry, category 1, without secrets; one security-log success entry.
    expect(await eventCount(t.db)).toBe(eventsBefore + 1);
    const [entry] = await t.db.query<{ id: number; category: number; username: string; description: string; details: unknown }>(
      "select id, category, username, description, details from event_log order by id desc limit 1",
    );
    expect(Number(entry!.id)).toBe(result.value.eventLogId);
    expect(entry).toMatchObject({ category: 1, username: "admin" });
    expect(entry!.description).toMatch(/^Instalación del CSD 30001000000500003416 \(EKU9003173C9, ESCUELA KEMPER URGATE SA DE CV; vigente del 18 de mayo de 2023/);
    expect(entry!.description).toMatch(/certificado de pruebas del SAT/);
    const details = JSON.stringify(entry!.details);
    expect(details).toContain('"kind":"instalacion_csd"');
    expect(details).not.toContain(FIXTURE_PASSWORD);
    expect(details).not.toContain(eku.key.toString("base64").slice(0, 40));
    const security = await t.db.query<{ username: string; ip: string; detail: unknown }>(
      "select username, host(ip) as ip, detail from security_log where event = 'csd_admin' and outcome = 'success' order by id",
    );
    expect(security).toHaveLength(1);
    expect(security[0]).toMatchObject({ username: "admin", ip: "192.168.10.20" });
    expect(JSON.stringify(security[0]!.detail)).toContain("30001000000500003416");
  });

  it("installing the Activo certificate again → 409, nothing changes", async () => {
    const events = await eventCount(t.db);
    const result = await installCertificate(t.db, admin, pair("ekuCsd"), FIXTURE_PASSWORD, at("2026-12-02T00:00:00Z"), KEY);
    expect(result).toMatchObject({ ok: false, status: 409, error: expect.stringMatching(/ya está instalado y es el certificado activo/) });
    expect(await eventCount(t.db)).toBe(events);
    expect(await certificateCount(t.db)).toBe(1);
  });

  it("activeSigner returns the certificate and a key that signs (CMS verifies)", async () => {
    const signer = await activeSigner(t.db, NOW, KEY);
    expect(signer).toMatchObject({ noCertificado: "30001000000500003416", rfc: "EKU9003173C9", taxpayerId: ekuTaxpayerId, isTest: true });
    expect(signer.certificateDer.equals(pair("ekuCsd").cer)).toBe(true);
    const zip = Buffer.from("PK\u0003\u0004 paquete", "latin1");
    const signature = signDetachedCms(zip, signer.certificateDer, signer.privateKey, NOW);
    expect(verifyDetachedCms(zip, signature, pair("ekuCsd").cer)).toEqual({ ok: true, signerNoCertificado: "30001000000500003416", signingTime: NOW });
  });

  it("activeSigner refuses an expired or not-yet-valid CSD and a key sealed under another AFORO_ENCRYPTION_KEY", async () => {
    await expect(activeSigner(t.db, at("2027-06-01T00:00:00Z"), KEY)).rejects.toMatchObject({ code: "expired", message: expect.stringMatching(/caducó/) });
    await expect(activeSigner(t.db, at("2023-01-01T00:00:00Z"), KEY)).rejects.toMatchObject({ code: "not_yet_valid" });
    const error = await activeSigner(t.db, NOW, OTHER_KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsdUnavailableError);
    expect(error).toMatchObject({ code: "unreadable", message: expect.stringMatching(/es erróneo: su llave privada guardada no se puede descifrar/) });
  });

  it("with two taxpayers the taxpayer must be named; replacing the Activo CSD makes the old one Inactivo «sustituido por …»", async () => {
    const [created] = await t.db.query<{ id: number }>(
      "insert into taxpayers (rfc, name, character) values ('CACX7605101P8', 'XOCHILT CASAS CHAVEZ', 'permisionario') returning id",
    );
    cacxTaxpayerId = Number(created!.id);
    expect(await installCertificate(t.db, admin, pair("cacxCsd"), FIXTURE_PASSWORD, NOW, KEY)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/varios contribuyentes/) });
    expect(await installCertificate(t.db, admin, pair("cacxCsd"), FIXTURE_PASSWORD, NOW, KEY, { taxpayerId: 999999 })).toMatchObject({ ok: false, status: 404 });

    const events = await eventCount(t.db);
    const first = await installCertificate(t.db, admin, pair("cacxCsd"), FIXTURE_PASSWORD, at("2026-12-02T10:00:00Z"), KEY, { taxpayerId: cacxTaxpayerId });
    expect(first).toMatchObject({ ok: true, value: { replaced: null, certificate: { noCertificado: "30001000000500003316", status: "active" } } });
    const second = await installCertificate(t.db, admin, pair("cacxCsd2"), FIXTURE_PASSWORD, at("2026-12-03T10:00:00Z"), KEY, { taxpayerId: cacxTaxpayerId });
    expect(second.ok).toBe(true);
    if (!second.ok || !first.ok) return;
    expect(second.value.replaced).toEqual({ id: first.value.certificate.id, noCertificado: "30001000000500003316" });
    expect(await eventCount(t.db)).toBe(events + 2);
    const [lastEntry] = await t.db.query<{ description: string }>("select description from event_log order by id desc limit 1");
    expect(lastEntry!.description).toMatch(/sustituye al CSD 30001000000500003316, que queda Inactivo$/);

    const old = (await stored(t.db, "30001000000500003316"))!;
    expect(old).toMatchObject({ status: "replaced", status_info: "sustituido por 30001000000500003317" });
    expect(new Date(old.status_changed_at).toISOString()).toBe("2026-12-03T10:00:00.000Z");
    expect(await count(t.db, "select count(*) as n from csd_certificates where status = 'active' and taxpayer_id = $1", [cacxTaxpayerId])).toBe(1);
    // The EKU taxpayer's Activo CSD is untouched.
    expect((await stored(t.db, "30001000000500003416"))!.status).toBe("active");

    const list = await listCertificates(t.db, at("2026-12-04T00:00:00Z"));
    expect(list.map((c) => [c.noCertificado, c.statusLabel, c.statusInfo])).toEqual([
      ["30001000000500003317", "Activo", null],
      ["30001000000500003316", "Inactivo", "sustituido por 30001000000500003317"],
      ["30001000000500003416", "Activo", null],
    ]);
    expect((await listCertificates(t.db, NOW, { taxpayerId: cacxTaxpayerId })).map((c) => c.noCertificado)).toEqual(["30001000000500003317", "30001000000500003316"]);

    // Two Activo CSDs (one per taxpayer): the signer must be chosen by taxpayer.
    await expect(activeSigner(t.db, NOW, KEY)).rejects.toMatchObject({ code: "ambiguous" });
    expect((await activeSigner(t.db, NOW, KEY, { taxpayerId: cacxTaxpayerId })).noCertificado).toBe("30001000000500003317");
  });

  it("re-installing a replaced certificate makes it Activo again and the current one Inactivo", async () => {
    const result = await installCertificate(t.db, admin, pair("cacxCsd"), FIXTURE_PASSWORD, at("2026-12-05T10:00:00Z"), KEY, { taxpayerId: cacxTaxpayerId });
    expect(result).toMatchObject({ ok: true, value: { replaced: { noCertificado: "30001000000500003317" }, certificate: { noCertificado: "30001000000500003316", status: "active", statusInfo: "reinstalado" } } });
    expect((await stored(t.db, "30001000000500003317"))!).toMatchObject({ status: "replaced", status_info: "sustituido por 30001000000500003316" });
    expect(await certificateCount(t.db)).toBe(3);
  });

  it("refreshCertificateStatuses: a stored key that no longer opens → Erróneo; expiry → Inactivo «caducado» (one bitácora entry each)", async () => {
    // Corrupt the CACX Activo certificate's sealed key (as a changed AFORO_ENCRYPTION_KEY would).
    await t.db.query("update csd_certificates set private_key_tag = $1 where serial_number = '30001000000500003316'", [Buffer.alloc(16)]);
    const events = await eventCount(t.db);
    const refreshed = await refreshCertificateStatuses(t.db, at("2026-12-06T00:00:00Z"), KEY);
    expect(refreshed).toEqual({ expired: [], errored: ["30001000000500003316"] });
    expect(await eventCount(t.db)).toBe(events + 1);
    const erroneous = (await listCertificates(t.db, at("2026-12-06T00:00:00Z"))).find((c) => c.noCertificado === "30001000000500003316")!;
    expect(erroneous).toMatchObject({ status: "error", statusLabel: "Erróneo", statusInfo: expect.stringMatching(/no se puede descifrar/) });
    await expect(activeSigner(t.db, at("2026-12-06T00:00:00Z"), KEY, { taxpayerId: cacxTaxpayerId })).rejects.toMatchObject({ code: "none" });

    // 2027-06-01: the EKU CSD (valid to 2027-05-18) shows Inactivo «caducado» before and after the refresh.
    const later = at("2027-06-01T00:00:00Z");
    const shown = (await listCertificates(t.db, later)).find((c) => c.noCertificado === "30001000000500003416")!;
    expect(shown).toMatchObject({ status: "expired", statusLabel: "Inactivo", statusInfo: "caducado", storedStatus: "active", statusChangedAt: "2027-05-18T11:43:51.000Z" });
    const expired = await refreshCertificateStatuses(t.db, later);
    expect(expired).toEqual({ expired: ["30001000000500003416"], errored: [] });
    expect(await eventCount(t.db)).toBe(events + 2);
    const [entry] = await t.db.query<{ username: string; description: string }>("select username, description from event_log order by id desc limit 1");
    expect(entry).toMatchObject({ username: "sistema", description: expect.stringMatching(/^El CSD 30001000000500003416 caducó el 18 de mayo de 2027/) });
    expect((await stored(t.db, "30001000000500003416"))!).toMatchObject({ status: "expired", status_info: "caducado" });
    // Idempotent.
    expect(await refreshCertificateStatuses(t.db, later, KEY)).toEqual({ expired: [], errored: [] });
    expect(await eventCount(t.db)).toBe(events + 2);
  });
});
