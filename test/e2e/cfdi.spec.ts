import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { fuelCfdi } from "../helpers/cfdi-variants";
import { csrfHeaders, DEMO_PASSWORDS, logIn } from "./helpers";

// Issue #6 "done when": a Supervisor imports CFDI and sees them matched to operations (A30-CFDI-05);
// a hostile file is refused with its reason and nothing is stored.

/** `YYYY-MM-DD` of a day in America/Mexico_City. */
function mexicoCityDate(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Mexico_City", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));
}

test("A30-CFDI-05: the Supervisor uploads an acquisition CFDI in /cfdi and it is linked to the matching reception, which shows it", async ({ page }) => {
  await logIn(page, "supervisor", DEMO_PASSWORDS.supervisor);
  const day = mexicoCityDate(Date.now() - 86_400_000);
  // A reception from the supplier GPA200101NL1 with a volume no demo delivery has.
  const created = await page.request.post("/api/operations", {
    headers: await csrfHeaders(page.context()),
    data: {
      installationKey: "EDS-0001",
      type: "reception",
      tankKey: "TQS-EDS-0002",
      startAt: `${day}T09:00:00-06:00`,
      endAt: `${day}T09:40:00-06:00`,
      netVolume: 13579,
      counterpartyRfc: "GPA200101NL1",
      counterpartyName: "GASOLINERA PROVEEDORA",
      justification: "Recepción registrada a mano para la prueba de conciliación con CFDI",
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { operation } = (await created.json()) as { operation: { id: number; number: number } };

  // The demo history already holds the supplier's demo CFDI (issue #6 item 14): counted before the upload.
  const supplierCfdi = async () => ((await (await page.request.get("/api/cfdi?rfc=GPA200101NL1&limit=1000")).json()) as { cfdi: { uuid: string }[] }).cfdi.map((c) => c.uuid);
  const before = await supplierCfdi();
  const uuid = randomUUID().toUpperCase();
  const xml = fuelCfdi({ uuid, quantity: "13579", amount: "291948.50", unitPrice: "21.50", fecha: `${day}T10:00:00` });
  await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "CFDI" }).click();
  await expect(page).toHaveURL(/\/cfdi/);
  const form = page.getByTestId("cfdi-upload-form");
  await form.getByLabel("Archivos XML de CFDI").setInputFiles([
    { name: "compra.xml", mimeType: "text/xml", buffer: Buffer.from(xml) },
    { name: "hostil.xml", mimeType: "text/xml", buffer: Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>') },
  ]);
  await form.getByRole("button", { name: "Importar CFDI" }).click();
  const results = page.getByTestId("cfdi-import-results");
  await expect(results.locator('li[data-ok="true"]')).toContainText(uuid);
  await expect(results.locator('li[data-ok="true"]')).toContainText(`vinculado a la operación ${operation.number} de EDS-0001`);
  await expect(results.locator('li[data-ok="false"]')).toContainText("hostil.xml");

  // The operation shows its CFDI.
  await page.goto(`/operaciones?detalle=${operation.id}`);
  await expect(page.getByTestId("operation-detail")).toContainText(uuid);
  // The hostile file stored nothing: the supplier has exactly one CFDI more, the one imported.
  const after = await supplierCfdi();
  expect(after.filter((u) => !before.includes(u))).toEqual([uuid]);
});

test("A30-ACC-03: the Operador and the Auditor Fiscal see CFDI but cannot import (403)", async ({ browser }) => {
  for (const username of ["operador", "auditor"] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, username, DEMO_PASSWORDS[username]);
    expect((await page.goto("/cfdi"))!.status(), username).toBe(200);
    await expect(page.getByTestId("cfdi-upload-form")).toHaveCount(0);
    const refused = await page.request.post("/api/cfdi", { headers: await csrfHeaders(context), multipart: { files: { name: "a.xml", mimeType: "text/xml", buffer: Buffer.from("<x/>") } } });
    expect(refused.status(), username).toBe(403);
    await context.close();
  }
});
