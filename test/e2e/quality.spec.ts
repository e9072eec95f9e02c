import { expect, test } from "@playwright/test";
import { DEMO_PASSWORDS, logIn } from "./helpers";

// A30-STO-02 with Anexo 32: the Supervisor corrects a demo dictamen from «Calidad del producto».
// The form opens pre-filled with the stored data; the correction is the next version (the list
// shows version 2), the first version stays readable, and the lot's operations take the new data.
test("A30-STO-02: a dictamen's correction from the UI is its version 2, the form pre-filled with version 1", async ({ page }) => {
  test.setTimeout(90_000);
  await logIn(page, "supervisor", DEMO_PASSWORDS.supervisor);
  await page.goto("/calidad");
  // A demo gasoline dictamen of a tanker reception lot (item 14), version 1.
  const row = page.locator("tr[data-folio]", { hasText: "PR07" }).filter({ hasText: "índice de octano" }).first();
  const folio = (await row.getAttribute("data-folio"))!;
  await row.getByRole("link", { name: `Corregir el dictamen ${folio}` }).click();
  await expect(page.getByRole("heading", { name: `Corregir el dictamen ${folio} (versión 1)` })).toBeVisible();
  const form = page.getByRole("form", { name: "Corregir dictamen" });
  // Pre-filled with the stored dictamen.
  await expect(form.getByLabel("Folio (VII)")).toHaveValue(folio);
  const ron = Number(await form.getByLabel("RON", { exact: true }).inputValue());
  expect(ron).toBeGreaterThan(80);
  await form.getByLabel("RON", { exact: true }).fill(String(ron + 0.5));
  await form.getByLabel("Motivo de la corrección").fill("El laboratorio reemitió el dictamen con el RON corregido");
  await form.getByRole("button", { name: "Revisar antes de guardar" }).click();
  await page.getByRole("region", { name: "Revisión del dictamen" }).getByRole("button", { name: "Confirmar y guardar" }).click();
  await expect(page).toHaveURL(/\/calidad$/);
  const corrected = page.locator(`tr[data-folio="${folio}"]`);
  await expect(corrected).toHaveCount(1);
  await expect(corrected).toContainText("(versión 2)");
  // Version 1 is still readable through the API (never changed).
  const list = (await (await page.request.get("/api/dictamenes?view=dictamenes&limit=500")).json()) as { dictamenes: Array<{ id: number; folio: string; version: number; ron: number | null }> };
  const current = list.dictamenes.find((d) => d.folio === folio)!;
  expect(current).toMatchObject({ version: 2, ron: ron + 0.5 });
});
