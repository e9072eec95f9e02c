import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalogs } from "../../../db/seed/catalogs";
import { seedDemo } from "../../../db/seed/demo";
import { installationExists } from "../../../db/repositories/installations";
import { DEMO_SITE } from "../../../server/contracts/demo-site";
import { MEASUREMENTS_CHANNEL, type MeasurementsPayload } from "../../../server/contracts/realtime";
import { createLogger } from "../../../server/platform/logger";
import { startRealtimeGateway, type RealtimeGateway } from "../../../server/realtime/gateway";
import { openTestDatabase, testEngines, type TestDatabase } from "../../helpers/test-db";
import { createTestSession } from "../../helpers/sessions";
import { endSession } from "../../../server/services/security/sessions";

const SECRET = "test-secret-test-secret-test-secret-0123456789";
const COOKIE = "authjs.session-token";

describe.each(testEngines)("socket.io realtime gateway on %s (A30-ACC-01, live values)", (engine) => {
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
    gateway = await startRealtimeGateway({
      httpServer: server,
      db: t.db,
      authSecret: SECRET,
      logger: createLogger("silent"),
      now: () => new Date(),
      idleTimeoutS: 600,
      installationExists: (key) => installationExists(t.db, key),
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await gateway?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await t?.close();
  });

  function open(cookie?: string): Socket {
    const socket = connect(url, { transports: ["websocket"], extraHeaders: cookie ? { cookie } : {}, reconnection: false });
    sockets.push(socket);
    return socket;
  }

  async function sessionCookie(): Promise<string> {
    return (await createTestSession(t.db, { username: "operador", role: "operador", secret: SECRET })).cookie;
  }

  it("refuses a socket without a session", async () => {
    const socket = open();
    const error = await new Promise<Error>((resolve) => socket.on("connect_error", resolve));
    expect(error.message).toBe("no autenticado");
  });

  it("refuses a socket whose cookie was signed with another secret", async () => {
    const token = await encode({ token: { sub: "1", username: "x", role: "operador" }, secret: "another-secret-another-secret-0123456789", salt: COOKIE });
    const socket = open(`${COOKIE}=${token}`);
    const error = await new Promise<Error>((resolve) => socket.on("connect_error", resolve));
    expect(error.message).toBe("no autenticado");
  });

  it("an authenticated socket subscribes to an installation and receives its NOTIFYed measurements only", async () => {
    const socket = open(await sessionCookie());
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", () => resolve());
      socket.on("connect_error", reject);
    });
    const ack = await socket.emitWithAck("subscribe", { installationKey: "EDS-0001" });
    expect(ack).toEqual({ ok: true });
    const unknown = await socket.emitWithAck("subscribe", { installationKey: "EDS-9999" });
    expect(unknown).toMatchObject({ ok: false });
    const invalid = await socket.emitWithAck("subscribe", { nope: 1 });
    expect(invalid).toMatchObject({ ok: false });

    const received: MeasurementsPayload[] = [];
    socket.on("measurements", (payload: MeasurementsPayload) => received.push(payload));
    const payload: MeasurementsPayload = {
      v: [
        ["EDS-0001/TQS-EDS-0001/level_mm", "2026-11-25T12:00:01.000Z", 1500.5, 0],
        ["TDA-0001/TQS-TDA-0001/level_mm", "2026-11-25T12:00:01.000Z", 9000, 0],
      ],
    };
    await t.db.query("select pg_notify($1, $2)", [MEASUREMENTS_CHANNEL, JSON.stringify(payload)]);
    await t.db.query("select pg_notify($1, $2)", [MEASUREMENTS_CHANNEL, "not json"]);
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    expect(received[0]).toEqual({ v: [["EDS-0001/TQS-EDS-0001/level_mm", "2026-11-25T12:00:01.000Z", 1500.5, 0]] });
  });

  it("A30-SEC-09: a socket whose session ended (log-out, idle) is told why and disconnected; a dead session cannot reconnect", async () => {
    const session = await createTestSession(t.db, { username: "operador", role: "operador", secret: SECRET });
    const socket = open(session.cookie);
    await new Promise<void>((resolve, reject) => {
      socket.on("connect", () => resolve());
      socket.on("connect_error", reject);
    });
    const notices: { reason: string; message: string }[] = [];
    socket.on("session_ended", (payload: { reason: string; message: string }) => notices.push(payload));
    const disconnected = new Promise<void>((resolve) => socket.on("disconnect", () => resolve()));
    await endSession(t.db, session.sessionId, "idle", new Date());
    await disconnected;
    expect(notices).toEqual([{ reason: "idle", message: "Su sesión expiró por inactividad. Inicie sesión de nuevo." }]);
    const again = open(session.cookie);
    const error = await new Promise<Error>((resolve) => again.on("connect_error", resolve));
    expect(error.message).toBe("Su sesión expiró por inactividad. Inicie sesión de nuevo.");
  });

  it("refuses a well-signed cookie whose server-side session does not exist (forged session id)", async () => {
    const token = await encode({ token: { sub: "1", sid: "00000000-0000-4000-8000-000000000000", username: "operador", role: "operador" }, secret: SECRET, salt: COOKIE });
    const socket = open(`${COOKIE}=${token}`);
    const error = await new Promise<Error>((resolve) => socket.on("connect_error", resolve));
    expect(error.message).toBe("no autenticado");
  });
});
