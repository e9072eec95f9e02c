/**
 * Dictamen records (Anexo 32, 32.4; A32-01, A32-11, A30-TYP-02). Pure checks over plain data.
 */
const RFC = /^([A-ZÑ&]{3,4})[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[A-Z0-9]{3}$/;

export interface DictamenFileName {
  rfcContribuyente: string;
  rfcProveedor: string;
  consecutivo: string;
  anio: string;
  extension: "pdf" | "xml" | "json";
}

/**
 * A32-11: `DI-<RFC contribuyente>_<RFC proveedor><5-digit annual consecutive><4-digit year>.<ext>`.
 * `DI-GPA200101NL1_EVA9612104R6000252021.json` → GPA200101NL1, EVA9612104R6, 00025, 2021.
 */
export function parseDictamenFileName(name: string): { ok: true; value: DictamenFileName } | { ok: false; error: string } {
  const match = /^DI-([A-ZÑ&0-9]{12,13})_([A-ZÑ&0-9]{12,13}?)([0-9]{5})([0-9]{4})\.(pdf|xml|json)$/i.exec(name);
  if (!match) return { ok: false, error: `nombre de dictamen inválido «${name}»: se espera DI-<RFC contribuyente>_<RFC proveedor><consecutivo de 5 dígitos><año>.pdf|xml|json` };
  const [, rfcContribuyente, rfcProveedor, consecutivo, anio, extension] = match as unknown as [string, string, string, string, string, string];
  for (const [label, rfc] of [["contribuyente", rfcContribuyente], ["proveedor", rfcProveedor]] as const) {
    if (!RFC.test(rfc.toUpperCase())) return { ok: false, error: `nombre de dictamen inválido: RFC del ${label} «${rfc}» mal formado` };
  }
  return { ok: true, value: { rfcContribuyente: rfcContribuyente.toUpperCase(), rfcProveedor: rfcProveedor.toUpperCase(), consecutivo, anio, extension: extension.toLowerCase() as DictamenFileName["extension"] } };
}

export interface DictamenDates {
  samplingDate: string;
  testDate: string;
  resultsDate: string;
  issueDate: string;
}

/** A32-01 decision: sampling ≤ test ≤ results ≤ issue (ISO dates), otherwise "fechas inconsistentes". */
export function checkDictamenDates(dates: DictamenDates): { ok: true } | { ok: false; error: string } {
  const order: [keyof DictamenDates, string][] = [
    ["samplingDate", "muestreo"],
    ["testDate", "prueba"],
    ["resultsDate", "resultados"],
    ["issueDate", "emisión"],
  ];
  for (const [key, label] of order) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dates[key]) || Number.isNaN(Date.parse(dates[key]))) return { ok: false, error: `fecha de ${label} inválida: use AAAA-MM-DD` };
  }
  for (let i = 1; i < order.length; i += 1) {
    const [prevKey, prevLabel] = order[i - 1]!;
    const [key, label] = order[i]!;
    if (dates[key] < dates[prevKey]) return { ok: false, error: `fechas inconsistentes: la de ${label} (${dates[key]}) es anterior a la de ${prevLabel} (${dates[prevKey]})` };
  }
  return { ok: true };
}

/**
 * A30-TYP-01/02: the source of the quality data; a dictamen needs the laboratory's RFC and folio,
 * an online instrument its key, data provided by another taxpayer that taxpayer's RFC.
 */
export type QualitySource =
  | { kind: "dictamen"; laboratoryRfc: string; folio: string; issueDate: string }
  | { kind: "instrumento"; instrumentKey: string }
  | { kind: "proporcionado"; providerRfc: string };

export function checkQualitySource(source: QualitySource): { ok: true; label: string } | { ok: false; error: string } {
  switch (source.kind) {
    case "dictamen":
      if (!RFC.test(source.laboratoryRfc)) return { ok: false, error: "dictamen: RFC del laboratorio obligatorio y bien formado (A30-TYP-02)" };
      if (!source.folio.trim()) return { ok: false, error: "dictamen: folio obligatorio (A32-01)" };
      return { ok: true, label: `dictamen ${source.folio}` };
    case "instrumento":
      if (!source.instrumentKey.trim()) return { ok: false, error: "instrumento en línea: indique su clave" };
      return { ok: true, label: `instrumento en línea ${source.instrumentKey}` };
    case "proporcionado":
      if (!RFC.test(source.providerRfc)) return { ok: false, error: "datos proporcionados por otro contribuyente: RFC obligatorio y bien formado (A30-TYP-01 c)" };
      return { ok: true, label: `proporcionado por ${source.providerRfc}` };
  }
}
