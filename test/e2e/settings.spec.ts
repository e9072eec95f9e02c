import { expect, test, type APIRequestContext } from "@playwright/test";
import { logInPage, csrfHeaders } from "./helpers";

// /configuracion (A30-ACC-03, A30-ACC-06, A30-ALM-04, A30-LOG-10) and access entries (A30-LOG-01 category 5, A30-LOG-05).

async function apiLogIn(request: APIRequestContext, username: string, password: string): Promise<void> {
  const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", { form: { csrfToken: csrf.csrfToken, username, password, json: "true" }, maxRedirects: 0 });
  expect([200, 302]).toContain(response.status());
  const session = (await (await request.get("/api/auth/session")).json()) as { user?: { username: string } };
  expect(session.user?.username).toBe(username);
}

interface Entry {
  number: number;
  category: number | null;
  eventType: number;
  username: string;
  description: string;
  details: Record<string, unknown> | null;
}

async function entries(request: APIRequestContext, user: string, q: string): Promise<Entry[]> {
  const response = await request.get(`/api/bitacora?user=${user}&q=${encodeURIComponent(q)}&pageSize=200`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { entries: Entry[] }).entries;
}

test("A30-ACC-06, A30-ALM-04, A30-LOG-10: the supervisor lowers the 72 h limit to 48 with confirmation and sees the bitácora entry with before/after", async ({ browser, playwright, baseURL }) => {
  const page = await logInPage(browser, "supervisor", "Aforo#Super2026");
  await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Configuración" }).click();
  await expect(page).toHaveURL(/\/configuracion$/);
  for (const name of ["Control volumétrico", "Alarmas", "Autodiagnóstico"]) await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();
  await expect(page.locator('[data-installation="EDS-0001"]')).toContainText("Hora de corte");

  const editor = page.getByTestId("setting-alarms.unattended_fault_limit_h");
  await expect(editor.getByTestId("setting-current")).toHaveText("72 h");
  // 73 h: the server refuses it with a Spanish message (only downward).
  await editor.getByRole("spinbutton").fill("73");
  await editor.getByRole("button", { name: "Cambiar" }).click();
  await editor.getByRole("button", { name: "Confirmar" }).click();
  await expect(editor.getByTestId("setting-result")).toContainText("sólo puede reducirse");
  await expect(editor.getByTestId("setting-current")).toHaveText("72 h");

  await editor.getByRole("spinbutton").fill("48");
  await editor.getByRole("button", { name: "Cambiar" }).click();
  await expect(editor.getByRole("group", { name: "Confirmación" })).toContainText("de 72 h a 48 h");
  await editor.getByRole("button", { name: "Confirmar" }).click();
  await expect(editor.getByTestId("setting-result")).toContainText("Cambio de configuración: Límite de fallas no atendidas de 72 h a 48 h");
  await expect(editor.getByTestId("setting-current")).toHaveText("48 h");

  // The bitácora shows the entry (category 1, the supervisor, before/after values).
  await page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Bitácora" }).click();
  await expect(page.getByTestId("bitacora-table")).toContainText("Límite de fallas no atendidas de 72 h a 48 h");
  const found = await entries(page.context().request, "supervisor", "Límite de fallas no atendidas de 72 h a 48 h");
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ category: 1, eventType: 1, username: "supervisor", details: { setting: "alarms.unattended_fault_limit_h", before: 72, after: 48 } });
  const api = (await (await page.context().request.get("/api/settings")).json()) as { settings: { key: string; value: unknown }[] };
  expect(api.settings.find((s) => s.key === "alarms.unattended_fault_limit_h")?.value).toBe(48);

  // Leave the demo's limit as it was (another logged change).
  const restore = await page.context().request.put("/api/settings/alarms.unattended_fault_limit_h", { headers: await csrfHeaders(page.context()), data: { value: 72 } });
  expect(restore.status()).toBe(200);

  // "Cerrar sesión" in the panel writes one "Cierre de sesión" entry for the supervisor (A30-LOG-01 category 5).
  const admin = await playwright.request.newContext({ baseURL });
  await apiLogIn(admin, "admin", "Aforo#Admin2026");
  const logouts = async () => (await entries(admin, "supervisor", "Cierre de sesión")).filter((e) => e.description === "Cierre de sesión" && e.category === 5).length;
  const before = await logouts();
  await page.getByRole("button", { name: "Cerrar sesión" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await logouts()).toBe(before + 1);
  await Promise.all([admin.dispose(), page.context().close()]);
});

test("A30-ACC-03/06: Operador and Auditor Fiscal get the 403 page and 403 from the API; they may still read the settings", async ({ browser, playwright, baseURL }) => {
  const page = await logInPage(browser, "operador", "Aforo#Oper2026");
  await expect(page.getByRole("navigation", { name: "Principal" }).getByRole("link", { name: "Configuración" })).toHaveCount(0);
  const response = await page.goto("/configuracion");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "403 — Sin permiso" })).toBeVisible();
  await expect(page.getByTestId("forbidden")).toContainText("Operador");
  await expect(page.getByRole("button", { name: "Cambiar" })).toHaveCount(0);
  expect((await page.context().request.put("/api/settings/alarms.unattended_fault_limit_h", { headers: await csrfHeaders(page.context()), data: { value: 24 } })).status()).toBe(403);
  expect((await page.context().request.get("/api/settings")).status()).toBe(200);
  await page.context().close();

  const auditor = await playwright.request.newContext({ baseURL });
  await apiLogIn(auditor, "auditor", "Aforo#Audit2026");
  expect((await auditor.put("/api/settings/installations.cut_hour", { headers: await csrfHeaders(auditor), data: { value: "06:00", installationKey: "EDS-0001" } })).status()).toBe(403);
  const anonymous = await playwright.request.newContext({ baseURL });
  expect((await anonymous.get("/api/settings")).status()).toBe(401);
  // Invalid input from an allowed profile → 400 with a Spanish message.
  const admin = await playwright.request.newContext({ baseURL });
  await apiLogIn(admin, "admin", "Aforo#Admin2026");
  const bad = await admin.put("/api/settings/alarms.unattended_fault_limit_h", { headers: await csrfHeaders(admin), data: { value: 73 } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toMatch(/sólo puede reducirse/);
  const zone = await admin.put("/api/settings/installations.time_zone", { headers: await csrfHeaders(admin), data: { value: "Marte/Olympus", installationKey: "EDS-0001" } });
  expect(zone.status()).toBe(400);
  expect(((await zone.json()) as { error: string }).error).toMatch(/Zona horaria/);
  await Promise.all([auditor.dispose(), anonymous.dispose(), admin.dispose()]);
});

test("A30-LOG-01 category 5, A30-LOG-05: logging in as operador adds exactly one 'Inicio de sesión' entry, logging out one 'Cierre de sesión'", async ({ playwright, baseURL }) => {
  const admin = await playwright.request.newContext({ baseURL });
  await apiLogIn(admin, "admin", "Aforo#Admin2026");
  const count = async (description: string) => (await entries(admin, "operador", description)).filter((e) => e.description === description && e.category === 5 && e.eventType === 5).length;
  const loginsBefore = await count("Inicio de sesión");
  const logoutsBefore = await count("Cierre de sesión");

  const operador = await playwright.request.newContext({ baseURL });
  await apiLogIn(operador, "operador", "Aforo#Oper2026");
  expect(await count("Inicio de sesión")).toBe(loginsBefore + 1);
  expect(await count("Cierre de sesión")).toBe(logoutsBefore);

  const csrf = (await (await operador.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const out = await operador.post("/api/auth/signout", { form: { csrfToken: csrf.csrfToken, json: "true" }, maxRedirects: 0 });
  expect([200, 302]).toContain(out.status());
  expect(((await (await operador.get("/api/auth/session")).json()) as { user?: unknown } | null)?.user).toBeUndefined();
  expect(await count("Cierre de sesión")).toBe(logoutsBefore + 1);
  expect(await count("Inicio de sesión")).toBe(loginsBefore + 1);
  await Promise.all([admin.dispose(), operador.dispose()]);
});
