import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { DEMO_PASSWORDS } from "./helpers";

// Issue #5 on a second server of its own (the build is the one Playwright's webServer made):
// HTTPS with a throwaway certificate (AFORO_TLS_CERT/KEY → HSTS, Secure cookies, A30-SEC-18) and
// AFORO_IDLE_TIMEOUT_S=5, so inactivity expiry (A30-SEC-09), lock-out after failed log-ins and
// the security-log acceptance of A30-SEC-10 run in seconds.
const PORT = 3191;
const BASE = `https://127.0.0.1:${PORT}`;
const dir = mkdtempSync(path.join(tmpdir(), "aforo-session-security-"));
let server: ChildProcess | null = null;
let output = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ playwright }) => {
  test.setTimeout(240_000);
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
  ], { stdio: "ignore" });
  server = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "server/main.ts"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      AFORO_DEMO: "1",
      // Two days of history are enough here (the full month belongs to the main e2e server).
      AFORO_DEMO_HISTORY_DAYS: "2",
      AFORO_DATA_DIR: path.join(dir, "data"),
      AFORO_SIM_OPCUA_PORT: "0",
      AFORO_SIM_MODBUS_PORT: "0",
      AFORO_SIM_TLS_PORT: "0",
      AFORO_IDLE_TIMEOUT_S: "5",
      AFORO_TLS_CERT: path.join(dir, "cert.pem"),
      AFORO_TLS_KEY: path.join(dir, "key.pem"),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const request = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  await expect
    .poll(async () => (await request.get(`${BASE}/api/health`).catch(() => null))?.status(), { timeout: 180_000, intervals: [1000] })
    .toBe(200);
  await request.dispose();
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((resolve) => server!.once("exit", resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, baseURL: BASE, locale: "es-MX", timezoneId: "America/Mexico_City" });
}

async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Usuario").fill(username);
  await page.getByLabel("Contraseña").fill(password);
  await page.getByRole("button", { name: "Iniciar sesión" }).click();
}

test("A30-SEC-18: over HTTPS the answers carry HSTS and the session cookie is __Secure-, Secure, HttpOnly and SameSite", async ({ browser }) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const response = await page.goto("/login");
  expect(response!.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
  expect(response!.headers()["content-security-policy"]).toContain("upgrade-insecure-requests");
  await page.getByLabel("Usuario").fill("auditor");
  await page.getByLabel("Contraseña").fill(DEMO_PASSWORDS.auditor);
  await page.getByRole("button", { name: "Iniciar sesión" }).click();
  await expect(page).toHaveURL(/\/tablero$/);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "__Secure-authjs.session-token");
  expect(session, JSON.stringify(cookies.map((c) => c.name))).toBeDefined();
  expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax" });
  expect(cookies.find((c) => c.name === "aforo-csrf")).toMatchObject({ secure: true, httpOnly: false, sameSite: "Strict" });
  expect(cookies.some((c) => c.name === "authjs.session-token")).toBe(false);
  await context.close();
});

test("A30-SEC-09: 5 s without activity closes the session on the server; the browser lands on log-in with «expiró por inactividad»; activity keeps another session open", async ({ browser }) => {
  test.setTimeout(60_000);
  const idle = await newContext(browser);
  const idlePage = await idle.newPage();
  // one failed attempt first: part of the A30-SEC-10 acceptance below
  await submitLogin(idlePage, "operador", "Equivocada#2026");
  await expect(idlePage.locator("#login-error")).toHaveText("Usuario o contraseña incorrectos.");
  await submitLogin(idlePage, "operador", DEMO_PASSWORDS.operador);
  await expect(idlePage).toHaveURL(/\/tablero$/);

  const busy = await newContext(browser);
  const busyPage = await busy.newPage();
  await submitLogin(busyPage, "supervisor", DEMO_PASSWORDS.supervisor);
  await expect(busyPage).toHaveURL(/\/tablero$/);

  const started = Date.now();
  // The busy user moves between screens every 2 s (server requests = activity).
  const screens = ["/inventario", "/tablero", "/bitacora", "/tablero", "/operaciones"];
  for (const screen of screens) {
    await busyPage.waitForTimeout(2000);
    await busyPage.goto(screen);
    await expect(busyPage).toHaveURL(new RegExp(`${screen}$`));
  }
  // Meanwhile the idle page was sent to the log-in screen with the reason.
  await expect(idlePage).toHaveURL(/\/login\?motivo=idle$/, { timeout: 15_000 });
  expect(Date.now() - started).toBeGreaterThan(4_000);
  await expect(idlePage.getByTestId("login-notice")).toHaveText("Su sesión expiró por inactividad. Inicie sesión de nuevo.");
  // The server refuses the old cookie (it is not only the browser that forgot it).
  const api = await idle.request.get("/api/installations");
  expect(api.status()).toBe(401);
  await idle.close();
  await busy.close();
});

test("issue #5 item 5: five failed log-ins lock the name; the right password is then refused too, with the same message whether or not the user exists", async ({ browser }) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  for (let i = 1; i <= 4; i += 1) {
    await submitLogin(page, "supervisor", `Equivocada#${i}`);
    await expect(page.locator("#login-error")).toHaveText("Usuario o contraseña incorrectos.");
  }
  await submitLogin(page, "supervisor", "Equivocada#5");
  await expect(page.locator("#login-error")).toContainText("bloqueado temporalmente");
  await submitLogin(page, "supervisor", DEMO_PASSWORDS.supervisor);
  await expect(page.locator("#login-error")).toContainText("bloqueado temporalmente");
  await expect(page).toHaveURL(/\/login/);
  // A name that does not exist behaves identically.
  for (let i = 1; i <= 5; i += 1) await submitLogin(page, "noexiste", `Equivocada#${i}`);
  await expect(page.locator("#login-error")).toContainText("bloqueado temporalmente");
  await context.close();
});

test("A30-SEC-10: failed log-in, log-in, page view, idle close and an Operador's denied request are in the security log with IP and agent; each consultation is logged", async ({ browser }) => {
  const operador = await newContext(browser);
  const denied = await operador.newPage();
  await submitLogin(denied, "operador", DEMO_PASSWORDS.operador);
  await expect(denied).toHaveURL(/\/tablero$/);
  expect((await operador.request.get("/api/security-log")).status()).toBe(403);
  const forbiddenPage = await denied.goto("/seguridad");
  expect(forbiddenPage!.status()).toBe(403);
  await operador.close();

  const context = await newContext(browser);
  const page = await context.newPage();
  await submitLogin(page, "auditor", DEMO_PASSWORDS.auditor);
  await expect(page).toHaveURL(/\/tablero$/);
  // The Auditor Fiscal may see the security log only when an Administrador grants it (A30-ACC-03).
  expect((await page.goto("/seguridad"))!.status()).toBe(403);
  await context.close();

  const adminContext = await newContext(browser);
  const admin = await adminContext.newPage();
  await submitLogin(admin, "admin", DEMO_PASSWORDS.admin);
  await expect(admin).toHaveURL(/\/tablero$/);
  const log = await adminContext.request.get("/api/security-log?username=operador&pageSize=500");
  expect(log.status()).toBe(200);
  const body = (await log.json()) as { entries: { event: string; ip: string | null; userAgent: string | null; macAddress: string }[] };
  const events = new Set(body.entries.map((e) => e.event));
  for (const event of ["login_failed", "login", "page_view", "idle_logout", "access_denied"]) expect(events, event).toContain(event);
  for (const entry of body.entries) {
    expect(entry.ip).toBe("127.0.0.1");
    expect(entry.macAddress).toBe("no disponible");
  }
  await admin.goto("/seguridad?username=admin&event=log_view");
  await expect(admin.getByRole("heading", { name: "Bitácora de seguridad" })).toBeVisible();
  await expect(admin.locator("table tbody tr").first()).toContainText("Consulta de bitácora de seguridad");
  await adminContext.close();
});
