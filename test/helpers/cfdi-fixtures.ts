import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * CFDI sample XML (test/fixtures/cfdi, unmodified copies of /work/shared/fixtures/cfdi; sources
 * and notes in its SOURCES.md) and the SAT stamping certificates that verify their SelloSAT
 * (test/fixtures/csd/eclipxe13-CfdiUtils).
 */
export const CFDI_FIXTURES_DIR = path.resolve(import.meta.dirname, "../fixtures/cfdi");
export const SAT_CERTS_DIR = path.resolve(import.meta.dirname, "../fixtures/csd/eclipxe13-CfdiUtils");

export function cfdiPath(name: string): string {
  return path.join(CFDI_FIXTURES_DIR, name);
}

export function cfdiBytes(name: string): Buffer {
  return readFileSync(cfdiPath(name));
}

export function cfdiText(name: string): string {
  return readFileSync(cfdiPath(name), "utf8");
}

/** A SAT certificate file by its NoCertificado (e.g. 00001000000708361114 stamps cfdi40-real.xml). */
export function satCertPath(noCertificado: string): string {
  return path.join(SAT_CERTS_DIR, `${noCertificado}.cer`);
}

export function satCertBytes(noCertificado: string): Buffer {
  return readFileSync(satCertPath(noCertificado));
}

/**
 * Adds a syntactically valid TimbreFiscalDigital to a sealed-but-unstamped sample, so its other
 * content (Pagos 2.0, the comprobante Sello) can be exercised. The TFD is not part of the CFDI
 * cadena original, so the comprobante's Sello still verifies.
 */
export function withFakeTimbre(xml: string, uuid = "0B7E2C4A-9D31-4F6E-8A25-3C1D7E9F0A12"): string {
  const tfd =
    `<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="${uuid}" ` +
    `FechaTimbrado="2023-06-13T14:20:00" RfcProvCertif="SAT970701NN3" SelloCFD="c2VsbG8=" NoCertificadoSAT="30001000000500003456" SelloSAT="c2VsbG8="/>`;
  return xml.replace("</cfdi:Complemento>", `${tfd}</cfdi:Complemento>`);
}
