import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { verifyDetachedCms } from "../../server/domain/csd/index";
import { assertValidReport, parseReportFileName, unpackReport } from "../../server/domain/sat-report/index";
import { apiLogIn, csrfHeaders, DEMO_CSD_CERTIFICATE, DEMO_PASSWORDS, installDemoCsd, logIn } from "./helpers";

// Issue #6 items 7–12 on the demo: the Supervisor generates yesterday's daily report of EDS-0001,
// sealed with the demo CSD; the Auditor Fiscal downloads the ZIP and its detached CMS signature,
// which verify, and the JSON inside validates against SAT's schema and is correctly named.

function mexicoCityDate(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Mexico_City", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
}

test("A30-RPT: a sealed, schema-valid, correctly named daily report; the Auditor Fiscal downloads and verifies it; the Operador cannot", async ({ playwright, baseURL, page }) => {
  test.setTimeout(120_000);
  // The demo CSD, installed by the Administrador (409 when an earlier spec already did).
  await installDemoCsd(playwright, baseURL);

  const supervisor = await playwright.request.newContext({ baseURL });
  expect([200, 302]).toContain(await apiLogIn(supervisor, "supervisor", DEMO_PASSWORDS.supervisor));
  const date = mexicoCityDate(Date.now() - 86_400_000);
  const generated = await supervisor.post("/api/reports", { headers: await csrfHeaders(supervisor), data: { kind: "daily", installationKey: "EDS-0001", date } });
  expect(generated.status(), await generated.text()).toBe(201);
  const { report } = (await generated.json()) as { report: { reportId: number; fileName: string; sealed: boolean; noCertificado: string | null } };
  expect(report.sealed).toBe(true);
  expect(report.noCertificado).toBe("30001000000500003416");
  await supervisor.dispose();

  await logIn(page, "auditor", DEMO_PASSWORDS.auditor);
  await page.goto("/reportes");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Reportes");
  const zip = await page.request.get(`/api/reports/${report.reportId}/download?file=zip`);
  expect(zip.status()).toBe(200);
  const zipName = /filename="([^"]+)"/.exec(zip.headers()["content-disposition"] ?? "")![1]!;
  expect(zipName).toMatch(new RegExp(`^D_[0-9a-f-]{36}_EKU9003173C9_[A-Z0-9Ñ&]{12,13}_${date}_EDS-0001_EXO_JSON\\.zip$`));
  const parsedName = parseReportFileName(zipName.replace(/\.zip$/, ""));
  expect(parsedName.ok).toBe(true);
  const sig = await page.request.get(`/api/reports/${report.reportId}/download?file=sig`);
  expect(sig.status()).toBe(200);
  const zipBytes = Buffer.from(await zip.body());
  const cert = readFileSync(DEMO_CSD_CERTIFICATE);
  const verified = verifyDetachedCms(zipBytes, Buffer.from(await sig.body()), cert);
  expect(verified).toMatchObject({ ok: true, signerNoCertificado: "30001000000500003416" });
  const unpacked = unpackReport(zipBytes);
  if (!unpacked.ok) throw new Error(unpacked.error);
  expect(unpacked.value.jsonName).toBe(zipName.replace(/\.zip$/, ".json"));
  const json = JSON.parse(unpacked.value.jsonText) as unknown;
  expect(assertValidReport("daily", json)).toEqual({ ok: true });
  expect((await page.request.get(`/api/reports/${report.reportId}/download?file=../../etc/passwd`)).status()).toBe(400);
  // The Auditor Fiscal may not generate.
  expect((await page.request.post("/api/reports", { headers: await csrfHeaders(page.context()), data: { kind: "daily", installationKey: "EDS-0001", date } })).status()).toBe(403);

  const operador = await playwright.request.newContext({ baseURL });
  expect([200, 302]).toContain(await apiLogIn(operador, "operador", DEMO_PASSWORDS.operador));
  expect((await operador.get("/api/reports")).status()).toBe(403);
  expect((await operador.get(`/api/reports/${report.reportId}/download?file=zip`)).status()).toBe(403);
  await operador.dispose();
});
