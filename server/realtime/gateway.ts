import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { decode } from "next-auth/jwt";
import type { Database } from "../../db/client";
import type { Logger } from "../platform/logger";
import {
  MEASUREMENTS_CHANNEL,
  installationKeyOfTag,
  installationRoom,
  measurementsPayloadSchema,
  subscribeRequestSchema,
  type ClientToServerEvents,
  type MeasurementTuple,
  type ServerToClientEvents,
} from "../contracts/realtime";
import type { RoleKey } from "../contracts/roles";
import { ALL_ALARMS_ROOM } from "../contracts/alarms";
import { startAlarmPush } from "../services/alarms/push";

/**
 * socket.io on the same HTTP server as Next.js. Only authenticated sockets connect (A30-ACC-01):
 * the Auth.js session cookie is decoded with the same secret. Browsers join one room per
 * installation; the gateway LISTENs on the database's NOTIFY channel and fans out, so it works
 * the same whether the collector runs in this process (PGlite) or on another machine (PostgreSQL).
 */

interface SocketUser {
  id: string;
  username: string;
  role: RoleKey;
}

interface SocketData {
  user: SocketUser;
}

const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"];

export interface RealtimeGateway {
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  close(): Promise<void>;
}

export async function startRealtimeGateway(options: {
  httpServer: HttpServer;
  db: Database;
  authSecret: string;
  logger: Logger;
  installationExists: (key: string) => Promise<boolean>;
}): Promise<RealtimeGateway> {
  const { httpServer, db, authSecret, logger } = options;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    cors: { origin: false },
  });

  io.use(async (socket, next) => {
    const user = await userFromCookie(socket.handshake.headers.cookie, authSecret);
    if (!user) {
      next(new Error("no autenticado"));
      return;
    }
    socket.data.user = user;
    next();
  });

  io.on("connection", (socket: Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>) => {
    // Active alarms are shown to the four profiles on every screen (A30-ALM-09).
    void socket.join(ALL_ALARMS_ROOM);
    socket.on("subscribe", async (request, ack) => {
      const respond = typeof ack === "function" ? ack : () => undefined;
      const parsed = subscribeRequestSchema.safeParse(request);
      if (!parsed.success) {
        respond({ ok: false, error: "solicitud inválida: se espera { installationKey }" });
        return;
      }
      if (!(await options.installationExists(parsed.data.installationKey))) {
        respond({ ok: false, error: `instalación desconocida: ${parsed.data.installationKey}` });
        return;
      }
      await socket.join(installationRoom(parsed.data.installationKey));
      respond({ ok: true });
    });
    socket.on("unsubscribe", (request) => {
      const parsed = subscribeRequestSchema.safeParse(request);
      if (parsed.success) void socket.leave(installationRoom(parsed.data.installationKey));
    });
  });

  const unlisten = await db.listen(MEASUREMENTS_CHANNEL, (raw) => {
    let payload;
    try {
      payload = measurementsPayloadSchema.parse(JSON.parse(raw));
    } catch (error) {
      logger.warn({ error: (error as Error).message }, "notificación de mediciones inválida descartada");
      return;
    }
    const byInstallation = new Map<string, MeasurementTuple[]>();
    for (const tuple of payload.v) {
      const key = installationKeyOfTag(tuple[0]);
      let list = byInstallation.get(key);
      if (!list) byInstallation.set(key, (list = []));
      list.push(tuple);
    }
    for (const [key, tuples] of byInstallation) io.to(installationRoom(key)).emit("measurements", { v: tuples });
  });

  const unlistenAlarms = await startAlarmPush({ io, db, logger });

  return {
    io,
    async close() {
      await unlistenAlarms();
      await unlisten();
      io.disconnectSockets(true);
      // io.close() would also close the shared HTTP server; main.ts closes that itself.
      io.removeAllListeners();
    },
  };
}

async function userFromCookie(cookieHeader: string | undefined, secret: string): Promise<SocketUser | null> {
  if (!cookieHeader) return null;
  const cookies = parseCookies(cookieHeader);
  for (const name of SESSION_COOKIES) {
    const token = cookies.get(name);
    if (!token) continue;
    try {
      const decoded = await decode({ token, secret, salt: name });
      if (decoded?.sub && typeof decoded.username === "string" && typeof decoded.role === "string") {
        if (typeof decoded.exp === "number" && decoded.exp * 1000 < Date.now()) return null;
        return { id: decoded.sub, username: decoded.username, role: decoded.role as RoleKey };
      }
    } catch {
      return null;
    }
  }
  return null;
}

function parseCookies(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}
