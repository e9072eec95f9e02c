import http from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installationExists } from "../../../../../db/repositories/installations";
import { seedCatalogs } from "../../../../../db/seed/catalogs";
import { seedDemo } from "../../../../../db/seed/demo";
import type { AlarmPushPayload } from "../../../../../server/contracts/alarms";
import { DEMO_SITE } from "../../../../../server/contracts/demo-site";
import { createLogger } from "../../../../../server/platform/logger";
import { startRealtimeGateway, type RealtimeGateway } from "../../../../../server/realtime/gateway";
import { recordRejectedLogin, registerManualAlarm } from "../../../../../server/services/alarms/index";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../../helpers/test-db";
import { createTestSession } from "../../../../helpers/sessions";
import type { RoleKey } from "../../../../../server/contracts/roles";

const SECRET = "test-secret-test-secret-test-secret-0123456789";

describe.each(testEngines)("A30-ALM-09 alarm push through the real socket.io gateway on %s", (engine) => {
  let t: TestDatabase;
  let server: http.Server;
  let gateway: RealtimeGateway;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date("2026-11-25T12:00:00Z") });
    server = http.createServer();
    gateway = await startRealtimeGateway({ httpServer: server, db: t.db, authSecret: SECRET, logger: createLogger("silent"), now: () => new Date(), idleTimeoutS: 600, installationExists: (key) => installationExists(t.db, key) });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await gateway?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await t?.close();
  });

  async function connected(username: string, role: string): Promise<{ socket: Socket; received: { payload: AlarmPushPayload; at: number }[] }> {
    const { cookie } = await createTestSession(t.db, { username, role: role as RoleKey, secret: SECRET });
    const socket = connect(url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
    sockets.push(socket);
    const received: { payload: AlarmPushPayload; at: number }[] = [];
    socket.on("alarm", (payload: AlarmPushPayload) => received.push({ payload, at: Date.now() }));
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", () => resolve());
      socket.on("connect_error", reject);
    });
    return { socket, received };
  }

  it("A30-ALM-09: an Auditor Fiscal's and an Operador's sockets both receive a new alarm within 2 s, once each, without subscribing", async () => {
    const auditor = await connected("auditor", "auditor_fiscal");
    const operador = await connected("operador", "operador");
    // subscribed to the installation as well: the alarm still arrives once
    await new Promise((resolve) => operador.socket.emit("subscribe", { installationKey: "EDS-0001" }, resolve));
    const [user] = await t.db.query<{ id: number }>("select id from users where username = 'operador'");
    const stored = Date.now();
    const result = await registerManualAlarm(
      { db: t.db, now: new Date(), actor: { id: Number(user!.id), username: "operador", role: "operador" } },
      { type: 5, component: "CANAL:COL-EDS-0001", installationKey: "EDS-0001", description: "Sin comunicación con el colector (prueba)" },
    );
    expect(result.ok).toBe(true);
    await expect.poll(() => auditor.received.length + operador.received.length, { timeout: 2000, interval: 20 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(auditor.received).toHaveLength(1);
    expect(operador.received).toHaveLength(1);
    for (const { payload, at } of [...auditor.received, ...operador.received]) {
      expect(at - stored).toBeLessThan(2000);
      expect(payload).toMatchObject({ event: "raised", alarm: { component: "CANAL:COL-EDS-0001", type: 5, origin: "manual" }, summary: { active: 1, unacknowledged: 1 } });
    }
    // an alarm without installation (a rejected log-in) reaches everyone too
    await recordRejectedLogin(t.db, { username: "operador", ip: "198.51.100.9" }, new Date());
    await expect.poll(() => auditor.received.length, { timeout: 2000, interval: 20 }).toBe(2);
    expect(auditor.received[1]!.payload).toMatchObject({ alarm: { type: 10, details: { username: "operador", ip: "198.51.100.9" } }, summary: { active: 2, unacknowledged: 2 } });
  });
});
