import { getRuntime } from "../../../server/http/runtime";
import { cfdiForOperation } from "../../../server/services/cfdi/index";
import { CFDI_TYPE_LABEL, dateTime, groupAmount, PURPOSE_LABEL, STATUS_LABEL, volumeText } from "./format";

/**
 * The CFDI of an operation (A30-CFDI-05 "the operation shows its CFDI", A30-REC-05): a server
 * component to place in the operation's detail, e.g. in app/(panel)/operaciones/page.tsx inside
 * the `operations-detail` section: `<OperationCfdi operationId={current.id} />`. Links belong to
 * the record, so any version's id shows the same CFDI. A cancelled CFDI is flagged
 * "CFDI cancelado" (A30-CFDI-06); unlinked ones are listed as history.
 */
export async function OperationCfdi({ operationId }: { operationId: number }) {
  const links = await cfdiForOperation(getRuntime().db, operationId, { includeHistory: true });
  const active = links.filter((l) => l.unlinkedAt === null);
  const history = links.filter((l) => l.unlinkedAt !== null);
  return (
    <section className="cfdi-operation" aria-labelledby={`cfdi-operation-${operationId}`} data-testid="operation-cfdi">
      <h3 id={`cfdi-operation-${operationId}`}>CFDI</h3>
      {active.length === 0 ? (
        <p>
          Sin CFDI vinculado. <a href="/cfdi?vinculacion=sin-vincular">Vincular un CFDI</a>
        </p>
      ) : (
        <ul className="cfdi-links">
          {active.map((l) => (
            <li key={l.linkId} data-uuid={l.uuid}>
              <a href={`/cfdi?detalle=${l.cfdiId}`}>
                <code>{l.uuid}</code>
              </a>{" "}
              · {CFDI_TYPE_LABEL[l.type] ?? l.type} ({PURPOSE_LABEL[l.purpose] ?? l.purpose}) · {l.issuerRfc} → {l.receiverRfc} · {dateTime(l.issuedAt)} · Total{" "}
              {groupAmount(l.total)} {l.currency} · Vinculado {volumeText(l.volumeLinked, l.unit)} ({l.suggested ? "automático" : "manual"}, {l.linkedBy})
              {l.status === "cancelado" ? (
                <strong className="cfdi-cancelled"> · CFDI cancelado</strong>
              ) : l.status !== "vigente" ? (
                <span className="cfdi-badge cfdi-badge-failed"> {STATUS_LABEL[l.status] ?? l.status}</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {history.length > 0 ? (
        <p className="cfdi-note">
          Desvinculados:{" "}
          {history.map((l, i) => (
            <span key={l.linkId}>
              {i > 0 ? "; " : ""}
              {l.uuid} ({l.unlinkedBy}, {dateTime(l.unlinkedAt!)})
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}
