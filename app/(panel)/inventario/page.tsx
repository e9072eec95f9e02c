import type { Metadata } from "next";
import Link from "next/link";
import { getRuntime } from "../../../server/http/runtime";
import { addDays, isValidDate } from "../../../server/domain/reconciliation/index";
import { readInventory } from "../../../server/services/inventory/index";

export const metadata: Metadata = { title: "Inventario" };
export const dynamic = "force-dynamic";

const UNIT_LABEL: Record<string, string> = { UM01: "bbl", UM02: "ft³", UM03: "L", UM04: "m³" };
const SEVERITY_LABEL: Record<string, string> = { low: "baja", medium: "media", high: "alta", critical: "crítica" };

/** "18250.000" → "18,250.000": the stored decimal, only grouped (no floating-point round trip). */
function decimal(value: string | null): string {
  if (value === null) return "—";
  const [int, frac] = value.split(".");
  const negative = int!.startsWith("-");
  const digits = negative ? int!.slice(1) : int!;
  return `${negative ? "−" : ""}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${frac === undefined ? "" : `.${frac}`}`;
}

function pct(value: string | null): string {
  if (value === null) return "—";
  const [int, frac = ""] = value.split(".");
  return `${int}.${(frac + "0000").slice(0, 4)} %`;
}

function dateTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("es-MX", { timeZone, dateStyle: "short", timeStyle: "short", hourCycle: "h23" }).format(new Date(iso));
}

/** A30-INV-01…06, A30-REC-02, A30-INC-06: the daily cut of an installation, per tank (every profile). */
export default async function InventoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const installation = typeof params.instalacion === "string" && params.instalacion ? params.instalacion : null;
  const date = typeof params.fecha === "string" && isValidDate(params.fecha) ? params.fecha : null;
  const runtime = getRuntime();
  const view = await readInventory(runtime.db, installation, date, runtime.clock.now());
  if (!view) {
    return (
      <>
        <h1 className="page-title">Control de existencias</h1>
        <p>No hay instalaciones registradas{installation ? ` con la clave ${installation}` : ""}.</p>
      </>
    );
  }
  const tz = view.installation.timeZone;
  const link = (d: string) => `/inventario?instalacion=${encodeURIComponent(view.installation.key)}&fecha=${d}`;
  return (
    <>
      <h1 className="page-title">Control de existencias</h1>
      <form className="inventory-filters" method="get">
        <label>
          Instalación
          <select name="instalacion" defaultValue={view.installation.key}>
            {view.installations.map((i) => (
              <option key={i.key} value={i.key}>
                {i.key} — {i.description}
              </option>
            ))}
          </select>
        </label>
        <label>
          Fecha del corte
          <input type="date" name="fecha" defaultValue={view.date} />
        </label>
        <button type="submit">Consultar</button>
        <Link href={link(addDays(view.date, -1))}>← Día anterior</Link>
        <Link href={link(addDays(view.date, 1))}>Día siguiente →</Link>
      </form>
      <p className="inventory-period" data-testid="inventory-period">
        {view.installation.key} · periodo del {view.date}: {dateTime(view.period.start, tz)} a {dateTime(view.period.end, tz)} ({tz}, hora de corte{" "}
        {view.installation.cutHour}){view.period.open ? " · periodo en curso" : ""}
      </p>

      <section aria-labelledby="inv-records">
        <h2 id="inv-records">Registros de control de existencias</h2>
        {view.records.length === 0 ? (
          <p data-testid="inventory-no-records">
            {view.period.open ? "El corte de este periodo se registrará a la hora de corte." : "No hay registros de existencias para esta fecha."}
          </p>
        ) : (
          <table className="inventory-table" data-testid="inventory-records">
            <thead>
              <tr>
                <th>Número</th>
                <th>Tanque</th>
                <th>Sistema de medición</th>
                <th>Producto</th>
                <th>Existencia anterior</th>
                <th>Recepciones</th>
                <th>Entregas</th>
                <th>Pérdidas</th>
                <th>Calculado</th>
                <th>Medido</th>
                <th>Diferencia</th>
                <th>%</th>
                <th>Corte</th>
              </tr>
            </thead>
            <tbody>
              {view.records.map((r) => (
                <tr key={`${r.number}`} data-tank={r.tank}>
                  <td>{r.number}</td>
                  <td>{r.tank}</td>
                  <td>{r.measurementSystem ?? "por diferencias"}</td>
                  <td>{r.product}</td>
                  <td className="num">{decimal(r.opening)}</td>
                  <td className="num">{decimal(r.receptions)}</td>
                  <td className="num">{decimal(r.deliveries)}</td>
                  <td className="num">{decimal(r.processLosses)}</td>
                  <td className="num" data-testid="book">
                    {decimal(r.book)} {UNIT_LABEL[r.unit] ?? r.unit}
                  </td>
                  <td className="num" data-testid="measured">
                    {decimal(r.measured)}
                  </td>
                  <td className="num" data-testid="difference">
                    {decimal(r.difference)}
                  </td>
                  <td className="num">{pct(r.differencePct)}</td>
                  <td>
                    {dateTime(r.cutAt, tz)}
                    {r.status === "deferred" ? " (corte diferido)" : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {view.preview ? (
        <section aria-labelledby="inv-preview">
          <h2 id="inv-preview">Periodo en curso (vista previa, no es un registro)</h2>
          <p>Saldo acumulado al {dateTime(view.preview.asOf, tz)} con las mismas reglas del corte.</p>
          <table className="inventory-table" data-testid="inventory-preview">
            <thead>
              <tr>
                <th>Tanque</th>
                <th>Producto</th>
                <th>Existencia anterior</th>
                <th>Recepciones</th>
                <th>Entregas</th>
                <th>Calculado</th>
                <th>Medido</th>
                <th>Diferencia</th>
                <th>%</th>
              </tr>
            </thead>
            <tbody>
              {view.preview.rows.map((r) => (
                <tr key={r.tank} data-tank={r.tank}>
                  <td>{r.tank}</td>
                  <td>{r.product}</td>
                  <td className="num">{decimal(r.opening)}</td>
                  <td className="num">{decimal(r.receptions)}</td>
                  <td className="num">{decimal(r.deliveries)}</td>
                  <td className="num">
                    {decimal(r.book)} {UNIT_LABEL[r.unit] ?? r.unit}
                  </td>
                  <td className="num" data-testid="measured">
                    {decimal(r.measured)}
                  </td>
                  <td className="num">{decimal(r.difference)}</td>
                  <td className="num">{pct(r.differencePct)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section aria-labelledby="inv-acc">
        <h2 id="inv-acc">Registros de volumen acumulado diario</h2>
        {view.accumulations.length === 0 ? (
          <p>Sin registros acumulados para esta fecha.</p>
        ) : (
          <table className="inventory-table" data-testid="inventory-accumulations">
            <thead>
              <tr>
                <th>Número</th>
                <th>Tanque</th>
                <th>Producto</th>
                <th>Recepciones</th>
                <th>Volumen recibido</th>
                <th>Entregas</th>
                <th>Volumen entregado</th>
                <th>Hora del acumulado</th>
              </tr>
            </thead>
            <tbody>
              {view.accumulations.map((a) => (
                <tr key={a.number}>
                  <td>{a.number}</td>
                  <td>{a.tank}</td>
                  <td>{a.product}</td>
                  <td className="num">{a.receptionCount}</td>
                  <td className="num">
                    {decimal(a.received)} {UNIT_LABEL[a.unit] ?? a.unit}
                  </td>
                  <td className="num">{a.deliveryCount}</td>
                  <td className="num">
                    {decimal(a.delivered)} {UNIT_LABEL[a.unit] ?? a.unit}
                  </td>
                  <td>{dateTime(a.periodEnd, tz)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="inv-findings">
        <h2 id="inv-findings">Inconsistencias y diferencias de existencias</h2>
        {view.findings.length === 0 ? (
          <p data-testid="inventory-no-findings">Sin inconsistencias ni diferencias para esta fecha.</p>
        ) : (
          <ul className="inventory-findings" data-testid="inventory-findings">
            {view.findings.map((f) => (
              <li key={f.alarmId} className={`severity-${f.severity}`}>
                <strong>{f.rule ?? "Diferencia de existencias"}</strong> · {f.tank} · prioridad {SEVERITY_LABEL[f.severity] ?? f.severity} · alarma{" "}
                {f.alarmId}
                {f.satEventCode ? ` (evento SAT ${f.satEventCode})` : ""}: {f.description}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
