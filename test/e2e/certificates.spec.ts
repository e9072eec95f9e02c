import path from "node:path";
import { expect, test } from "@playwright/test";
import { csrfHeaders, DEMO_PASSWORDS, logIn, logInPage } from "./helpers";

// Issue #6 "done when": an Administrador can install the demo CSD (only that role may, A30-ACC-03);
// a FIEL is refused with its reason; the other profiles get 403 from the page and the API.
const CSD = path.resolve("test/fixtures/csd/duckylabs-SatCredentialsCore/EKU9003173C9");

test("A30-CSD-01/02: the Administrador installs the demo taxpayer's CSD; a FIEL and a wrong password are refused with the reason", async ({ page }) => {
  await logIn(page, "admin", DEMO_PASSWORDS.admin);
  await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Certificados" }).click();
  await expect(page).toHaveURL(/\/certificados$/);
  const form = page.getByTestId("csd-install-form");

  await form.getByLabel("Certificado (.cer)").setInputFiles(path.join(CSD, "fiel_EKU9003173C9.cer"));
  await form.getByLabel("Llave privada (.key)").setInputFiles(path.join(CSD, "fiel_EKU9003173C9.key"));
  await form.getByLabel("Contraseña de la llave privada").fill("12345678a");
  await form.getByRole("button", { name: "Instalar certificado" }).click();
  await expect(page.getByTestId("csd-install-error")).toContainText("no es un CSD");

  await form.getByLabel("Certificado (.cer)").setInputFiles(path.join(CSD, "csd_EKU9003173C9.cer"));
  await form.getByLabel("Llave privada (.key)").setInputFiles(path.join(CSD, "csd_EKU9003173C9.key"));
  await form.getByLabel("Contraseña de la llave privada").fill("incorrecta");
  await form.getByRole("button", { name: "Instalar certificado" }).click();
  await expect(page.getByTestId("csd-install-error")).toContainText("contraseña incorrecta");

  await form.getByLabel("Contraseña de la llave privada").fill("12345678a");
  await form.getByRole("button", { name: "Instalar certificado" }).click();
  await expect(page.getByTestId("csd-install-done")).toBeVisible();
  const row = page.getByTestId("csd-table").locator('tr[data-certificate="30001000000500003416"]');
  await expect(row).toBeVisible();
  await expect(row).toContainText("EKU9003173C9");
  await expect(row).toContainText("CSD");
  await expect(row).toContainText("Activo");
});

test("A30-ACC-03: Supervisor, Operador and Auditor Fiscal cannot open /certificados nor install through the API (403)", async ({ browser }) => {
  for (const username of ["supervisor", "operador", "auditor"] as const) {
    const page = await logInPage(browser, username, DEMO_PASSWORDS[username]);
    expect((await page.goto("/certificados"))!.status(), username).toBe(403);
    const refused = await page.request.post("/api/certificates", {
      headers: await csrfHeaders(page.context()),
      multipart: { password: "12345678a" },
    });
    expect(refused.status(), username).toBe(403);
    await page.context().close();
  }
});
