import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { userHasPermission } from "../../../server/contracts/permissions";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { cfdiListQuerySchema } from "../../../server/services/cfdi/http";
import { getCfdiDetail, listCfdi, listOperationsWithoutCfdi, type CfdiDetail, type CfdiListItem } from "../../../server/services/cfdi/index";
import { formatNumber } from "../../_lib/format";
import { CFDI_TYPE_LABEL, dateTime, groupAmount, OPERATION_TYPE_LABEL, PURPOSE_LABEL, STATUS_LABEL, UNIT_SYMBOL, volumeText } from "./format";
import { CfdiStatusForm } from "./status-form";
import { CfdiLinkButton, CfdiLinkForm, CfdiUnlinkForm } from "./link-controls";
import { CfdiUploadForm } from "./upload-form";

export const metadata: Metadata = { title: "CFDI" };
export const dynamic = "force-dynamic";

type Params = Record<string, string | string[] | undefined>;

const DIRECTION = { recibidos: "received", emitidos: "issued" } as const;
const LINK = { vinculados: "matched", "sin-vincular": "unmatched" } as const;

function one(params: Params, key: string): string | undefined {
  const value = params[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function VerificationBadge({ verification }: { verification: CfdiListItem["verification"] }) {
  if (!verification) return <span className="cfdi-badge cfdi-badge-none">sin verificación</span>;
  if (verification.ok) return <span className="cfdi-badge cfdi-badge-ok">verificado</span>;
  return (
    <span className="cfdi-badge cfdi-badge-failed" title={verification.failed.map((f) => f.detail).join("\n")}>
      con fallas ({verification.failed.length})
    </span>
  );
}

function LinkedOperations({ item }: { item: CfdiListItem }) {
  if (item.links.length === 0) return <span className="cfdi-unlinked">sin vincular</span>;
  return (
    <ul className="cfdi-links">
      {item.links.map((l) => (
        <li key={l.linkId}>
          <a href={`/operaciones?detalle=${l.operationId}`}>
            {OPERATION_TYPE_LABEL[l.operationType]} {l.operationNumber} · {l.installationKey}
          </a>{" "}
          ({volumeText(l.volumeLinked, l.unit)}
          {l.suggested ? ", automática" : ""})
        </li>
      ))}
    </ul>
  );
}

function Detail({ detail, canCapture }: { detail: CfdiDetail; canCapture: boolean }) {
  const active = detail.linkHistory.filter((l) => l.unlinkedAt === null);
  const history = detail.linkHistory.filter((l) => l.unlinkedAt !== null);
  const linkable = detail.type !== "P" && detail.status !== "cancelado";
  return (
    <section className="cfdi-detail" aria-labelledby="cfdi-detail-title" data-testid="cfdi-detail">
      <h2 id="cfdi-detail-title">
        CFDI {detail.uuid} · {CFDI_TYPE_LABEL[detail.type]} · {PURPOSE_LABEL[detail.purpose]}
      </h2>
      <p>
        Versión {detail.version} · Fecha {dateTime(detail.issuedAt)} · Emisor {detail.issuerRfc} {detail.issuerName ?? ""} · Receptor {detail.receiverRfc}{" "}
        {detail.receiverName ?? ""} · Total {groupAmount(detail.total)} {detail.currency} · Estado {STATUS_LABEL[detail.status] ?? detail.status}
        {detail.fileName ? ` · Archivo ${detail.fileName}` : ""} · SHA-256 <code className="cfdi-hash">{detail.xmlSha256}</code>
      </p>
      {detail.status === "cancelado" ? (
        <p className="cfdi-cancelled" role="status">
          CFDI cancelado: no cuenta en los totales de volumen e importe y sus vínculos quedan señalados.
        </p>
      ) : null}
      {detail.cancellation.code ? (
        <p className="users-help" data-testid="cfdi-pac-answer">
          Respuesta del PAC {detail.cancellation.code}: {detail.cancellation.message ?? "sin texto"}
        </p>
      ) : null}
      {canCapture && detail.status !== "cancelado" ? <CfdiStatusForm cfdiId={detail.id} current={detail.status} /> : null}
      <h3>Conceptos</h3>
      <div className="operations-table-wrap">
        <table className="operations-table" data-testid="cfdi-concepts">
          <thead>
            <tr>
              <th>#</th>
              <th>ClaveProdServ</th>
              <th>Descripción</th>
              <th>Cantidad</th>
              <th>Unidad</th>
              <th>Valor unitario</th>
              <th>Importe</th>
              <th>Volumen</th>
            </tr>
          </thead>
          <tbody>
            {detail.concepts.map((c) => (
              <tr key={c.position}>
                <td>{c.position}</td>
                <td>{c.productServiceKey}</td>
                <td>{c.description}</td>
                <td className="num">{groupAmount(c.quantity)}</td>
                <td>{c.unitKey}</td>
                <td className="num">{groupAmount(c.unitPrice)}</td>
                <td className="num">{groupAmount(c.amount)}</td>
                <td className="num">{c.volume === null ? "—" : volumeText(c.volume, c.volumeUnit ?? "UM03")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Verificación</h3>
      {detail.verificationReport ? (
        <>
          <ul className="cfdi-checks" data-testid="cfdi-checks">
            {detail.verificationReport.checks.map((c) => (
              <li key={c.id} className={c.ok === true ? "cfdi-check-ok" : c.ok === false ? "cfdi-check-failed" : "cfdi-check-na"}>
                <strong>{c.ok === true ? "✔" : c.ok === false ? "✘" : "—"}</strong> {c.detail}
              </li>
            ))}
          </ul>
          <p className="cfdi-note">No verificado fuera de línea: {detail.verificationReport.notVerified.join("; ")}.</p>
        </>
      ) : (
        <p>Sin informe de verificación.</p>
      )}
      {detail.related.length > 0 ? (
        <>
          <h3>Documentos relacionados</h3>
          <ul data-testid="cfdi-related">
            {detail.related.map((r) => (
              <li key={`${r.uuid}-${r.relation}`}>
                {r.relation === "pago" ? "Paga" : `Relación ${r.relation}`} {r.storedCfdiId ? <a href={`/cfdi?detalle=${r.storedCfdiId}`}>{r.uuid}</a> : r.uuid}
                {r.amountPaid ? ` · ${groupAmount(r.amountPaid)}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {detail.paidBy.length > 0 ? (
        <p>
          Pagado por:{" "}
          {detail.paidBy.map((p) => (
            <a key={p.cfdiId} href={`/cfdi?detalle=${p.cfdiId}`}>
              {p.uuid}
            </a>
          ))}
        </p>
      ) : null}
      <h3>Operaciones vinculadas</h3>
      {active.length === 0 ? (
        <p className="cfdi-unlinked">sin vincular</p>
      ) : (
        <ul className="cfdi-links" data-testid="cfdi-active-links">
          {active.map((l) => (
            <li key={l.linkId}>
              <a href={`/operaciones?detalle=${l.operationId}`}>
                {OPERATION_TYPE_LABEL[l.operationType]} {l.operationNumber} · {l.installationKey}
                {l.element ? ` · ${l.element}` : ""}
              </a>{" "}
              · {volumeText(l.volumeLinked, l.unit)} · {l.suggested ? "automática" : "manual"} ({l.linkedBy}, {dateTime(l.linkedAt)})
              {canCapture ? <CfdiUnlinkForm cfdiId={detail.id} operationId={l.operationId} label={`Desvincular de la operación ${l.operationNumber}`} /> : null}
            </li>
          ))}
        </ul>
      )}
      {history.length > 0 ? (
        <>
          <h4>Vínculos deshechos</h4>
          <ul className="cfdi-links-history">
            {history.map((l) => (
              <li key={l.linkId}>
                {OPERATION_TYPE_LABEL[l.operationType]} {l.operationNumber} · {l.installationKey}: vinculado por {l.linkedBy} ({dateTime(l.linkedAt)}), desvinculado por{" "}
                {l.unlinkedBy} ({dateTime(l.unlinkedAt!)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {linkable ? (
        <>
          <h3>Operaciones sugeridas</h3>
          <p className="cfdi-note">Mismo RFC (o sin RFC), ±3 días y volumen dentro de ±0.5 % del CFDI (A30-CFDI-05).</p>
          {detail.suggestions.length === 0 ? (
            <p>No hay operaciones sin CFDI que coincidan.</p>
          ) : (
            <ul className="cfdi-suggestions" data-testid="cfdi-suggestions">
              {detail.suggestions.map((s) => (
                <li key={s.operationId}>
                  <a href={`/operaciones?detalle=${s.operationId}`}>
                    {OPERATION_TYPE_LABEL[s.operationType]} {s.operationNumber} · {s.installationKey}
                  </a>{" "}
                  · {volumeText(s.netVolume, s.unit)} · {s.reason}{" "}
                  {canCapture ? <CfdiLinkButton cfdiId={detail.id} operationId={s.operationId} label={`Vincular a la operación ${s.operationNumber}`} /> : null}
                </li>
              ))}
            </ul>
          )}
          {canCapture ? <CfdiLinkForm cfdiId={detail.id} /> : null}
        </>
      ) : null}
    </section>
  );
}

/**
 * /cfdi — CFDI of the taxpayer (A30-CFDI-01…08): import (Administrador, Supervisor), the list with
 * verification and linked operations, one CFDI's detail with manual link/unlink, and the
 * operations still without CFDI (A30-CFDI-05). Every profile may read.
 */
export default async function CfdiPage({ searchParams }: { searchParams: Promise<Params> }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
  const params = await searchParams;
  const directionParam = one(params, "direccion");
  const linkParam = one(params, "vinculacion");
  const parsed = cfdiListQuerySchema.safeParse({
    direction: directionParam && directionParam in DIRECTION ? DIRECTION[directionParam as keyof typeof DIRECTION] : undefined,
    link: linkParam && linkParam in LINK ? LINK[linkParam as keyof typeof LINK] : undefined,
    rfc: one(params, "rfc"),
    from: one(params, "desde"),
    to: one(params, "hasta"),
  });
  const filter = parsed.success ? parsed.data : {};
  const detailParam = one(params, "detalle");
  const detailId = detailParam && /^\d{1,9}$/.test(detailParam) ? Number(detailParam) : null;
  const db = getRuntime().db;
  const [items, withoutCfdi, detail] = await Promise.all([
    listCfdi(db, { ...filter, limit: 300 }),
    listOperationsWithoutCfdi(db, { limit: 200 }),
    detailId === null ? Promise.resolve(null) : getCfdiDetail(db, detailId),
  ]);
  const canCapture = userHasPermission(session.user, "captureFiscalData");
  const keep = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    const merged = { direccion: directionParam, vinculacion: linkParam, rfc: one(params, "rfc"), desde: one(params, "desde"), hasta: one(params, "hasta"), ...extra };
    for (const [k, v] of Object.entries(merged)) if (v) q.set(k, v);
    const text = q.toString();
    return text ? `/cfdi?${text}` : "/cfdi";
  };
  return (
    <>
      <h1 className="page-title">CFDI</h1>
      <p className="settings-intro">
        Comprobantes fiscales de adquisición, venta y servicios vinculados a las recepciones y entregas (Anexo 30, 30.6.1.2.4). Las adquisiciones se
        vinculan a recepciones y las ventas a entregas por RFC, fecha (±3 días) y volumen (±0.5 %); cada vinculación queda en la bitácora.
      </p>
      {canCapture ? <CfdiUploadForm /> : null}

      <form className="operations-filters" method="get" aria-label="Filtrar CFDI">
        <label>
          Dirección
          <select name="direccion" defaultValue={directionParam ?? ""}>
            <option value="">Recibidos y emitidos</option>
            <option value="recibidos">Recibidos (adquisiciones)</option>
            <option value="emitidos">Emitidos (ventas)</option>
          </select>
        </label>
        <label>
          Vinculación
          <select name="vinculacion" defaultValue={linkParam ?? ""}>
            <option value="">Todos</option>
            <option value="vinculados">Vinculados</option>
            <option value="sin-vincular">Sin vincular</option>
          </select>
        </label>
        <label>
          RFC
          <input type="text" name="rfc" maxLength={13} defaultValue={one(params, "rfc") ?? ""} />
        </label>
        <label>
          Desde
          <input type="date" name="desde" defaultValue={one(params, "desde") ?? ""} />
        </label>
        <label>
          Hasta
          <input type="date" name="hasta" defaultValue={one(params, "hasta") ?? ""} />
        </label>
        <button type="submit">Filtrar</button>
      </form>
      {!parsed.success ? (
        <p className="form-error" role="alert">
          Filtro inválido: {parsed.error.issues.map((i) => i.message).join("; ")}
        </p>
      ) : null}

      <div className="operations-table-wrap">
        <table className="operations-table" data-testid="cfdi-table">
          <thead>
            <tr>
              <th>UUID</th>
              <th>Tipo</th>
              <th>Fecha</th>
              <th>Emisor</th>
              <th>Receptor</th>
              <th>Total</th>
              <th>Volumen</th>
              <th>Verificación</th>
              <th>Operaciones</th>
              <th>Detalle</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 ? (
              <tr>
                <td colSpan={10}>No hay CFDI {filter.link === "unmatched" ? "sin vincular" : "importados"}.</td>
              </tr>
            ) : (
              items.map((c) => (
                <tr key={c.id} data-uuid={c.uuid} className={c.status === "cancelado" ? "cfdi-row-cancelled" : undefined}>
                  <td>
                    <code>{c.uuid}</code>
                  </td>
                  <td>
                    {CFDI_TYPE_LABEL[c.type]} · {PURPOSE_LABEL[c.purpose]}
                    {c.status !== "vigente" ? <span className="cfdi-badge cfdi-badge-failed"> {STATUS_LABEL[c.status] ?? c.status}</span> : null}
                  </td>
                  <td>{dateTime(c.issuedAt)}</td>
                  <td title={c.issuerName ?? undefined}>{c.issuerRfc}</td>
                  <td title={c.receiverName ?? undefined}>{c.receiverRfc}</td>
                  <td className="num">
                    {groupAmount(c.total)} {c.currency}
                  </td>
                  <td className="num">{c.volumes.length === 0 ? "—" : c.volumes.map((v) => volumeText(v.volume, v.unit)).join(" + ")}</td>
                  <td>
                    <VerificationBadge verification={c.verification} />
                  </td>
                  <td>
                    <LinkedOperations item={c} />
                  </td>
                  <td>
                    <a href={keep({ detalle: String(c.id) })} aria-label={`Detalle del CFDI ${c.uuid}`}>
                      {canCapture ? "Vincular / detalle" : "Detalle"}
                    </a>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>

      {detail ? <Detail detail={detail} canCapture={canCapture} /> : detailId !== null ? <p role="alert">El CFDI {detailId} no existe.</p> : null}

      <section className="cfdi-without" aria-labelledby="cfdi-sin-cfdi">
        <h2 id="cfdi-sin-cfdi">Operaciones sin CFDI</h2>
        <p className="cfdi-note">
          Recepciones y entregas sin CFDI vinculado. Las ventas al público en general y las de estaciones de servicio se amparan con CFDI global y no se
          listan (A30-CFDI-01).
        </p>
        <div className="operations-table-wrap">
          <table className="operations-table" data-testid="operations-without-cfdi">
            <thead>
              <tr>
                <th>Id</th>
                <th>Número</th>
                <th>Tipo</th>
                <th>Instalación</th>
                <th>Elemento</th>
                <th>Fin</th>
                <th>Volumen</th>
                <th>RFC</th>
                {detail && canCapture && detail.type !== "P" && detail.status !== "cancelado" ? <th>Vincular al CFDI abierto</th> : null}
              </tr>
            </thead>
            <tbody>
              {withoutCfdi.length === 0 ? (
                <tr>
                  <td colSpan={9}>Todas las operaciones tienen CFDI.</td>
                </tr>
              ) : (
                withoutCfdi.map((o) => (
                  <tr key={o.id} data-operation={o.number}>
                    <td>{o.id}</td>
                    <td>
                      <a href={`/operaciones?detalle=${o.id}`}>{o.number}</a>
                    </td>
                    <td>{OPERATION_TYPE_LABEL[o.type]}</td>
                    <td>{o.installationKey}</td>
                    <td>{o.element ?? "—"}</td>
                    <td>{dateTime(o.endAt)}</td>
                    <td className="num">
                      {formatNumber(o.netVolume, 3)} {UNIT_SYMBOL[o.unit] ?? o.unit}
                    </td>
                    <td>{o.counterpartyRfc ?? "—"}</td>
                    {detail && canCapture && detail.type !== "P" && detail.status !== "cancelado" ? (
                      <td>
                        <CfdiLinkButton cfdiId={detail.id} operationId={o.id} label={`Vincular el CFDI ${detail.uuid} a la operación ${o.number}`} />
                      </td>
                    ) : null}
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
