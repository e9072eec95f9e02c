"use client";

import type { Socket } from "socket.io-client";
import { goToLogin } from "./api-fetch";

/** connect_error messages the gateway gives when the session is over (server/realtime/gateway.ts). */
const SESSION_OVER: Record<string, string> = {
  "Su sesión expiró por inactividad. Inicie sesión de nuevo.": "idle",
  "no autenticado": "none",
  password_change_required: "password_change",
};

/**
 * A30-SEC-09: when the server ends the session (idle, log-out elsewhere, account changed), the
 * socket is told why and closed; the browser then goes to the log-in screen with the message.
 */
export function followSessionEnd(socket: Pick<Socket, "on">): void {
  socket.on("session_ended" as never, ((payload: { reason: string }) => goToLogin(payload.reason)) as never);
  socket.on("connect_error", (error: Error) => {
    const reason = SESSION_OVER[error.message];
    if (reason === "password_change") window.location.assign("/cambiar-contrasena");
    else if (reason) goToLogin(reason);
  });
}
