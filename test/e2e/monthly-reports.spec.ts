import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { verifyDetachedCms } from "../../server/domain/csd/index";
import { assertValidReport, parseReportFileName, unpackReport } from "../../server/domain/sat-report/index";
import { DEMO_CSD_CERTIFICATE, DEMO_PASSWORDS, installDemoCsd, logIn } from "./helpers";

// Issue #6 "Done when" on the demo (items 7–12, 14): the demo database holds the previous full
// month (item 14), so the Supervisor generates last month's monthly report of each demo
// installation from the Reportes page, sealed with the demo CSD, and the Auditor Fiscal downloads
// the ZIP and its .p7s from the list: the signature verifies against the CSD certificate, the name
// follows SAT's pattern, the JSON validates against SAT's Mensual schema and carries the month's
// receptions and deliveries with their demo CFDI.
const INSTALLATIONS = [
  { key: "EDS-0001", type: "EXO" },
  { key: "TDA-0001", type: "ALM" },
] as const;

/** The previous calendar month in Mexico City, AAAA-MM, and its last day. */
function previousMonth(): { month: string; lastDay: string } {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Mexico_City", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const [year, month] = today.split("-").map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 2, 1));
  const last = new Date(Date.UTC(year, month - 1, 0));
  return { month: first.toISOString().slice(0, 7), lastDay: last.toISOString().slice(0, 10) };
}

async function generateMonthly(page: Page, installationKey: string, month: string): Promise<void> {
  await page.goto("/reportes");
  await page.getByLabel("Tipo").selectOption("monthly");
  await page.getByLabel("Instalación").selectOption(installationKey);
  await page.getByLabel("Mes").fill(month);
  // A30-RPT-06: the month's pre-check is shown before generating (the demo's live tail leaves operations pending, never an error).
  await expect(page.getByTestId("report-precheck")).toContainText("Verificación previa del mes");
  await expect(page.getByTestId("report-precheck")).not.toContainText("No se pudo");
  await page.getByRole("button", { name: "Generar reporte" }).click();
  await expect(page.getByTestId("report-generated")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("report-unsealed-warning")).toHaveCount(0);
}

test("Done when (issue #6): the Auditor Fiscal downloads last month's schema-valid, correctly named and sealed monthly report of each demo installation", async ({ playwright, baseURL, browser }) => {
  test.setTimeout(180_000);
  const { month, lastDay } = previousMonth();
  // The demo CSD, installed by the Administrador (409 when an earlier spec already did).
  await installDemoCsd(playwright, baseURL);

  const supervisorContext = await browser.newContext({ baseURL });
  const supervisor = await supervisorContext.newPage();
  await logIn(supervisor, "supervisor", DEMO_PASSWORDS.supervisor);
  for (const installation of INSTALLATIONS) await generateMonthly(supervisor, installation.key, month);
  await supervisorContext.close();

  const auditorContext = await browser.newContext({ baseURL, acceptDownloads: true });
  const auditor = await auditorContext.newPage();
  await logIn(auditor, "auditor", DEMO_PASSWORDS.auditor);
  await auditor.goto("/reportes");
  const cert = readFileSync(DEMO_CSD_CERTIFICATE);
  for (const installation of INSTALLATIONS) {
    // The newest version of the installation's monthly report for the month (the list shows the latest first).
    const row = auditor
      .locator("tr[data-report]")
      .filter({ has: auditor.getByRole("cell", { name: installation.key, exact: true }) })
      .filter({ has: auditor.getByRole("link", { name: month, exact: true }) })
      .first();
    await expect(row).toContainText("Mensual");
    await expect(row).toContainText("Sellado");
    const [zipDownload] = await Promise.all([auditor.waitForEvent("download"), row.getByRole("link", { name: "ZIP" }).click()]);
    const zipName = zipDownload.suggestedFilename();
    expect(zipName).toMatch(new RegExp(`^M_[0-9a-f-]{36}_EKU9003173C9_[A-Z0-9Ñ&]{12,13}_${lastDay}_${installation.key}_${installation.type}_JSON\\.zip$`));
    expect(parseReportFileName(zipName.replace(/\.zip$/, "")).ok).toBe(true);
    const zipBytes = readFileSync((await zipDownload.path())!);
    const [sigDownload] = await Promise.all([auditor.waitForEvent("download"), row.getByRole("link", { name: "firma .p7s" }).click()]);
    const sigBytes = readFileSync((await sigDownload.path())!);
    expect(verifyDetachedCms(zipBytes, sigBytes, cert)).toMatchObject({ ok: true, signerNoCertificado: "30001000000500003416" });
    // The same check from the page (A30-RPT-03: the Auditor Fiscal verifies integrity and seal).
    await row.getByRole("button", { name: "Verificar" }).click();
    await expect(row.getByTestId("report-verification")).toContainText("Íntegro y firma válida");

    const unpacked = unpackReport(zipBytes);
    if (!unpacked.ok) throw new Error(unpacked.error);
    expect(unpacked.value.jsonName).toBe(zipName.replace(/\.zip$/, ".json"));
    const report = JSON.parse(unpacked.value.jsonText) as MonthlyJson;
    expect(assertValidReport("monthly", report)).toEqual({ ok: true });
    expect(report.ClaveInstalacion).toBe(installation.key);
    // Item 14: real content — the month's receptions and deliveries, each total backed by CFDI.
    const volumes = report.Producto.map((p) => p.ReporteDeVolumenMensual);
    const receptions = volumes.reduce((n, v) => n + (v?.Recepciones?.TotalRecepcionesMes ?? 0), 0);
    const deliveries = volumes.reduce((n, v) => n + (v?.Entregas?.TotalEntregasMes ?? 0), 0);
    expect(receptions).toBeGreaterThan(0);
    expect(deliveries).toBeGreaterThan(0);
    expect(volumes.reduce((n, v) => n + (v?.Recepciones?.TotalDocumentosMes ?? 0), 0)).toBeGreaterThan(0);
  }
  await auditorContext.close();
});

interface MonthlyJson {
  ClaveInstalacion: string;
  Producto: Array<{
    ReporteDeVolumenMensual?: {
      Recepciones?: { TotalRecepcionesMes: number; TotalDocumentosMes: number };
      Entregas?: { TotalEntregasMes: number; TotalDocumentosMes: number };
    };
  }>;
}
