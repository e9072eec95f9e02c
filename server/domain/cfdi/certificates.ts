import { X509Certificate, createVerify } from "node:crypto";

/** A certificate as callers have it: parsed, PEM text, base64 DER text (as in Certificado), or DER/PEM bytes. */
export type CertificateInput = X509Certificate | string | Uint8Array;

/** Parses a certificate; null when it is not an X.509 certificate. */
export function loadCertificate(input: CertificateInput): X509Certificate | null {
  try {
    if (input instanceof X509Certificate) return input;
    if (typeof input === "string") {
      const text = input.trim();
      if (text.startsWith("-----BEGIN")) return new X509Certificate(text);
      if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) return null;
      return new X509Certificate(Buffer.from(text.replace(/\s+/g, ""), "base64"));
    }
    return new X509Certificate(Buffer.from(input));
  } catch {
    return null;
  }
}

/**
 * SAT certificate number (NoCertificado): the serial number's hex digits read as ASCII, e.g.
 * 3330303031…3136 → "30001000000500003416" (fixtures/csd/PASSWORDS.md). Null when the serial is
 * not in that form (not a SAT-issued certificate).
 */
export function certificateNumber(certificate: X509Certificate): string | null {
  let hex = certificate.serialNumber.replace(/[^0-9A-Fa-f]/g, "");
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const text = Buffer.from(hex, "hex").toString("latin1");
  return /^[0-9]{20}$/.test(text) ? text : null;
}

/** RFC in the subject's x500UniqueIdentifier ("EKU9003173C9 / VADA800927DJ3" → "EKU9003173C9"). */
export function certificateRfc(certificate: X509Certificate): string | null {
  const line = certificate.subject.split("\n").find((l) => l.startsWith("x500UniqueIdentifier="));
  const rfc = line?.slice("x500UniqueIdentifier=".length).split("/")[0]?.trim();
  return rfc ? rfc.toUpperCase() : null;
}

/** Builds the `satCertificates` map of parseCfdi from certificate files, keyed by their NoCertificado. */
export function satCertificateMap(inputs: Iterable<CertificateInput>): Map<string, X509Certificate> {
  const map = new Map<string, X509Certificate>();
  for (const input of inputs) {
    const certificate = loadCertificate(input);
    const number = certificate ? certificateNumber(certificate) : null;
    if (certificate && number) map.set(number, certificate);
  }
  return map;
}

/** RSA PKCS#1 v1.5 with SHA-256 over the UTF-8 text (CFDI 3.3/4.0 Sello, TFD 1.1 SelloSAT). */
export function verifySha256Signature(certificate: X509Certificate, text: string, signatureBase64: string): boolean {
  try {
    const verifier = createVerify("RSA-SHA256");
    verifier.update(text, "utf8");
    return verifier.verify(certificate.publicKey, Buffer.from(signatureBase64.replace(/\s+/g, ""), "base64"));
  } catch {
    return false;
  }
}
