/** CFDI 3.3 / 4.0 import (A30-CFDI-01…08): safe parsing, data extraction and offline verification. */
export { parseCfdi, paidDocumentUuids, type ParseCfdiOptions } from "./parse";
export { verifyCfdi, NOT_VERIFIED_OFFLINE, TOTALS_TOLERANCE, type VerifyOptions } from "./verify";
export { cfdiCadenaOriginal, tfdCadenaOriginal, normalizeSpace, NS as CFDI_NAMESPACES } from "./cadena";
export { certificateNumber, certificateRfc, loadCertificate, satCertificateMap, verifySha256Signature, type CertificateInput } from "./certificates";
export { checkRfc, duplicateUuidReason, normalizeUuid, GENERIC_RFCS } from "./identifiers";
export { isHydrocarbonClave, KNOWN_COMPLEMENTS } from "./complements";
export { DEFAULT_MAX_BYTES, readXml } from "./safe-xml";
export * from "./types";
