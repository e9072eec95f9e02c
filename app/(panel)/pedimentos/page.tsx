import type { Metadata } from "next";
import { INCOTERMS } from "../../../db/schema/enums";
import { roleHasPermission } from "../../../server/contracts/permissions";
import { TRANSPORT_MEANS } from "../../../server/domain/pedimentos/index";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { listPedimentoVersions, listPedimentos, readPedimento, type PedimentoView } from "../../../server/services/pedimentos/index";
import { formatNumber } from "../../_lib/format";
import { PedimentoActions } from "./pedimento-actions";
import { PedimentoForm } from "./pedimento-form";

export const metadata: Metadata = { title: "Pedimentos" };
export const dynamic = "force-dynamic";

const UNIT_LABEL: Record<string, string> = { UM01: "bbl", UM02: "ft³", UM03: "L", UM04: "m³" };
const DIRECTION_LABEL = { import: "Importación", export: "Exportación" } as const;
const TYPE_LABEL = { reception: "Recepción", delivery: "Entrega" } as const;

function dateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("es-MX", { timeZone, dateStyle: "short", timeStyle: "short", hourCycle: "h23" }).format(new Date(iso));
}

/**
 * A30-PED-02…07: pedimentos (current versions) with their SAT data, warnings and the receptions
 * they cover ("vinculado x / y L"); every profile reads, Administrador and Supervisor capture,
 * link and correct (captureFiscalData; the API refuses the rest anyway).
 */
export default async function PedimentosPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await auth();
  const params = await searchParams;
  const installation = typeof params.instalacion === "string" && /^[0-9A-Za-z-]{1,80}$/.test(params.instalacion) ? params.instalacion : undefined;
  const detailId = typeof params.detalle === "string" && /^\d{1,9}$/.test(params.detalle) ? Number(params.detalle) : null;
  const runtime = getRuntime();
  const db = runtime.db;
  const [pedimentos, installations, products, versions] = await Promise.all([
    listPedimentos(db, { installationKey: installation, limit: 300 }),
    db.query<{ key: string; time_zone: string }>("select key, time_zone from installations order by key"),
    db.query<{ key: string; name: string }>("select key, name from products order by key"),
    detailId === null ? Promise.resolve([] as PedimentoView[]) : listPedimentoVersions(db, detailId),
  ]);
  const zoneOf = new Map(installations.map((i) => [i.key, i.time_zone]));
  const canCapture = session?.user ? roleHasPermission(session.user.role, "captureFiscalData") : false;
  const current = versions.length > 0 ? await readPedimento(db, versions[versions.length - 1]!.id) : null;
  // Operations the current pedimento may still cover: same installation, product and kind, not linked yet.
  const candidates =
    current && canCapture
      ? await db.query<{ id: number; number: number; installation: string; element: string | null; end_at: Date | string; net_volume: string }>(
          `select o.id, o.number, i.key as installation, coalesce(k.key, d.key) as element, o.end_at, o.net_volume
             from operations o join installations i on i.id = o.installation_id left join tanks k on k.id = o.tank_id left join ducts d on d.id = o.duct_id
            where o.type = $1 and o.product_key = $2 and ($3::text is null or i.key = $3) and o.hose_id is null
              and not exists (select 1 from operations n where n.supersedes_id = o.id)
              and not exists (select 1 from pedimento_operation_links l join operations lo on lo.id = l.operation_id
                               where l.pedimento_id = $4 and l.unlinked_at is null and lo.installation_id = o.installation_id and lo.number = o.number)
            order by o.end_at desc limit 200`,
          [current.direction === "import" ? "reception" : "delivery", current.productKey, current.installation, current.id],
        )
      : [];
  const link = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ instalacion: installation, ...extra })) if (v) q.set(k, v);
    const text = q.toString();
    return text ? `/pedimentos?${text}` : "/pedimentos";
  };

  return (
    <>
      <h1 className="page-title">Pedimentos</h1>
      <p className="fiscal-help">
        Pedimentos de importación y exportación de hidrocarburos y petrolíferos (Anexo 30, 30.6.1.2.5), vinculados a las recepciones que amparan y al lote importado.
      </p>
      <form className="fiscal-filters" method="get">
        <label htmlFor="ped-filter-installation">Instalación</label>
        <select id="ped-filter-installation" name="instalacion" defaultValue={installation ?? ""}>
          <option value="">Todas</option>
          {installations.map((i) => (
            <option key={i.key} value={i.key}>
              {i.key}
            </option>
          ))}
        </select>
        <button type="submit">Filtrar</button>
      </form>
      <div className="fiscal-table-wrap">
        <table className="fiscal-table" data-testid="pedimentos-table">
          <thead>
            <tr>
              <th>Número</th>
              <th>Fecha</th>
              <th>Operación</th>
              <th>Instalación</th>
              <th>Producto</th>
              <th>Fracción</th>
              <th>Incoterms</th>
              <th>Aduana</th>
              <th>Países</th>
              <th>Transporte</th>
              <th>Volumen</th>
              <th>Vinculado</th>
              <th>Lote</th>
              <th>Advertencias</th>
              <th>Detalle</th>
            </tr>
          </thead>
          <tbody>
            {pedimentos.length === 0 ? (
              <tr>
                <td colSpan={15}>No hay pedimentos registrados.</td>
              </tr>
            ) : (
              pedimentos.map((p) => (
                <tr key={p.id} data-pedimento={p.number}>
                  <td className="fiscal-nowrap">
                    {p.number}
                    {p.version > 1 ? <span className="fiscal-version"> v{p.version}</span> : null}
                  </td>
                  <td>{p.date}</td>
                  <td>{DIRECTION_LABEL[p.direction]}</td>
                  <td>{p.installation ?? "—"}</td>
                  <td>
                    {p.productKey}
                    {p.subProductKey ? ` · ${p.subProductKey}` : ""}
                  </td>
                  <td className="fiscal-nowrap">
                    {p.tariffFraction}
                    {p.nico ? `-${p.nico}` : ""}
                  </td>
                  <td>{p.incoterm}</td>
                  <td>{p.direction === "import" ? `Internación ${p.entryPoint ?? "—"}` : `Exportación ${p.exportPoint ?? "—"}`}</td>
                  <td>
                    {p.originCountry} → {p.destinationCountry ?? "—"}
                  </td>
                  <td>
                    {p.transportMeansInLabel}
                    {p.transportMeansOutLabel ? ` / ${p.transportMeansOutLabel}` : ""}
                  </td>
                  <td className="num">
                    {formatNumber(p.volume, 3)} {UNIT_LABEL[p.unit] ?? p.unit}
                  </td>
                  <td>
                    <span className={p.linked.complete ? "fiscal-ok" : "fiscal-pending"} data-testid="linked-summary">
                      {p.linked.label}
                    </span>
                  </td>
                  <td>{p.lotKey ?? "—"}</td>
                  <td>{p.warnings.length > 0 ? <span className="fiscal-warning">{p.warnings.join("; ")}</span> : "—"}</td>
                  <td>
                    <a href={link({ detalle: String(p.id) })} aria-label={`Detalle del pedimento ${p.number}`}>
                      Detalle
                    </a>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {current ? (
        <section className="fiscal-section fiscal-detail" aria-labelledby="pedimento-detalle" data-testid="pedimento-detail">
          <h2 id="pedimento-detalle">
            Pedimento {current.number} · versión vigente v{current.version}
          </h2>
          <dl className="fiscal-data">
            <dt>Clave de pedimento</dt>
            <dd>{current.pedimentoKey ?? "—"}</dd>
            <dt>Punto de internación / exportación</dt>
            <dd>
              {current.entryPoint ?? "—"} / {current.exportPoint ?? "—"}
            </dd>
            <dt>País de origen / destino</dt>
            <dd>
              {current.originCountry} / {current.destinationCountry ?? "—"}
            </dd>
            <dt>Transporte de entrada / salida</dt>
            <dd>
              {current.transportMeansIn} {current.transportMeansInLabel} / {current.transportMeansOut ? `${current.transportMeansOut} ${current.transportMeansOutLabel}` : "—"}
            </dd>
            <dt>Valor en aduana / precio de importación</dt>
            <dd>
              {current.customsValueMxn === null ? "—" : `$${formatNumber(current.customsValueMxn, 2)}`} / {current.importPriceMxn === null ? "—" : `$${formatNumber(current.importPriceMxn, 2)}`}
            </dd>
            <dt>Permiso de importación</dt>
            <dd>{current.importPermit ?? "—"}</dd>
            <dt>Extranjero</dt>
            <dd>{current.counterpartyName ?? "—"}</dd>
            <dt>Vinculado</dt>
            <dd>{current.linked.label}</dd>
          </dl>
          <h3>Operaciones vinculadas</h3>
          {current.links.length === 0 ? (
            <p>Sin operaciones vinculadas.</p>
          ) : (
            <ul data-testid="pedimento-links">
              {current.links.map((l) => (
                <li key={l.operationId}>
                  {TYPE_LABEL[l.operationType]} {l.operationNumber} · {l.installation} · {l.element ?? "—"} · {dateTime(l.endAt, zoneOf.get(l.installation) ?? "America/Mexico_City")} ·{" "}
                  {formatNumber(l.volumeLinked, 3)} {UNIT_LABEL[l.unit] ?? l.unit}
                </li>
              ))}
            </ul>
          )}
          <h3>Historial de versiones</h3>
          <ol className="fiscal-versions">
            {versions.map((v) => (
              <li key={v.id}>
                <strong>v{v.version}</strong> · {dateTime(v.createdAt, "America/Mexico_City")} · {v.createdBy ?? "sistema"}
                {v.version > 1 ? ` · Motivo: ${v.correctionReason ?? "—"}` : " · captura original"} · {formatNumber(v.volume, 3)} {UNIT_LABEL[v.unit] ?? v.unit} · {v.incoterm}
              </li>
            ))}
          </ol>
          {canCapture ? (
            <PedimentoActions
              key={current.id}
              pedimentoId={current.id}
              number={current.number}
              unitLabel={UNIT_LABEL[current.unit] ?? current.unit}
              candidates={candidates.map((c) => ({
                id: Number(c.id),
                label: `${current.direction === "import" ? "Recepción" : "Entrega"} ${c.number} · ${c.installation} · ${c.element ?? "—"} · ${dateTime(new Date(c.end_at).toISOString(), zoneOf.get(c.installation) ?? "America/Mexico_City")} · ${formatNumber(Number(c.net_volume), 3)}`,
              }))}
              linked={current.links.map((l) => ({ operationId: l.operationId, label: `${TYPE_LABEL[l.operationType]} ${l.operationNumber} (${formatNumber(l.volumeLinked, 3)})` }))}
              current={{ date: current.date, incoterm: current.incoterm, tariffFraction: `${current.tariffFraction}${current.nico ? `-${current.nico}` : ""}`, volume: current.volume, customsValueMxn: current.customsValueMxn }}
              incoterms={INCOTERMS}
            />
          ) : null}
        </section>
      ) : detailId !== null ? (
        <p role="alert">El pedimento {detailId} no existe.</p>
      ) : null}
      {canCapture ? <PedimentoForm installations={installations.map((i) => i.key)} products={products} transportMeans={TRANSPORT_MEANS} incoterms={INCOTERMS} /> : null}
    </>
  );
}
