import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";
import { roleHasPermission } from "../../../server/contracts/permissions";
import { DEFAULT_THRESHOLDS } from "../../../server/domain/diagnostics/thresholds";
import { auth } from "../../../server/http/auth";
import { getRuntime } from "../../../server/http/runtime";
import { readSettings, type GlobalSettingView } from "../../../server/services/settings/index";
import { SettingEditor } from "./setting-editor";

export const metadata: Metadata = { title: "Configuración" };
export const dynamic = "force-dynamic";

const MEXICAN_ZONES = [
  "America/Mexico_City",
  "America/Cancun",
  "America/Merida",
  "America/Monterrey",
  "America/Matamoros",
  "America/Chihuahua",
  "America/Ciudad_Juarez",
  "America/Ojinaga",
  "America/Mazatlan",
  "America/Bahia_Banderas",
  "America/Hermosillo",
  "America/Tijuana",
];

/** Spanish labels of the self-diagnosis thresholds (A30-DIAG-01/02). */
const THRESHOLD_LABELS: Record<string, string> = {
  runEveryS: "Periodo del autodiagnóstico (s)",
  staleAfterS: "Sin lectura válida por más de (s) → falla del sistema de medición",
  sampleWindowS: "Ventana de muestras (s)",
  frozenMinSamples: "Valor congelado: muestras idénticas mínimas",
  frozenVariables: "Variables revisadas por valor congelado (separadas por comas)",
  temperatureMinC: "Temperatura mínima plausible (°C)",
  temperatureMaxC: "Temperatura máxima plausible (°C)",
  calibrationWarningDays: "Aviso de calibración por vencer (días)",
  channelHeartbeatS: "Colector sin lotes por más de (s) → falla de canal",
  spoolLagMaxS: "Retraso máximo de entrega de datos del colector (s)",
  errorRateMax: "Proporción máxima de lecturas de mala calidad (0–1)",
  errorRateMinSamples: "Muestras mínimas para evaluar la proporción de errores",
  diskMinFreePct: "Espacio libre mínimo del disco de datos (%)",
  clockSkewMaxS: "Desfase máximo del reloj de la base de datos (s)",
  backupMaxAgeH: "Antigüedad máxima del último respaldo (h)",
  forgetUnconfiguredAfterH: "Olvidar canales no configurados tras (h)",
  selfTestTimeoutS: "Tiempo máximo de la prueba guiada (s)",
};

const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "short", timeStyle: "short", timeZone: "America/Mexico_City" });

function Meta({ s }: { s: GlobalSettingView }) {
  return (
    <p className="settings-meta">
      {s.requirement}
      {s.updatedAt ? ` · último cambio ${dateTime.format(new Date(s.updatedAt))}${s.updatedBy ? ` por ${s.updatedBy}` : ""}` : " · valor predeterminado"}
    </p>
  );
}

function GlobalEditor({ s }: { s: GlobalSettingView }) {
  return (
    <div className="settings-item" data-setting={s.key}>
      <SettingEditor
        settingKey={s.key}
        label={s.label}
        current={String(s.value)}
        unit={s.unit}
        help={s.help}
        input="number"
        min={s.min}
        max={s.max}
        step={s.key.startsWith("inventory.") ? "0.001" : "1"}
        testId={`setting-${s.key}`}
      />
      <Meta s={s} />
    </div>
  );
}

/** /configuracion — configuración del control volumétrico (A30-ACC-03: Administrador y Supervisor). */
export default async function ConfigurationPage() {
  const session = await auth();
  if (!session?.user) redirect("/login");
  // A30-ACC-06: a profile without permission `configure` gets the 403 page (app/forbidden.tsx), not the functions.
  if (!roleHasPermission(session.user.role, "configure")) forbidden();
  const runtime = getRuntime();
  const view = await readSettings(runtime.db, runtime.clock.now());
  const bySection = (section: GlobalSettingView["section"]) => view.settings.filter((s) => s.section === section && s.kind !== "object");
  const thresholds = view.settings.find((s) => s.key === "diagnostics.thresholds");
  const thresholdValues = (thresholds?.value ?? DEFAULT_THRESHOLDS) as Record<string, unknown>;
  return (
    <>
      <h1 className="page-title">Configuración</h1>
      <p className="settings-intro">
        Parámetros del control volumétrico. Cada cambio pide confirmación y queda registrado en la bitácora con el valor anterior, el nuevo y su
        usuario.
      </p>

      <section className="settings-section" aria-labelledby="sec-cv">
        <h2 id="sec-cv">Control volumétrico</h2>
        <datalist id="zonas-horarias">
          {MEXICAN_ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {view.installations.map((inst) => (
          <div key={inst.key} className="settings-installation" data-installation={inst.key}>
            <h3>
              {inst.key} · {inst.description}
            </h3>
            <p className="settings-meta">
              Periodo en curso ({inst.currentPeriod.reportDate}): {dateTime.format(new Date(inst.currentPeriod.start))} →{" "}
              {dateTime.format(new Date(inst.currentPeriod.end))}
              {inst.pending ? ` · cambio pendiente: corte ${inst.pending.cutHour} (${inst.pending.timeZone}) a partir del día ${inst.pending.effectiveFrom}` : ""}
            </p>
            <div className="settings-grid">
              <SettingEditor
                settingKey="installations.cut_hour"
                label="Hora de corte"
                current={inst.cutHour}
                unit="HH:MM"
                help="Hora local del corte diario; aplica a partir del siguiente corte (A30-INV-02)."
                installationKey={inst.key}
                input="text"
                testId={`setting-cut-hour-${inst.key}`}
              />
              <SettingEditor
                settingKey="installations.time_zone"
                label="Zona horaria"
                current={inst.timeZone}
                help="Zona IANA en la que se calcula la hora de corte."
                installationKey={inst.key}
                input="text"
                listId="zonas-horarias"
                testId={`setting-time-zone-${inst.key}`}
              />
            </div>
          </div>
        ))}
        <h3>Bandas muertas</h3>
        <div className="settings-grid">
          {bySection("control_volumetrico").map((s) => (
            <GlobalEditor key={s.key} s={s} />
          ))}
        </div>
      </section>

      <section className="settings-section" aria-labelledby="sec-alarmas">
        <h2 id="sec-alarmas">Alarmas</h2>
        <div className="settings-grid">
          {bySection("alarmas").map((s) => (
            <GlobalEditor key={s.key} s={s} />
          ))}
        </div>
      </section>

      <section className="settings-section" aria-labelledby="sec-diag">
        <h2 id="sec-diag">Autodiagnóstico</h2>
        {thresholds ? <Meta s={thresholds} /> : null}
        <div className="settings-grid">
          {Object.keys(DEFAULT_THRESHOLDS).map((field) => {
            const value = thresholdValues[field];
            const list = Array.isArray(value);
            return (
              <SettingEditor
                key={field}
                settingKey="diagnostics.thresholds"
                field={field}
                label={THRESHOLD_LABELS[field] ?? field}
                current={list ? (value as string[]).join(", ") : String(value)}
                input={list ? "list" : "number"}
                step="any"
                testId={`setting-threshold-${field}`}
              />
            );
          })}
        </div>
      </section>
    </>
  );
}
