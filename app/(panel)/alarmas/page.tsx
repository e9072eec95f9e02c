import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { roleHasPermission } from "../../../server/contracts/permissions";
import { ALARM_STATE_LABELS, ALARM_STATES, ALARM_TYPE_INFO } from "../../../server/domain/alarms/index";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { consultAlarmRegister } from "../../../server/services/alarms/register";
import { AlarmBoard } from "./alarm-board";

export const metadata: Metadata = { title: "Alarmas" };
export const dynamic = "force-dynamic";

const STATE_OPTIONS: [string, string][] = [
  ["", "Todas"],
  ["active", "Activas (requieren atención)"],
  ["open", "Abiertas (incluye suprimidas)"],
  ...ALARM_STATES.map((s): [string, string] => [s, ALARM_STATE_LABELS[s]]),
];

/**
 * Registro de alarmas (A30-ALM-09): active and historical alarms with filters by date, type,
 * component and state; opening or filtering it is a bitácora entry naming the user. Actions
 * (A30-ALM-10) are offered to Administrador, Supervisor and Operador only.
 */
export default async function AlarmsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
  const raw = await searchParams;
  const filters: Record<string, string> = {};
  for (const key of ["from", "to", "type", "component", "state"]) {
    const value = raw[key];
    if (typeof value === "string" && value.trim() !== "") filters[key] = value.trim();
  }
  const runtime = getRuntime();
  const now = runtime.clock.now();
  const actor = { id: Number(session.user.id), username: session.user.username, role: session.user.role };
  const result = await consultAlarmRegister({ db: runtime.db, now, actor }, filters);
  return (
    <>
      <h1 className="page-title">Registro de alarmas</h1>
      <form className="alarm-filters" method="get" aria-label="Filtros del registro de alarmas">
        <label>
          Desde
          <input type="date" name="from" defaultValue={filters.from ?? ""} />
        </label>
        <label>
          Hasta
          <input type="date" name="to" defaultValue={filters.to ?? ""} />
        </label>
        <label>
          Tipo
          <select name="type" defaultValue={filters.type ?? ""}>
            <option value="">Todos</option>
            {Object.entries(ALARM_TYPE_INFO).map(([type, info]) => (
              <option key={type} value={type}>
                {type}. {info.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Componente
          <input type="text" name="component" placeholder="p. ej. TQS-EDS-0001" defaultValue={filters.component ?? ""} />
        </label>
        <label>
          Estado
          <select name="state" defaultValue={filters.state ?? ""}>
            {STATE_OPTIONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filtrar</button>
      </form>
      {result.ok ? (
        <AlarmBoard
          initialAlarms={result.value.alarms}
          filters={{ type: result.value.filters.type ?? null, component: result.value.filters.component ?? null, state: result.value.filters.state ?? null }}
          canHandle={roleHasPermission(session.user.role, "handleAlarms")}
          canRegister={roleHasPermission(session.user.role, "writeEventLog")}
        />
      ) : (
        <p className="form-error" role="alert">
          Filtro inválido: {result.error}
        </p>
      )}
    </>
  );
}
