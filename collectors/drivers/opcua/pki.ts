import { createHash, X509Certificate } from "node:crypto";
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { OPCUACertificateManager, type StatusCode } from "node-opcua";

/**
 * The collector's PKI store (one folder per link or per collector, `pkiDir`), laid out by
 * node-opcua-pki:
 *
 *   <pkiDir>/own/…            the collector's application instance certificate and private key
 *   <pkiDir>/trusted/certs/   server certificates an administrator trusted
 *   <pkiDir>/rejected/        server certificates seen and refused (unknown ones land here)
 *
 * Unknown server certificates are rejected, not accepted (Part 2 §8.1 / Part 4 §6.1.3: the client
 * validates the server's application instance certificate against its trust list). An
 * administrator lists them (`listRejectedCertificates`), checks the thumbprint with the server's
 * owner, and trusts one (`trustCertificate`); the running driver picks it up at its next retry
 * (each retry opens the store anew). `trustOnFirstUse` exists for the demo simulator only.
 */

export interface CertificateInfo {
  /** SHA-1 of the DER certificate, lowercase hex (the OPC UA thumbprint, Part 6 §6.2.3). */
  thumbprint: string;
  subject: string;
  issuer: string;
  /** The applicationUri from subjectAltName, when present. */
  applicationUri: string | null;
  validFrom: Date;
  validTo: Date;
  /** Absolute path of the file in the store. */
  file: string;
}

/** The certificate node-opcua last refused while connecting (for the driver status). */
export interface RefusedCertificate {
  thumbprint: string;
  subject: string;
  status: string;
  at: Date;
}

/** First certificate of a DER chain (certificates concatenated, Part 6 §6.2.3). */
export function leafCertificate(der: Buffer): Buffer {
  if (der.length < 2 || der[0] !== 0x30) return der;
  const first = der[1] ?? 0;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const bytes = first & 0x7f;
    if (bytes === 0 || bytes > 4 || der.length < 2 + bytes) return der;
    length = 0;
    for (let i = 0; i < bytes; i += 1) length = length * 256 + (der[2 + i] ?? 0);
    header = 2 + bytes;
  }
  return der.subarray(0, Math.min(der.length, header + length));
}

export function certificateThumbprint(der: Buffer): string {
  return createHash("sha1").update(leafCertificate(der)).digest("hex");
}

export function normalizeThumbprint(thumbprint: string): string {
  return thumbprint.replace(/[\s:]/g, "").toLowerCase();
}

/** PEM or DER file contents → DER of the first certificate. */
export function certificateDer(contents: Buffer | string): Buffer {
  const text = typeof contents === "string" ? contents : contents.subarray(0, 64).toString("latin1").includes("-----BEGIN") ? contents.toString("latin1") : null;
  if (text !== null) {
    const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
    if (!match?.[1]) throw new Error("el archivo no contiene un certificado PEM");
    return Buffer.from(match[1].replace(/\s+/g, ""), "base64");
  }
  return leafCertificate(contents as Buffer);
}

export function describeCertificate(der: Buffer, file: string): CertificateInfo {
  const leaf = leafCertificate(der);
  const x509 = new X509Certificate(leaf);
  const uri = /URI:([^,\s]+)/.exec(x509.subjectAltName ?? "")?.[1] ?? null;
  return {
    thumbprint: certificateThumbprint(leaf),
    subject: x509.subject.replace(/\n/g, ", "),
    issuer: x509.issuer.replace(/\n/g, ", "),
    applicationUri: uri,
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
    file,
  };
}

async function listFolder(folder: string): Promise<CertificateInfo[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const entries: Array<CertificateInfo & { mtimeMs: number }> = [];
  for (const name of names) {
    if (!/\.(pem|der|crt|cer)$/i.test(name)) continue;
    const file = path.join(folder, name);
    try {
      const [contents, info] = await Promise.all([readFile(file), stat(file)]);
      entries.push({ ...describeCertificate(certificateDer(contents), file), mtimeMs: info.mtimeMs });
    } catch {
      // Not a certificate (or removed meanwhile): not listed.
    }
  }
  // Newest first: the certificate just refused is what an administrator looks for.
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return entries.map(({ mtimeMs: _mtimeMs, ...entry }) => entry);
}

/** Server certificates refused by the collector, newest first. */
export function listRejectedCertificates(pkiDir: string): Promise<CertificateInfo[]> {
  return listFolder(path.join(pkiDir, "rejected"));
}

/** Server certificates the collector trusts. */
export function listTrustedCertificates(pkiDir: string): Promise<CertificateInfo[]> {
  return listFolder(path.join(pkiDir, "trusted", "certs"));
}

function findByThumbprint(entries: CertificateInfo[], thumbprint: string): CertificateInfo | null {
  const wanted = normalizeThumbprint(thumbprint);
  if (!/^[0-9a-f]{8,40}$/.test(wanted)) throw new Error(`huella inválida: ${thumbprint} (SHA-1 en hexadecimal, al menos 8 caracteres)`);
  const matches = entries.filter((entry) => entry.thumbprint.startsWith(wanted));
  if (matches.length > 1) throw new Error(`la huella ${thumbprint} es ambigua: escriba más caracteres`);
  return matches[0] ?? null;
}

/** Opens the store with node-opcua's own manager (its file lock and indexes), runs `action`, closes it. */
async function withStore<T>(pkiDir: string, action: (manager: OPCUACertificateManager) => Promise<T>): Promise<T> {
  await mkdir(pkiDir, { recursive: true });
  const manager = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: false, disableFileWatchers: true });
  await manager.initialize();
  try {
    return await action(manager);
  } finally {
    await manager.dispose();
  }
}

/**
 * Moves a refused server certificate (by thumbprint, or a unique prefix of at least 8 characters)
 * to the trust list. The caller (UI/CLI verb) checks the administrator role and writes the
 * bitácora entry. Throws if no refused certificate matches.
 */
export async function trustCertificate(pkiDir: string, thumbprint: string): Promise<CertificateInfo> {
  const entry = findByThumbprint(await listRejectedCertificates(pkiDir), thumbprint);
  if (!entry) {
    const trusted = findByThumbprint(await listTrustedCertificates(pkiDir), thumbprint);
    if (trusted) return trusted;
    throw new Error(`no hay un certificado rechazado con la huella ${thumbprint}`);
  }
  const der = certificateDer(await readFile(entry.file));
  await withStore(pkiDir, (manager) => manager.trustCertificate(der));
  return findByThumbprint(await listTrustedCertificates(pkiDir), entry.thumbprint) ?? entry;
}

/** Withdraws trust: moves a trusted server certificate back to rejected/. */
export async function untrustCertificate(pkiDir: string, thumbprint: string): Promise<CertificateInfo> {
  const entry = findByThumbprint(await listTrustedCertificates(pkiDir), thumbprint);
  if (!entry) throw new Error(`no hay un certificado de confianza con la huella ${thumbprint}`);
  const der = certificateDer(await readFile(entry.file));
  await withStore(pkiDir, (manager) => manager.rejectCertificate(der));
  return findByThumbprint(await listRejectedCertificates(pkiDir), entry.thumbprint) ?? entry;
}

/**
 * Adds a server certificate obtained out of band (file exported from the server, PEM or DER) to the
 * trust list, before the first connection.
 */
export async function importTrustedCertificate(pkiDir: string, certificate: Buffer | string): Promise<CertificateInfo> {
  const der = certificateDer(certificate);
  const thumbprint = certificateThumbprint(der);
  await withStore(pkiDir, (manager) => manager.trustCertificate(der));
  const entry = findByThumbprint(await listTrustedCertificates(pkiDir), thumbprint);
  if (!entry) throw new Error(`no se pudo agregar el certificado ${thumbprint} a la lista de confianza`);
  return entry;
}

type StatusCodeCallback = (err: Error | null, statusCode?: StatusCode) => void;

/**
 * node-opcua's certificate manager that also remembers the last server certificate it refused,
 * so the driver's status can name it (thumbprint, subject) instead of a bare "verification failed".
 */
export class ObservedCertificateManager extends OPCUACertificateManager {
  lastRefused: RefusedCertificate | null = null;

  override checkCertificate(certificateChain: Buffer | Buffer[]): Promise<StatusCode>;
  override checkCertificate(certificateChain: Buffer | Buffer[], callback: StatusCodeCallback): void;
  override checkCertificate(certificateChain: Buffer | Buffer[], callback?: StatusCodeCallback): Promise<StatusCode> | void {
    const check = super.checkCertificate(certificateChain) as Promise<StatusCode>;
    const observed = check.then((status) => {
      if (status.isNotGood()) {
        const der = Buffer.concat(Array.isArray(certificateChain) ? certificateChain : [certificateChain]);
        let subject = "(ilegible)";
        try {
          subject = describeCertificate(der, "").subject;
        } catch {
          // An unreadable subject still leaves the thumbprint to identify the certificate.
        }
        this.lastRefused = { thumbprint: certificateThumbprint(der), subject, status: status.name, at: new Date() };
      }
      return status;
    });
    if (!callback) return observed;
    observed.then(
      (status) => callback(null, status),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }
}

/**
 * The store a driver uses. `trustOnFirstUse` (demo simulator only) trusts an unknown server
 * certificate the first time; otherwise it goes to rejected/ and the connection is refused.
 */
export function openCertificateManager(pkiDir: string, options: { trustOnFirstUse?: boolean } = {}): ObservedCertificateManager {
  return new ObservedCertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: options.trustOnFirstUse === true });
}
