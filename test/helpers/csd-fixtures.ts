import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * SAT's public test certificates (test/fixtures/csd, copied from /work/shared/fixtures/csd; see
 * its PASSWORDS.md for sources). Every key's password is 12345678a.
 */
export const CSD_FIXTURES_DIR = path.resolve(import.meta.dirname, "../fixtures/csd");
export const FIXTURE_PASSWORD = "12345678a";

const DUCKY = "duckylabs-SatCredentialsCore";
const PHP = "phpcfdi-credentials";

export const CSD_PAIRS = {
  ekuCsd: { cer: `${DUCKY}/EKU9003173C9/csd_EKU9003173C9.cer`, key: `${DUCKY}/EKU9003173C9/csd_EKU9003173C9.key`, noCertificado: "30001000000500003416" },
  ekuFiel: { cer: `${DUCKY}/EKU9003173C9/fiel_EKU9003173C9.cer`, key: `${DUCKY}/EKU9003173C9/fiel_EKU9003173C9.key`, noCertificado: "30001000000500003415" },
  cacxCsd: { cer: `${DUCKY}/CACX7605101P8/csd_CACX7605101P8.cer`, key: `${DUCKY}/CACX7605101P8/csd_CACX7605101P8.key`, noCertificado: "30001000000500003316" },
  cacxCsd2: { cer: `${DUCKY}/CACX7605101P8/csd_2_CACX7605101P8.cer`, key: `${DUCKY}/CACX7605101P8/csd_2_CACX7605101P8.key`, noCertificado: "30001000000500003317" },
  cacxExpired: { cer: `${DUCKY}/CACX7605101P8/csd_CACX7605101P8_caduco.cer`, key: `${DUCKY}/CACX7605101P8/csd_CACX7605101P8_caduco.key`, noCertificado: "30001000000400002451" },
  cacxFiel: { cer: `${DUCKY}/CACX7605101P8/fiel_CACX7605101P8.cer`, key: `${DUCKY}/CACX7605101P8/fiel_CACX7605101P8.key`, noCertificado: "30001000000500003282" },
  nonSat: { cer: `${DUCKY}/non_sat_csd.cer`, key: `${DUCKY}/non_sat_csd.key`, noCertificado: null },
  aaaCsd: { cer: `${PHP}/CSD01_AAA010101AAA/certificate.cer`, key: `${PHP}/CSD01_AAA010101AAA/private_key.key`, noCertificado: "30001000000300023708" },
  aaaFiel: { cer: `${PHP}/FIEL_AAA010101AAA/certificate.cer`, key: `${PHP}/FIEL_AAA010101AAA/private_key.key`, noCertificado: "30001000000300023685" },
} as const;

export type CsdPairName = keyof typeof CSD_PAIRS;

export function fixtureBytes(relative: string): Buffer {
  return readFileSync(path.join(CSD_FIXTURES_DIR, relative));
}

export function pair(name: CsdPairName): { cer: Buffer; key: Buffer } {
  return { cer: fixtureBytes(CSD_PAIRS[name].cer), key: fixtureBytes(CSD_PAIRS[name].key) };
}

/** DER → PEM text (for openssl -certfile). */
export function certificatePem(der: Buffer): string {
  const body = der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
