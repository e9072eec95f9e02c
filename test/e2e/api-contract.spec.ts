import { expect, test } from "@playwright/test";

// design.md §3 contracts exercised over real HTTP against the demo server.
test("GET /api/health reports the embedded engine (design.md §3)", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  // AFORO_DEMO=1 without AFORO_ENV: the demo environment (A30-SEC-12).
  expect(body).toMatchObject({ status: "ok", environment: "demo", db: "pglite", timescaledb: { enabled: false, license: null } });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});

test("API routes refuse requests without a session with 401 (A30-ACC-01)", async ({ request }) => {
  const response = await request.get("/api/installations");
  expect(response.status()).toBe(401);
});

test("scripts log in at Auth.js's standard endpoints with username and password", async ({ request }) => {
  const csrf = await (await request.get("/api/auth/csrf")).json();
  expect(typeof csrf.csrfToken).toBe("string");
  const callback = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, username: "auditor", password: "Aforo#Audit2026", json: "true" },
    maxRedirects: 0,
  });
  expect([200, 302]).toContain(callback.status());
  const session = await (await request.get("/api/auth/session")).json();
  expect(session.user).toMatchObject({ username: "auditor", role: "auditor_fiscal" });

  const installations = await request.get("/api/installations");
  expect(installations.status()).toBe(200);
  const body = await installations.json();
  const keys = body.installations.map((i: { key: string }) => i.key);
  expect(keys).toEqual(expect.arrayContaining(["EDS-0001", "TDA-0001"]));
  const station = body.installations.find((i: { key: string }) => i.key === "EDS-0001");
  expect(station.tanks).toHaveLength(3);
});

test("wrong credentials at the callback endpoint create no session", async ({ request }) => {
  const csrf = await (await request.get("/api/auth/csrf")).json();
  await request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf.csrfToken, username: "admin", password: "no-es-la-clave", json: "true" },
    maxRedirects: 0,
  });
  const session = await (await request.get("/api/auth/session")).json();
  expect(session?.user).toBeUndefined();
});
