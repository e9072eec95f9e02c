import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";

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
