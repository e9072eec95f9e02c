import type { Metadata } from "next";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { roleHasPermission } from "../../../server/contracts/permissions";
import { listOperations, listOperationVersions, listUndocumentedReceptions, type OperationRow } from "../../../server/services/operations/index";
import { listProcessLosses } from "../../../server/services/inventory/index";
import { formatNumber } from "../../_lib/format";
import { ManualOperationForm } from "./manual-operation-form";
import { OperationActions } from "./operation-actions";
import { ProcessLossForm } from "./process-loss-form";
import { OperationCfdi } from "../cfdi/operation-cfdi";

export const metadata: Metadata = { title: "Operaciones" };
export const dynamic = "force-dynamic";

const TYPE_LABEL = { reception: "Recepción", delivery: "Entrega" } as const;
const ORIGIN_LABEL = { automatic: "automática", manual: "manual", third_party: "tercero", provider: "proveedor" } as const;
const STATUS_LABEL = { complete: "completo", incomplete: "incompleto" } as const;

function dateTime(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("es-MX", { timeZone, dateStyle: "short", timeStyle: "medium", hourCycle: "h23" }).format(d);
}

const FIELD_LABEL: Record<string, string> = {
  counterpartyRfc: "RFC de la contraparte",
  counterpartyName: "Nombre de la contraparte",
  counterpartyPermit: "Permiso de la contraparte",
  transportMeansKey: "Medio de transporte",
  transportPermit: "Permiso del transportista",
  clarification: "Aclaración",
  netVolume: "Volumen a condiciones de referencia",
  grossVolume: "Volumen bruto",
};
const MISSING_LABEL = { transporte: "medio de transporte", cfdi: "CFDI" } as const;
type View = "todas" | "incompletos" | "sin-documentacion";

function volume(v: number | null): string {
  return v === null ? "—" : formatNumber(v, 3);
}

/** A30-REC-01/03/07: receptions and deliveries (current versions), with origin and status; manual capture. */
export default async function OperationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await auth();
  const params = await searchParams;
  const installation = typeof params.instalacion === "string" && params.instalacion ? params.instalacion : undefined;
  const type = params.tipo === "reception" || params.tipo === "delivery" ? params.tipo : undefined;
  const view: View = params.vista === "incompletos" || params.vista === "sin-documentacion" ? params.vista : "todas";
  const detailId = typeof params.detalle === "string" && /^\d{1,15}$/.test(params.detalle) ? Number(params.detalle) : null;
  const runtime = getRuntime();
  const db = runtime.db;
  const [listed, installations, tanks, versions, losses] = await Promise.all([
    view === "sin-documentacion"
      ? listUndocumentedReceptions(db, runtime.clock.now(), { installationKey: installation, limit: 300 })
      : listOperations(db, { installationKey: installation, type, status: view === "incompletos" ? "incomplete" : undefined, limit: 300 }).then((ops) =>
          ops.map((operation) => ({ operation, missing: [] as Array<"transporte" | "cfdi"> })),
        ),
    db.query<{ key: string; time_zone: string }>("select key, time_zone from installations order by key"),
    db.query<{ installation_key: string; key: string }>("select i.key as installation_key, k.key from tanks k join installations i on i.id = k.installation_id order by i.key, k.key"),
    detailId === null ? Promise.resolve([] as OperationRow[]) : listOperationVersions(db, detailId),
    listProcessLosses(db, { installationKey: installation, limit: 20 }),
  ]);
  const operations = listed.map((l) => l.operation);
  const missingOf = new Map(listed.map((l) => [l.operation.id, l.missing]));
  const entryIds = versions.map((v) => v.eventLogId).filter((v): v is number => v !== null);
  const entries = entryIds.length
    ? await db.query<{ id: string | number; details: unknown }>("select id, details from event_log where id = any($1::bigint[])", [entryIds])
    : [];
  const changesOf = new Map(
    entries.map((e) => {
      const details = (typeof e.details === "string" ? JSON.parse(e.details) : e.details) as { changes?: Array<{ field: string; before: unknown; after: unknown }> } | null;
      return [Number(e.id), details?.changes ?? []];
    }),
  );
  const current = versions.length > 0 ? versions[versions.length - 1]! : null;
  const canCaptureLosses = session?.user ? roleHasPermission(session.user.role, "captureFiscalData") : false;
  const link = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    const merged = { instalacion: installation, tipo: type, vista: view === "todas" ? undefined : view, ...extra };
    for (const [k, v] of Object.entries(merged)) if (v) q.set(k, v);
    const text = q.toString();
    return text ? `/operaciones?${text}` : "/operaciones";
  };
  const zoneOf = new Map(installations.map((i) => [i.key, i.time_zone]));
  const canCapture = session?.user ? roleHasPermission(session.user.role, "captureManualOperations") : false;
  return (
    <>
      <h1 className="page-title">Operaciones de recepción y entrega</h1>
      <form className="operations-filters" method="get">
        <label>
          Instalación
          <select name="instalacion" defaultValue={installation ?? ""}>
            <option value="">Todas</option>
            {installations.map((i) => (
              <option key={i.key} value={i.key}>
                {i.key}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tipo
          <select name="tipo" defaultValue={type ?? ""}>
            <option value="">Recepciones y entregas</option>
            <option value="reception">Recepciones</option>
            <option value="delivery">Entregas</option>
          </select>
        </label>
        {view !== "todas" ? <input type="hidden" name="vista" value={view} /> : null}
        <button type="submit">Filtrar</button>
      </form>
      <nav className="operations-tabs" aria-label="Vistas de operaciones">
        <a href={link({ vista: undefined, detalle: undefined })} aria-current={view === "todas" ? "page" : undefined}>
          Todas
        </a>
        <a href={link({ vista: "incompletos", detalle: undefined })} aria-current={view === "incompletos" ? "page" : undefined}>
          Registros incompletos
        </a>
        <a href={link({ vista: "sin-documentacion", detalle: undefined })} aria-current={view === "sin-documentacion" ? "page" : undefined}>
          Sin documentación (más de 72 h)
        </a>
      </nav>
      <div className="operations-table-wrap">
        <table className="operations-table" data-testid="operations-table">
          <thead>
            <tr>
              <th>Número</th>
              <th>Tipo</th>
              <th>Instalación</th>
              <th>Elemento</th>
              <th>Inicio</th>
              <th>Fin</th>
              <th>Volumen bruto (L)</th>
              <th>Volumen a 20 °C (L)</th>
              <th>Temperatura (°C)</th>
              <th>RFC</th>
              <th>Transporte</th>
              <th>Origen</th>
              <th>Estado</th>
              {view === "sin-documentacion" ? <th>Falta</th> : null}
              <th>Detalle</th>
            </tr>
          </thead>
          <tbody>
            {operations.length === 0 ? (
              <tr>
                <td colSpan={15}>{view === "incompletos" ? "No hay registros incompletos." : view === "sin-documentacion" ? "No hay recepciones sin documentación." : "No hay operaciones registradas."}</td>
              </tr>
            ) : (
              operations.map((op) => {
                const zone = zoneOf.get(op.installationKey) ?? "America/Mexico_City";
                return (
                  <tr key={op.id} data-operation={op.number} data-origin={op.origin}>
                    <td>
                      {op.number}
                      {op.version > 1 ? <span className="operations-version"> v{op.version}</span> : null}
                    </td>
                    <td>{TYPE_LABEL[op.type]}</td>
                    <td>{op.installationKey}</td>
                    <td>{op.hoseKey ?? op.tankKey ?? "—"}</td>
                    <td>{dateTime(op.startAt, zone)}</td>
                    <td>{dateTime(op.endAt, zone)}</td>
                    <td className="num">{volume(op.grossVolume)}</td>
                    <td className="num">{volume(op.netVolume)}</td>
                    <td className="num">{op.temperatureC === null ? "—" : formatNumber(op.temperatureC, 2)}</td>
                    <td>{op.counterpartyRfc ?? "—"}</td>
                    <td>{op.transportMeansKey ?? "—"}</td>
                    <td>
                      <span className={`operations-origin operations-origin-${op.origin}`} data-testid="origin">
                        {ORIGIN_LABEL[op.origin]}
                      </span>
                      {op.createdByUsername ? <span className="operations-user"> ({op.createdByUsername})</span> : null}
                    </td>
                    <td title={op.incompleteReasons.join("; ")}>
                      <span className={`operations-status operations-status-${op.status}`}>{STATUS_LABEL[op.status]}</span>
                    </td>
                    {view === "sin-documentacion" ? <td>{(missingOf.get(op.id) ?? []).map((m) => MISSING_LABEL[m]).join(", ")}</td> : null}
                    <td>
                      <a href={link({ detalle: String(op.id) })} aria-label={`Detalle de la operación ${op.number}`}>
                        Detalle
                      </a>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      {current ? (
        <section className="operations-detail" aria-labelledby="detail-title" data-testid="operation-detail">
          <h2 id="detail-title">
            {TYPE_LABEL[current.type]} número {current.number} · {current.installationKey} · versión vigente v{current.version}
          </h2>
          <p>
            RFC: {current.counterpartyRfc ?? "—"} · Contraparte: {current.counterpartyName ?? "—"} · Transporte: {current.transportMeansKey ?? "—"} · Volumen:{" "}
            {volume(current.netVolume)} L · Estado: {STATUS_LABEL[current.status]}
            {current.clarification ? ` · Aclaración: ${current.clarification}` : ""}
          </p>
          <h3>Historial de versiones</h3>
          <ol className="operations-versions" data-testid="operation-versions">
            {versions.map((v) => (
              <li key={v.id} data-version={v.version}>
                <strong>v{v.version}</strong> · {dateTime(v.createdAt, zoneOf.get(v.installationKey) ?? "America/Mexico_City")} · {v.createdByUsername ?? "sistema"}
                {v.version > 1 ? ` · Motivo: ${v.correctionReason ?? "—"}` : v.origin === "manual" ? " · registro manual" : " · registro original"}
                {v.eventLogId !== null ? (
                  <>
                    {" "}
                    · <a href={`/bitacora#entrada-${v.eventLogId}`}>Entrada de bitácora n.º {v.eventLogId}</a>
                  </>
                ) : null}
                {v.version > 1 && v.eventLogId !== null ? (
                  <ul>
                    {(changesOf.get(v.eventLogId) ?? []).map((c) => (
                      <li key={c.field}>
                        {FIELD_LABEL[c.field] ?? c.field}: {String(c.before ?? "(vacío)")} → {String(c.after ?? "(vacío)")}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ol>
          {/* A30-CFDI-05: the CFDI linked to this operation. */}
          <OperationCfdi operationId={current.id} />
          {canCapture ? (
            <OperationActions
              key={current.id}
              operationId={current.id}
              number={current.number}
              version={current.version}
              counterpartyRfc={current.counterpartyRfc}
              counterpartyName={current.counterpartyName}
              transportMeansKey={current.transportMeansKey}
              netVolume={current.netVolume}
            />
          ) : null}
        </section>
      ) : detailId !== null ? (
        <p role="alert">La operación {detailId} no existe.</p>
      ) : null}
      <section className="operations-losses" aria-labelledby="losses-title">
        <h2 id="losses-title">Pérdidas por proceso</h2>
        <p>Se restan de la existencia calculada del corte de su fecha (A30-REC-08). Se capturan antes del corte del día.</p>
        <table className="operations-table" data-testid="process-losses">
          <thead>
            <tr>
              <th>Fecha</th>
              <th>Instalación</th>
              <th>Tanque</th>
              <th>Volumen</th>
              <th>Método</th>
              <th>Justificación</th>
              <th>Usuario</th>
            </tr>
          </thead>
          <tbody>
            {losses.length === 0 ? (
              <tr>
                <td colSpan={7}>No hay pérdidas registradas.</td>
              </tr>
            ) : (
              losses.map((l) => (
                <tr key={l.id}>
                  <td>{l.reportDate}</td>
                  <td>{l.installation}</td>
                  <td>{l.tank ?? "—"}</td>
                  <td className="num">
                    {formatNumber(Number(l.volume), 3)} {l.unit === "UM03" ? "L" : l.unit}
                  </td>
                  <td>{l.method}</td>
                  <td>{l.justification}</td>
                  <td>{l.createdBy}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        {canCaptureLosses ? <ProcessLossForm tanks={tanks.map((k) => ({ installation: k.installation_key, key: k.key }))} /> : null}
      </section>
      {canCapture ? <ManualOperationForm installations={installations.map((i) => i.key)} tanks={tanks.map((k) => ({ installation: k.installation_key, key: k.key }))} /> : null}
    </>
  );
}
