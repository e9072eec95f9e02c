import type { Metadata } from "next";
import { roleHasPermission } from "../../../server/contracts/permissions";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { getDiagnosticsView } from "../../../server/services/diagnostics/read-status";
import { SelfTestPanel } from "./self-test-panel";

export const metadata: Metadata = { title: "Diagnóstico" };
export const dynamic = "force-dynamic";

const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeStyle: "medium", timeZone: "America/Mexico_City" });

/** A30-DIAG-01: state of every diagnosed component, grouped by class; A30-DIAG-04 guided test for Administrador/Supervisor. */
export default async function DiagnosticsPage() {
  const session = await auth();
  const view = await getDiagnosticsView(getRuntime().db);
  const canTest = session?.user ? roleHasPermission(session.user.role, "configure") : false;
  const testable = view.components.filter((c) => (c.componentClass === "measurement_system" && c.component.startsWith("SM")) || c.component.startsWith("CANAL:")).map((c) => c.component);
  return (
    <>
      <h1 className="page-title">Autodiagnóstico</h1>
      <p className="diag-intro">
        Estado de los sistemas de medición, los canales de comunicación y la UCC (Anexo 30, 30.6.1.1 VI). Se revisa cada 15 s; una falla genera una
        alarma y un registro en la bitácora.
      </p>
      {view.classes.map((cls) => (
        <section key={cls.componentClass} className="diag-class" data-class={cls.componentClass}>
          <h2>
            {cls.label} <span className="diag-count">({cls.total} componentes, {cls.faults} en fallo)</span>
          </h2>
          {cls.total === 0 ? (
            <p>Sin componentes evaluados todavía.</p>
          ) : (
            <table className="diag-table">
              <thead>
                <tr>
                  <th scope="col">Componente</th>
                  <th scope="col">Estado</th>
                  <th scope="col">Motivo</th>
                  <th scope="col">Última revisión</th>
                </tr>
              </thead>
              <tbody>
                {view.components
                  .filter((c) => c.componentClass === cls.componentClass)
                  .map((c) => (
                    <tr key={c.component} data-component={c.component} data-state={c.state}>
                      <td>{c.component}</td>
                      <td>
                        <span className={`diag-state diag-state-${c.state}`}>{c.stateLabel}</span>
                      </td>
                      <td>
                        {c.reason}
                        {c.warnings.map((w) => (
                          <div key={w} className="diag-warning">
                            Aviso: {w}
                          </div>
                        ))}
                      </td>
                      <td>{dateTime.format(new Date(c.checkedAt))}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      <section className="diag-class" data-class="self-test">
        <h2>Prueba de autodiagnóstico</h2>
        {canTest ? (
          <SelfTestPanel components={testable} initial={view.selfTests} />
        ) : (
          <p>Solo el Administrador o el Supervisor pueden ejecutar la prueba guiada.</p>
        )}
      </section>
    </>
  );
}
