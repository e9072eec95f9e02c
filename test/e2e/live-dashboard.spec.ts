import { expect, test } from "@playwright/test";

// Issue #2 acceptance: log in as admin in Chromium, see EDS-0001's tanks, see a level change within 5 s.
test("admin logs in, sees EDS-0001's tanks and a live level change within 5 s (A30-ACC-01, A30-ACC-07)", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("Usuario").fill("admin");
  await page.getByLabel("Contraseña").fill("Aforo#Admin2026");
  await page.getByRole("button", { name: "Iniciar sesión" }).click();

  await expect(page).toHaveURL(/\/tablero$/);
  await expect(page.getByTestId("session-user")).toContainText("Administrador");
  const station = page.locator('section[data-installation="EDS-0001"]');
  await expect(station.locator("article.tank-card")).toHaveCount(3);
  for (const key of ["TQS-EDS-0001", "TQS-EDS-0002", "TQS-EDS-0003"]) {
    await expect(station.locator(`article[data-tank="${key}"] h3`)).toHaveText(key);
  }
  await expect(page.getByTestId("connection-state")).toContainText("En vivo");

  const level = station.locator('article[data-tank="TQS-EDS-0001"] [data-testid="level"]');
  await expect(level).toHaveText(/\d.* mm/);
  const first = await level.textContent();
  await expect.poll(async () => level.textContent(), { timeout: 5_000, intervals: [200] }).not.toBe(first);

  const screenshot = testInfo.outputPath("tablero.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach("tablero", { path: screenshot, contentType: "image/png" });
});

test("a wrong password is refused with a message and no session", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Usuario").fill("admin");
  await page.getByLabel("Contraseña").fill("incorrecta");
  await page.getByRole("button", { name: "Iniciar sesión" }).click();
  await expect(page.locator("#login-error")).toHaveText("Usuario o contraseña incorrectos.");
  await page.goto("/tablero");
  await expect(page).toHaveURL(/\/login$/);
});
