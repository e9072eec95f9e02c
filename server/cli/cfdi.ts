import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import type { X509Certificate } from "node:crypto";
import { DEFAULT_MAX_BYTES, certificateNumber, loadCertificate, parseCfdi, type ParsedCfdi, type VerificationReport } from "../domain/cfdi/index";
import type { Command } from "./commands";
import { CliUsageError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, printJson } from "./output";

/**
 * `aforo cfdi parse FILE [--sat-cert CER]… [--strict]` (design.md §3, A30-CFDI-02/07): reads a
 * CFDI 3.3/4.0 with the safe parser and prints the contract JSON
 * {"version","uuid","fecha","tipo","emisor":{"rfc","nombre"},"receptor":{"rfc","nombre"},
 *  "conceptos":[{"claveProdServ","cantidad","claveUnidad","valorUnitario","importe","descripcion"}],
 *  "subTotal","total","moneda"} followed by extra keys (timbre, relations, payments, complements,
 * "verificacion"). Amounts are the XML's decimal text. Exit 2 with {"error","code"} for a missing,
 * unreadable, malformed, hostile (DTD/entities), non-CFDI or unstamped file; 0 when it parsed
 * (failed checks are reported in "verificacion"), or 1 with --strict when a check failed.
 * --sat-cert gives SAT stamping certificates (.cer DER or PEM) so the SelloSAT can be verified.
 */
export const cfdiParseCommand: Command = {
  name: "cfdi parse",
  summary: "Lee un CFDI 3.3/4.0 y muestra sus datos",
  usage: "aforo cfdi parse ARCHIVO.xml [--sat-cert CERTIFICADO_SAT.cer]... [--strict]",
  options: {
    "sat-cert": { type: "string", multiple: true },
    strict: { type: "boolean" },
  },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1 || positionals[0] === "") throw new CliUsageError("indique un archivo XML: aforo cfdi parse ARCHIVO.xml");
    const file = positionals[0]!;
    const read = readBounded(file, DEFAULT_MAX_BYTES);
    if (!read.ok) {
      printJson({ error: read.error, code: read.code });
      return EXIT_BAD_INPUT;
    }
    const satCertificates = new Map<string, X509Certificate>();
    const certFiles = values["sat-cert"] as unknown;
    for (const certFile of Array.isArray(certFiles) ? (certFiles as string[]) : typeof certFiles === "string" ? [certFiles] : []) {
      let certificate: X509Certificate | null = null;
      try {
        certificate = loadCertificate(readFileSync(certFile));
      } catch {
        certificate = null;
      }
      const number = certificate ? certificateNumber(certificate) : null;
      if (!certificate || !number) {
        printJson({ error: `certificado del SAT ilegible o sin número de certificado SAT: ${certFile}`, code: "bad_certificate" });
        return EXIT_BAD_INPUT;
      }
      satCertificates.set(number, certificate);
    }
    const result = parseCfdi(read.bytes, { satCertificates });
    if (!result.ok) {
      printJson({ error: result.reason, code: result.code });
      return EXIT_BAD_INPUT;
    }
    printJson(cfdiContract(result.cfdi, result.checks));
    return values.strict === true && !result.checks.ok ? EXIT_FAILURE : EXIT_OK;
  },
};

/** design.md §3 contract keys first, in order; extras after them. */
export function cfdiContract(cfdi: ParsedCfdi, checks: VerificationReport) {
  return {
    version: cfdi.version,
    uuid: cfdi.uuid,
    fecha: cfdi.fecha,
    tipo: cfdi.tipo,
    emisor: { rfc: cfdi.emisor.rfc, nombre: cfdi.emisor.nombre },
    receptor: { rfc: cfdi.receptor.rfc, nombre: cfdi.receptor.nombre },
    conceptos: cfdi.conceptos.map((c) => ({
      claveProdServ: c.claveProdServ,
      cantidad: c.cantidad,
      claveUnidad: c.claveUnidad,
      valorUnitario: c.valorUnitario,
      importe: c.importe,
      descripcion: c.descripcion,
    })),
    subTotal: cfdi.subTotal,
    total: cfdi.total,
    moneda: cfdi.moneda,
    serie: cfdi.serie,
    folio: cfdi.folio,
    descuento: cfdi.descuento,
    tipoCambio: cfdi.tipoCambio,
    timbre: { fechaTimbrado: cfdi.timbre.fechaTimbrado, rfcProvCertif: cfdi.timbre.rfcProvCertif, noCertificadoSAT: cfdi.timbre.noCertificadoSAT },
    cfdiRelacionados: cfdi.cfdiRelacionados,
    pagos: cfdi.pagos,
    complementos: cfdi.complementos.map((c) => ({ name: c.name, namespace: c.namespace, version: c.version, category: c.category, fuelRelated: c.fuelRelated, level: c.level })),
    hidrocarburos: cfdi.hydrocarbon,
    verificacion: { ok: checks.ok, checks: checks.checks, noVerificado: checks.notVerified },
  };
}

type BoundedRead = { ok: true; bytes: Buffer } | { ok: false; code: "too_large" | "unreadable"; error: string };

/** Reads at most maxBytes + 1 bytes, so a huge (or endless) file is refused without loading it. */
function readBounded(file: string, maxBytes: number): BoundedRead {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    return { ok: false, code: "unreadable", error: `no se pudo leer el archivo ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { ok: false, code: "too_large", error: `archivo demasiado grande: más de ${maxBytes} bytes (máximo ${maxBytes} bytes)` };
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { ok: false, code: "unreadable", error: `no se pudo leer el archivo ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  } finally {
    closeSync(fd);
  }
}
