import type { Database } from "../../../db/client";
import { zodMessages } from "../../domain/operations/index";
import { parseDictamenFileName } from "../../domain/quality/index";
import { prepareDictamen, readDictamen, storeDictamen } from "./dictamenes";
import { QualityError, type Actor } from "./lots";
import { diFileSchema, dictamenInputSchema, type DiFile, type DictamenImportInput, type DictamenInput } from "./schemas";

/**
 * Import of a DI- dictamen file (A32-11). SAT's specification of the dictamen XML/JSON is not
 * among the published schemas (only the report's Dictamen node is), so Aforo accepts the JSON
 * documented in schemas.ts `diFileSchema` — Spanish names mirroring Anexo 32, 32.4 I–XVI — and
 * refuses XML and PDF content with that reason. The file name is validated with
 * parseDictamenFileName and must agree with the content (taxpayer RFC, laboratory RFC, folio =
 * RFC proveedor + consecutivo + año). The original text is stored as an attachment
 * (category dictamen_data) referenced by the dictamen. Every reason is returned (400).
 */

/** Maps the DI- JSON to the capture input (same rules afterwards). */
export function diFileToInput(file: DiFile, extra: { installationKey: string; tankKey?: string; lotKind?: DictamenInput["lotKind"]; operationIds?: number[]; fileName: string }): unknown {
  const p = file.datosProducto ?? {};
  const nonFossil = p.gasolina ?? p.diesel ?? p.turbosina;
  const gas = p.gasNaturalOCondensados;
  return {
    installationKey: extra.installationKey,
    ...(extra.tankKey ? { tankKey: extra.tankKey } : {}),
    ...(extra.lotKind ? { lotKind: extra.lotKind } : {}),
    ...(extra.operationIds ? { operationIds: extra.operationIds } : {}),
    fileName: extra.fileName,
    taxpayerRfc: file.contribuyente.rfc,
    taxpayerName: file.contribuyente.nombre,
    laboratoryRfc: file.laboratorio.rfc,
    laboratoryName: file.laboratorio.nombre,
    laboratoryAccreditation: file.laboratorio.acreditacion,
    laboratoryAccreditationValidUntil: file.laboratorio.vigenciaAcreditacion,
    samplingLocation: file.domicilioMuestreo,
    sampleOrigin: file.origenMuestra,
    issuerName: file.personalEmisor,
    laboratoryLegalRepresentativeRfc: file.rfcRepresentanteLegal,
    folio: file.folio,
    issueDate: file.fechaEmision,
    samplingDate: file.fechaMuestreo,
    testDate: file.fechaPruebas,
    resultsDate: file.fechaResultados,
    lotNumber: file.lote,
    sampleVolume: file.volumenMuestra?.valor,
    sampleVolumeUnit: file.volumenMuestra?.unidad,
    results: file.resultados?.map((r) => ({ property: r.propiedad, samplingMethod: r.metodoMuestreo, testMethod: r.metodoPrueba, value: r.valor, unit: r.unidad })),
    resultSummary: file.resultado,
    productKey: file.claveProducto,
    subProductKey: file.claveSubProducto,
    language: file.idioma,
    apiGravity: p.petroleo?.densidadApi,
    sulfurPct: p.petroleo?.azufrePorcentaje,
    ron: p.gasolina?.ron,
    mon: p.gasolina?.mon,
    octaneIndex: p.gasolina?.indiceOctano,
    containsNonFossil: nonFossil?.contieneCombustibleNoFosil,
    nonFossilPct: nonFossil?.porcentajeCombustibleNoFosil,
    fameMgKg: p.turbosina?.fameMgKg,
    propanePct: p.gasLP?.propanoPorcentaje,
    butanePct: p.gasLP?.butanoPorcentaje,
    gasComposition: gas?.componentes?.map((c) => ({ component: c.componente, molarFraction: c.fraccionMolar, calorificValue: c.poderCalorifico })),
    calorificValue: gas?.poderCalorificoPromedio,
    calorificValueUnit: gas?.unidadPoderCalorifico,
    densityKgM3: file.densidad?.kgM3,
    densityBaseTemperatureC: file.densidad?.temperaturaBaseC,
  };
}

/** Drops undefined members (the capture schema is strict about unknown keys, not about absent ones). */
function compactObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compactObject);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, compactObject(v)]));
  return value;
}

export async function importDictamenFile(db: Database, request: DictamenImportInput, actor: Actor, now: Date) {
  const reasons: string[] = [];
  const name = parseDictamenFileName(request.fileName);
  if (!name.ok) reasons.push(name.error);
  else if (name.value.extension !== "json") {
    reasons.push(
      name.value.extension === "xml"
        ? "El SAT no publica el esquema XML del dictamen: importe el archivo JSON con el formato documentado (DI-….json)"
        : "El PDF del dictamen no contiene los datos capturables: importe el archivo JSON (DI-….json)",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.content);
  } catch {
    reasons.push("El contenido no es JSON válido");
  }
  if (reasons.length > 0) throw new QualityError("invalid", reasons[0]!, reasons);
  const file = diFileSchema.safeParse(parsed);
  if (!file.success) throw new QualityError("invalid", "El archivo no tiene el formato de dictamen esperado", zodMessages(file.error));
  const n = (name as Extract<typeof name, { ok: true }>).value;
  if (n.rfcContribuyente !== file.data.contribuyente.rfc) reasons.push(`El nombre del archivo es del contribuyente ${n.rfcContribuyente}; el contenido, de ${file.data.contribuyente.rfc}`);
  if (n.rfcProveedor !== file.data.laboratorio.rfc) reasons.push(`El nombre del archivo es del laboratorio ${n.rfcProveedor}; el contenido, de ${file.data.laboratorio.rfc}`);
  const expectedFolio = `${n.rfcProveedor}${n.consecutivo}${n.anio}`;
  if (expectedFolio !== file.data.folio) reasons.push(`El nombre del archivo corresponde al folio ${expectedFolio}; el contenido dice ${file.data.folio}`);
  return db.transaction(async (tx) => {
    let installationKey = request.installationKey;
    if (!installationKey) {
      // The file names the taxpayer, not the installation: it is implied only when the taxpayer has one.
      const rows = await tx.query<{ key: string }>("select i.key from installations i join taxpayers t on t.id = i.taxpayer_id where t.rfc = $1 order by i.key limit 2", [n.rfcContribuyente]);
      if (rows.length === 1) installationKey = rows[0]!.key;
      else reasons.push(rows.length === 0 ? `El contribuyente ${n.rfcContribuyente} no tiene instalaciones registradas en Aforo` : "Indique la instalación del dictamen (installationKey)");
    }
    if (reasons.length > 0) throw new QualityError("invalid", reasons[0]!, reasons);
    const mapped = dictamenInputSchema.safeParse(
      compactObject(diFileToInput(file.data, { installationKey: installationKey!, tankKey: request.tankKey, lotKind: request.lotKind, operationIds: request.operationIds, fileName: request.fileName })),
    );
    if (!mapped.success) throw new QualityError("invalid", "El archivo no tiene el formato de dictamen esperado", zodMessages(mapped.error));
    const prepared = await prepareDictamen(tx, mapped.data, now);
    const stored = await storeDictamen(tx, prepared, actor, now, {
      origin: "importación",
      attachment: { fileName: request.fileName, mediaType: "application/json", content: Buffer.from(request.content, "utf8") },
    });
    return { ...stored, dictamen: (await readDictamen(tx, stored.dictamenId))! };
  });
}
