import { createHash, timingSafeEqual, verify as verifySignature, X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { noCertificadoFromSerial } from "./certificate";

/**
 * Sealing of report packages (A30-RPT-03, issue #6 item 10). SAT's current JSON format has no seal
 * field, so Aforo seals each report ZIP with the active CSD as a *detached* CMS/PKCS#7 SignedData
 * (DER): SHA-256, RSA PKCS#1 v1.5, authenticated attributes contentType + signingTime +
 * messageDigest, signer certificate embedded. Verifiable offline with
 *
 *   openssl cms -verify -binary -inform DER -in FILE.zip.p7s -content FILE.zip -certfile CSD.pem -noverify -out /dev/null
 *
 * Built with node-forge's pkcs7 (no hand-written ASN.1 encoding). node-forge does not implement
 * verification, so verifyDetachedCms reads the SignedData with node-forge (declarative schema +
 * asn1.validate) and checks the digest and the RSA signature with node:crypto.
 */

type ForgeAsn1 = forge.asn1.Asn1;
interface Asn1Validator {
  name: string;
  tagClass: number;
  type?: number;
  constructed?: boolean;
  optional?: boolean;
  capture?: string;
  captureAsn1?: string;
  value?: Asn1Validator[];
}
/** node-forge's asn1.validate (exists at runtime; @types/node-forge does not declare it). */
const validateAsn1 = (forge.asn1 as unknown as { validate(obj: ForgeAsn1, v: Asn1Validator, capture: Record<string, unknown>, errors: string[]): boolean }).validate;

const UNIVERSAL = forge.asn1.Class.UNIVERSAL;
const CONTEXT = forge.asn1.Class.CONTEXT_SPECIFIC;
const T = forge.asn1.Type;
const OIDS = forge.pki.oids;
const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

/** SignerInfo (RFC 5652 §5.3, issuerAndSerialNumber form), as node-forge's own validator describes it. */
const SIGNER_INFO: Asn1Validator = {
  name: "SignerInfo",
  tagClass: UNIVERSAL,
  type: T.SEQUENCE,
  constructed: true,
  value: [
    { name: "SignerInfo.version", tagClass: UNIVERSAL, type: T.INTEGER, constructed: false },
    {
      name: "SignerInfo.issuerAndSerialNumber",
      tagClass: UNIVERSAL,
      type: T.SEQUENCE,
      constructed: true,
      value: [
        { name: "issuer", tagClass: UNIVERSAL, type: T.SEQUENCE, constructed: true, captureAsn1: "issuer" },
        { name: "serialNumber", tagClass: UNIVERSAL, type: T.INTEGER, constructed: false, capture: "serial" },
      ],
    },
    {
      name: "SignerInfo.digestAlgorithm",
      tagClass: UNIVERSAL,
      type: T.SEQUENCE,
      constructed: true,
      value: [
        { name: "algorithm", tagClass: UNIVERSAL, type: T.OID, constructed: false, capture: "digestAlgorithm" },
        { name: "parameter", tagClass: UNIVERSAL, constructed: false, optional: true },
      ],
    },
    { name: "SignerInfo.authenticatedAttributes", tagClass: CONTEXT, type: 0, constructed: true, optional: true, capture: "authenticatedAttributes" },
    {
      name: "SignerInfo.digestEncryptionAlgorithm",
      tagClass: UNIVERSAL,
      type: T.SEQUENCE,
      constructed: true,
      value: [
        { name: "algorithm", tagClass: UNIVERSAL, type: T.OID, constructed: false, capture: "signatureAlgorithm" },
        { name: "parameter", tagClass: UNIVERSAL, constructed: false, optional: true },
      ],
    },
    { name: "SignerInfo.encryptedDigest", tagClass: UNIVERSAL, type: T.OCTETSTRING, constructed: false, capture: "signature" },
    { name: "SignerInfo.unauthenticatedAttributes", tagClass: CONTEXT, type: 1, constructed: true, optional: true },
  ],
};

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF AttributeValue }. */
const ATTRIBUTE: Asn1Validator = {
  name: "Attribute",
  tagClass: UNIVERSAL,
  type: T.SEQUENCE,
  constructed: true,
  value: [
    { name: "Attribute.type", tagClass: UNIVERSAL, type: T.OID, constructed: false, capture: "type" },
    { name: "Attribute.values", tagClass: UNIVERSAL, type: T.SET, constructed: true, capture: "values" },
  ],
};

const toBinary = (buffer: Buffer): string => buffer.toString("binary");
const fromBinary = (bytes: string): Buffer => Buffer.from(bytes, "binary");

function forgeCertificate(certificateDer: Buffer): forge.pki.Certificate {
  return forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(toBinary(certificateDer))));
}

/**
 * Detached CMS signature (DER) of `content` with the CSD. `signingTime` is the authenticated
 * signing time (pass the clock's now; defaults to the system time).
 */
export function signDetachedCms(content: Buffer, certificateDer: Buffer, privateKey: KeyObject, signingTime: Date = new Date()): Buffer {
  if (privateKey.type !== "private" || privateKey.asymmetricKeyType !== "rsa") throw new Error("la llave del CSD debe ser una llave privada RSA");
  const certificate = forgeCertificate(certificateDer);
  // node-forge signs with its own RSA key object; the PEM lives only in this call's memory.
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(toBinary(content));
  p7.addCertificate(certificate);
  p7.addSigner({
    key: forgeKey,
    certificate,
    digestAlgorithm: OIDS.sha256!,
    authenticatedAttributes: [
      { type: OIDS.contentType!, value: OIDS.data! },
      { type: OIDS.messageDigest! },
      // node-forge accepts a Date here (encoded as UTCTime); the typings only say string.
      { type: OIDS.signingTime!, value: signingTime as unknown as string },
    ],
  });
  p7.sign({ detached: true });
  return fromBinary(forge.asn1.toDer(p7.toAsn1()).getBytes());
}

export interface CmsVerification {
  ok: boolean;
  /** 20-digit SAT number of the signer's certificate (null when unknown or not SAT format). */
  signerNoCertificado: string | null;
  signingTime: Date | null;
  /** Spanish reason when ok is false. */
  reason?: string;
}

interface ParsedSignerInfo {
  serialHex: string;
  digestOid: string;
  signatureOid: string;
  signature: Buffer;
  /** The [0] IMPLICIT attributes' children (signed as a SET OF). */
  attributes: ForgeAsn1[] | null;
}

const DIGESTS: Record<string, string> = {
  [OIDS.sha256!]: "sha256",
  [OIDS.sha384!]: "sha384",
  [OIDS.sha512!]: "sha512",
};

function parseSignerInfo(obj: ForgeAsn1): ParsedSignerInfo | null {
  const capture: Record<string, unknown> = {};
  if (!validateAsn1(obj, SIGNER_INFO, capture, [])) return null;
  return {
    serialHex: forge.util.createBuffer(capture.serial as string).toHex().toUpperCase(),
    digestOid: forge.asn1.derToOid(capture.digestAlgorithm as string),
    signatureOid: forge.asn1.derToOid(capture.signatureAlgorithm as string),
    signature: fromBinary(capture.signature as string),
    attributes: Array.isArray(capture.authenticatedAttributes) ? (capture.authenticatedAttributes as ForgeAsn1[]) : null,
  };
}

function readAttributes(attributes: ForgeAsn1[]): Map<string, ForgeAsn1[]> {
  const out = new Map<string, ForgeAsn1[]>();
  for (const attribute of attributes) {
    const capture: Record<string, unknown> = {};
    if (!validateAsn1(attribute, ATTRIBUTE, capture, [])) throw new Error("atributo firmado mal formado");
    const type = forge.asn1.derToOid(capture.type as string);
    if (out.has(type)) throw new Error(`atributo firmado repetido: ${type}`);
    out.set(type, capture.values as ForgeAsn1[]);
  }
  return out;
}

function signingTimeOf(values: ForgeAsn1[] | undefined): Date | null {
  const value = values?.[0];
  if (!value || typeof value.value !== "string") return null;
  if (value.type === T.UTCTIME) return forge.asn1.utcTimeToDate(value.value);
  if (value.type === T.GENERALIZEDTIME) return forge.asn1.generalizedTimeToDate(value.value);
  return null;
}

/** The 20-digit number from a serial in hex; null when not SAT format. */
const satNumber = (serialHex: string): string | null => noCertificadoFromSerial(serialHex);

/**
 * Verifies a detached CMS signature over `content`. The signer's certificate is `certificateDer`
 * when given (it must be the one named by the SignerInfo), otherwise the one embedded in the
 * signature. Checks: structure, exactly one signer, SHA-2 digest, messageDigest = hash(content),
 * contentType = data, RSA signature over the authenticated attributes. The chain of trust is not
 * validated here (as `openssl cms -verify -noverify`): the caller decides which CSD it trusts.
 */
export function verifyDetachedCms(content: Buffer, signatureDer: Buffer, certificateDer?: Buffer): CmsVerification {
  const fail = (reason: string, signerNoCertificado: string | null = null, signingTime: Date | null = null): CmsVerification => ({
    ok: false,
    signerNoCertificado,
    signingTime,
    reason,
  });
  let message: ReturnType<typeof forge.pkcs7.messageFromAsn1>;
  try {
    if (!Buffer.isBuffer(signatureDer) || signatureDer.length === 0) return fail("el archivo de firma está vacío");
    message = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(toBinary(signatureDer)), true));
  } catch {
    return fail("el archivo de firma no es una firma CMS/PKCS#7 en DER");
  }
  const raw = (message as { rawCapture?: Record<string, unknown>; type?: string }).rawCapture;
  if ((message as { type?: string }).type !== OIDS.signedData || !raw) return fail("la firma CMS no es de tipo SignedData");
  if (raw.content !== undefined) return fail("la firma CMS incluye el contenido; se espera una firma separada (detached)");
  const signerInfos = Array.isArray(raw.signerInfos) ? (raw.signerInfos as ForgeAsn1[]) : [];
  if (signerInfos.length !== 1) return fail(`la firma CMS debe tener exactamente un firmante (tiene ${signerInfos.length})`);
  const signer = parseSignerInfo(signerInfos[0]!);
  if (!signer) return fail("la información del firmante (SignerInfo) está mal formada");

  // The signer's certificate: the one given, or the embedded one with the SignerInfo's serial.
  let certificate: X509Certificate;
  try {
    if (certificateDer) {
      certificate = new X509Certificate(certificateDer);
    } else {
      const embedded = (message as { certificates?: forge.pki.Certificate[] }).certificates ?? [];
      const match = embedded.find((c) => c.serialNumber.toUpperCase().replace(/^0+/, "") === signer.serialHex.replace(/^0+/, ""));
      if (!match) return fail("la firma no incluye el certificado del firmante; indique el certificado (.cer)", satNumber(signer.serialHex));
      certificate = new X509Certificate(fromBinary(forge.asn1.toDer(forge.pki.certificateToAsn1(match)).getBytes()));
    }
  } catch {
    return fail("el certificado del firmante no es un certificado X.509 válido", satNumber(signer.serialHex));
  }
  const signerNoCertificado = satNumber(certificate.serialNumber);
  if (certificate.serialNumber.toUpperCase().replace(/^0+/, "") !== signer.serialHex.replace(/^0+/, "")) {
    return fail(`la firma fue hecha con otro certificado (número de serie ${satNumber(signer.serialHex) ?? signer.serialHex}), no con el certificado ${signerNoCertificado ?? certificate.serialNumber}`, signerNoCertificado);
  }

  const hashName = DIGESTS[signer.digestOid];
  if (!hashName) return fail(`algoritmo de digestión no admitido (${signer.digestOid}); se espera SHA-256`, signerNoCertificado);
  if (signer.signatureOid !== RSA_ENCRYPTION && signer.signatureOid !== SHA256_WITH_RSA) {
    return fail(`algoritmo de firma no admitido (${signer.signatureOid}); se espera RSA`, signerNoCertificado);
  }
  if (!signer.attributes) return fail("la firma no tiene atributos autenticados (messageDigest, signingTime)", signerNoCertificado);

  let attributes: Map<string, ForgeAsn1[]>;
  try {
    attributes = readAttributes(signer.attributes);
  } catch (error) {
    return fail(`atributos autenticados inválidos: ${(error as Error).message}`, signerNoCertificado);
  }
  const signingTime = signingTimeOf(attributes.get(OIDS.signingTime!));
  const contentType = attributes.get(OIDS.contentType!)?.[0];
  if (!contentType || contentType.type !== T.OID || forge.asn1.derToOid(contentType.value as string) !== OIDS.data) {
    return fail("el atributo contentType falta o no es «data»", signerNoCertificado, signingTime);
  }
  const digestValue = attributes.get(OIDS.messageDigest!)?.[0];
  if (!digestValue || digestValue.type !== T.OCTETSTRING || typeof digestValue.value !== "string") {
    return fail("falta el atributo messageDigest", signerNoCertificado, signingTime);
  }
  const expected = createHash(hashName).update(content).digest();
  const declared = fromBinary(digestValue.value);
  if (declared.length !== expected.length || !timingSafeEqual(declared, expected)) {
    return fail("el contenido no corresponde a la firma: el archivo fue modificado después de sellarse (el resumen SHA-256 no coincide)", signerNoCertificado, signingTime);
  }
  // The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4), not the [0] tag.
  const signedAttributes = forge.asn1.create(UNIVERSAL, T.SET, true, signer.attributes);
  const signedBytes = fromBinary(forge.asn1.toDer(signedAttributes).getBytes());
  let valid = false;
  try {
    valid = verifySignature(hashName, signedBytes, certificate.publicKey, signer.signature);
  } catch {
    valid = false;
  }
  if (!valid) return fail("la firma digital no es válida para el certificado indicado", signerNoCertificado, signingTime);
  return { ok: true, signerNoCertificado, signingTime };
}
