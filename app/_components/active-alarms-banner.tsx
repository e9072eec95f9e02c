"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { followSessionEnd } from "../_lib/session-socket";
import type { ActiveAlarmSummary, AlarmView } from "../../server/contracts/alarms";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/contracts/realtime";

/**
 * Active-alarm counter in the panel header, on every screen and for the four profiles
 * (A30-ALM-09): initial counts from the server, then every `alarm` push updates them live.
 */
export function ActiveAlarmsBanner({ initial }: { initial: ActiveAlarmSummary }) {
  const [summary, setSummary] = useState(initial);
  const [latest, setLatest] = useState<AlarmView | null>(null);

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ["websocket", "polling"] });
    followSessionEnd(socket);
    socket.on("alarm", (payload) => {
      setSummary(payload.summary);
      if (payload.event === "raised") setLatest(payload.alarm);
    });
    return () => {
      socket.disconnect();
    };
  }, []);

  const level = summary.unacknowledged > 0 ? "alarm-banner-unack" : summary.active > 0 ? "alarm-banner-active" : "alarm-banner-none";
  return (
    <Link href="/alarmas" prefetch={false} className={`alarm-banner ${level}`} data-testid="active-alarms" role="status" aria-live="polite" title="Ver el registro de alarmas">
      <span className="alarm-banner-count" data-testid="active-alarms-count">
        {summary.active}
      </span>
      <span>
        {summary.active === 1 ? "alarma activa" : "alarmas activas"}
        {summary.unacknowledged > 0 ? ` · ${summary.unacknowledged} sin reconocer` : ""}
      </span>
      {latest ? (
        <span className="alarm-banner-latest" data-testid="latest-alarm">
          Nueva: {latest.number} · {latest.component} · {latest.description}
        </span>
      ) : null}
    </Link>
  );
}
