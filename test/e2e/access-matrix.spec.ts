import { expect, test, type APIRequestContext } from "@playwright/test";
import { io as connect } from "socket.io-client";
import { userHasPermission } from "../../server/contracts/permissions";
import { READ_ONLY_MUTATIONS, ROUTE_POLICY, SOCKET_EVENT_POLICY } from "../../server/contracts/route-policy";
import type { RoleKey } from "../../server/contracts/roles";
import { apiLogIn, concreteUrl, csrfHeaders, DEMO_PASSWORDS } from "./helpers";

// Issue #5 item 7 / A30-ACC-03 acceptance: generated from the route list, every API route and
// socket event is called by each profile (and without a session) on the real server, and the
// answer must be allow or deny exactly as the matrix says. A route added without a rule fails the
// unit test on ROUTE_POLICY; a rule whose handler lets the wrong profile in fails here.
const ROLES: { role: RoleKey; username: keyof typeof DEMO_PASSWORDS }[] = [
  { role: "administrador", username: "admin" },
  { role: "supervisor", username: "supervisor" },
  { role: "operador", username: "operador" },
  { role: "auditor_fiscal", username: "auditor" },
];

const ROUTES = Object.entries(ROUTE_POLICY)
  .map(([key, policy]) => {
    const [method, pattern] = key.split(" ") as [string, string];
    return { key, method, url: concreteUrl(pattern), policy };
  })
  // Auth.js's own endpoints are public by contract and exercised by every log-in.
  .filter((route) => !route.url.startsWith("/api/auth/"));

/** A body no route accepts: every allowed mutation answers 4xx and stores nothing. */
const INVALID_BODY = { campoInexistenteDePrueba: true };

async function call(request: APIRequestContext, route: { method: string; url: string }, headers: Record<string, string>) {
  return request.fetch(route.url, { method: route.method, headers, ...(route.method === "GET" ? {} : { data: INVALID_BODY }), maxRedirects: 0 });
}

test.describe("A30-ACC-03 matrix over HTTP and socket.io", () => {
  const contexts = new Map<RoleKey, APIRequestContext>();

  test.beforeAll(async ({ playwright, baseURL }) => {
    for (const { role, username } of ROLES) {
      const request = await playwright.request.newContext({ baseURL });
      expect([200, 302]).toContain(await apiLogIn(request, username, DEMO_PASSWORDS[username]));
      contexts.set(role, request);
    }
  });

  test.afterAll(async () => {
    for (const request of contexts.values()) await request.dispose();
  });

  test("without a session every protected route answers 401", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const wrong: string[] = [];
    for (const route of ROUTES) {
      const status = (await call(anonymous, route, {})).status();
      const expected = route.policy === "public" ? 200 : 401;
      if (status !== expected) wrong.push(`${route.key}: ${status} (esperado ${expected})`);
    }
    expect(wrong).toEqual([]);
    await anonymous.dispose();
  });

  for (const { role } of ROLES) {
    test(`${role}: every route allows or denies exactly as the matrix says`, async () => {
      const request = contexts.get(role)!;
      const headers = await csrfHeaders(request);
      const wrong: string[] = [];
      for (const route of ROUTES) {
        if (route.policy === "public") continue;
        const response = await call(request, route, headers);
        const status = response.status();
        const allowed = userHasPermission({ role }, route.policy);
        if (allowed) {
          if (status === 401 || status === 403) wrong.push(`${route.key}: ${status}, debía permitirse`);
          // An allowed mutation with an invalid body must not have done anything.
          if (route.method !== "GET" && status < 400 && !READ_ONLY_MUTATIONS.has(route.key)) wrong.push(`${route.key}: ${status} con cuerpo inválido`);
        } else if (status !== 403) {
          wrong.push(`${route.key}: ${status}, debía negarse con 403`);
        } else {
          expect(await response.json()).toMatchObject({ error: "sin permiso", permission: route.policy });
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  test("socket.io: no session → refused at the handshake; each profile may use each event its row allows", async ({ baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const refused = connect(origin, { transports: ["websocket"], reconnection: false });
    const error = await new Promise<Error>((resolve) => refused.on("connect_error", resolve));
    expect(error.message).toBe("no autenticado");
    refused.close();
    for (const { role } of ROLES) {
      const { cookies } = await contexts.get(role)!.storageState();
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      const socket = connect(origin, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie } });
      await new Promise<void>((resolve, reject) => {
        socket.on("connect", () => resolve());
        socket.on("connect_error", reject);
      });
      const ack = (await socket.emitWithAck("subscribe", { installationKey: "EDS-0001" })) as { ok: boolean };
      expect(ack.ok, role).toBe(userHasPermission({ role }, SOCKET_EVENT_POLICY.subscribe));
      socket.emit("unsubscribe", { installationKey: "EDS-0001" });
      socket.close();
    }
  });
});
