import { expect, test } from "@playwright/test";
import { logIn } from "./helpers";

// Issue #4 (A30-INV-01…06, A30-ACC-03): every profile consults the daily inventory control. On a
// fresh demo database no cut hour has passed yet, so the page shows the open period: the running
// balance per tank computed by the cut service (measured stock from the live tank readings), and
// says when the record will be made.
test("the Auditor Fiscal opens Inventario and sees EDS-0001's current cut period per tank (A30-INV-01, A30-INV-05)", async ({ page }) => {
  await logIn(page, "auditor", "Aforo#Audit2026");

  await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Inventario" }).click();
  await expect(page).toHaveURL(/\/inventario$/);
  await expect(page.getByRole("heading", { name: "Control de existencias", exact: true })).toBeVisible();
  await page.getByLabel("Instalación").selectOption("EDS-0001");
  await page.getByRole("button", { name: "Consultar" }).click();
  await expect(page.getByTestId("inventory-period")).toContainText("EDS-0001 · periodo del");
  await expect(page.getByTestId("inventory-period")).toContainText("hora de corte 00:00");
  await expect(page.getByTestId("inventory-no-records")).toContainText("se registrará a la hora de corte");

  const preview = page.getByTestId("inventory-preview");
  for (const tank of ["TQS-EDS-0001", "TQS-EDS-0002", "TQS-EDS-0003"]) {
    await expect(preview.locator(`tr[data-tank="${tank}"]`)).toHaveCount(1);
  }
  // The measured stock comes from the tank readings the demo collector stores (reload until the first ones arrived).
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("inventory-preview").locator('tr[data-tank="TQS-EDS-0001"] [data-testid="measured"]').textContent();
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toMatch(/^\d{1,3}(,\d{3})*\.\d{3}$/);
});

test("GET /api/inventory: 401 without a session, the cut view with one for every profile (A30-ACC-03)", async ({ page, request }) => {
  const anonymous = await request.get("/api/inventory?installation=EDS-0001");
  expect(anonymous.status()).toBe(401);

  await logIn(page, "operador", "Aforo#Oper2026");
  const response = await page.request.get("/api/inventory?installation=EDS-0001");
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { installation: { key: string; cutHour: string }; period: { open: boolean }; preview: { rows: { tank: string }[] } };
  expect(body.installation).toMatchObject({ key: "EDS-0001", cutHour: "00:00" });
  expect(body.period.open).toBe(true);
  expect(body.preview.rows.map((r) => r.tank)).toEqual(["TQS-EDS-0001", "TQS-EDS-0002", "TQS-EDS-0003"]);
  const bad = await page.request.get("/api/inventory?installation=EDS-0001&date=2026-02-30");
  expect(bad.status()).toBe(400);
});
