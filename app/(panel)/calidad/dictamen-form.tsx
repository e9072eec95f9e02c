"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { GAS_COMPONENTS } from "../../../server/domain/quality/fuels";
import { NON_FOSSIL_DEFINITION, QUALITY_KIND_LABELS, qualityKindOf } from "../../../server/domain/quality/product-data";
import { field, postJson } from "../../_lib/post-json";

export interface InstallationOption {
  key: string;
  activityFraction: string | null;
  tanks: Array<{ key: string; productKey: string }>;
}

interface Props {
  installations: InstallationOption[];
  products: Array<{ key: string; name: string }>;
  lotKinds: Record<string, string>;
  /** A30-STO-02: correct this dictamen (its next version), the form pre-filled with its data. */
  correction?: { id: number; version: number; folio: string; initial: Record<string, unknown> };
}

/** Form field values of a stored dictamen (names of this form's inputs). */
function fieldValues(initial: Record<string, unknown>): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(initial)) {
    if (value === null || value === undefined || typeof value === "object") continue;
    values.set(key, typeof value === "boolean" ? (value ? "Sí" : "No") : String(value));
  }
  const results = Array.isArray(initial.results) ? (initial.results as Array<Record<string, unknown>>) : [];
  results.forEach((r, i) => {
    const id = i + 1;
    for (const [name, key] of [["property", "property"], ["sampling", "samplingMethod"], ["test", "testMethod"], ["value", "value"], ["unit", "unit"]] as const) {
      if (r[key] !== undefined && r[key] !== null) values.set(`result-${id}-${name}`, String(r[key]));
    }
  });
  const gas = Array.isArray(initial.gasComposition) ? (initial.gasComposition as Array<{ component: string; molarFraction: number; calorificValue?: number }>) : [];
  for (const c of gas) {
    values.set(`gas-${c.component}-fraction`, String(c.molarFraction));
    if (c.calorificValue !== undefined) values.set(`gas-${c.component}-heat`, String(c.calorificValue));
  }
  return values;
}

interface ResultRow {
  id: number;
}

const COMPONENT_LABELS: Record<(typeof GAS_COMPONENTS)[number], string> = {
  metano: "Metano",
  etano: "Etano",
  propano: "Propano",
  isobutano: "Isobutano",
  nbutano: "n-Butano",
  pentanos: "Pentanos",
  hexanos: "Hexanos",
  heptanos: "Heptanos",
  octanos: "Octanos",
  nonanos: "Nonanos",
  decanos: "Decanos",
};

/** The non-fossil fields of 32.4 XVI c)–e) with the A30-TYP-09 definition as their help text. */
export function NonFossilFields({ idPrefix, fame }: { idPrefix: string; fame: boolean }) {
  const help = `${idPrefix}-nf-ayuda`;
  return (
    <>
      <div className="fiscal-field">
        <label htmlFor={`${idPrefix}-nf-contains`}>Contiene combustible no fósil</label>
        <select id={`${idPrefix}-nf-contains`} name="containsNonFossil" required defaultValue="" aria-describedby={help}>
          <option value="" disabled>
            Seleccione…
          </option>
          <option value="Sí">Sí</option>
          <option value="No">No</option>
        </select>
      </div>
      <div className="fiscal-field">
        <label htmlFor={`${idPrefix}-nf-pct`}>Porcentaje de combustible no fósil en la mezcla (%)</label>
        <input id={`${idPrefix}-nf-pct`} name="nonFossilPct" type="number" min="0" max="100" step="any" required={!fame} aria-describedby={help} />
      </div>
      {fame ? (
        <div className="fiscal-field">
          <label htmlFor={`${idPrefix}-fame`}>FAME (mg/kg), si se reporta en lugar del porcentaje</label>
          <input id={`${idPrefix}-fame`} name="fameMgKg" type="number" min="0" step="any" />
        </div>
      ) : null}
      <p id={help} className="fiscal-help fiscal-definition" data-testid="non-fossil-definition">
        {NON_FOSSIL_DEFINITION}
      </p>
    </>
  );
}

const num = (data: FormData, name: string) => field(data, name);

const REVIEW_LABELS: Record<string, string> = {
  installationKey: "Instalación",
  tankKey: "Tanque",
  lotNumber: "Número de lote",
  lotKind: "Tipo de lote",
  productKey: "Producto",
  subProductKey: "Subproducto",
  laboratoryRfc: "RFC del laboratorio",
  laboratoryName: "Laboratorio",
  laboratoryAccreditation: "Acreditación",
  laboratoryAccreditationValidUntil: "Vigencia de la acreditación",
  samplingLocation: "Ubicación del muestreo",
  sampleOrigin: "Origen de la muestra",
  issuerName: "Personal que emite",
  laboratoryLegalRepresentativeRfc: "RFC del representante legal",
  folio: "Folio",
  issueDate: "Fecha de emisión",
  samplingDate: "Fecha de muestreo",
  testDate: "Fecha de las pruebas",
  resultsDate: "Fecha de los resultados",
  sampleVolume: "Volumen de la muestra",
  sampleVolumeUnit: "Unidad de la muestra",
  language: "Idioma",
  resultSummary: "Resultado",
  results: "Resultados",
  apiGravity: "Densidad (°API)",
  sulfurPct: "Azufre (%)",
  ron: "RON",
  mon: "MON",
  octaneIndex: "Índice de octano",
  containsNonFossil: "Contiene combustible no fósil",
  nonFossilPct: "Combustible no fósil (%)",
  fameMgKg: "FAME (mg/kg)",
  propanePct: "Propano (%)",
  butanePct: "Butano (%)",
  gasComposition: "Fracciones molares",
  calorificValue: "Poder calorífico",
  calorificValueUnit: "Unidad del poder calorífico",
};

function reviewValue(key: string, value: unknown): string {
  if (key === "results" && Array.isArray(value)) {
    return value.map((r: { property?: string; testMethod?: string; value?: unknown; unit?: string }) => `${r.property ?? "—"}: ${String(r.value ?? "—")} ${r.unit ?? ""} (${r.testMethod ?? "—"})`).join("; ");
  }
  if (key === "gasComposition" && Array.isArray(value)) {
    return value.map((c: { component: string; molarFraction: number; calorificValue?: number }) => `${c.component} ${c.molarFraction}${c.calorificValue !== undefined ? ` (${c.calorificValue})` : ""}`).join("; ");
  }
  return String(value);
}

/** A32-01…08: capture of a dictamen (32.4 I–XVI), with a review of the data before saving (A30-TYP-11). */
export function DictamenForm({ installations, products, lotKinds, correction }: Props) {
  const router = useRouter();
  const initial = correction?.initial;
  const [installation, setInstallation] = useState(typeof initial?.installationKey === "string" ? initial.installationKey : (installations[0]?.key ?? ""));
  const [product, setProduct] = useState(typeof initial?.productKey === "string" ? initial.productKey : (products.find((p) => p.key === "PR07")?.key ?? products[0]?.key ?? ""));
  const initialResults = Array.isArray(initial?.results) ? initial.results.length : 0;
  const [rows, setRows] = useState<ResultRow[]>(Array.from({ length: Math.max(1, initialResults) }, (_, i) => ({ id: i + 1 })));
  const formRef = useRef<HTMLFormElement>(null);
  // Correction: the stored dictamen's values go into the (uncontrolled) fields once rendered.
  useEffect(() => {
    if (!initial || !formRef.current) return;
    const values = fieldValues(initial);
    for (const element of Array.from(formRef.current.elements)) {
      if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement)) continue;
      if (element.name === "installationKey" || element.name === "productKey") continue;
      const value = values.get(element.name);
      if (value !== undefined) element.value = value;
    }
  }, [initial]);
  const [review, setReview] = useState<Record<string, unknown> | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<{ text: string; warnings: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const kind = qualityKindOf(product);
  const current = installations.find((i) => i.key === installation);
  const tanks = current?.tanks ?? [];

  function build(form: HTMLFormElement): Record<string, unknown> {
    const data = new FormData(form);
    const results = rows
      .map((r) => ({
        property: field(data, `result-${r.id}-property`),
        samplingMethod: field(data, `result-${r.id}-sampling`),
        testMethod: field(data, `result-${r.id}-test`),
        value: field(data, `result-${r.id}-value`),
        unit: field(data, `result-${r.id}-unit`),
      }))
      .filter((r) => r.property || r.testMethod || r.value)
      .map((r) => ({ ...r, value: r.value !== undefined && r.value !== "" && !Number.isNaN(Number(r.value)) ? Number(r.value) : r.value }));
    const composition = GAS_COMPONENTS.map((c) => ({ component: c, molarFraction: num(data, `gas-${c}-fraction`), calorificValue: num(data, `gas-${c}-heat`) }))
      .filter((c) => c.molarFraction !== undefined)
      .map((c) => ({ component: c.component, molarFraction: Number(c.molarFraction), ...(c.calorificValue !== undefined ? { calorificValue: Number(c.calorificValue) } : {}) }));
    const sampleVolume = num(data, "sampleVolume");
    const body: Record<string, unknown> = {
      installationKey: installation,
      tankKey: field(data, "tankKey"),
      lotNumber: field(data, "lotNumber"),
      lotKind: field(data, "lotKind"),
      productKey: product,
      subProductKey: field(data, "subProductKey"),
      laboratoryRfc: field(data, "laboratoryRfc"),
      laboratoryName: field(data, "laboratoryName"),
      laboratoryAccreditation: field(data, "laboratoryAccreditation"),
      laboratoryAccreditationValidUntil: field(data, "laboratoryAccreditationValidUntil"),
      samplingLocation: field(data, "samplingLocation"),
      sampleOrigin: field(data, "sampleOrigin"),
      issuerName: field(data, "issuerName"),
      laboratoryLegalRepresentativeRfc: field(data, "laboratoryLegalRepresentativeRfc"),
      folio: field(data, "folio"),
      issueDate: field(data, "issueDate"),
      samplingDate: field(data, "samplingDate"),
      testDate: field(data, "testDate"),
      resultsDate: field(data, "resultsDate"),
      sampleVolume,
      sampleVolumeUnit: sampleVolume ? field(data, "sampleVolumeUnit") : undefined,
      language: field(data, "language"),
      resultSummary: field(data, "resultSummary"),
      results: results.length > 0 ? results : undefined,
      apiGravity: num(data, "apiGravity"),
      sulfurPct: num(data, "sulfurPct"),
      ron: num(data, "ron"),
      mon: num(data, "mon"),
      octaneIndex: num(data, "octaneIndex"),
      containsNonFossil: field(data, "containsNonFossil"),
      nonFossilPct: num(data, "nonFossilPct"),
      fameMgKg: num(data, "fameMgKg"),
      propanePct: num(data, "propanePct"),
      butanePct: num(data, "butanePct"),
      gasComposition: composition.length > 0 ? composition : undefined,
      calorificValue: num(data, "calorificValue"),
      calorificValueUnit: num(data, "calorificValue") ? field(data, "calorificValueUnit") : undefined,
    };
    return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  }

  function check(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setErrors([]);
    setSaved(null);
    setReview(build(event.currentTarget));
  }

  async function confirm() {
    if (!review) return;
    setBusy(true);
    const reason = correction ? ((document.getElementById("dict-correction-reason") as HTMLInputElement | null)?.value ?? "") : "";
    const answer = correction
      ? await postJson<{ dictamen: { folio: string; lotKey: string; version: number }; linked: unknown[]; warnings: string[] }>(`/api/dictamenes/${correction.id}/correction`, { dictamen: review, reason })
      : await postJson<{ dictamen: { folio: string; lotKey: string; version: number }; linked: unknown[]; warnings: string[] }>("/api/dictamenes", review);
    setBusy(false);
    if (!answer.ok) {
      setErrors(answer.messages);
      setReview(null);
      return;
    }
    setReview(null);
    setSaved({
      text: correction
        ? `Dictamen ${answer.data.dictamen.folio} corregido: versión ${answer.data.dictamen.version} en el lote ${answer.data.dictamen.lotKey}; ${answer.data.linked.length} operación(es) con los datos corregidos.`
        : `Dictamen ${answer.data.dictamen.folio} registrado en el lote ${answer.data.dictamen.lotKey}; ${answer.data.linked.length} operación(es) vinculada(s).`,
      warnings: answer.data.warnings,
    });
    if (correction) {
      router.push("/calidad");
      router.refresh();
      return;
    }
    (document.getElementById("dictamen-form") as HTMLFormElement | null)?.reset();
    router.refresh();
  }

  const gasUnit = kind === "condensate" ? "MMBTU" : current?.activityFraction === "I" ? "BTU/ft3" : "MJ/m3";

  return (
    <section className="fiscal-section" aria-labelledby="capturar-dictamen">
      <h2 id="capturar-dictamen">{correction ? `Corregir el dictamen ${correction.folio} (versión ${correction.version})` : "Capturar dictamen"}</h2>
      <p className="fiscal-help">
        {correction
          ? "El dictamen guardado no se modifica: la corrección es su versión siguiente, las operaciones del lote toman los datos corregidos y el motivo queda en la bitácora."
          : "Datos del apartado 32.4 del Anexo 32. El número de lote y el folio son obligatorios; las fechas deben cumplir muestreo ≤ pruebas ≤ resultados ≤ emisión."}
      </p>
      <form id="dictamen-form" ref={formRef} className="fiscal-form" onSubmit={check} aria-label={correction ? "Corregir dictamen" : "Capturar dictamen"}>
        {correction ? (
          <div className="fiscal-field fiscal-wide">
            <label htmlFor="dict-correction-reason">Motivo de la corrección</label>
            <input id="dict-correction-reason" name="correctionReason" required minLength={10} maxLength={500} />
          </div>
        ) : null}
        <fieldset className="fiscal-fieldset">
          <legend>Lote y producto</legend>
          <div className="fiscal-field">
            <label htmlFor="dict-installation">Instalación</label>
            <select id="dict-installation" name="installationKey" value={installation} onChange={(e) => setInstallation(e.target.value)}>
              {installations.map((i) => (
                <option key={i.key} value={i.key}>
                  {i.key}
                </option>
              ))}
            </select>
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-product">Producto</label>
            <select id="dict-product" name="productKey" value={product} onChange={(e) => setProduct(e.target.value)}>
              {products.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.key} · {p.name}
                </option>
              ))}
            </select>
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-subproduct">Subproducto (clave SAT)</label>
            <input id="dict-subproduct" name="subProductKey" maxLength={4} placeholder={kind === "crude" ? "según clasificación" : "SP16"} aria-describedby="dict-subproduct-help" />
            <span id="dict-subproduct-help" className="fiscal-help">
              Petróleo: se asigna por la clasificación del Anexo 32; gasolina: por el índice de octano si se deja vacío.
            </span>
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-tank">Tanque muestreado</label>
            <select id="dict-tank" name="tankKey" defaultValue="">
              <option value="">—</option>
              {tanks
                .filter((t) => t.productKey === product)
                .map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.key}
                  </option>
                ))}
            </select>
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-lot">Número de lote (XII)</label>
            <input id="dict-lot" name="lotNumber" required maxLength={50} placeholder="L-2026-0001" />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-lot-kind">Tipo de lote (si es nuevo)</label>
            <select id="dict-lot-kind" name="lotKind" defaultValue="">
              <option value="">Según el tanque o la fracción</option>
              {Object.entries(lotKinds).map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
        <fieldset className="fiscal-fieldset">
          <legend>Laboratorio y dictamen</legend>
          <div className="fiscal-field">
            <label htmlFor="dict-lab-rfc">RFC del laboratorio (II)</label>
            <input id="dict-lab-rfc" name="laboratoryRfc" required maxLength={13} autoComplete="off" />
          </div>
          <div className="fiscal-field fiscal-wide">
            <label htmlFor="dict-lab-name">Laboratorio acreditado (II)</label>
            <input id="dict-lab-name" name="laboratoryName" required maxLength={300} />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-lab-accreditation">Acreditación</label>
            <input id="dict-lab-accreditation" name="laboratoryAccreditation" maxLength={100} />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-lab-valid">Vigencia de la acreditación</label>
            <input id="dict-lab-valid" name="laboratoryAccreditationValidUntil" type="date" />
          </div>
          <div className="fiscal-field fiscal-wide">
            <label htmlFor="dict-location">Domicilio o ubicación del muestreo (III)</label>
            <input id="dict-location" name="samplingLocation" maxLength={500} />
          </div>
          <div className="fiscal-field fiscal-wide">
            <label htmlFor="dict-origin">Campo y yacimiento, o medio de transporte o almacenamiento muestreado (IV)</label>
            <input id="dict-origin" name="sampleOrigin" maxLength={500} />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-issuer">Personal que emite (V)</label>
            <input id="dict-issuer" name="issuerName" maxLength={300} />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-legal">RFC del representante legal (VI)</label>
            <input id="dict-legal" name="laboratoryLegalRepresentativeRfc" maxLength={13} />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-folio">Folio (VII)</label>
            <input id="dict-folio" name="folio" required maxLength={30} placeholder="RFC del laboratorio + 00025 + 2026" aria-describedby="dict-folio-help" />
            <span id="dict-folio-help" className="fiscal-help">
              RFC del laboratorio, cinco dígitos consecutivos y el año de emisión.
            </span>
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-issue">Fecha de emisión (VIII)</label>
            <input id="dict-issue" name="issueDate" type="date" required />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-sampling">Fecha de muestreo (IX)</label>
            <input id="dict-sampling" name="samplingDate" type="date" required />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-test">Fecha de las pruebas (X)</label>
            <input id="dict-test" name="testDate" type="date" required />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-results">Fecha de los resultados (XI)</label>
            <input id="dict-results" name="resultsDate" type="date" required />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-sample-volume">Volumen de la muestra (XIII)</label>
            <input id="dict-sample-volume" name="sampleVolume" type="number" min="0" step="any" />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-sample-unit">Unidad de la muestra</label>
            <input id="dict-sample-unit" name="sampleVolumeUnit" maxLength={10} defaultValue="L" />
          </div>
          <div className="fiscal-field">
            <label htmlFor="dict-language">Idioma del dictamen</label>
            <input id="dict-language" name="language" maxLength={2} defaultValue="es" aria-describedby="dict-language-help" />
            <span id="dict-language-help" className="fiscal-help">
              Distinto de español o inglés: requiere traducción por perito autorizado.
            </span>
          </div>
        </fieldset>
        <fieldset className="fiscal-fieldset">
          <legend>Métodos y resultados de las pruebas (XIV–XV)</legend>
          {rows.map((r, index) => (
            <div className="fiscal-result-row" key={r.id}>
              <div className="fiscal-field">
                <label htmlFor={`result-${r.id}-property`}>Propiedad {index + 1}</label>
                <input id={`result-${r.id}-property`} name={`result-${r.id}-property`} maxLength={100} />
              </div>
              <div className="fiscal-field">
                <label htmlFor={`result-${r.id}-sampling`}>Método de muestreo</label>
                <input id={`result-${r.id}-sampling`} name={`result-${r.id}-sampling`} maxLength={100} placeholder="ASTM D4057" />
              </div>
              <div className="fiscal-field">
                <label htmlFor={`result-${r.id}-test`}>Método de prueba</label>
                <input id={`result-${r.id}-test`} name={`result-${r.id}-test`} maxLength={100} placeholder="ASTM D2699" />
              </div>
              <div className="fiscal-field">
                <label htmlFor={`result-${r.id}-value`}>Valor</label>
                <input id={`result-${r.id}-value`} name={`result-${r.id}-value`} maxLength={100} />
              </div>
              <div className="fiscal-field">
                <label htmlFor={`result-${r.id}-unit`}>Unidad</label>
                <input id={`result-${r.id}-unit`} name={`result-${r.id}-unit`} maxLength={30} />
              </div>
            </div>
          ))}
          <button type="button" className="fiscal-secondary" onClick={() => setRows((list) => [...list, { id: Math.max(...list.map((r) => r.id)) + 1 }])} disabled={rows.length >= 100}>
            Agregar resultado
          </button>
          <div className="fiscal-field fiscal-wide">
            <label htmlFor="dict-summary">Resultado (resumen para el reporte, 10–300 caracteres)</label>
            <textarea id="dict-summary" name="resultSummary" rows={2} maxLength={300} aria-describedby="dict-summary-help" />
            <span id="dict-summary-help" className="fiscal-help">
              Vacío: Aforo lo compone con los datos del producto.
            </span>
          </div>
        </fieldset>
        <fieldset className="fiscal-fieldset" data-kind={kind}>
          <legend>Datos del producto (XVI): {QUALITY_KIND_LABELS[kind]}</legend>
          {kind === "crude" ? (
            <>
              <div className="fiscal-field">
                <label htmlFor="dict-api">Densidad (°API)</label>
                <input id="dict-api" name="apiGravity" type="number" min="0" max="100" step="any" required />
              </div>
              <div className="fiscal-field">
                <label htmlFor="dict-sulfur">Azufre (% masa)</label>
                <input id="dict-sulfur" name="sulfurPct" type="number" min="0" max="10" step="any" required />
              </div>
              <p className="fiscal-help">Se registran con un decimal y se clasifican (Súper-ligero … Extra-pesado / Dulce, Semi-amargo, Amargo).</p>
            </>
          ) : null}
          {kind === "gasoline" ? (
            <>
              <div className="fiscal-field">
                <label htmlFor="dict-ron">RON</label>
                <input id="dict-ron" name="ron" type="number" min="70" max="130" step="any" />
              </div>
              <div className="fiscal-field">
                <label htmlFor="dict-mon">MON</label>
                <input id="dict-mon" name="mon" type="number" min="70" max="130" step="any" />
              </div>
              <div className="fiscal-field">
                <label htmlFor="dict-octane">Índice de octano (RON + MON)/2</label>
                <input id="dict-octane" name="octaneIndex" type="number" min="70" max="110" step="any" />
              </div>
              <NonFossilFields idPrefix="dict" fame={false} />
            </>
          ) : null}
          {kind === "diesel" || kind === "jet_fuel" ? <NonFossilFields idPrefix="dict" fame={kind === "jet_fuel"} /> : null}
          {kind === "lpg" ? (
            <>
              <div className="fiscal-field">
                <label htmlFor="dict-propane">Propano de la cromatografía (%)</label>
                <input id="dict-propane" name="propanePct" type="number" min="0" max="100" step="any" required />
              </div>
              <div className="fiscal-field">
                <label htmlFor="dict-butane">Butano de la cromatografía (%)</label>
                <input id="dict-butane" name="butanePct" type="number" min="0" max="100" step="any" required />
              </div>
              <p className="fiscal-help">Aforo normaliza propano + butano al 100 % y guarda también los valores capturados.</p>
            </>
          ) : null}
          {kind === "natural_gas" || kind === "condensate" ? (
            <>
              <table className="fiscal-table fiscal-gas">
                <thead>
                  <tr>
                    <th scope="col">Componente</th>
                    <th scope="col">Fracción molar (0–1)</th>
                    <th scope="col">Poder calorífico ({kind === "condensate" ? "MMBTU" : "BTU/ft³"})</th>
                  </tr>
                </thead>
                <tbody>
                  {GAS_COMPONENTS.map((c) => (
                    <tr key={c}>
                      <th scope="row">{COMPONENT_LABELS[c]}</th>
                      <td>
                        <label htmlFor={`dict-gas-${c}-fraction`} className="fiscal-sr-only">
                          Fracción molar de {COMPONENT_LABELS[c]}
                        </label>
                        <input id={`dict-gas-${c}-fraction`} name={`gas-${c}-fraction`} type="number" min="0" max="1" step="any" />
                      </td>
                      <td>
                        <label htmlFor={`dict-gas-${c}-heat`} className="fiscal-sr-only">
                          Poder calorífico de {COMPONENT_LABELS[c]}
                        </label>
                        <input id={`dict-gas-${c}-heat`} name={`gas-${c}-heat`} type="number" min="0" step="any" />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="fiscal-field">
                <label htmlFor="dict-heat">Poder calorífico promedio</label>
                <input id="dict-heat" name="calorificValue" type="number" min="0" step="any" aria-describedby="dict-heat-help" />
                <span id="dict-heat-help" className="fiscal-help">
                  Fracción I: por componente en BTU/ft³ (gas) o MMBTU (condensados). Fracciones II–VIII: promedio en MJ/m³ (gas) o MMBTU (condensados).
                </span>
              </div>
              <div className="fiscal-field">
                <label htmlFor="dict-heat-unit">Unidad</label>
                <select id="dict-heat-unit" name="calorificValueUnit" defaultValue={gasUnit} key={gasUnit}>
                  <option value="MJ/m3">MJ/m³</option>
                  <option value="BTU/ft3">BTU/ft³</option>
                  <option value="MMBTU">MMBTU</option>
                </select>
              </div>
            </>
          ) : null}
          {kind === "other" ? <p className="fiscal-help">Este producto no tiene datos específicos en el apartado XVI.</p> : null}
        </fieldset>
        <button type="submit" disabled={busy || review !== null}>
          Revisar antes de guardar
        </button>
      </form>
      {review ? (
        <div className="fiscal-review" role="region" aria-label="Revisión del dictamen">
          <h3>Revise los datos antes de guardar</h3>
          <dl className="fiscal-data">
            {Object.entries(review).map(([k, v]) => (
              <div key={k} className="fiscal-data-row">
                <dt>{REVIEW_LABELS[k] ?? k}</dt>
                <dd>{reviewValue(k, v)}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => void confirm()} disabled={busy}>
            {busy ? "Guardando…" : "Confirmar y guardar"}
          </button>{" "}
          <button type="button" className="fiscal-secondary" onClick={() => setReview(null)} disabled={busy}>
            Volver a editar
          </button>
        </div>
      ) : null}
      {errors.length > 0 ? (
        <ul className="fiscal-errors" role="alert">
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      {saved ? (
        <div className="fiscal-saved" role="status">
          <p>{saved.text}</p>
          {saved.warnings.length > 0 ? (
            <ul className="fiscal-warnings">
              {saved.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
