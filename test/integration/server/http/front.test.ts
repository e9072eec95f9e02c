import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { createFrontLayer, type FrontLayer } from "../../../../server/http/front";
import { createLogger } from "../../../../server/platform/logger";
import { createTestSession } from "../../../helpers/sessions";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

const SECRET = "front-secret-front-secret-front-secret-0123456789";

/**
 * The custom server's front layer over real sockets, with a stand-in for Next.js that answers 200
 * and counts what reaches it: every refusal must stop the request before the application
 * (issue #5 item 10, A30-SEC-15/18, A30-SEC-10 user activity).
 */
describe.each(testEngines)("HTTP front layer on %s", (engine) => {
  let t: TestDatabase;
  let server: http.Server;
  let front: FrontLayer;
  let base: string;
  let reached = 0;
  let cookie: string;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date() });
    front = createFrontLayer({
      db: t.db,
      logger: createLogger("silent"),
      authSecret: SECRET,
      tls: false,
      now: () => new Date(),
      limits: { loginPerMinute: 3, apiPerMinute: 40, maxBodyBytes: { default: 1024, "/api/auth/": 256 } },
    });
    server = http.createServer((req, res) => {
      if (front.handle(req, res)) return;
      reached += 1;
      const status = req.url?.startsWith("/api/forbidden") ? 403 : 200;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ ip: req.headers["x-forwarded-for"], csp: req.headers["content-security-policy"] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cookie = (await createTestSession(t.db, { username: "operador", role: "operador", secret: SECRET })).cookie;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await front?.flush();
    await t?.close();
  });

  async function csrfCookie(): Promise<string> {
    const response = await fetch(`${base}/login`);
    const set = response.headers.get("set-cookie") ?? "";
    return /aforo-csrf=([^;]+)/.exec(set)![1]!;
  }

  it("sets the security headers and hands Next.js a per-request CSP nonce; the logged IP is the peer's, not X-Forwarded-For", async () => {
    const a = await fetch(`${base}/tablero`, { headers: { "x-forwarded-for": "203.0.113.99" } });
    const b = await fetch(`${base}/tablero`);
    expect(a.headers.get("x-content-type-options")).toBe("nosniff");
    expect(a.headers.get("x-frame-options")).toBe("DENY");
    expect(a.headers.get("referrer-policy")).toBe("same-origin");
    expect(a.headers.get("strict-transport-security")).toBeNull();
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    const body = (await a.json()) as { ip: string; csp: string };
    expect(body.csp).toBe(csp);
    expect(body.ip).toBe("127.0.0.1");
    expect(csp).not.toBe(b.headers.get("content-security-policy"));
    expect(a.headers.get("set-cookie")).toMatch(/^aforo-csrf=[A-Za-z0-9_-]{43}; Path=\/; SameSite=Strict$/);
  });

  it("a cookie-authenticated API mutation without the CSRF token is refused (403) before the application; with it, it passes", async () => {
    const token = await csrfCookie();
    const before = reached;
    const without = await fetch(`${base}/api/operations`, { method: "POST", headers: { cookie: `${cookie}; aforo-csrf=${token}`, "content-type": "application/json" }, body: "{}" });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { error: string }).error).toMatch(/token CSRF/);
    const wrong = await fetch(`${base}/api/operations`, { method: "POST", headers: { cookie: `${cookie}; aforo-csrf=${token}`, "x-csrf-token": `${token.slice(0, -2)}xx` }, body: "{}" });
    expect(wrong.status).toBe(403);
    expect(reached).toBe(before);
    const ok = await fetch(`${base}/api/operations`, { method: "POST", headers: { cookie: `${cookie}; aforo-csrf=${token}`, "x-csrf-token": token }, body: "{}" });
    expect(ok.status).toBe(200);
    expect(reached).toBe(before + 1);
  });

  it("a cross-site origin is refused on any mutation; a server action without Origin too", async () => {
    const token = await csrfCookie();
    const foreign = await fetch(`${base}/api/operations`, { method: "POST", headers: { cookie: `${cookie}; aforo-csrf=${token}`, "x-csrf-token": token, origin: "https://evil.example" }, body: "{}" });
    expect(foreign.status).toBe(403);
    const action = await fetch(`${base}/operaciones`, { method: "POST", headers: { cookie, "next-action": "abc" }, body: "x" });
    expect(action.status).toBe(403);
  });

  it("oversized bodies → 413, unsized (chunked) mutations → 411, before the application reads anything", async () => {
    const token = await csrfCookie();
    const before = reached;
    const big = await fetch(`${base}/api/bitacora`, { method: "POST", headers: { cookie: `${cookie}; aforo-csrf=${token}`, "x-csrf-token": token }, body: "x".repeat(2048) });
    expect(big.status).toBe(413);
    const login = await fetch(`${base}/api/auth/callback/credentials`, { method: "POST", body: "x".repeat(300) });
    expect(login.status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${base}/api/bitacora`, { method: "POST", headers: { "transfer-encoding": "chunked" } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on("error", reject);
      request.write("abc");
      request.end();
    });
    expect(chunked).toBe(411);
    expect(reached).toBe(before);
  });

  it("path traversal is refused with 400", async () => {
    // Raw requests: fetch would normalise the dots before sending.
    const rawGet = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(`${base}/`, { path }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on("error", reject);
        request.end();
      });
    const before = reached;
    for (const path of ["/api/security-log/export/..%2f..%2fetc%2fpasswd", "/_next/static/%2e%2e/%2e%2e/package.json", "/api/../../etc/passwd", "/api/a%00.json"]) {
      expect(await rawGet(path), path).toBe(400);
    }
    expect(reached).toBe(before);
  });

  it("log-in attempts per address are rate-limited (429 with Retry-After)", async () => {
    // (the 413 test above already used one attempt of this minute's 3)
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(`${base}/api/auth/callback/credentials`, { method: "POST", body: "a=b" })).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    const limited = await fetch(`${base}/api/auth/callback/credentials`, { method: "POST", body: "a=b" });
    expect(limited.headers.get("retry-after")).toBe("60");
  });

  it("writes user activity, denials and refusals to the security log with user, IP and user agent (A30-SEC-10)", async () => {
    await fetch(`${base}/tablero`, { headers: { cookie, "sec-fetch-dest": "document", "user-agent": "Navegador de prueba" } });
    await fetch(`${base}/api/forbidden/thing`, { headers: { cookie, "user-agent": "Navegador de prueba" } });
    await front.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await front.flush();
    const rows = await t.db.query<{ event: string; outcome: string; username: string; ip: string; user_agent: string; detail: { path: string; status: number } }>(
      "select event, outcome, username, host(ip) as ip, user_agent, detail from security_log where user_agent = 'Navegador de prueba' order by id",
    );
    expect(rows.map((r) => [r.event, r.outcome, r.username, r.ip, r.detail.path, r.detail.status])).toEqual([
      ["page_view", "success", "operador", "127.0.0.1", "/tablero", 200],
      ["access_denied", "denied", "operador", "127.0.0.1", "/api/forbidden/thing", 403],
    ]);
    const refusals = await t.db.query<{ event: string }>("select event from security_log where event in ('csrf_rejected', 'rate_limited', 'request_rejected')");
    expect(new Set(refusals.map((r) => r.event))).toEqual(new Set(["csrf_rejected", "rate_limited", "request_rejected"]));
  });

  it("API requests per address are rate-limited too", async () => {
    let status = 0;
    for (let i = 0; i < 45 && status !== 429; i += 1) status = (await fetch(`${base}/api/health`)).status;
    expect(status).toBe(429);
  });
});
