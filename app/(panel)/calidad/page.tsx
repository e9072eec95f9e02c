import type { Metadata } from "next";
import { roleHasPermission } from "../../../server/contracts/permissions";
import { NON_FOSSIL_DEFINITION } from "../../../server/domain/quality/product-data";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { dictamenInputFromView, LOT_KIND_LABELS, listDictamenes, listLots, listPendingOperations, readDictamen, type DictamenView } from "../../../server/services/quality/index";
import { formatNumber } from "../../_lib/format";
import { DictamenForm, type InstallationOption } from "./dictamen-form";
import { DictamenImportForm } from "./dictamen-import-form";
import { PendingOperations } from "./pending-operations";

export const metadata: Metadata = { title: "Calidad del producto" };
export const dynamic = "force-dynamic";

const UNIT_LABEL: Record<string, string> = { UM01: "bbl", UM02: "ft³", UM03: "L", UM04: "m³" };

/** The product values of a dictamen in one line (32.4 XVI). */
function productValues(d: DictamenView): string {
  const parts: string[] = [];
  if (d.apiGravity !== null) parts.push(`${d.apiGravity.toFixed(1)} °API`, `azufre ${d.sulfurPct?.toFixed(1)} %`);
  if (d.octaneIndex !== null) parts.push(`índice de octano ${d.octaneIndex}`);
  if (d.containsNonFossil !== null) parts.push(`no fósil: ${d.containsNonFossil ? "Sí" : "No"}${d.nonFossilPct !== null ? ` (${d.nonFossilPct} %)` : ""}${d.fameMgKg !== null ? ` FAME ${d.fameMgKg} mg/kg` : ""}`);
  if (d.propanePct !== null) parts.push(`propano ${d.propanePct.toFixed(2)} % / butano ${d.butanePct?.toFixed(2)} % (cromatografía ${d.propanePctRaw} / ${d.butanePctRaw})`);
  if (d.gasComposition) parts.push(d.gasComposition.map((c) => `${c.component} ${c.molarFraction}`).join(", "));
  if (d.calorificValue !== null) parts.push(`poder calorífico ${d.calorificValue} ${d.calorificValueUnit ?? ""}`);
  return parts.join(" · ") || "—";
}

/**
 * "Calidad del producto" (A30-TYP-01…10, A32-01…12): operations pending product-type data, lots
 * with their quality source, dictámenes; capture and DI- import for Administrador and Supervisor
 * (captureFiscalData; the API refuses the rest anyway).
 */
export default async function QualityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await auth();
  const params = await searchParams;
  const installation = typeof params.instalacion === "string" && /^[0-9A-Za-z-]{1,80}$/.test(params.instalacion) ? params.instalacion : undefined;
  const detailId = typeof params.dictamen === "string" && /^\d{1,9}$/.test(params.dictamen) ? Number(params.dictamen) : null;
  const correctId = typeof params.corregir === "string" && /^\d{1,9}$/.test(params.corregir) ? Number(params.corregir) : null;
  const runtime = getRuntime();
  const db = runtime.db;
  const [pending, lots, dictamenes, installations, tanks, products, detail] = await Promise.all([
    listPendingOperations(db, { installationKey: installation, limit: 200 }),
    listLots(db, { installationKey: installation, limit: 300 }),
    listDictamenes(db, { installationKey: installation, limit: 300 }),
    db.query<{ key: string; time_zone: string; activity_fraction: string | null }>(
      "select i.key, i.time_zone, t.activity_fraction from installations i join taxpayers t on t.id = i.taxpayer_id order by i.key",
    ),
    db.query<{ installation_key: string; key: string; product_key: string }>("select i.key as installation_key, k.key, k.product_key from tanks k join installations i on i.id = k.installation_id order by k.key"),
    db.query<{ key: string; name: string }>("select key, name from products order by key"),
    detailId === null ? Promise.resolve(null) : readDictamen(db, detailId),
  ]);
  // A30-STO-02: «Corregir» opens the capture form pre-filled with the current version.
  const toCorrect = correctId === null ? null : (dictamenes.find((d) => d.id === correctId) ?? null);
  const zoneOf = new Map(installations.map((i) => [i.key, i.time_zone]));
  const canCapture = session?.user ? roleHasPermission(session.user.role, "captureFiscalData") : false;
  const options: InstallationOption[] = installations.map((i) => ({
    key: i.key,
    activityFraction: i.activity_fraction,
    tanks: tanks.filter((k) => k.installation_key === i.key).map((k) => ({ key: k.key, productKey: k.product_key })),
  }));
  const endLabel = (iso: string, inst: string) =>
    new Intl.DateTimeFormat("es-MX", { timeZone: zoneOf.get(inst) ?? "America/Mexico_City", dateStyle: "short", timeStyle: "short", hourCycle: "h23" }).format(new Date(iso));
  const link = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ instalacion: installation, ...extra })) if (v) q.set(k, v);
    const text = q.toString();
    return text ? `/calidad?${text}` : "/calidad";
  };

  return (
    <>
      <h1 className="page-title">Calidad del producto</h1>
      <p className="fiscal-help">
        Tipo de hidrocarburo o petrolífero de cada lote (Anexo 32): dictámenes de laboratorio, instrumentos en línea o datos proporcionados por otro contribuyente del mismo lote. Cada
        recepción y entrega referencia su lote y los datos de calidad aplicables.
      </p>
      <form className="fiscal-filters" method="get">
        <label htmlFor="calidad-filtro-instalacion">Instalación</label>
        <select id="calidad-filtro-instalacion" name="instalacion" defaultValue={installation ?? ""}>
          <option value="">Todas</option>
          {installations.map((i) => (
            <option key={i.key} value={i.key}>
              {i.key}
            </option>
          ))}
        </select>
        <button type="submit">Filtrar</button>
      </form>

      <section className="fiscal-section" aria-labelledby="pendientes">
        <h2 id="pendientes">Operaciones pendientes de tipo de producto</h2>
        <PendingOperations
          rows={pending.operations.map((p) => ({
            id: p.id,
            installation: p.installation,
            number: p.number,
            type: p.type,
            element: p.element,
            productKey: p.productKey,
            endLabel: endLabel(p.endAt, p.installation),
            volumeLabel: `${formatNumber(p.netVolume, 3)} ${UNIT_LABEL[p.unit] ?? p.unit}`,
            lotKey: p.lotKey,
            lotHasQuality: p.lotHasQuality,
          }))}
          total={pending.total}
          lots={lots.map((l) => ({ id: l.id, key: l.key, installation: l.installation, productKey: l.productKey, hasQuality: l.qualityRecordId !== null }))}
          canLink={canCapture}
        />
      </section>

      <section className="fiscal-section" aria-labelledby="lotes">
        <h2 id="lotes">Lotes</h2>
        <div className="fiscal-table-wrap">
          <table className="fiscal-table" data-testid="lots-table">
            <thead>
              <tr>
                <th scope="col">Lote</th>
                <th scope="col">Instalación</th>
                <th scope="col">Tipo</th>
                <th scope="col">Producto</th>
                <th scope="col">Tanque</th>
                <th scope="col">Apertura</th>
                <th scope="col">Fuente de los datos de calidad</th>
                <th scope="col">Operaciones</th>
                <th scope="col">Pendientes</th>
              </tr>
            </thead>
            <tbody>
              {lots.length === 0 ? (
                <tr>
                  <td colSpan={9}>No hay lotes registrados.</td>
                </tr>
              ) : (
                lots.map((l) => (
                  <tr key={l.id} data-lot={l.key}>
                    <td>{l.key}</td>
                    <td>{l.installation}</td>
                    <td>
                      {LOT_KIND_LABELS[l.kind as keyof typeof LOT_KIND_LABELS] ?? l.kind}
                      {l.periodMonth ? ` (${l.periodMonth.slice(0, 7)})` : ""}
                    </td>
                    <td>
                      {l.productKey}
                      {l.subProductKey ? ` · ${l.subProductKey}` : ""}
                    </td>
                    <td>{l.tank ?? "—"}</td>
                    <td>{endLabel(l.openedAt, l.installation)}</td>
                    <td>{l.qualitySource ? `fuente = ${l.qualitySource}` : <span className="fiscal-pending">sin datos de calidad</span>}</td>
                    <td className="num">{l.operations}</td>
                    <td className="num">{l.pendingOperations}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>

      <section className="fiscal-section" aria-labelledby="dictamenes">
        <h2 id="dictamenes">Dictámenes</h2>
        <div className="fiscal-table-wrap">
          <table className="fiscal-table" data-testid="dictamenes-table">
            <thead>
              <tr>
                <th scope="col">Folio</th>
                <th scope="col">Emisión</th>
                <th scope="col">Laboratorio</th>
                <th scope="col">Lote</th>
                <th scope="col">Producto</th>
                <th scope="col">Datos del producto</th>
                <th scope="col">Operaciones</th>
                <th scope="col">Advertencias</th>
                <th scope="col">Detalle</th>
              </tr>
            </thead>
            <tbody>
              {dictamenes.length === 0 ? (
                <tr>
                  <td colSpan={9}>No hay dictámenes registrados.</td>
                </tr>
              ) : (
                dictamenes.map((d) => (
                  <tr key={d.id} data-folio={d.folio}>
                    <td className="fiscal-nowrap">{d.folio}</td>
                    <td>{d.issueDate}</td>
                    <td>
                      {d.laboratoryName} ({d.laboratoryRfc})
                    </td>
                    <td>{d.lotKey ?? d.lotNumber}</td>
                    <td>
                      {d.productKey}
                      {d.subProductKey ? ` · ${d.subProductKey}` : ""}
                    </td>
                    <td>{productValues(d)}</td>
                    <td className="num">{d.linkedOperations}</td>
                    <td>{d.warnings.length > 0 ? <span className="fiscal-warning">{d.warnings.join("; ")}</span> : "—"}</td>
                    <td>
                      <a href={link({ dictamen: String(d.id) })} aria-label={`Detalle del dictamen ${d.folio}`}>
                        Detalle
                      </a>
                      {canCapture ? (
                        <>
                          {" · "}
                          <a href={link({ corregir: String(d.id) })} aria-label={`Corregir el dictamen ${d.folio}`}>
                            Corregir
                          </a>
                          {d.version > 1 ? <span className="fiscal-help"> (versión {d.version})</span> : null}
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      </section>

      {detail ? (
        <section className="fiscal-section fiscal-detail" aria-labelledby="dictamen-detalle" data-testid="dictamen-detail">
          <h2 id="dictamen-detalle">
            Dictamen {detail.folio} · lote {detail.lotKey ?? detail.lotNumber}
          </h2>
          <dl className="fiscal-data">
            <dt>Fuente</dt>
            <dd>{detail.source ? `fuente = ${detail.source}` : "—"}</dd>
            <dt>I. Contribuyente</dt>
            <dd>
              {detail.taxpayerName} ({detail.taxpayerRfc})
            </dd>
            <dt>II. Laboratorio</dt>
            <dd>
              {detail.laboratoryName} ({detail.laboratoryRfc}){detail.laboratoryAccreditation ? ` · acreditación ${detail.laboratoryAccreditation}` : ""}
              {detail.laboratoryAccreditationValidUntil ? ` vigente al ${detail.laboratoryAccreditationValidUntil}` : ""}
            </dd>
            <dt>III. Ubicación del muestreo</dt>
            <dd>{detail.samplingLocation ?? "—"}</dd>
            <dt>IV. Origen de la muestra</dt>
            <dd>{detail.sampleOrigin ?? "—"}</dd>
            <dt>V. Personal que emite</dt>
            <dd>{detail.issuerName ?? "—"}</dd>
            <dt>VI. RFC del representante legal</dt>
            <dd>{detail.laboratoryLegalRepresentativeRfc ?? "—"}</dd>
            <dt>VIII–XI. Fechas</dt>
            <dd>
              emisión {detail.issueDate} · muestreo {detail.samplingDate ?? "—"} · pruebas {detail.testDate ?? "—"} · resultados {detail.resultsDate ?? "—"}
            </dd>
            <dt>XIII. Volumen de la muestra</dt>
            <dd>{detail.sampleVolume === null ? "—" : `${detail.sampleVolume} ${detail.sampleVolumeUnit ?? ""}`}</dd>
            <dt>XVI. Datos del producto</dt>
            <dd>{productValues(detail)}</dd>
            <dt>Resultado</dt>
            <dd>{detail.resultSummary ?? "—"}</dd>
            <dt>Archivo</dt>
            <dd>{detail.fileName ?? "—"}</dd>
            <dt>Idioma</dt>
            <dd>{detail.language}</dd>
          </dl>
          {detail.containsNonFossil !== null ? <p className="fiscal-help fiscal-definition">{NON_FOSSIL_DEFINITION}</p> : null}
          <h3>XIV–XV. Métodos y resultados</h3>
          {detail.results.length === 0 ? (
            <p>Sin resultados capturados.</p>
          ) : (
            <table className="fiscal-table">
              <thead>
                <tr>
                  <th scope="col">Propiedad</th>
                  <th scope="col">Muestreo</th>
                  <th scope="col">Prueba</th>
                  <th scope="col">Valor</th>
                  <th scope="col">Advertencia</th>
                </tr>
              </thead>
              <tbody>
                {detail.results.map((r, i) => (
                  <tr key={i}>
                    <td>{r.property}</td>
                    <td>{r.samplingMethod ?? "—"}</td>
                    <td>{r.testMethod}</td>
                    <td>
                      {String(r.value)} {r.unit}
                    </td>
                    <td>{r.warning ? <span className="fiscal-warning">{r.warning}</span> : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : detailId !== null ? (
        <p role="alert">El dictamen {detailId} no existe.</p>
      ) : null}

      {canCapture ? (
        <>
          {toCorrect ? (
            <DictamenForm
              key={`corregir-${toCorrect.id}`}
              installations={options}
              products={products}
              lotKinds={LOT_KIND_LABELS}
              correction={{ id: toCorrect.id, version: toCorrect.version, folio: toCorrect.folio, initial: dictamenInputFromView(toCorrect) }}
            />
          ) : (
            <>
              {correctId !== null ? <p role="alert">El dictamen {correctId} no existe o ya fue corregido: corrija su versión vigente.</p> : null}
              <DictamenForm installations={options} products={products} lotKinds={LOT_KIND_LABELS} />
            </>
          )}
          <DictamenImportForm installations={options} lotKinds={LOT_KIND_LABELS} />
        </>
      ) : null}
    </>
  );
}
