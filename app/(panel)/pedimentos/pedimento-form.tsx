"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { field, postJson } from "../../_lib/post-json";

interface Props {
  installations: string[];
  products: Array<{ key: string; name: string }>;
  transportMeans: Record<string, string>;
  incoterms: readonly string[];
}

/** A30-PED-02…05: capture of a pedimento (number in any spacing, SAT keys, Incoterms, tariff fraction, volume, value). */
export function PedimentoForm({ installations, products, transportMeans, incoterms }: Props) {
  const router = useRouter();
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<{ text: string; warnings: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [direction, setDirection] = useState<"import" | "export">("import");

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const body = Object.fromEntries(
      Object.entries({
        installationKey: field(data, "installationKey"),
        number: field(data, "number"),
        pedimentoKey: field(data, "pedimentoKey"),
        direction,
        date: field(data, "date"),
        entryPoint: field(data, "entryPoint"),
        exportPoint: field(data, "exportPoint"),
        originCountry: field(data, "originCountry"),
        destinationCountry: field(data, "destinationCountry"),
        transportMeansIn: field(data, "transportMeansIn"),
        transportMeansOut: field(data, "transportMeansOut"),
        incoterm: field(data, "incoterm"),
        tariffFraction: field(data, "tariffFraction"),
        productKey: field(data, "productKey"),
        subProductKey: field(data, "subProductKey"),
        volume: field(data, "volume"),
        customsValueMxn: field(data, "customsValueMxn"),
        importPriceMxn: field(data, "importPriceMxn"),
        importPermit: field(data, "importPermit"),
        counterpartyName: field(data, "counterpartyName"),
        lotKey: field(data, "lotKey"),
      }).filter(([, v]) => v !== undefined),
    );
    setBusy(true);
    setErrors([]);
    setSaved(null);
    const answer = await postJson<{ pedimento: { number: string; warnings: string[] } }>("/api/pedimentos", body);
    setBusy(false);
    if (!answer.ok) {
      setErrors(answer.messages);
      return;
    }
    setSaved({ text: `Pedimento ${answer.data.pedimento.number} registrado.`, warnings: answer.data.pedimento.warnings });
    form.reset();
    router.refresh();
  }

  return (
    <section className="fiscal-section" aria-labelledby="capturar-pedimento">
      <h2 id="capturar-pedimento">Capturar pedimento</h2>
      <p className="fiscal-help">El número se acepta con o sin espacios (15 dígitos: año, aduana, patente y consecutivo) y se guarda con el formato del SAT.</p>
      <form className="fiscal-form" onSubmit={submit} aria-label="Capturar pedimento">
        <div className="fiscal-field">
          <label htmlFor="ped-direction">Operación</label>
          <select id="ped-direction" name="direction" value={direction} onChange={(e) => setDirection(e.target.value === "export" ? "export" : "import")}>
            <option value="import">Importación</option>
            <option value="export">Exportación</option>
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-installation">Instalación</label>
          <select id="ped-installation" name="installationKey" required defaultValue={installations[0] ?? ""}>
            {installations.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-number">Número de pedimento</label>
          <input id="ped-number" name="number" required maxLength={40} placeholder="26 47 3456 6001234" autoComplete="off" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-key">Clave de pedimento</label>
          <input id="ped-key" name="pedimentoKey" maxLength={2} placeholder="A1" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-date">Fecha</label>
          <input id="ped-date" name="date" type="date" required />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-entry">Punto de internación (aduana y sección)</label>
          <input id="ped-entry" name="entryPoint" maxLength={3} placeholder="470" required={direction === "import"} inputMode="numeric" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-export">Punto de exportación</label>
          <input id="ped-export" name="exportPoint" maxLength={3} required={direction === "export"} inputMode="numeric" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-origin">País de origen (clave SAAI)</label>
          <input id="ped-origin" name="originCountry" required maxLength={3} placeholder="USA" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-destination">País de destino</label>
          <input id="ped-destination" name="destinationCountry" maxLength={3} placeholder="MEX" required={direction === "export"} />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-transport-in">Medio de transporte de entrada a la aduana</label>
          <select id="ped-transport-in" name="transportMeansIn" required defaultValue="">
            <option value="" disabled>
              Seleccione…
            </option>
            {Object.entries(transportMeans).map(([key, label]) => (
              <option key={key} value={key}>
                {key} · {label}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-transport-out">Medio de transporte de salida de la aduana</label>
          <select id="ped-transport-out" name="transportMeansOut" defaultValue="">
            <option value="">—</option>
            {Object.entries(transportMeans).map(([key, label]) => (
              <option key={key} value={key}>
                {key} · {label}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-incoterm">Incoterms</label>
          <select id="ped-incoterm" name="incoterm" required defaultValue="">
            <option value="" disabled>
              Seleccione…
            </option>
            {incoterms.map((i) => (
              <option key={i} value={i}>
                {i === "DPU" ? "DPU (se reporta como DAT)" : i}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-product">Producto</label>
          <select id="ped-product" name="productKey" required defaultValue="">
            <option value="" disabled>
              Seleccione…
            </option>
            {products.map((p) => (
              <option key={p.key} value={p.key}>
                {p.key} · {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-subproduct">Subproducto (clave SAT)</label>
          <input id="ped-subproduct" name="subProductKey" maxLength={4} placeholder="SP16" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-fraction">Fracción arancelaria y NICO</label>
          <input id="ped-fraction" name="tariffFraction" required maxLength={20} placeholder="2710.12.99-05" aria-describedby="ped-fraction-help" />
          <span id="ped-fraction-help" className="fiscal-help">
            Una fracción que no corresponde al producto se guarda con advertencia (A30-PED-05).
          </span>
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-volume">Volumen documentado (unidad del producto)</label>
          <input id="ped-volume" name="volume" type="number" min="0.001" step="0.001" required />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-value">Valor en aduana (MXN)</label>
          <input id="ped-value" name="customsValueMxn" type="number" min="0" step="0.01" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-price">Precio de importación (MXN)</label>
          <input id="ped-price" name="importPriceMxn" type="number" min="0" step="0.01" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-permit">Permiso de importación (SENER)</label>
          <input id="ped-permit" name="importPermit" maxLength={20} placeholder="G12345" />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-counterparty">Proveedor o cliente extranjero</label>
          <input id="ped-counterparty" name="counterpartyName" maxLength={300} />
        </div>
        <div className="fiscal-field">
          <label htmlFor="ped-lot">Lote importado</label>
          <input id="ped-lot" name="lotKey" maxLength={50} placeholder="L-2026-0001" />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Registrando…" : "Registrar pedimento"}
        </button>
      </form>
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
