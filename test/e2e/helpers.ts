import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";

/** Demo users (design.md §3, only with AFORO_DEMO=1). */
export const DEMO_PASSWORDS = {
  admin: "Aforo#Admin2026",
  supervisor: "Aforo#Super2026",
  operador: "Aforo#Oper2026",
  auditor: "Aforo#Audit2026",
} as const;

/** Logs in through the log-in form and waits for the dashboard. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Usuario").fill(username);
  await page.getByLabel("Contraseña").fill(password);
  await page.getByRole("button", { name: "Iniciar sesión" }).click();
  await expect(page).toHaveURL(/\/tablero$/);
}

/** A fresh browser context (its own cookies) logged in as `username`. */
export async function logInPage(browser: Browser, username: string, password: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, username, password);
  return page;
}

/** Logs an API request context in at Auth.js's standard endpoints (design.md §3 "Log-in"); returns the callback's status. */
export async function apiLogIn(request: APIRequestContext, username: string, password: string): Promise<number> {
  const csrf = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const response = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, username, password, json: "true" },
    maxRedirects: 0,
  });
  return response.status();
}

/** Anything that can tell its cookies: an APIRequestContext, a BrowserContext. */
interface HasStorageState {
  storageState(): Promise<{ cookies: { name: string; value: string }[] }>;
}

/**
 * The CSRF header a mutating API request with a session cookie must carry (server/http/csrf.ts):
 * the value of the `aforo-csrf` cookie the server set, echoed in `x-csrf-token`.
 */
export async function csrfHeaders(context: HasStorageState): Promise<Record<string, string>> {
  const { cookies } = await context.storageState();
  const token = cookies.find((cookie) => cookie.name === "aforo-csrf")?.value;
  if (!token) throw new Error("no hay cookie aforo-csrf: haga primero una solicitud al servidor");
  return { "x-csrf-token": token };
}

/** A concrete URL for a route pattern: ids that do not exist, so an allowed call changes nothing. */
export function concreteUrl(pattern: string): string {
  return pattern
    .replace(":id", "999999999")
    .replace(":key", "alarms.max_shelve_h")
    .replace(":action", "acknowledge")
    .replace("*", "session");
}

/** SAT's public test CSD of the demo taxpayer (EKU9003173C9), as the reports are sealed with it. */
export const DEMO_CSD_DIR = path.resolve("test/fixtures/csd/duckylabs-SatCredentialsCore/EKU9003173C9");
export const DEMO_CSD_CERTIFICATE = path.join(DEMO_CSD_DIR, "csd_EKU9003173C9.cer");

/** The Administrador installs the demo CSD through the API (201, or 409 when an earlier spec already did). */
export async function installDemoCsd(playwright: { request: { newContext(options: { baseURL?: string }): Promise<APIRequestContext> } }, baseURL: string | undefined): Promise<void> {
  const admin = await playwright.request.newContext({ baseURL });
  expect([200, 302]).toContain(await apiLogIn(admin, "admin", DEMO_PASSWORDS.admin));
  const install = await admin.post("/api/certificates", {
    headers: await csrfHeaders(admin),
    multipart: {
      cer: { name: "csd.cer", mimeType: "application/pkix-cert", buffer: readFileSync(DEMO_CSD_CERTIFICATE) },
      key: { name: "csd.key", mimeType: "application/octet-stream", buffer: readFileSync(path.join(DEMO_CSD_DIR, "csd_EKU9003173C9.key")) },
      password: "12345678a",
    },
  });
  expect([201, 409], await install.text()).toContain(install.status());
  await admin.dispose();
}
