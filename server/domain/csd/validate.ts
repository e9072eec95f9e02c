import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { CertificateReadError, inspectCertificate, type CertificateInfo } from "./certificate";

/**
 * Validation of a CSD install (A30-CSD-01/02/06, issue #6 item 6): the .cer, the .key and the
 * password are checked in a fixed order and the FIRST failing rule is reported, with a Spanish
 * reason the Administrador can act on:
 *
 *   1 certificate_unreadable  the .cer is not an X.509 certificate
 *   2 not_sat                 not issued by SAT (or serial not in SAT's 20-digit format)
 *   3 test_certificate        a SAT test certificate while test certificates are refused (production, A30-CSD-06)
 *   4 not_csd                 an e.firma (FIEL) where a CSD is required
 *   5 rfc_mismatch            the certificate's RFC is not the taxpayer's
 *   6 not_yet_valid           validity has not started at `now`
 *   7 expired                 validity ended before `now`
 *   8 key_unreadable          the .key is not an encrypted PKCS#8 private key
 *   9 wrong_password          the password does not decrypt the .key ("contraseña incorrecta")
 *  10 key_mismatch            the key's public half is not the certificate's ("la llave no corresponde al certificado")
 *
 * SAT .key files are DER PKCS#8 EncryptedPrivateKeyInfo, PBES2/PBKDF2 with des-ede3-cbc: Node 20
 * (OpenSSL 3) decrypts them with crypto.createPrivateKey (verified against every fixture pair).
 */
export type CsdRejectionReason =
  | "certificate_unreadable"
  | "not_sat"
  | "test_certificate"
  | "not_csd"
  | "rfc_mismatch"
  | "not_yet_valid"
  | "expired"
  | "key_unreadable"
  | "wrong_password"
  | "key_mismatch";

export const CSD_REJECTION_ORDER: readonly CsdRejectionReason[] = [
  "certificate_unreadable",
  "not_sat",
  "test_certificate",
  "not_csd",
  "rfc_mismatch",
  "not_yet_valid",
  "expired",
  "key_unreadable",
  "wrong_password",
  "key_mismatch",
];

export interface CsdInstallInput {
  /** The .cer file (DER, or PEM). */
  certificate: Buffer;
  /** The .key file (DER PKCS#8 encrypted; a PEM "ENCRYPTED PRIVATE KEY" is accepted too). */
  privateKeyDer: Buffer;
  /** The certificate password (clave del certificado / de la llave privada). */
  password: string;
  /** The taxpayer's RFC (taxpayers.rfc). */
  taxpayerRfc: string;
  now: Date;
  /** A30-CSD-06: in production mode, SAT test certificates are refused. */
  refuseTestCertificates?: boolean;
}

export type CsdInstallValidation =
  | {
      ok: true;
      certificate: CertificateInfo;
      noCertificado: string;
      rfc: string;
      privateKey: KeyObject;
      /** The .key as encrypted PKCS#8 DER (a PEM upload decoded): what is stored, sealed. */
      encryptedPrivateKeyDer: Buffer;
    }
  | { ok: false; reason: CsdRejectionReason; message: string; certificate: CertificateInfo | null };

const dateTime = new Intl.DateTimeFormat("es-MX", { dateStyle: "long", timeStyle: "short", timeZone: "America/Mexico_City", hourCycle: "h23" });

/** "18 de mayo de 2027, 05:43 (hora del centro)" — dates in messages, in Mexico City time. */
export function formatCertificateDate(date: Date): string {
  return `${dateTime.format(date)} (hora del centro de México)`;
}

function reject(reason: CsdRejectionReason, message: string, certificate: CertificateInfo | null): CsdInstallValidation {
  return { ok: false, reason, message, certificate };
}

type KeyOpening = { ok: true; key: KeyObject; der: Buffer } | { ok: false; reason: "key_unreadable" | "wrong_password" };

const PEM_ENCRYPTED_KEY = /^-----BEGIN ENCRYPTED PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END ENCRYPTED PRIVATE KEY-----\s*$/;

/** The key as DER: a PEM "ENCRYPTED PRIVATE KEY" is decoded, anything else is taken as DER. */
export function encryptedKeyDer(keyBytes: Buffer): Buffer {
  const head = keyBytes.subarray(0, 64).toString("latin1");
  if (!head.startsWith("-----BEGIN")) return keyBytes;
  const match = PEM_ENCRYPTED_KEY.exec(keyBytes.toString("latin1"));
  return match ? Buffer.from(match[1]!.replace(/\s+/g, ""), "base64") : keyBytes;
}

/** Decrypts the .key; distinguishes "not an encrypted PKCS#8 key" from "wrong password". */
export function openEncryptedPrivateKey(keyBytes: Buffer, password: string): KeyOpening {
  if (!Buffer.isBuffer(keyBytes) || keyBytes.length === 0) return { ok: false, reason: "key_unreadable" };
  const der = encryptedKeyDer(keyBytes);
  // Without a passphrase OpenSSL says whether the structure is an *encrypted* PKCS#8 key.
  try {
    createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    // It opened without a password: a plain (unencrypted) key is not what SAT issues.
    return { ok: false, reason: "key_unreadable" };
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_MISSING_PASSPHRASE") return { ok: false, reason: "key_unreadable" };
  }
  try {
    return { ok: true, key: createPrivateKey({ key: der, format: "der", type: "pkcs8", passphrase: password }), der };
  } catch {
    // Bad decrypt, or (1 in ~256 wrong passwords) padding that passes and garbage that does not parse.
    return { ok: false, reason: "wrong_password" };
  }
}

/** True when the private key's public half is the certificate's (SubjectPublicKeyInfo DER compared). */
export function keyMatchesCertificate(privateKey: KeyObject, certificate: Pick<CertificateInfo, "publicKeySpki">): boolean {
  const spki = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  return spki.equals(certificate.publicKeySpki);
}

export function validateCsdInstall(input: CsdInstallInput): CsdInstallValidation {
  let info: CertificateInfo;
  try {
    info = inspectCertificate(input.certificate, input.now);
  } catch (error) {
    const detail = error instanceof CertificateReadError ? error.message : "formato desconocido";
    return reject(
      "certificate_unreadable",
      `El archivo del certificado no se pudo leer (${detail}). Seleccione el archivo .cer que el SAT entregó con su Certificado de Sello Digital.`,
      null,
    );
  }

  if (!info.isSatIssuer) {
    return reject(
      "not_sat",
      `El certificado no fue emitido por el SAT (emisor: «${info.issuerName || "desconocido"}»${info.selfSigned ? ", autofirmado" : ""}). Solo se aceptan Certificados de Sello Digital expedidos por el Servicio de Administración Tributaria.`,
      info,
    );
  }
  if (info.noCertificado === null) {
    return reject(
      "not_sat",
      `El número de serie del certificado (${info.serialHex}) no tiene el formato del SAT (20 dígitos): no es un certificado expedido por el SAT.`,
      info,
    );
  }
  if (info.isTest && input.refuseTestCertificates) {
    return reject(
      "test_certificate",
      `El certificado ${info.noCertificado} es un certificado de pruebas del SAT (emisor «${info.issuerName}»). En modo producción solo se aceptan CSD reales (A30-CSD-06).`,
      info,
    );
  }
  if (info.type === "FIEL") {
    return reject(
      "not_csd",
      `El certificado ${info.noCertificado} es de e.firma (FIEL): no es un CSD. Para sellar los reportes se requiere un Certificado de Sello Digital (CSD), que se tramita en el portal del SAT con la e.firma.`,
      info,
    );
  }
  const taxpayerRfc = input.taxpayerRfc.trim().toUpperCase();
  if (info.rfc === null || info.rfc !== taxpayerRfc) {
    return reject(
      "rfc_mismatch",
      info.rfc === null
        ? `El certificado ${info.noCertificado} no indica un RFC válido; debe ser un CSD a nombre del contribuyente ${taxpayerRfc}.`
        : `El RFC del certificado (${info.rfc}) no es el del contribuyente (${taxpayerRfc}). Instale un CSD expedido a nombre de ${taxpayerRfc}.`,
      info,
    );
  }
  if (info.validity === "not_yet_valid") {
    return reject(
      "not_yet_valid",
      `El certificado ${info.noCertificado} aún no es vigente: su vigencia inicia el ${formatCertificateDate(info.validFrom)}. Revise la fecha y hora del servidor o instálelo a partir de esa fecha.`,
      info,
    );
  }
  if (info.validity === "expired") {
    return reject(
      "expired",
      `El certificado ${info.noCertificado} está caducado: su vigencia terminó el ${formatCertificateDate(info.validTo)}. Tramite un nuevo CSD en el portal del SAT e instálelo.`,
      info,
    );
  }

  const opened = openEncryptedPrivateKey(input.privateKeyDer, input.password);
  if (!opened.ok) {
    return opened.reason === "key_unreadable"
      ? reject(
          "key_unreadable",
          "El archivo de la llave privada no es una llave PKCS#8 cifrada (.key del SAT, formato DER). Seleccione el archivo .key que se generó junto con el certificado.",
          info,
        )
      : reject(
          "wrong_password",
          "No se pudo abrir la llave privada: contraseña incorrecta. Escriba la contraseña de la llave privada (la que se definió al generar el CSD); distingue mayúsculas y minúsculas.",
          info,
        );
  }
  if (!keyMatchesCertificate(opened.key, info)) {
    return reject(
      "key_mismatch",
      `Los archivos no forman pareja: la llave no corresponde al certificado ${info.noCertificado}. Seleccione el archivo .key que se generó junto con este .cer.`,
      info,
    );
  }
  return { ok: true, certificate: info, noCertificado: info.noCertificado, rfc: info.rfc, privateKey: opened.key, encryptedPrivateKeyDer: opened.der };
}
