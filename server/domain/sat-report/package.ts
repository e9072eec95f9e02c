/**
 * Packaging of a SAT report (A30-RPT-01, A30-RPT-02, A30-STO-05; research note §6): one ZIP holding
 * `<base>.json`, named `<base>.zip`, plus the SHA-256 of the JSON and of the ZIP for storage.
 *
 * Reproducible byte-for-byte: same JSON text + same timestamp ⇒ same ZIP. The entry timestamp is
 * passed in (never "now") and written as the wall-clock fields given, independent of the machine's
 * time zone (ZIP/DOS times have no zone and 2-second resolution); compression level is fixed; no
 * extra fields, comments or OS-specific attributes.
 *
 * `unpackReport` re-reads a package for verification with its own central-directory parser and
 * refuses anything this module would not have produced: more than one entry, a name with a path
 * separator or `..`, encryption, ZIP64, a declared size over 50 MiB (zip-bomb guard: nothing is
 * inflated beyond the declared size), or a CRC-32 / size mismatch.
 */
import { createHash } from "node:crypto";

import { inflateSync, zipSync } from "fflate";

import { parseReportFileName } from "./file-name";

/** Largest uncompressed report accepted by `unpackReport` (zip-bomb guard). */
export const MAX_UNCOMPRESSED_REPORT_BYTES = 50 * 1024 * 1024;
/** Deflate level used for every package (changing it changes the bytes of every package). */
export const PACKAGE_DEFLATE_LEVEL = 9;

export interface ReportPackage {
  zip: Uint8Array;
  /** `<base>.zip` */
  zipName: string;
  /** `<base>.json` (the only entry of the ZIP) */
  jsonName: string;
  /** SHA-256 (hex, lower case) of the UTF-8 JSON bytes. */
  sha256Json: string;
  /** SHA-256 (hex, lower case) of the ZIP bytes. */
  sha256Zip: string;
}

export class SatPackageError extends Error {
  override readonly name = "SatPackageError";
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Wall-clock timestamp for the ZIP entry: `YYYY-MM-DDTHH:mm:ss`, optionally followed by an offset that is ignored. */
const ZIP_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;

/** DOS date and time words for a wall-clock timestamp (seconds rounded down to even). */
export function dosDateTime(timestamp: string): { date: number; time: number } {
  const m = ZIP_TIMESTAMP.exec(timestamp);
  if (!m) throw new SatPackageError(`Fecha del paquete «${timestamp}» inválida: se espera AAAA-MM-DDThh:mm:ss`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, d));
  const validDay = check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d;
  if (y < 1980 || y > 2107 || !validDay || h > 23 || mi > 59 || s > 59) {
    throw new SatPackageError(`Fecha del paquete «${timestamp}» fuera de rango (1980–2107, fecha y hora reales)`);
  }
  return { date: ((y - 1980) << 9) | (mo << 5) | d, time: (h << 11) | (mi << 5) | (s >> 1) };
}

/**
 * Zips `jsonText` as `<baseName>.json`. `baseName` must be a valid report base name
 * (file-name.ts); `jsonText` must be JSON. Throws SatPackageError otherwise.
 */
export function packageReport(baseName: string, jsonText: string, mtime: string): ReportPackage {
  const parsedName = parseReportFileName(baseName);
  if (!parsedName.ok || baseName !== baseName.replace(/\.(json|zip)$/i, "")) {
    const why = parsedName.ok ? "sin extensión" : parsedName.errors.map((e) => e.message).join("; ");
    throw new SatPackageError(`Nombre base del reporte inválido (${why})`);
  }
  if (jsonText.charCodeAt(0) === 0xfeff) throw new SatPackageError("El JSON del reporte no debe llevar BOM");
  try {
    JSON.parse(jsonText);
  } catch {
    throw new SatPackageError("El texto del reporte no es JSON válido");
  }
  const { date, time } = dosDateTime(mtime);
  const jsonName = `${baseName}.json`;
  const jsonBytes = new TextEncoder().encode(jsonText);
  if (jsonBytes.length > MAX_UNCOMPRESSED_REPORT_BYTES) {
    throw new SatPackageError(`El reporte excede ${MAX_UNCOMPRESSED_REPORT_BYTES} bytes`);
  }
  // fflate writes the timestamp from local-time getters; a fixed placeholder is patched below with
  // the requested wall-clock fields so the bytes do not depend on the machine's time zone.
  const zip = zipSync({ [jsonName]: [jsonBytes, { level: PACKAGE_DEFLATE_LEVEL, mtime: new Date(2000, 0, 1) }] });
  patchDosTimestamps(zip, date, time);
  return {
    zip,
    zipName: `${baseName}.zip`,
    jsonName,
    sha256Json: sha256Hex(jsonBytes),
    sha256Zip: sha256Hex(zip),
  };
}

function patchDosTimestamps(zip: Uint8Array, date: number, time: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) throw new SatPackageError("ZIP generado sin directorio central");
  let cd = view.getUint32(eocd + 16, true);
  const entries = view.getUint16(eocd + 10, true);
  for (let i = 0; i < entries; i++) {
    const local = view.getUint32(cd + 42, true);
    view.setUint16(cd + 12, time, true);
    view.setUint16(cd + 14, date, true);
    view.setUint16(local + 10, time, true);
    view.setUint16(local + 12, date, true);
    cd += 46 + view.getUint16(cd + 28, true) + view.getUint16(cd + 30, true) + view.getUint16(cd + 32, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export interface UnpackedReport {
  jsonName: string;
  jsonText: string;
  sha256Json: string;
  sha256Zip: string;
}

export type UnpackResult = { ok: true; value: UnpackedReport } | { ok: false; error: string };

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;

function findEndOfCentralDirectory(view: DataView): number {
  const min = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= min; i--) {
    if (view.getUint32(i, true) === SIG_EOCD) return i;
  }
  return -1;
}

/** Reads and verifies a report package; never inflates more than the (≤ 50 MiB) declared size. */
export function unpackReport(zip: Uint8Array): UnpackResult {
  const fail = (error: string): UnpackResult => ({ ok: false, error });
  try {
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    if (zip.byteLength < 22) return fail("ZIP inválido: archivo demasiado corto");
    const eocd = findEndOfCentralDirectory(view);
    if (eocd < 0) return fail("ZIP inválido: no se encontró el directorio central");
    const diskEntries = view.getUint16(eocd + 8, true);
    const entries = view.getUint16(eocd + 10, true);
    const cdOffset = view.getUint32(eocd + 16, true);
    if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0 || diskEntries !== entries) {
      return fail("ZIP inválido: los ZIP multivolumen no se aceptan");
    }
    if (entries === 0xffff || cdOffset === 0xffffffff) return fail("ZIP64 no se acepta en un paquete de reporte");
    if (entries !== 1) return fail(`El paquete debe contener exactamente un archivo; contiene ${entries}`);
    if (cdOffset + 46 > eocd || view.getUint32(cdOffset, true) !== SIG_CENTRAL) {
      return fail("ZIP inválido: directorio central corrupto");
    }
    const flags = view.getUint16(cdOffset + 8, true);
    const method = view.getUint16(cdOffset + 10, true);
    const crc = view.getUint32(cdOffset + 16, true);
    const compressedSize = view.getUint32(cdOffset + 20, true);
    const size = view.getUint32(cdOffset + 24, true);
    const nameLength = view.getUint16(cdOffset + 28, true);
    const centralEnd = cdOffset + 46 + nameLength + view.getUint16(cdOffset + 30, true) + view.getUint16(cdOffset + 32, true);
    const localOffset = view.getUint32(cdOffset + 42, true);
    if (centralEnd > eocd) return fail("ZIP inválido: directorio central corrupto");
    if (flags & 0x0001) return fail("ZIP cifrado: no se acepta");
    if (compressedSize === 0xffffffff || size === 0xffffffff) return fail("ZIP64 no se acepta en un paquete de reporte");

    let name: string;
    try {
      name = new TextDecoder("utf-8", { fatal: true }).decode(zip.subarray(cdOffset + 46, cdOffset + 46 + nameLength));
    } catch {
      return fail("Nombre de archivo en el ZIP con codificación inválida");
    }
    if (name.length === 0 || /[/\\]/.test(name) || name.includes("..") || /[\u0000-\u001f]/.test(name)) {
      return fail(`Nombre de archivo no permitido en el ZIP: «${name}» (sin rutas, separadores ni «..»)`);
    }
    if (!name.toLowerCase().endsWith(".json")) return fail(`El archivo del paquete debe ser .json: «${name}»`);
    if (size > MAX_UNCOMPRESSED_REPORT_BYTES) {
      return fail(`El reporte descomprimido declara ${size} bytes; el máximo es ${MAX_UNCOMPRESSED_REPORT_BYTES} (posible bomba ZIP)`);
    }

    if (localOffset + 30 > cdOffset || view.getUint32(localOffset, true) !== SIG_LOCAL) {
      return fail("ZIP inválido: encabezado local corrupto");
    }
    const localNameLength = view.getUint16(localOffset + 26, true);
    const localExtra = view.getUint16(localOffset + 28, true);
    const localName = zip.subarray(localOffset + 30, localOffset + 30 + localNameLength);
    if (!bytesEqual(localName, zip.subarray(cdOffset + 46, cdOffset + 46 + nameLength))) {
      return fail("ZIP inválido: el nombre local y el del directorio central difieren");
    }
    const dataStart = localOffset + 30 + localNameLength + localExtra;
    if (dataStart + compressedSize > cdOffset) return fail("ZIP inválido: datos fuera de rango");
    const data = zip.subarray(dataStart, dataStart + compressedSize);

    let content: Uint8Array;
    if (method === 0) {
      if (compressedSize !== size) return fail("ZIP inválido: tamaño inconsistente");
      content = data;
    } else if (method === 8) {
      content = inflateSync(data, { out: new Uint8Array(size) });
    } else {
      return fail(`Método de compresión no soportado: ${method}`);
    }
    if (content.length !== size || crc32(content) !== crc) {
      return fail("ZIP corrupto: el CRC-32 o el tamaño del contenido no coinciden con lo declarado");
    }
    let jsonText: string;
    try {
      jsonText = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content);
    } catch {
      return fail("El reporte no está codificado en UTF-8");
    }
    return { ok: true, value: { jsonName: name, jsonText, sha256Json: sha256Hex(content), sha256Zip: sha256Hex(zip) } };
  } catch (e) {
    return fail(`ZIP inválido: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3), as stored in ZIP headers. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = (crcTable[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
