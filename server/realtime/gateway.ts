import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import type { Database } from "../../db/client";
import type { Logger } from "../platform/logger";
import {
  MEASUREMENTS_CHANNEL,
  installationKeyOfTag,
  installationRoom,
  sessionRoom,
  measurementsPayloadSchema,
  subscribeRequestSchema,
  type ClientToServerEvents,
  type MeasurementTuple,
  type ServerToClientEvents,
} from "../contracts/realtime";
import type { RoleKey } from "../contracts/roles";
import { ALL_ALARMS_ROOM } from "../contracts/alarms";
import { roleHasPermission } from "../contracts/permissions";
import { SOCKET_EVENT_POLICY } from "../contracts/route-policy";
import { SESSION_END_MESSAGES, isSessionEndReason, type SessionEndReason } from "../domain/security/index";
import { parseCookieHeader, readSessionCookie } from "../http/session-cookie";
import { readPasswordPolicy } from "../services/security/policy";
import { resolveSession } from "../services/security/sessions";
import { startAlarmPush } from "../services/alarms/push";

/**
 * socket.io on the same HTTP server as Next.js. Only authenticated sockets connect (A30-ACC-01):
 * the Auth.js session cookie is decoded with the same secret and its server-side session must be
 * alive (not idle, not logged out, no pending password change); each event is checked against
 * SOCKET_EVENT_POLICY; a sweep closes the sockets of every session that ended (A30-SEC-09). Browsers join one room per
 * installation; the gateway LISTENs on the database's NOTIFY channel and fans out, so it works
 * the same whether the collector runs in this process (PGlite) or on another machine (PostgreSQL).
 */

interface SocketUser {
  id: string;
  username: string;
  role: RoleKey;
  sessionId: string;
}

interface SocketData {
  user: SocketUser;
}

export interface RealtimeGateway {
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  /** Tells the sockets of these sessions why and disconnects them. */
  endSessions(sessionIds: readonly string[], reason: SessionEndReason): void;
  close(): Promise<void>;
}

/** How often open sockets are checked against their sessions. */
const SESSION_SWEEP_MS = 2_000;

export async function startRealtimeGateway(options: {
  httpServer: HttpServer;
  db: Database;
  authSecret: string;
  logger: Logger;
  now: () => Date;
  idleTimeoutS: number;
  installationExists: (key: string) => Promise<boolean>;
}): Promise<RealtimeGateway> {
  const { httpServer, db, authSecret, logger } = options;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    cors: { origin: false },
  });

  async function checkSession(sessionId: string) {
    return resolveSession(db, sessionId, { now: options.now(), idleTimeoutS: options.idleTimeoutS, policy: await readPasswordPolicy(db), touch: false });
  }

  io.use(async (socket, next) => {
    try {
      const claims = await readSessionCookie(parseCookieHeader(socket.handshake.headers.cookie), authSecret);
      if (!claims) return next(new Error("no autenticado"));
      const session = await checkSession(claims.sessionId);
      if (!session.ok) return next(new Error(isSessionEndReason(session.reason) ? SESSION_END_MESSAGES[session.reason] : "no autenticado"));
      if (session.user.passwordChange) return next(new Error("password_change_required"));
      socket.data.user = { id: String(session.user.userId), username: session.user.username, role: session.user.role, sessionId: session.user.sessionId };
      next();
    } catch (error) {
      logger.error({ error: (error as Error).message }, "no se pudo verificar la sesión del socket");
      next(new Error("error al verificar la sesión"));
    }
  });

  function endSessions(sessionIds: readonly string[], reason: SessionEndReason): void {
    for (const sessionId of sessionIds) {
      const room = sessionRoom(sessionId);
      io.to(room).emit("session_ended", { reason, message: SESSION_END_MESSAGES[reason] });
      // Let the notice reach the browser before the transport closes.
      setTimeout(() => io.in(room).disconnectSockets(true), 250).unref();
    }
  }

  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void (async () => {
      const sessionIds = new Set<string>();
      for (const socket of io.of("/").sockets.values()) if (socket.data.user) sessionIds.add(socket.data.user.sessionId);
      for (const sessionId of sessionIds) {
        const session = await checkSession(sessionId);
        if (!session.ok) endSessions([sessionId], isSessionEndReason(session.reason) ? session.reason : "user");
      }
    })()
      .catch((error: unknown) => logger.warn({ error: (error as Error).message }, "revisión de sesiones de sockets fallida"))
      .finally(() => (sweeping = false));
  }, SESSION_SWEEP_MS);
  sweep.unref();

  io.on("connection", (socket: Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>) => {
    // Active alarms are shown to the four profiles on every screen (A30-ALM-09).
    void socket.join(ALL_ALARMS_ROOM);
    void socket.join(sessionRoom(socket.data.user.sessionId));
    socket.on("subscribe", async (request, ack) => {
      const respond = typeof ack === "function" ? ack : () => undefined;
      if (!roleHasPermission(socket.data.user.role, SOCKET_EVENT_POLICY.subscribe)) {
        respond({ ok: false, error: "sin permiso" });
        return;
      }
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
      if (!roleHasPermission(socket.data.user.role, SOCKET_EVENT_POLICY.unsubscribe)) return;
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
    endSessions,
    async close() {
      clearInterval(sweep);
      await unlistenAlarms();
      await unlisten();
      io.disconnectSockets(true);
      // io.close() would also close the shared HTTP server; main.ts closes that itself.
      io.removeAllListeners();
    },
  };
}

