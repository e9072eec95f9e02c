import { expect, test, type Page } from "@playwright/test";
import { apiLogIn, logInPage, csrfHeaders } from "./helpers";

// Issue #4 items 6–8: alarm register, live push to every profile, lifecycle actions by role.

test("A30-ALM-09/10: an alarm raised by the operador appears in the admin's and the auditor's browsers within 2 s; admin acknowledges and attends; the auditor has no actions", async ({ browser, playwright, baseURL }) => {
  const admin = await logInPage(browser, "admin", "Aforo#Admin2026");
  const auditor = await logInPage(browser, "auditor", "Aforo#Audit2026");
  const reviews = async (page: Page, username: string): Promise<number> => {
    const response = await page.context().request.get(`/api/bitacora?user=${username}&q=${encodeURIComponent("Revisión de registro de alarmas")}`);
    expect(response.status()).toBe(200);
    return ((await response.json()) as { total: number }).total;
  };
  const reviewsBefore = [await reviews(admin, "admin"), await reviews(auditor, "auditor")];
  for (const page of [admin, auditor]) {
    await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Alarmas" }).click();
    await expect(page).toHaveURL(/\/alarmas$/);
    await expect(page.getByRole("heading", { name: "Registro de alarmas" })).toBeVisible();
    await expect(page.getByTestId("alarms-connection")).toContainText("En vivo");
    await expect(page.getByTestId("active-alarms")).toBeVisible();
  }
  // Opening the register wrote exactly one "revisión de registro de alarmas" entry per user (A30-ALM-09).
  expect([await reviews(admin, "admin"), await reviews(auditor, "auditor")]).toEqual(reviewsBefore.map((n) => n + 1));
  const auditorCountBefore = Number(await auditor.getByTestId("active-alarms-count").textContent());

  const operador = await playwright.request.newContext({ baseURL });
  expect([200, 302]).toContain(await apiLogIn(operador, "operador", "Aforo#Oper2026"));
  const description = `falla de energía en dispensario 3 (e2e ${Date.now().toString(36)})`;
  const created = await operador.post("/api/alarms", { headers: await csrfHeaders(operador), data: { type: 8, component: "SMD-DISP-0003", installationKey: "EDS-0001", description } });
  expect(created.status()).toBe(201);
  const storedAt = Date.now();
  const { alarm } = (await created.json()) as { alarm: { id: number; origin: string; raisedBy: string; date: string; time: string; component: string; eventType: string; description: string } };
  expect(alarm).toMatchObject({ origin: "manual", raisedBy: "operador", component: "SMD-DISP-0003", eventType: "Falla de energía", description });

  const adminRow = admin.locator(`tr[data-alarm-id="${alarm.id}"]`);
  const auditorRow = auditor.locator(`tr[data-alarm-id="${alarm.id}"]`);
  await Promise.all([expect(adminRow).toBeVisible({ timeout: 2_000 }), expect(auditorRow).toBeVisible({ timeout: 2_000 })]);
  const latency = Date.now() - storedAt;
  test.info().annotations.push({ type: "push latency (ms)", description: String(latency) });
  console.log(`alarm push latency (stored → visible in both browsers): ${latency} ms`);
  expect(latency).toBeLessThanOrEqual(2_000);
  await expect(auditor.getByTestId("latest-alarm")).toContainText(description);
  await expect(auditor.getByTestId("active-alarms-count")).toHaveText(String(auditorCountBefore + 1));
  await expect(auditorRow.getByTestId("alarm-state")).toHaveText("Activa sin reconocer");

  // The Auditor Fiscal sees no action buttons, and the API refuses the action with no state change.
  for (const name of ["Reconocer", "Atender", "Suprimir"]) await expect(auditorRow.getByRole("button", { name })).toHaveCount(0);
  await expect(auditor.getByText("Registrar alarma manual")).toHaveCount(0);
  const refused = await auditor.context().request.post(`/api/alarms/${alarm.id}/acknowledge`, { headers: await csrfHeaders(auditor.context()), data: {} });
  expect(refused.status()).toBe(403);
  const afterRefusal = (await (await auditor.context().request.get(`/api/alarms/${alarm.id}`)).json()) as { alarm: { state: { acknowledged: boolean }; actions: unknown[] } };
  expect(afterRefusal.alarm.state.acknowledged).toBe(false);
  expect(afterRefusal.alarm.actions).toEqual([]);

  // Admin acknowledges: both browsers see the new state (push of the action).
  await adminRow.getByRole("button", { name: "Reconocer" }).click();
  await expect(adminRow.getByTestId("alarm-state")).toHaveText("Activa reconocida");
  await expect(auditorRow.getByTestId("alarm-state")).toHaveText("Activa reconocida", { timeout: 2_000 });

  // Admin attends with cause and corrective action (A30-LOG-09).
  await adminRow.getByRole("button", { name: "Atender" }).click();
  const form = admin.getByRole("form", { name: `Atender alarma ${alarm.id}` });
  await form.getByLabel("Causa probable").fill("Interruptor del dispensario disparado");
  await form.getByLabel("Acción correctiva").fill("Se restableció el interruptor y se verificó la alimentación");
  await form.getByRole("button", { name: "Registrar atención" }).click();
  await expect(adminRow.locator(".alarm-badge-attended")).toHaveText("Atendida");
  await adminRow.getByRole("button", { name: "Detalle" }).click();
  const linked = admin.getByTestId("linked-entries").locator("li");
  await expect(linked).toHaveCount(2);
  await expect(linked.nth(0)).toContainText("Causa probable · admin");
  await expect(linked.nth(0)).toContainText("Interruptor del dispensario disparado");
  await expect(linked.nth(1)).toContainText("Acción correctiva · admin");
  await expect(auditorRow.locator(".alarm-badge-attended")).toHaveText("Atendida", { timeout: 2_000 });

  await operador.dispose();
  await admin.context().close();
  await auditor.context().close();
});

test("A30-ALM-07: 5 wrong passwords for a name (here one that does not exist: answers and alarms never tell) → 5 alarm records with user and IP, one grouped row ×5", async ({ browser, playwright, baseURL }) => {
  const attacker = await playwright.request.newContext({ baseURL });
  for (let i = 0; i < 5; i++) await apiLogIn(attacker, "vigilante", `incorrecta-${i}`);
  const session = (await (await attacker.get("/api/auth/session")).json()) as unknown;
  expect(session).toBeNull();
  await attacker.dispose();

  const admin = await logInPage(browser, "admin", "Aforo#Admin2026");
  const list = (await (await admin.context().request.get("/api/alarms?type=10")).json()) as {
    alarms: { type: number; component: string; description: string; details: { username: string; ip: string } }[];
    groups: { count: number; latest: { details: { username: string } } }[];
  };
  const forVigilante = list.alarms.filter((a) => a.details.username === "vigilante");
  expect(forVigilante).toHaveLength(5);
  for (const a of forVigilante) {
    expect(a.component).toBe("UCC");
    expect(a.details.ip).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(a.description).toContain('"vigilante"');
  }
  expect(list.groups.filter((g) => g.latest.details.username === "vigilante").map((g) => g.count)).toEqual([5]);

  await admin.goto("/alarmas?type=10");
  const row = admin.locator('tr[data-alarm-type="10"]', { hasText: '"vigilante"' });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("alarm-count")).toHaveText("×5");
  await row.getByRole("button", { name: "Reconocer (5)" }).click();
  await expect(admin.getByTestId("history-alarms-table").locator('tr[data-alarm-type="10"]', { hasText: '"vigilante"' }).getByTestId("alarm-count")).toHaveText("×5");
  await admin.context().close();
});
