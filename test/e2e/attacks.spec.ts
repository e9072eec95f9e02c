import { expect, test, type APIRequestContext } from "@playwright/test";
import { ROUTE_POLICY } from "../../server/contracts/route-policy";
import { DEFAULT_FRONT_LIMITS } from "../../server/http/front";
import { apiLogIn, concreteUrl, csrfHeaders, DEMO_PASSWORDS } from "./helpers";

// Issue #5 "attack tests" / A30-SEC-15 acceptance, against the real server as an Administrador
// (the profile that may reach the most): SQL injection and XSS strings in every input field and
// query parameter, oversized bodies, CSRF without token, session fixation, cookie tampering and
// path traversal — each refused with a clear 4xx, no stack trace, and nothing changed in the
// stored users, settings and process losses.
const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  "1; select pg_sleep(5); --",
  "admin'--",
  '"><script>alert(1)</script>',
  "${7*7}{{7*7}}",
  "\u0000",
];

/** The input fields of each mutating route (names from their zod schemas) and the query parameters of the reads. */
const BODY_FIELDS: Record<string, string[]> = {
  "POST /api/alarms": ["type", "component", "installationKey", "description"],
  "POST /api/alarms/:id/:action": ["cause", "correctiveAction", "note", "durationH"],
  "POST /api/bitacora": ["category", "description", "installationKey", "component"],
  "POST /api/diagnostics/self-test": ["component"],
  "POST /api/operations": ["installationKey", "tankKey", "kind", "volumeL", "counterpartyRfc", "justification"],
  "POST /api/operations/:id/confirm": ["note"],
  "POST /api/operations/:id/correct": ["counterpartyRfc", "reason"],
  "POST /api/process-losses": ["installationKey", "tankKey", "volumeL", "reason"],
  "PUT /api/settings/:key": ["value", "installationKey"],
  "POST /api/users": ["username", "displayName", "role"],
  "PATCH /api/users/:id": ["displayName", "role", "reason", "active"],
  "POST /api/users/:id/reset-password": ["reason"],
  "POST /api/account/password": ["currentPassword", "newPassword", "confirmation"],
  "POST /api/access-review": ["notes"],
  // multipart upload (A30-CSD-01): a JSON body is refused before any file is read
  "POST /api/certificates": ["cer", "key", "password"],
  // Issue #6 items 4–5: pedimentos, dictámenes, lot links.
  "POST /api/pedimentos": ["installationKey", "number", "date", "entryPoint", "originCountry", "transportMeansIn", "incoterm", "tariffFraction", "productKey", "volume", "lotKey"],
  "POST /api/pedimentos/:id/correct": ["number", "incoterm", "volume", "reason"],
  "POST /api/pedimentos/:id/links": ["action", "operationId", "volume"],
  "POST /api/dictamenes": ["installationKey", "laboratoryRfc", "laboratoryName", "folio", "issueDate", "samplingDate", "testDate", "resultsDate", "lotNumber", "productKey", "octaneIndex"],
  "POST /api/dictamenes/import": ["fileName", "content", "installationKey"],
  "POST /api/dictamenes/:id/correction": ["dictamen", "reason"],
  "POST /api/lots/:id/links": ["operationIds", "reason"],
  // Issue #6 items 1 and 3: CFDI upload (multipart form field) and manual link/unlink.
  "POST /api/cfdi": ["files"],
  "POST /api/cfdi/:id/links": ["operationId", "action", "reason", "volume"],
  "POST /api/cfdi/:id/status": ["status", "code", "reason"],
  // Issue #6 items 9–10, 12: SAT reports (generate, seal, record the delivery).
  "POST /api/reports": ["kind", "installationKey", "date", "month"],
  "POST /api/reports/:id/seal": [],
  "POST /api/reports/:id/sent": ["note"],
};
const QUERY_PARAMS: Record<string, string[]> = {
  "GET /api/bitacora": ["q", "category", "from", "to", "user"],
  "GET /api/alarms": ["type", "state", "component"],
  "GET /api/operations": ["installation", "kind", "from", "to"],
  "GET /api/inventory": ["installation", "date"],
  "GET /api/process-losses": ["installation"],
  "GET /api/security-log": ["username", "event", "outcome", "ip", "from", "to", "page", "pageSize"],
  "GET /api/security-log/export": ["format", "username", "from"],
  "GET /api/users": ["q"],
  "GET /api/pedimentos": ["installation", "limit"],
  "GET /api/dictamenes": ["view", "installation", "type", "limit"],
  "GET /api/cfdi": ["direction", "link", "purpose", "rfc", "from", "to", "limit"],
  "GET /api/reports": ["installation"],
  "GET /api/reports/precheck": ["installation", "month"],
  "GET /api/reports/:id/download": ["file"],
};

/**
 * Routes whose only field is free text: an injection string there is just text that a valid call
 * would store verbatim (through parameters), so it is not sent here — it would record real access
 * reviews. test/integration/server/services/users/access-review.test.ts stores such notes.
 */
const FREE_TEXT_ROUTES = new Set(["POST /api/access-review"]);

const routes = Object.keys(ROUTE_POLICY).filter((key) => !key.includes("/api/auth/") && ROUTE_POLICY[key] !== "public");
const mutating = routes.filter((key) => !key.startsWith("GET "));

/** What must not change: users (without log-in times), settings and process losses. */
async function fingerprint(admin: APIRequestContext): Promise<string> {
  const users = (await (await admin.get("/api/users")).json()) as { users: Record<string, unknown>[] };
  const settings = await (await admin.get("/api/settings")).json();
  const losses = await (await admin.get("/api/process-losses")).json();
  const stableUsers = users.users.map(({ lastLoginAt: _lastLoginAt, ...rest }) => rest);
  return JSON.stringify({ stableUsers, settings, losses });
}

function assertClean(status: number, body: string, what: string): void {
  expect(status, what).toBeGreaterThanOrEqual(400);
  expect(status, what).toBeLessThan(500);
  // No stack traces, SQL text or file paths in any answer.
  expect(body, what).not.toMatch(/\n\s+at |\.tsx?:\d+|node_modules|syntax error at|SELECT .* FROM/i);
}

test.describe("attack tests (A30-SEC-15)", () => {
  let admin: APIRequestContext;
  let before: string;

  test.beforeAll(async ({ playwright, baseURL }) => {
    admin = await playwright.request.newContext({ baseURL });
    expect([200, 302]).toContain(await apiLogIn(admin, "admin", DEMO_PASSWORDS.admin));
    before = await fingerprint(admin);
  });

  test.afterAll(async () => {
    // Nothing any attack sent changed the stored data.
    expect(await fingerprint(admin)).toBe(before);
    await admin.dispose();
  });

  test("every mutating route has its fields listed here", () => {
    expect(mutating.filter((key) => !(key in BODY_FIELDS) && key !== "POST /api/bitacora/verify")).toEqual([]);
  });

  test("SQL injection and script strings in every body field are refused with 4xx and no internals", async () => {
    test.setTimeout(180_000);
    const headers = await csrfHeaders(admin);
    for (const key of mutating) {
      if (FREE_TEXT_ROUTES.has(key)) continue;
      const [method, pattern] = key.split(" ") as [string, string];
      for (const field of BODY_FIELDS[key] ?? []) {
        for (const payload of INJECTIONS) {
          // Every field of the body carries the payload, so the request is invalid as a whole.
          const data = Object.fromEntries((BODY_FIELDS[key] ?? []).map((f) => [f, payload]));
          data[field] = payload;
          const response = await admin.fetch(concreteUrl(pattern), { method, headers, data });
          const what = `${key} ${field}=${JSON.stringify(payload)}`;
          assertClean(response.status(), await response.text(), what);
        }
      }
    }
  });

  test("SQL injection strings in every query parameter give no server error and no internals", async () => {
    test.setTimeout(120_000);
    for (const [key, params] of Object.entries(QUERY_PARAMS)) {
      const pattern = key.split(" ")[1]!;
      for (const param of params) {
        for (const payload of INJECTIONS) {
          const response = await admin.get(`${pattern}?${new URLSearchParams({ [param]: payload }).toString()}`);
          const body = await response.text();
          expect(response.status(), `${key} ${param}`).toBeLessThan(500);
          expect(body, `${key} ${param}`).not.toMatch(/\n\s+at |\.tsx?:\d+|syntax error at/i);
        }
      }
    }
    // The log-in form: injection as the user name is an ordinary failed log-in.
    expect([200, 302]).toContain(await apiLogIn(admin, "admin' OR '1'='1", "x' OR '1'='1"));
    const session = (await (await admin.get("/api/auth/session")).json()) as { user?: { username: string } } | null;
    expect(session?.user?.username).toBe("admin");
  });

  test("an oversized body is refused with 413 on every mutating route", async () => {
    const headers = { ...(await csrfHeaders(admin)), "content-type": "application/json" };
    for (const key of mutating) {
      const [method, pattern] = key.split(" ") as [string, string];
      const url = concreteUrl(pattern);
      // One KiB over the front layer's limit for this path (routes with uploads allow more).
      const limit = Object.entries(DEFAULT_FRONT_LIMITS.maxBodyBytes).reduce(
        (best, [prefix, bytes]) => (prefix !== "default" && url.startsWith(prefix) && prefix.length > best.prefix.length ? { prefix, bytes } : best),
        { prefix: "", bytes: DEFAULT_FRONT_LIMITS.maxBodyBytes.default },
      ).bytes;
      const huge = JSON.stringify({ description: "x".repeat(limit + 1024) });
      const response = await admin.fetch(url, { method, headers, data: huge });
      expect(response.status(), key).toBe(413);
    }
  });

  test("CSRF: every mutating route refuses a cookie-authenticated request without the token (403), and one from another origin", async () => {
    for (const key of mutating) {
      const [method, pattern] = key.split(" ") as [string, string];
      const response = await admin.fetch(concreteUrl(pattern), { method, data: {} });
      expect(response.status(), key).toBe(403);
      expect(((await response.json()) as { error: string }).error, key).toMatch(/CSRF/);
      const foreign = await admin.fetch(concreteUrl(pattern), { method, data: {}, headers: { ...(await csrfHeaders(admin)), origin: "https://atacante.example" } });
      expect(foreign.status(), key).toBe(403);
    }
  });

  test("session fixation: a cookie chosen before log-in is replaced and opens nothing", async ({ playwright, baseURL }) => {
    const victim = await playwright.request.newContext({
      baseURL,
      storageState: { cookies: [{ name: "authjs.session-token", value: "valor-elegido-por-el-atacante", domain: "127.0.0.1", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" }], origins: [] },
    });
    expect((await victim.get("/api/installations")).status()).toBe(401);
    expect([200, 302]).toContain(await apiLogIn(victim, "auditor", DEMO_PASSWORDS.auditor));
    const { cookies } = await victim.storageState();
    const session = cookies.find((c) => c.name === "authjs.session-token")!;
    expect(session.value).not.toBe("valor-elegido-por-el-atacante");
    expect((await victim.get("/api/installations")).status()).toBe(200);
    // Every log-in opens a new server-side session: a second log-in gets another cookie.
    expect([200, 302]).toContain(await apiLogIn(victim, "auditor", DEMO_PASSWORDS.auditor));
    const again = (await victim.storageState()).cookies.find((c) => c.name === "authjs.session-token")!;
    expect(again.value).not.toBe(session.value);
    await victim.dispose();
  });

  test("cookie tampering: a changed session cookie opens nothing (401)", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    expect([200, 302]).toContain(await apiLogIn(request, "operador", DEMO_PASSWORDS.operador));
    const { cookies } = await request.storageState();
    const session = cookies.find((c) => c.name === "authjs.session-token")!;
    const flipped = session.value.slice(0, 40) + (session.value[40] === "A" ? "B" : "A") + session.value.slice(41);
    const headers = { cookie: `authjs.session-token=${flipped}` };
    const tampered = await playwright.request.newContext({ baseURL });
    expect((await tampered.get("/api/installations", { headers })).status()).toBe(401);
    expect((await tampered.get("/api/installations", { headers: { cookie: "authjs.session-token=eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW5pc3RyYWRvciJ9." } })).status()).toBe(401);
    await tampered.dispose();
    await request.dispose();
  });

  test("path traversal in downloads and static files is refused with 400/404, never a file outside", async () => {
    const export1 = await admin.get("/api/security-log/export?format=../../../../etc/passwd");
    expect(export1.status()).toBe(400);
    const export2 = await admin.get("/api/security-log/export?format=csv&username=../../etc/passwd");
    expect(export2.status()).toBe(200);
    expect(export2.headers()["content-disposition"]).toMatch(/^attachment; filename="bitacora-seguridad_[^/\\]+\.csv"$/);
    expect(await export2.text()).not.toContain("root:x:0:0");
    for (const path of ["/api/..%2f..%2f..%2fetc%2fpasswd", "/_next/static/..%2f..%2f..%2fpackage.json", "/_next/static/%2e%2e/%2e%2e/server/config.ts"]) {
      const response = await admin.get(path);
      expect([400, 404], path).toContain(response.status());
      const body = await response.text();
      expect(body, path).not.toContain("root:x:0:0");
      expect(body, path).not.toContain('"name": "aforo"');
    }
  });
});
