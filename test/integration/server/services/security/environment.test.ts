import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import { loadConfig } from "../../../../../server/config";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { hashPassword } from "../../../../../server/platform/password-hash";
import { installCertificate } from "../../../../../server/services/csd/index";
import { refuseTestCertificates } from "../../../../../server/services/csd/http";
import { assertEnvironment, demoAccountsWithPublicPassword } from "../../../../../server/services/security/environment";
import { FIXTURE_PASSWORD, pair } from "../../../../helpers/csd-fixtures";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";

/**
 * A30-SEC-12 / A30-CSD-06: in `production` mode demo accounts do not exist (a database whose demo
 * users still open with their public passwords does not start) and SAT test certificates are
 * refused «certificado de pruebas»; in `demo` mode both are accepted.
 */
const NOW = new Date("2026-11-20T18:00:00Z");
const KEY = "5a".repeat(32);

describe.each(testEngines)("environment modes on %s (A30-SEC-12, A30-CSD-06)", (engine) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: NOW });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it("a demo database does not start in production: the error names the demo accounts; demo and test modes start", async () => {
    expect(await demoAccountsWithPublicPassword(t.db)).toEqual(["admin", "auditor", "operador", "supervisor"]);
    await expect(assertEnvironment(t.db, "production")).rejects.toThrow(/usuarios de demostración con su contraseña pública \(admin, auditor, operador, supervisor\)/);
    await expect(assertEnvironment(t.db, "demo")).resolves.toBeUndefined();
    await expect(assertEnvironment(t.db, "test")).resolves.toBeUndefined();
  });

  it("A30-CSD-06: production refuses the SAT test CSD «certificado de pruebas»; demo installs it", async () => {
    const [row] = await t.db.query<{ id: number }>("select id from users where username = 'admin'");
    const admin = { id: Number(row!.id), username: "admin", role: "administrador" as const };
    const production = refuseTestCertificates({ config: loadConfig({ AFORO_ENV: "production" }) });
    const demo = refuseTestCertificates({ config: loadConfig({ AFORO_DEMO: "1" }) });
    expect([production, demo]).toEqual([true, false]);
    const refused = await installCertificate(t.db, admin, pair("ekuCsd"), FIXTURE_PASSWORD, NOW, KEY, { refuseTestCertificates: production });
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok ? "" : refused.error).toContain("certificado de pruebas");
    expect((await t.db.query<{ n: number }>("select count(*)::int as n from csd_certificates"))[0]!.n).toBe(0);
    const installed = await installCertificate(t.db, admin, pair("ekuCsd"), FIXTURE_PASSWORD, NOW, KEY, { refuseTestCertificates: demo });
    expect(installed).toMatchObject({ ok: true });
  });

  it("once every demo account is deactivated or has its own password, production starts", async () => {
    await t.db.query("update users set active = false where username in ('operador', 'auditor')");
    const own = await hashPassword("Contraseña-Propia#2026");
    await t.db.query("update users set password_hash = $1 where username in ('admin', 'supervisor')", [own]);
    expect(await demoAccountsWithPublicPassword(t.db)).toEqual([]);
    await expect(assertEnvironment(t.db, "production")).resolves.toBeUndefined();
  });
});
