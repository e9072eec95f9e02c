import { expect, test } from "@playwright/test";
import { logIn, csrfHeaders } from "./helpers";

// A30-LOG-02/03/04/06: the bitácora page in Chromium against the demo server.

test("operador opens the bitácora, registers a manual entry and sees it; the integrity check passes (A30-LOG-02/03/06)", async ({ page }) => {
  await logIn(page, "operador", "Aforo#Oper2026");
  await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Bitácora" }).click();
  await expect(page).toHaveURL(/\/bitacora$/);
  const table = page.getByTestId("bitacora-table");
  // Opening the bitácora is itself an entry (category 5) with the user.
  await expect(table.locator("tbody tr").first()).toContainText("Revisión de bitácora");
  await expect(table.locator("tbody tr").first()).toContainText("operador");

  const text = `Se revisaron los sellos del dispensario 3 (${Date.now()})`;
  const form = page.getByRole("form", { name: "Registrar evento" });
  await form.getByLabel("Descripción").fill(text);
  await form.getByRole("button", { name: "Registrar" }).click();
  await expect(page.getByTestId("entry-forms").getByRole("status")).toContainText(/Entrada \d+ registrada/);
  const row = table.locator("tbody tr", { hasText: text });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("operador");
  await expect(row).toContainText("otro");

  await page.getByRole("button", { name: "Verificar integridad" }).click();
  await expect(page.getByTestId("verify-result")).toContainText("Bitácora íntegra");
});

test("auditor fiscal sees the bitácora but no entry form, and the API refuses its entries with 403 (A30-LOG-02/03)", async ({ page }) => {
  await logIn(page, "auditor", "Aforo#Audit2026");
  await page.goto("/bitacora");
  const table = page.getByTestId("bitacora-table");
  await expect(table.locator("tbody tr").first()).toContainText("auditor");
  await expect(page.getByTestId("entry-forms")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Registrar" })).toHaveCount(0);
  const refused = await page.request.post("/api/bitacora", { headers: await csrfHeaders(page.context()), data: { category: "otro", description: "intento del auditor" } });
  expect(refused.status()).toBe(403);
  const list = await page.request.get("/api/bitacora?q=intento%20del%20auditor");
  expect(list.status()).toBe(200);
  expect((await list.json()).total).toBe(0);
});
