import { expect, test } from "@playwright/test";
import { DEMO_PASSWORDS, logInPage } from "./helpers";

// Issue #5 items 2, 3, 11 (A30-ACC-04/05, A30-SEC-03/04/05/07): the Administrador registers a user
// on /usuarios, sees the temporary password once and prints the responsiva (without it); the new
// person can do nothing but register a new password, which must follow the rules and not repeat
// an earlier one; then the dashboard opens.

test("A30-ACC-04/05, A30-SEC-05/07: register a user, print the responsiva, forced password change at first log-in", async ({ browser }) => {
  const admin = await logInPage(browser, "admin", DEMO_PASSWORDS.admin);
  await admin.goto("/usuarios");
  const form = admin.getByRole("region", { name: "Registrar usuario" });
  await form.getByLabel("Usuario").fill("capturista1");
  await form.getByLabel("Nombre").fill("Carla Capturista");
  await form.getByLabel("Perfil", { exact: true }).selectOption("operador");
  await form.getByRole("button", { name: "Registrar usuario" }).click();
  const notice = admin.getByTestId("temporary-password-notice");
  await expect(notice).toContainText("en persona");
  const temporary = (await admin.getByTestId("temporary-password").textContent())!.trim();
  expect(temporary).toHaveLength(16);
  await expect(admin.locator('tr[data-user="capturista1"]')).toContainText("Sí (primer acceso)");

  // A30-SEC-07: the receipt for signature names user, name and profile — never the password.
  const receiptUrl = await notice.getByRole("link", { name: "Imprimir responsiva" }).getAttribute("href");
  await admin.goto(receiptUrl!);
  const receipt = admin.getByTestId("responsiva");
  await expect(receipt).toContainText("capturista1");
  await expect(receipt).toContainText("Carla Capturista");
  await expect(receipt).toContainText("Operador");
  await expect(receipt).toContainText("personalmente");
  await expect(receipt).not.toContainText(temporary);
  await expect(admin.getByRole("button", { name: "Imprimir" })).toBeVisible();

  // The new person logs in with the temporary password: only the change-password screen works.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Usuario").fill("capturista1");
  await page.getByLabel("Contraseña").fill(temporary);
  await page.getByRole("button", { name: "Iniciar sesión" }).click();
  // A30-ACC-05: the shell sends the person to the change-password screen, whatever the URL.
  await expect(page).toHaveURL(/\/cambiar-contrasena$/);
  await page.goto("/operaciones");
  await expect(page).toHaveURL(/\/cambiar-contrasena$/);
  const blocked = await page.request.get("/api/installations");
  expect(blocked.status()).toBe(403);
  expect(await blocked.json()).toMatchObject({ error: "password_change_required" });

  await page.goto("/cambiar-contrasena");
  await expect(page.getByTestId("password-change-reason")).toContainText("primer inicio de sesión");
  const fill = async (current: string, next: string, confirmation = next) => {
    await page.getByLabel("Contraseña actual").fill(current);
    await page.getByLabel("Contraseña nueva", { exact: true }).fill(next);
    await page.getByLabel("Confirmar contraseña nueva").fill(confirmation);
    await page.getByRole("button", { name: "Guardar contraseña" }).click();
  };
  await fill(temporary, "abc12345");
  await expect(page.locator("#password-error")).toContainText("mayúscula");
  await fill(temporary, temporary);
  await expect(page.locator("#password-error")).toContainText("ontraseña usada anteriormente");
  await fill(temporary, "Captura#2026ok");
  await expect(page).toHaveURL(/\/tablero$/);
  expect((await page.request.get("/api/installations")).status()).toBe(200);
  await context.close();

  // A30-SEC-03: a profile change with its reason; the account now shows the new profile.
  await admin.goto("/usuarios");
  const row = admin.locator('tr[data-user="capturista1"]');
  await expect(row.locator("td").nth(5)).toHaveText("No");
  await row.getByText("Editar").click();
  const editor = admin.getByTestId("user-editor-capturista1");
  await editor.getByLabel("Perfil", { exact: true }).selectOption("supervisor");
  await editor.getByLabel("Motivo del cambio de perfil").fill("Cubre la supervisión del turno nocturno");
  await editor.getByRole("button", { name: "Cambiar perfil" }).click();
  await expect(editor.getByTestId("user-edit-result")).toContainText("Perfil cambiado");
  await expect(row.locator("td").nth(2)).toHaveText("Supervisor");

  // A30-SEC-04: the access-review report lists the account.
  await admin.goto("/usuarios/revision");
  await expect(admin.getByRole("heading", { name: "Revisión de usuarios y privilegios" })).toBeVisible();
  await expect(admin.getByTestId("access-review-table").locator('tr[data-user="capturista1"]')).toContainText("Supervisor");
  // No review recorded yet on the demo: the review page and every other screen remind the
  // Administrador; recording one clears it.
  await expect(admin.getByTestId("access-review-due")).toContainText("Revisión de accesos vencida");
  await admin.goto("/tablero");
  await expect(admin.getByTestId("shell-access-review-due")).toContainText("Revisión de accesos vencida");
  await admin.goto("/usuarios/revision");
  const recorded = admin.waitForResponse((r) => r.url().endsWith("/api/access-review") && r.request().method() === "POST");
  await admin.getByRole("button", { name: "Registrar revisión" }).click();
  expect((await recorded).status()).toBe(201);
  await admin.goto("/tablero");
  await expect(admin.getByTestId("shell-access-review-due")).toHaveCount(0);
  await admin.context().close();
});
