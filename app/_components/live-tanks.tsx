"use client";

import { apiFetch } from "../_lib/api-fetch";
import { useEffect, useMemo, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { followSessionEnd } from "../_lib/session-socket";
import type { InstallationView, LatestValue, TankAlarmsView, TankView } from "../../server/contracts/dashboard";
import { INSTALLATION_TYPE_LABELS } from "../../server/contracts/dashboard";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/contracts/realtime";
import type { DashboardTankVariable } from "../../server/contracts/site";
import { formatNumber, formatTime } from "../_lib/format";

type Latest = Record<string, LatestValue>;

const PRODUCT_COLORS: Record<string, string> = { PR07: "#1f9d55", PR03: "#202020" };
const PREMIUM_COLOR = "#c81e1e";

/** Live tank cards: initial values from the server, then socket.io updates per installation room. */
export function LiveTanks({ initial }: { initial: InstallationView[] }) {
  const [latest, setLatest] = useState<Latest>(() => {
    const map: Latest = {};
    for (const installation of initial) {
      for (const tank of installation.tanks) {
        for (const [variable, tag] of Object.entries(tank.tags)) {
          const value = tank.latest[variable as DashboardTankVariable];
          if (tag && value) map[tag] = value;
        }
      }
    }
    return map;
  });
  const [connection, setConnection] = useState<"conectando" | "en-vivo" | "sin-conexion">("conectando");
  // Active alarms per tank (A30-ACC-07); refreshed from the server whenever an alarm is pushed.
  const [tankAlarms, setTankAlarms] = useState<Record<string, TankAlarmsView>>(() =>
    Object.fromEntries(initial.flatMap((i) => i.tanks.map((t) => [t.key, t.activeAlarms] as const))),
  );
  const installationKeys = useMemo(() => initial.map((i) => i.key), [initial]);

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ["websocket", "polling"] });
    followSessionEnd(socket);
    const subscribeAll = () => {
      for (const key of installationKeys) socket.emit("subscribe", { installationKey: key }, () => undefined);
    };
    socket.on("connect", () => {
      setConnection("en-vivo");
      subscribeAll();
    });
    socket.on("disconnect", () => setConnection("sin-conexion"));
    socket.on("connect_error", () => setConnection("sin-conexion"));
    socket.on("measurements", (payload) => {
      setLatest((previous) => {
        const next = { ...previous };
        for (const [tag, time, value, quality] of payload.v) {
          const current = next[tag];
          if (!current || current.time <= time) next[tag] = { value, time, quality };
        }
        return next;
      });
    });
    let refreshing = false;
    socket.on("alarm", () => {
      if (refreshing) return;
      refreshing = true;
      apiFetch("/api/installations", { cache: "no-store", background: true })
        .then((response) => (response.ok ? (response.json() as Promise<{ installations: InstallationView[] }>) : null))
        .then((body) => {
          if (body) setTankAlarms(Object.fromEntries(body.installations.flatMap((i) => i.tanks.map((t) => [t.key, t.activeAlarms] as const))));
        })
        .catch(() => undefined)
        .finally(() => {
          refreshing = false;
        });
    });
    return () => {
      socket.disconnect();
    };
  }, [installationKeys]);

  return (
    <div>
      <p className={`connection connection-${connection}`} data-testid="connection-state" role="status">
        {connection === "en-vivo" ? "● En vivo" : connection === "conectando" ? "○ Conectando…" : "○ Sin conexión: reintentando"}
      </p>
      {initial.map((installation) => (
        <section key={installation.key} className="installation" data-installation={installation.key}>
          <header>
            <h2>
              {installation.key} <small>{INSTALLATION_TYPE_LABELS[installation.type] ?? installation.type}</small>
            </h2>
            <p className="muted">{installation.description}</p>
          </header>
          <div className="tank-grid">
            {installation.tanks.map((tank) => (
              <TankCard key={tank.key} tank={tank} latest={latest} timeZone={installation.timeZone} alarms={tankAlarms[tank.key] ?? tank.activeAlarms} />
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}

function TankCard({ tank, latest, timeZone, alarms }: { tank: TankView; latest: Latest; timeZone: string; alarms: TankAlarmsView }) {
  const read = (variable: DashboardTankVariable): LatestValue | undefined => {
    const tag = tank.tags[variable];
    return tag ? latest[tag] : undefined;
  };
  const level = read("level_mm");
  const gross = read("gross_volume_l");
  const net = read("net_volume_l");
  const temperature = read("temperature_c");
  const water = read("water_level_mm");
  const density = read("density_kg_m3");
  // % of capacity (A30-ACC-07): by volume once the UCC has computed it, by level until then.
  const fillPct =
    gross && gross.quality === 0 && tank.capacityTotalL > 0
      ? clampPct((gross.value / tank.capacityTotalL) * 100)
      : level && tank.heightMm
        ? clampPct((level.value / tank.heightMm) * 100)
        : null;
  const color = tank.subProductKey === "SP17" ? PREMIUM_COLOR : (PRODUCT_COLORS[tank.productKey] ?? "#2563eb");
  const stale = level ? level.quality !== 0 : true;
  return (
    <article className={`tank-card${stale ? " tank-stale" : ""}`} data-tank={tank.key}>
      <header>
        <h3>{tank.key}</h3>
        <span className="product" style={{ borderColor: color }} title={tank.subProductName ?? tank.productName}>
          {tank.productKey} · {tank.subProductName ?? tank.productName}
        </span>
      </header>
      <div className="tank-body">
        <svg className="tank-gauge" viewBox="0 0 40 100" role="img" aria-label={`Nivel ${fillPct === null ? "sin dato" : `${formatNumber(fillPct, 1)} %`}`}>
          <rect x="1" y="1" width="38" height="98" rx="4" className="tank-shell" />
          {fillPct !== null ? <rect x="3" y={99 - fillPct * 0.96} width="34" height={fillPct * 0.96} rx="2" fill={color} /> : null}
        </svg>
        <dl>
          <dt>Volumen neto{tank.referenceTemperatureC === null ? "" : ` (${formatNumber(tank.referenceTemperatureC, tank.referenceTemperatureC % 1 === 0 ? 0 : 2)} °C)`}</dt>
          <dd data-testid="net-volume">{net && net.quality === 0 ? `${formatNumber(net.value, 0)} L` : "—"}</dd>
          <dt>Volumen bruto</dt>
          <dd>{gross && gross.quality === 0 ? `${formatNumber(gross.value, 0)} L` : "—"}</dd>
          <dt>Nivel</dt>
          <dd data-testid="level">{level ? `${formatNumber(level.value, 1)} mm` : "—"}</dd>
          <dt>Llenado</dt>
          <dd>{fillPct === null ? "—" : `${formatNumber(fillPct, 1)} %`}</dd>
          <dt>Temperatura</dt>
          <dd>{temperature ? `${formatNumber(temperature.value, 2)} °C` : "—"}</dd>
          <dt>Agua</dt>
          <dd>{water ? `${formatNumber(water.value, 1)} mm` : "—"}</dd>
          <dt>Densidad</dt>
          <dd>{density ? `${formatNumber(density.value, 1)} kg/m³` : "—"}</dd>
          <dt>Capacidad</dt>
          <dd>{formatNumber(tank.capacityTotalL, 0)} L</dd>
        </dl>
      </div>
      {alarms.count > 0 ? (
        <a className="tank-alarms" data-testid="tank-alarms" href={`/alarmas?component=${encodeURIComponent(tank.key)}`} title={alarms.latest ?? undefined}>
          ⚠ {alarms.count === 1 ? "1 alarma activa" : `${alarms.count} alarmas activas`}
          {alarms.latest ? <span className="tank-alarms-latest"> · {alarms.latest}</span> : null}
        </a>
      ) : null}
      <footer className="muted">{level ? `Lectura ${formatTime(level.time, timeZone)}` : "Sin lecturas"}</footer>
    </article>
  );
}

function clampPct(value: number): number {
  return Math.max(0, Math.min(100, value));
}
