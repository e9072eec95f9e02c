import { expect, test } from "@playwright/test";
import { DEMO_PASSWORDS, logIn } from "./helpers";

// A30-ACC-06 (issue #5 Tests "Playwright per role"): after log-in each profile sees the menu of
// its functions only, and typing the URL of another function answers the real 403 page.
const MENU = ["Tablero", "Operaciones", "Inventario", "Bitácora", "Alarmas", "CFDI", "Pedimentos", "Calidad", "Diagnóstico", "Reportes", "Configuración", "Usuarios", "Certificados", "Seguridad"] as const;

const PROFILES = [
  { username: "admin", label: "Administrador", menu: MENU, forbidden: [] as string[] },
  { username: "supervisor", label: "Supervisor", menu: MENU.filter((m) => !["Usuarios", "Certificados", "Seguridad"].includes(m)), forbidden: ["/usuarios", "/certificados", "/seguridad"] },
  { username: "operador", label: "Operador", menu: MENU.filter((m) => !["Reportes", "Configuración", "Usuarios", "Certificados", "Seguridad"].includes(m)), forbidden: ["/reportes", "/configuracion", "/usuarios", "/certificados", "/seguridad"] },
  { username: "auditor", label: "Auditor Fiscal", menu: MENU.filter((m) => !["Configuración", "Usuarios", "Certificados", "Seguridad"].includes(m)), forbidden: ["/configuracion", "/usuarios", "/certificados", "/seguridad"] },
] as const;

for (const profile of PROFILES) {
  test(`${profile.label}: menu of its functions only; other functions by URL → 403`, async ({ page }) => {
    await logIn(page, profile.username, DEMO_PASSWORDS[profile.username]);
    await expect(page.getByTestId("session-user")).toHaveText(`${profile.username} · ${profile.label}`);
    const nav = page.getByRole("navigation", { name: "Principal" });
    const links = (await nav.getByRole("link").allInnerTexts()).map((t) => t.trim());
    expect(links).toEqual([...profile.menu]);
    // Every function the menu offers opens.
    for (const path of ["/operaciones", "/inventario", "/bitacora", "/diagnostico"]) {
      expect((await page.goto(path))!.status(), path).toBe(200);
    }
    for (const path of profile.forbidden) {
      const response = await page.goto(path);
      expect(response!.status(), path).toBe(403);
      await expect(page.getByTestId("forbidden")).toContainText(`Su perfil (${profile.label}) no tiene permiso`);
    }
    // The release identifier is on every screen (A30-SEC-14).
    await page.goto("/tablero");
    await expect(page.getByTestId("release-footer")).toContainText(/Aforo v\d+\.\d+\.\d+ · SHA-256 [0-9a-f]{12}/);
  });
}

test("Auditor Fiscal: the alarm register offers no action (read-only, A30-ACC-03)", async ({ page }) => {
  await logIn(page, "auditor", DEMO_PASSWORDS.auditor);
  await page.goto("/alarmas");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: /Reconocer|Atender|Suprimir|Registrar/ })).toHaveCount(0);
});

test("log-out ends the session on the server: the old cookie no longer opens anything", async ({ page }) => {
  await logIn(page, "operador", DEMO_PASSWORDS.operador);
  const { cookies } = await page.context().storageState();
  await page.getByRole("button", { name: "Cerrar sesión" }).click();
  await expect(page).toHaveURL(/\/login/);
  // Replay the cookie captured before the log-out.
  const replay = await page.context().request.get("/api/installations", {
    headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") },
  });
  expect(replay.status()).toBe(401);
});
