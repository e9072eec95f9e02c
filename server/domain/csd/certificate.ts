import { X509Certificate } from "node:crypto";
import forge from "node-forge";

/**
 * Reading a SAT certificate (.cer) — A30-CSD-02, issue #6 item 6. Pure: node:crypto's
 * X509Certificate parses the certificate (DER or PEM; no hand-written ASN.1) and node-forge reads
 * the one thing node:crypto does not expose, the Key Usage bits. Nothing here looks at a clock or a
 * database: the caller passes `now`.
 *
 * Rules derived from the fixtures in /work/shared/fixtures/csd (see PASSWORDS.md):
 *
 *  - NoCertificado: SAT writes the 20-digit certificate number as the ASCII codes of its digits in
 *    the X.509 serial (3330303031… → "30001…"). A serial that does not decode to exactly 20 digits
 *    is not a SAT serial (non_sat_csd: 071F61C6…).
 *
 *  - RFC: attribute x500UniqueIdentifier (OID 2.5.4.45) of the subject. For personas morales SAT
 *    writes "RFC / RFC-del-representante" (EKU9003173C9 / VADA800927DJ3): the first one is the
 *    holder's.
 *
 *  - Issuer (isSatIssuer): the issuer's O, compared without accents and case, must be "Servicio de
 *    Administración Tributaria" — production ("A.C. del Servicio de Administración Tributaria",
 *    "AC DEL SERVICIO DE ADMINISTRACION TRIBUTARIA") and test CAs ("AC UAT", "A.C. 2 de
 *    pruebas(4096)") all carry it — and the certificate must not be self-signed (non_sat_csd is
 *    self-signed by "Non SAT Organization"). Aforo does not hold SAT's root certificates, so this is
 *    a check of the issuer's name, not a chain validation.
 *
 *  - isTest: issued by one of SAT's test CAs: issuer CN "AC UAT" (current test CA) or
 *    "A.C. 2 de pruebas(4096)" (older one), or any issuer CN/e-mail that says "pruebas"
 *    (asisnet@pruebas.sat.gob.mx). Refused in production mode (A30-CSD-06).
 *
 *  - Type CSD vs FIEL (e.firma). In every fixture the two differ in three ways:
 *      CSD : Key Usage = digitalSignature + nonRepudiation only; no Extended Key Usage; subject
 *            has an OU (the branch name chosen when requesting it: "Sucursal 1", "CSD01_…").
 *      FIEL: Key Usage adds dataEncipherment + keyAgreement; Extended Key Usage = emailProtection
 *            (1.3.6.1.5.5.7.3.4) + clientAuth (1.3.6.1.5.5.7.3.2); no OU (but C and emailAddress).
 *    A certificate is a CSD only when it has all the CSD traits; any FIEL trait (EKU emailProtection
 *    or clientAuth, Key Usage with key/data encipherment or key agreement, or no OU) makes it FIEL.
 */
export type CertificateType = "CSD" | "FIEL";

export interface CertificateInfo {
  /** The certificate in DER (a PEM input is converted). */
  der: Buffer;
  /** SAT certificate number, 20 digits; null when the serial is not in SAT's format. */
  noCertificado: string | null;
  /** Serial as hexadecimal (upper case), as X.509 writes it. */
  serialHex: string;
  /** Holder's RFC (first RFC of x500UniqueIdentifier), null when absent or malformed. */
  rfc: string | null;
  /** Holder's name (CN, else name, else O). */
  subjectName: string;
  /** CURP (persona física) or "/ CURP-representante" as written in the subject serialNumber. */
  subjectSerialNumber: string | null;
  /** OU: the branch (sucursal) a CSD was requested for. */
  organizationalUnit: string | null;
  /** Subject and issuer distinguished names, one "KEY=value" per line (as node:crypto prints them). */
  subject: string;
  issuer: string;
  /** Issuer's CN (e.g. "AC UAT"), or O when there is no CN. */
  issuerName: string;
  /** Issuer's O (e.g. "SERVICIO DE ADMINISTRACION TRIBUTARIA"). */
  issuerOrganization: string;
  validFrom: Date;
  validTo: Date;
  type: CertificateType;
  isSatIssuer: boolean;
  isTest: boolean;
  selfSigned: boolean;
  keyUsage: string[];
  extendedKeyUsage: string[];
  /** SHA-256 fingerprint, "AB:CD:…". */
  fingerprint256: string;
  /** Public key as SubjectPublicKeyInfo DER (for matching the private key). */
  publicKeySpki: Buffer;
  /** State of the validity period at `now`. */
  validity: "valid" | "not_yet_valid" | "expired";
}

export class CertificateReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CertificateReadError";
  }
}

/** Same rule as db/schema/internal.ts RFC_PATTERN (12 characters persona moral, 13 física). */
export const RFC_REGEX = /^([A-ZÑ]|&){3,4}[0-9]{2}(0[1-9]|1[0-2])([12][0-9]|0[1-9]|3[01])[A-Z0-9]{3}$/;

const SAT_ORGANIZATION = "SERVICIO DE ADMINISTRACION TRIBUTARIA";
/** SAT's test certification authorities seen in the public test certificates. */
export const SAT_TEST_ISSUER_NAMES = ["AC UAT", "A.C. 2 DE PRUEBAS(4096)"] as const;
export const EKU_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
export const EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** Accents off, upper case, spaces collapsed: SAT writes the same name both ways. */
export function normaliseName(value: string): string {
  return value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toUpperCase().replace(/\s+/g, " ").trim();
}

/** "3330303031…" → "30001…" when every byte is an ASCII digit and there are 20 of them; otherwise null. */
export function noCertificadoFromSerial(serialHex: string): string | null {
  const hex = serialHex.replace(/[^0-9a-f]/gi, "");
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  const text = Buffer.from(even, "hex").toString("latin1");
  return /^[0-9]{20}$/.test(text) ? text : null;
}

/**
 * The lines of node:crypto's distinguished-name text ("CN=AC UAT\nO=…") as [key, value] pairs,
 * with the RFC 2253 escapes ("\\,", "\\ ", "\\XX") undone.
 */
export function parseDistinguishedName(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at <= 0) continue;
    out.push([line.slice(0, at), unescapeDnValue(line.slice(at + 1))]);
  }
  return out;
}

function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  const pushText = (s: string) => bytes.push(...Buffer.from(s, "utf8"));
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === "\\" && i + 1 < value.length) {
      const pair = value.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 2;
      } else {
        pushText(value[i + 1]!);
        i += 1;
      }
    } else {
      pushText(ch);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function firstAttribute(pairs: Array<[string, string]>, ...keys: string[]): string | null {
  for (const key of keys) {
    const found = pairs.find(([k]) => k === key);
    if (found && found[1].trim() !== "") return found[1].trim();
  }
  return null;
}

/** "EKU9003173C9 / VADA800927DJ3" → "EKU9003173C9"; null when the first part is not an RFC. */
export function holderRfc(uniqueIdentifier: string | null): string | null {
  if (!uniqueIdentifier) return null;
  const first = uniqueIdentifier.split("/")[0]!.trim().toUpperCase();
  return RFC_REGEX.test(first) ? first : null;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** node:crypto's "May  9 21:37:37 2023 GMT" (Node 20 has no validFromDate) → Date, deterministically. */
export function parseX509Time(text: string): Date {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  const month = match ? MONTHS.indexOf(match[1]!) : -1;
  if (!match || month < 0) throw new CertificateReadError(`fecha de vigencia ilegible en el certificado: ${text}`);
  return new Date(Date.UTC(Number(match[6]), month, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5])));
}

const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

/** Key Usage bit names via node-forge (node:crypto does not expose them); [] when absent or unreadable. */
function keyUsageOf(der: Buffer): string[] {
  try {
    const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString("binary"))));
    const ext = cert.getExtension("keyUsage") as Record<string, unknown> | null;
    if (!ext) return [];
    return KEY_USAGE_BITS.filter((bit) => ext[bit] === true);
  } catch {
    // node-forge reads RSA certificates only; SAT's are RSA. Other keys: Key Usage unknown.
    return [];
  }
}

function toX509(derOrPem: Buffer): X509Certificate {
  if (!Buffer.isBuffer(derOrPem) || derOrPem.length === 0) throw new CertificateReadError("el archivo del certificado está vacío");
  try {
    return new X509Certificate(derOrPem);
  } catch {
    throw new CertificateReadError("el archivo no es un certificado X.509 (.cer en DER o PEM)");
  }
}

/** True when the certificate's signature verifies with its own key (self-signed). */
function safeVerify(x509: X509Certificate): boolean {
  try {
    return x509.verify(x509.publicKey);
  } catch {
    return false;
  }
}

function classify(keyUsage: string[], extendedKeyUsage: string[], organizationalUnit: string | null): CertificateType {
  const fielEku = extendedKeyUsage.includes(EKU_EMAIL_PROTECTION) || extendedKeyUsage.includes(EKU_CLIENT_AUTH);
  const fielKeyUsage = keyUsage.some((bit) => bit === "dataEncipherment" || bit === "keyAgreement" || bit === "keyEncipherment");
  return fielEku || fielKeyUsage || organizationalUnit === null ? "FIEL" : "CSD";
}

/**
 * Reads a .cer (DER X.509, or PEM: some SAT downloads are PEM despite the name). Throws
 * CertificateReadError (Spanish message) when the bytes are not a certificate.
 */
export function inspectCertificate(derOrPem: Buffer, now: Date): CertificateInfo {
  const x509 = toX509(derOrPem);
  const subjectPairs = parseDistinguishedName(x509.subject);
  const issuerPairs = parseDistinguishedName(x509.issuer);
  const validFrom = parseX509Time(x509.validFrom);
  const validTo = parseX509Time(x509.validTo);
  const organizationalUnit = firstAttribute(subjectPairs, "OU");
  const der = Buffer.from(x509.raw);
  const keyUsage = keyUsageOf(der);
  const extendedKeyUsage = [...(x509.keyUsage ?? [])];
  const issuerOrganisation = normaliseName(firstAttribute(issuerPairs, "O") ?? "");
  const issuerCn = firstAttribute(issuerPairs, "CN");
  const issuerEmail = firstAttribute(issuerPairs, "emailAddress") ?? "";
  const selfSigned = x509.subject === x509.issuer && safeVerify(x509);
  const isSatIssuer = issuerOrganisation === SAT_ORGANIZATION && !selfSigned;
  const normalisedCn = normaliseName(issuerCn ?? "");
  const isTest =
    isSatIssuer &&
    ((SAT_TEST_ISSUER_NAMES as readonly string[]).includes(normalisedCn) || /PRUEBAS/.test(normalisedCn) || /@pruebas\./i.test(issuerEmail));
  const time = now.getTime();
  return {
    der,
    noCertificado: noCertificadoFromSerial(x509.serialNumber),
    serialHex: x509.serialNumber.toUpperCase(),
    rfc: holderRfc(firstAttribute(subjectPairs, "x500UniqueIdentifier")),
    subjectName: firstAttribute(subjectPairs, "CN", "name", "O") ?? "",
    subjectSerialNumber: firstAttribute(subjectPairs, "serialNumber"),
    organizationalUnit,
    subject: x509.subject,
    issuer: x509.issuer,
    issuerName: issuerCn ?? firstAttribute(issuerPairs, "O") ?? "",
    issuerOrganization: firstAttribute(issuerPairs, "O") ?? "",
    validFrom,
    validTo,
    type: classify(keyUsage, extendedKeyUsage, organizationalUnit),
    isSatIssuer,
    isTest,
    selfSigned,
    keyUsage,
    extendedKeyUsage,
    fingerprint256: x509.fingerprint256,
    publicKeySpki: x509.publicKey.export({ type: "spki", format: "der" }),
    validity: time < validFrom.getTime() ? "not_yet_valid" : time > validTo.getTime() ? "expired" : "valid",
  };
}
