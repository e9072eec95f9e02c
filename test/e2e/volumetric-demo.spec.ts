import { expect, test } from "@playwright/test";
import { logIn } from "./helpers";

// Issue #4 "Done when": a fresh demo already shows its history (server/services/demo/history.ts —
// since issue #6 the previous full month and the current month to date): the tanker reception
// detected from the tank series (A30-REC-01), the daily cuts (A30-INV-01), the A30-INC-01 finding of
// the leaking tank TQS-EDS-0002 on the first day (the first of last month), its alarm (acknowledge,
// attend) and its bitácora entry.

const LEAK_TANK = "TQS-EDS-0002";

/** The first history day (the first of the previous month in Mexico City) plus `offsetDays`. */
function historyDay(offsetDays: number): string {
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "America/Mexico_City", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  const [year, month] = today.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(year, month - 2, 1 + offsetDays, 12)).toISOString().slice(0, 10);
}

test("issue #4: the demo history shows a tanker reception, the cut with the A30-INC-01 finding, its alarm (acknowledge + attend) and its bitácora entry", async ({ page }) => {
  test.setTimeout(120_000);
  await logIn(page, "supervisor", "Aforo#Super2026");

  // A30-ACC-07: from the dashboard itself the leaking tank shows its active alarm, linked to the register.
  const leakCard = page.locator(`article[data-tank="${LEAK_TANK}"]`);
  await expect(leakCard.getByTestId("tank-alarms")).toContainText(/alarmas? activas?/);
  await expect(leakCard.getByTestId("tank-alarms")).toHaveAttribute("href", `/alarmas?component=${LEAK_TANK}`);

  // A30-REC-01: a tanker discharge into a station tank, detected from the stock series.
  await page.goto("/operaciones?instalacion=EDS-0001&tipo=reception");
  await expect(page.getByRole("heading", { name: "Operaciones de recepción y entrega" })).toBeVisible();
  const receptions = page.getByTestId("operations-table").locator("tbody tr[data-origin='automatic']").filter({ hasText: "Recepción" });
  await expect(receptions.filter({ hasText: /TQS-EDS-000\d/ }).first()).toBeVisible();

  // A30-INV-01 / A30-INC-01: the first history day's cut with the leaking tank's finding.
  const leakDay = historyDay(0);
  await page.goto(`/inventario?instalacion=EDS-0001&fecha=${leakDay}`);
  await expect(page.getByTestId("inventory-records").locator(`tr[data-tank="${LEAK_TANK}"]`)).toBeVisible();
  await expect(page.getByTestId("inventory-records").locator("tr[data-tank]")).toHaveCount(3);
  const findings = page.getByTestId("inventory-findings");
  await expect(findings.locator("li", { hasText: "A30-INC-01" })).toHaveCount(1);
  await expect(findings.locator("li", { hasText: "A30-INC-01" })).toContainText(LEAK_TANK);
  await expect(findings.locator("li", { hasText: "A30-INC-01" })).toContainText("evento SAT 7");
  // The next day: cut made, no inconsistency.
  await page.goto(`/inventario?instalacion=EDS-0001&fecha=${historyDay(1)}`);
  await expect(page.getByTestId("inventory-records").locator("tr[data-tank]")).toHaveCount(3);
  await expect(page.getByText("A30-INC-01")).toHaveCount(0);

  // A30-ALM-01 type 2: the inconsistency alarm, acknowledged then attended by the supervisor.
  await page.goto("/alarmas");
  await expect(page.getByRole("heading", { name: "Registro de alarmas" })).toBeVisible();
  // The day's finding (the month's own A30-INC-01 on the same tank is another alarm).
  const row = page.getByTestId("active-alarms-table").locator('tr[data-alarm-type="2"]', { hasText: `${LEAK_TANK} ${leakDay}` }).filter({ hasText: "A30-INC-01" });
  await expect(row).toHaveCount(1);
  // A cut's finding is an event: raised already returned to normal, waiting for acknowledgement (A30-ALM-09).
  await expect(row.getByTestId("alarm-state")).toHaveText("Normalizada sin reconocer");
  const alarmId = await row.getAttribute("data-alarm-id");
  await row.getByRole("button", { name: "Reconocer" }).click();
  const byId = page.locator(`tr[data-alarm-id="${alarmId}"]`).first();
  await expect(byId.getByTestId("alarm-state")).toHaveText("Cerrada");
  await byId.getByRole("button", { name: "Atender" }).click();
  const form = page.getByRole("form", { name: /^Atender alarma \d+$/ });
  await form.getByLabel("Causa probable").fill("Fuga en la línea de succión del tanque Premium");
  await form.getByLabel("Acción correctiva").fill("Se aisló el tanque, se reparó la junta y se hizo prueba de hermeticidad");
  await form.getByRole("button", { name: "Registrar atención" }).click();
  const attended = byId;
  await expect(attended.locator(".alarm-badge-attended")).toHaveText("Atendida");
  await attended.getByRole("button", { name: "Detalle" }).click();
  const linked = page.getByTestId("linked-entries").locator("li");
  await expect(linked).toHaveCount(2);
  await expect(linked.nth(0)).toContainText("Causa probable · supervisor");
  await expect(linked.nth(1)).toContainText("Acción correctiva · supervisor");

  // A30-INC-06: the bitácora entry of the inconsistency (category 7, event type 7).
  await page.goto("/bitacora");
  const filters = page.getByRole("form", { name: "Filtros de la bitácora" });
  await filters.getByLabel("Categoría").selectOption("7");
  await filters.getByRole("button", { name: "Filtrar" }).click();
  const entry = page.getByTestId("bitacora-table").locator("tr[data-entry]", { hasText: `${LEAK_TANK} ${leakDay}` }).filter({ hasText: "A30-INC-01" });
  await expect(entry.first()).toBeVisible();
  await expect(entry).toHaveCount(1);
  // Written at the cut (00:05 of the next day, local time), in the demo history.
  await expect(entry).toContainText(historyDay(1).slice(8, 10));
});
