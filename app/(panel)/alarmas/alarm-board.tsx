"use client";

import { apiFetch } from "../../_lib/api-fetch";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { io, type Socket } from "socket.io-client";
import type { AlarmDetailView, AlarmView } from "../../../server/contracts/alarms";
import type { ClientToServerEvents, ServerToClientEvents } from "../../../server/contracts/realtime";
import { groupAlarmFloods, type AlarmType } from "../../../server/domain/alarms/index";

type FormKind = "attend" | "shelve" | "detail";

interface BoardFilters {
  type: number | null;
  component: string | null;
  state: string | null;
}

interface Row {
  key: string;
  latest: AlarmView;
  alarms: AlarmView[];
  count: number;
}

const MANUAL_TYPES: [number, string][] = [
  [1, "Calibración no válida"],
  [3, "Intento de alteración de registros"],
  [4, "Registros incompletos o duplicados"],
  [5, "Problemas de comunicación"],
  [6, "Falla del medio de almacenamiento"],
  [7, "Falla en la red de comunicación"],
  [8, "Falla de energía"],
  [9, "Error en la transmisión de información"],
  [11, "Paro de emergencia"],
];

const SHELVE_OPTIONS: [number, string][] = [
  [30, "30 minutos"],
  [60, "1 hora"],
  [240, "4 horas"],
  [480, "8 horas"],
  [1440, "24 horas"],
];

const ACTION_LABELS: Record<string, string> = {
  acknowledge: "Reconocida",
  attend: "Atendida",
  shelve: "Suprimida",
  unshelve: "Restablecida",
  clear: "Normalizada",
};

const LINK_LABELS: Record<string, string> = { cause: "Causa probable", corrective_action: "Acción correctiva", follow_up: "Seguimiento", note: "Nota" };

function matchesFilters(alarm: AlarmView, filters: BoardFilters): boolean {
  if (filters.type !== null && alarm.type !== filters.type) return false;
  if (filters.component !== null && alarm.component !== filters.component) return false;
  if (filters.state === "active") return alarm.state.needsAttention;
  if (filters.state === "open") return alarm.state.key !== "normal";
  if (filters.state) return alarm.state.key === filters.state;
  return true;
}

function formatInstant(iso: string | null): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeStyle: "medium", timeZone: "America/Mexico_City" }).format(new Date(iso));
}

/** Alarm table with live updates, flood grouping (×N) and the actions of A30-ALM-10. */
export function AlarmBoard({ initialAlarms, filters, canHandle, canRegister }: { initialAlarms: AlarmView[]; filters: BoardFilters; canHandle: boolean; canRegister: boolean }) {
  const [alarms, setAlarms] = useState<Map<number, AlarmView>>(() => new Map(initialAlarms.map((a) => [a.id, a])));
  const [connection, setConnection] = useState<"conectando" | "en-vivo" | "sin-conexion">("conectando");
  const [open, setOpen] = useState<{ key: string; kind: FormKind } | null>(null);
  const [detail, setDetail] = useState<AlarmDetailView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ["websocket", "polling"] });
    socket.on("connect", () => setConnection("en-vivo"));
    socket.on("disconnect", () => setConnection("sin-conexion"));
    socket.on("connect_error", () => setConnection("sin-conexion"));
    socket.on("alarm", (payload) => {
      setAlarms((previous) => {
        if (!previous.has(payload.alarm.id) && !matchesFilters(payload.alarm, filters)) return previous;
        const next = new Map(previous);
        next.set(payload.alarm.id, payload.alarm);
        return next;
      });
    });
    return () => {
      socket.disconnect();
    };
  }, [filters]);

  const upsert = (updated: AlarmView[]) =>
    setAlarms((previous) => {
      const next = new Map(previous);
      for (const alarm of updated) next.set(alarm.id, alarm);
      return next;
    });

  const rows = useMemo(() => {
    const list = [...alarms.values()];
    const group = (items: AlarmView[]): Row[] =>
      groupAlarmFloods(items.map((view) => ({ id: view.id, type: view.type as AlarmType, component: view.component, time: new Date(view.registeredAt), details: view.details, view }))).map((g) => ({
        key: g.key + ":" + g.latest.id,
        latest: g.latest.view,
        alarms: g.alarms.map((a) => a.view),
        count: g.count,
      }));
    return {
      active: group(list.filter((a) => a.state.key !== "normal")),
      history: group(list.filter((a) => a.state.key === "normal")),
    };
  }, [alarms]);

  async function post(alarmId: number, action: string, body: Record<string, unknown>): Promise<AlarmView | null> {
    const response = await apiFetch(`/api/alarms/${alarmId}/${action}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await response.json().catch(() => ({}))) as { alarm?: AlarmView; error?: string };
    if (!response.ok) throw new Error(json.error ?? `error ${response.status}`);
    return json.alarm ?? null;
  }

  async function run(targets: AlarmView[], action: string, body: Record<string, unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      const updated: AlarmView[] = [];
      for (const target of targets) {
        const alarm = await post(target.id, action, body);
        if (alarm) updated.push(alarm);
      }
      upsert(updated);
      setOpen(null);
      return true;
    } catch (caught) {
      setError((caught as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function showDetail(row: Row) {
    if (open?.key === row.key && open.kind === "detail") {
      setOpen(null);
      return;
    }
    setError(null);
    const response = await apiFetch(`/api/alarms/${row.latest.id}`);
    const json = (await response.json().catch(() => ({}))) as { alarm?: AlarmDetailView; error?: string };
    if (!response.ok || !json.alarm) {
      setError(json.error ?? `error ${response.status}`);
      return;
    }
    setDetail(json.alarm);
    setOpen({ key: row.key, kind: "detail" });
  }

  function onAttend(event: FormEvent<HTMLFormElement>, row: Row) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(row.alarms, "attend", {
      cause: String(form.get("cause") ?? ""),
      correctiveAction: String(form.get("correctiveAction") ?? ""),
      followUp: String(form.get("followUp") ?? "") || undefined,
    });
  }

  function onShelve(event: FormEvent<HTMLFormElement>, row: Row) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(
      row.alarms.filter((a) => a.state.key !== "normal" && a.state.key !== "shelved"),
      "shelve",
      { durationMinutes: Number(form.get("durationMinutes")), reason: String(form.get("reason") ?? "") },
    );
  }

  async function onRegister(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setBusy(true);
    setError(null);
    try {
      const response = await apiFetch("/api/alarms", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          type: Number(form.get("type")),
          component: String(form.get("component") ?? ""),
          installationKey: String(form.get("installationKey") ?? "") || undefined,
          description: String(form.get("description") ?? ""),
        }),
      });
      const json = (await response.json().catch(() => ({}))) as { alarm?: AlarmView; error?: string };
      if (!response.ok || !json.alarm) throw new Error(json.error ?? `error ${response.status}`);
      upsert([json.alarm]);
      formElement.reset();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const renderTable = (list: Row[], caption: string, testId: string) => (
    <section className="alarm-section" data-testid={testId}>
      <h2>
        {caption} <small className="muted">({list.reduce((n, r) => n + r.count, 0)})</small>
      </h2>
      {list.length === 0 ? (
        <p className="muted">Sin alarmas.</p>
      ) : (
        <table className="alarm-table">
          <thead>
            <tr>
              <th>Número</th>
              <th>Fecha</th>
              <th>Hora</th>
              <th>Componente</th>
              <th>Tipo de evento</th>
              <th>Descripción</th>
              <th>Prioridad</th>
              <th>Estado</th>
              <th>Acciones</th>
            </tr>
          </thead>
          <tbody>
            {list.map((row) => {
              const alarm = row.latest;
              const unacknowledged = row.alarms.filter((a) => !a.state.acknowledged);
              const shelved = row.alarms.filter((a) => a.state.key === "shelved");
              const shelvable = row.alarms.some((a) => a.state.key !== "normal" && a.state.key !== "shelved");
              return [
                <tr key={row.key} data-testid="alarm-row" data-alarm-id={alarm.id} data-alarm-type={alarm.type} className={`alarm-row alarm-state-${alarm.state.key}`}>
                  <td>
                    {alarm.number}
                    {row.count > 1 ? (
                      <span className="alarm-count" data-testid="alarm-count" title={`Números ${row.alarms.map((a) => a.number).join(", ")}`}>
                        ×{row.count}
                      </span>
                    ) : null}
                  </td>
                  <td>{alarm.date}</td>
                  <td>{alarm.time}</td>
                  <td>{alarm.component}</td>
                  <td>
                    {alarm.type}. {alarm.eventType}
                  </td>
                  <td>
                    {alarm.description}
                    {alarm.origin === "manual" ? <small className="muted"> (manual, {alarm.raisedBy})</small> : null}
                  </td>
                  <td>
                    <span className={`alarm-priority alarm-priority-${alarm.priority.rank}`}>{alarm.priority.label}</span>
                  </td>
                  <td>
                    <span className={`alarm-badge alarm-badge-${alarm.state.key}`} data-testid="alarm-state">
                      {alarm.state.label}
                    </span>
                    {alarm.state.attended ? <span className="alarm-badge alarm-badge-attended">Atendida</span> : null}
                    {alarm.state.shelvedUntil ? <small className="muted"> hasta {formatInstant(alarm.state.shelvedUntil)}</small> : null}
                  </td>
                  <td className="alarm-actions">
                    <button type="button" className="secondary" onClick={() => void showDetail(row)}>
                      Detalle
                    </button>
                    {canHandle ? (
                      <>
                        {unacknowledged.length > 0 ? (
                          <button type="button" disabled={busy} onClick={() => void run(unacknowledged, "acknowledge", {})}>
                            Reconocer{row.count > 1 ? ` (${unacknowledged.length})` : ""}
                          </button>
                        ) : null}
                        <button type="button" disabled={busy} onClick={() => setOpen(open?.key === row.key && open.kind === "attend" ? null : { key: row.key, kind: "attend" })}>
                          Atender
                        </button>
                        {shelvable ? (
                          <button type="button" disabled={busy} onClick={() => setOpen(open?.key === row.key && open.kind === "shelve" ? null : { key: row.key, kind: "shelve" })}>
                            Suprimir
                          </button>
                        ) : null}
                        {shelved.length > 0 ? (
                          <button type="button" disabled={busy} onClick={() => void run(shelved, "unshelve", {})}>
                            Restablecer
                          </button>
                        ) : null}
                      </>
                    ) : null}
                  </td>
                </tr>,
                open?.key === row.key ? (
                  <tr key={`${row.key}:form`} className="alarm-form-row">
                    <td colSpan={9}>
                      {open.kind === "attend" ? (
                        <form className="alarm-form" onSubmit={(e) => onAttend(e, row)} aria-label={`Atender alarma ${alarm.number}`}>
                          <label>
                            Causa probable
                            <textarea name="cause" required minLength={3} maxLength={500} />
                          </label>
                          <label>
                            Acción correctiva
                            <textarea name="correctiveAction" required minLength={3} maxLength={500} />
                          </label>
                          <label>
                            Seguimiento (opcional)
                            <textarea name="followUp" maxLength={500} />
                          </label>
                          <button type="submit" disabled={busy}>
                            Registrar atención
                          </button>
                        </form>
                      ) : open.kind === "shelve" ? (
                        <form className="alarm-form" onSubmit={(e) => onShelve(e, row)} aria-label={`Suprimir alarma ${alarm.number}`}>
                          <label>
                            Duración
                            <select name="durationMinutes" defaultValue="60">
                              {SHELVE_OPTIONS.map(([minutes, label]) => (
                                <option key={minutes} value={minutes}>
                                  {label}
                                </option>
                              ))}
                            </select>
                          </label>
                          <label>
                            Motivo
                            <textarea name="reason" required minLength={3} maxLength={500} />
                          </label>
                          <button type="submit" disabled={busy}>
                            Suprimir temporalmente
                          </button>
                        </form>
                      ) : detail && detail.id === alarm.id ? (
                        <div className="alarm-detail" data-testid="alarm-detail">
                          <p>
                            Ocurrió: {formatInstant(detail.occurredAt)} · Registrada: {formatInstant(detail.registeredAt)}
                            {detail.installationKey ? ` · Instalación ${detail.installationKey}` : ""}
                            {detail.relatedAlarmId ? ` · Relacionada con la alarma ${detail.relatedAlarmId}` : ""}
                          </p>
                          <h3>Acciones</h3>
                          {detail.actions.length === 0 ? (
                            <p className="muted">Sin acciones registradas.</p>
                          ) : (
                            <ol>
                              {detail.actions.map((a) => (
                                <li key={a.id}>
                                  {formatInstant(a.time)} · {ACTION_LABELS[a.action] ?? a.action} · {a.user ?? "sistema"}
                                  {a.cause ? ` · Causa: ${a.cause}` : ""}
                                  {a.correctiveAction ? ` · Acción: ${a.correctiveAction}` : ""}
                                  {a.shelvedUntil ? ` · hasta ${formatInstant(a.shelvedUntil)}` : ""}
                                  {a.reason ? ` · ${a.reason}` : ""}
                                </li>
                              ))}
                            </ol>
                          )}
                          <h3>Entradas de bitácora vinculadas</h3>
                          {detail.linkedEntries.length === 0 ? (
                            <p className="muted">Sin entradas vinculadas.</p>
                          ) : (
                            <ol data-testid="linked-entries">
                              {detail.linkedEntries.map((e) => (
                                <li key={`${e.eventLogId}:${e.kind}`}>
                                  #{e.eventLogId} · {LINK_LABELS[e.kind] ?? e.kind} · {e.user} · {e.description}
                                </li>
                              ))}
                            </ol>
                          )}
                        </div>
                      ) : null}
                    </td>
                  </tr>
                ) : null,
              ];
            })}
          </tbody>
        </table>
      )}
    </section>
  );

  return (
    <div className="alarm-board">
      <p className={`connection connection-${connection}`} data-testid="alarms-connection" role="status">
        {connection === "en-vivo" ? "● En vivo" : connection === "conectando" ? "○ Conectando…" : "○ Sin conexión: reintentando"}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {canRegister ? (
        <details className="alarm-manual">
          <summary>Registrar alarma manual</summary>
          <form className="alarm-form" onSubmit={(e) => void onRegister(e)} aria-label="Registrar alarma manual">
            <label>
              Tipo
              <select name="type" defaultValue="8">
                {MANUAL_TYPES.map(([type, label]) => (
                  <option key={type} value={type}>
                    {type}. {label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Componente
              <input name="component" required placeholder="p. ej. SMD-DISP-0003" />
            </label>
            <label>
              Instalación (opcional)
              <input name="installationKey" placeholder="p. ej. EDS-0001" />
            </label>
            <label>
              Descripción
              <textarea name="description" required minLength={5} maxLength={250} />
            </label>
            <button type="submit" disabled={busy}>
              Registrar
            </button>
          </form>
        </details>
      ) : null}
      {renderTable(rows.active, "Alarmas activas", "active-alarms-table")}
      {renderTable(rows.history, "Historial", "history-alarms-table")}
    </div>
  );
}
