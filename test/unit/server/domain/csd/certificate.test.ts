import { describe, expect, it } from "vitest";
import {
  CertificateReadError,
  holderRfc,
  inspectCertificate,
  noCertificadoFromSerial,
  parseDistinguishedName,
  parseX509Time,
} from "../../../../../server/domain/csd/index";
import { CSD_PAIRS, fixtureBytes, type CsdPairName } from "../../../../helpers/csd-fixtures";

const NOW = new Date("2026-12-01T00:00:00Z");

describe("inspectCertificate: every SAT fixture (A30-CSD-02, issue #6 item 6)", () => {
  const expected: Record<CsdPairName, { rfc: string | null; type: "CSD" | "FIEL"; sat: boolean; test: boolean; validity: string; from: string; to: string }> = {
    ekuCsd: { rfc: "EKU9003173C9", type: "CSD", sat: true, test: true, validity: "valid", from: "2023-05-18T11:43:51.000Z", to: "2027-05-18T11:43:51.000Z" },
    ekuFiel: { rfc: "EKU9003173C9", type: "FIEL", sat: true, test: true, validity: "valid", from: "2023-05-18T04:37:14.000Z", to: "2027-05-17T04:37:14.000Z" },
    cacxCsd: { rfc: "CACX7605101P8", type: "CSD", sat: true, test: true, validity: "valid", from: "2023-05-09T21:37:36.000Z", to: "2027-05-09T21:37:36.000Z" },
    cacxCsd2: { rfc: "CACX7605101P8", type: "CSD", sat: true, test: true, validity: "valid", from: "2023-05-09T21:37:37.000Z", to: "2027-05-09T21:37:37.000Z" },
    cacxExpired: { rfc: "CACX7605101P8", type: "CSD", sat: true, test: true, validity: "expired", from: "2019-06-17T23:25:49.000Z", to: "2023-06-17T23:25:49.000Z" },
    cacxFiel: { rfc: "CACX7605101P8", type: "FIEL", sat: true, test: true, validity: "valid", from: "2023-05-09T18:05:49.000Z", to: "2027-05-08T18:05:49.000Z" },
    nonSat: { rfc: null, type: "CSD", sat: false, test: false, validity: "valid", from: "2025-08-06T05:46:43.000Z", to: "2035-08-04T05:46:43.000Z" },
    aaaCsd: { rfc: "AAA010101AAA", type: "CSD", sat: true, test: true, validity: "expired", from: "2017-05-18T03:54:56.000Z", to: "2021-05-18T03:54:56.000Z" },
    aaaFiel: { rfc: "AAA010101AAA", type: "FIEL", sat: true, test: true, validity: "expired", from: "2017-05-16T23:29:17.000Z", to: "2021-05-15T23:29:17.000Z" },
  };

  it.each(Object.entries(expected))("%s", (name, want) => {
    const fixture = CSD_PAIRS[name as CsdPairName];
    const info = inspectCertificate(fixtureBytes(fixture.cer), NOW);
    expect(info.noCertificado).toBe(fixture.noCertificado);
    expect(info.rfc).toBe(want.rfc);
    expect(info.type).toBe(want.type);
    expect(info.isSatIssuer).toBe(want.sat);
    expect(info.isTest).toBe(want.test);
    expect(info.validity).toBe(want.validity);
    expect(info.validFrom.toISOString()).toBe(want.from);
    expect(info.validTo.toISOString()).toBe(want.to);
    expect(info.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(info.der.equals(fixtureBytes(fixture.cer))).toBe(true);
  });

  it("CSD traits: Key Usage digitalSignature + nonRepudiation only, no EKU, OU = branch", () => {
    const info = inspectCertificate(fixtureBytes(CSD_PAIRS.ekuCsd.cer), NOW);
    expect(info.keyUsage).toEqual(["digitalSignature", "nonRepudiation"]);
    expect(info.extendedKeyUsage).toEqual([]);
    expect(info.organizationalUnit).toBe("Sucursal 1");
    expect(info.subjectName).toBe("ESCUELA KEMPER URGATE SA DE CV");
    expect(info.issuerName).toBe("AC UAT");
    expect(info.issuerOrganization).toBe("SERVICIO DE ADMINISTRACION TRIBUTARIA");
  });

  it("FIEL traits: Key Usage adds dataEncipherment + keyAgreement, EKU emailProtection + clientAuth, no OU", () => {
    const info = inspectCertificate(fixtureBytes(CSD_PAIRS.ekuFiel.cer), NOW);
    expect(info.keyUsage).toEqual(["digitalSignature", "nonRepudiation", "dataEncipherment", "keyAgreement"]);
    expect(info.extendedKeyUsage.sort()).toEqual(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"]);
    expect(info.organizationalUnit).toBeNull();
  });

  it("non_sat_csd: self-signed by «Non SAT Organization», serial not in SAT format", () => {
    const info = inspectCertificate(fixtureBytes(CSD_PAIRS.nonSat.cer), NOW);
    expect(info.selfSigned).toBe(true);
    expect(info.isSatIssuer).toBe(false);
    expect(info.noCertificado).toBeNull();
    expect(info.serialHex).toMatch(/^071F61C6/);
  });

  it("production SAT certificates are SAT-issued and not test; older test CA «A.C. 2 de pruebas(4096)» is test", () => {
    const production = inspectCertificate(fixtureBytes("phpcfdi-credentials/00001000000413053762.cer"), NOW);
    expect(production).toMatchObject({ isSatIssuer: true, isTest: false, rfc: "SMA0112284B2", noCertificado: "00001000000413053762", subjectName: "COMPAÑIA SANTA MARIA SA DE CV", validity: "expired" });
    const sat = inspectCertificate(fixtureBytes("eclipxe13-CfdiUtils/00001000000708361114.cer"), NOW);
    expect(sat).toMatchObject({ isSatIssuer: true, isTest: false, rfc: "SAT970701NN3", type: "CSD", validity: "valid" });
    const oldTest = inspectCertificate(fixtureBytes("eclipxe13-CfdiUtils/20001000000300022779.cer"), NOW);
    expect(oldTest).toMatchObject({ isSatIssuer: true, isTest: true, issuerName: "A.C. 2 de pruebas(4096)", rfc: "SUL010720JN8" });
  });

  it("reads a PEM certificate despite the .cer name (edge case) and returns its DER", () => {
    const pemBytes = fixtureBytes("eclipxe13-CfdiUtils/00001000000301246267.cer");
    expect(pemBytes.toString("latin1").startsWith("-----BEGIN CERTIFICATE-----")).toBe(true);
    const info = inspectCertificate(pemBytes, NOW);
    expect(info).toMatchObject({ rfc: "SOMG790807J57", noCertificado: "00001000000301246267", subjectName: "GIOVANI SOLIS MUÑOZ", isSatIssuer: true, isTest: false });
    expect(info.der[0]).toBe(0x30);
  });

  it("validity at the boundaries", () => {
    const cer = fixtureBytes(CSD_PAIRS.ekuCsd.cer);
    expect(inspectCertificate(cer, new Date("2023-05-18T11:43:50Z")).validity).toBe("not_yet_valid");
    expect(inspectCertificate(cer, new Date("2023-05-18T11:43:51Z")).validity).toBe("valid");
    expect(inspectCertificate(cer, new Date("2027-05-18T11:43:51Z")).validity).toBe("valid");
    expect(inspectCertificate(cer, new Date("2027-05-18T11:43:52Z")).validity).toBe("expired");
  });

  it("throws CertificateReadError for bytes that are not a certificate", () => {
    expect(() => inspectCertificate(Buffer.from("no soy un certificado"), NOW)).toThrow(CertificateReadError);
    expect(() => inspectCertificate(Buffer.alloc(0), NOW)).toThrow(/vacío/);
    expect(() => inspectCertificate(fixtureBytes(CSD_PAIRS.ekuCsd.key), NOW)).toThrow(/X\.509/);
  });
});

describe("helpers", () => {
  it("noCertificadoFromSerial: ASCII digits of the hex serial, exactly 20", () => {
    expect(noCertificadoFromSerial("3330303031303030303030353030303033343136")).toBe("30001000000500003416");
    expect(noCertificadoFromSerial("071F61C6771613389D4F60F3D58FF0E3930F8A10")).toBeNull();
    expect(noCertificadoFromSerial("3330")).toBeNull();
  });

  it("holderRfc: the first RFC of «RFC / RFC-representante»", () => {
    expect(holderRfc("EKU9003173C9 / VADA800927DJ3")).toBe("EKU9003173C9");
    expect(holderRfc("CACX7605101P8")).toBe("CACX7605101P8");
    expect(holderRfc("2.5.4.45")).toBeNull();
    expect(holderRfc(null)).toBeNull();
  });

  it("parseDistinguishedName undoes RFC 2253 escapes", () => {
    expect(parseDistinguishedName("street=Av. Hidalgo 77\\, Col. Guerrero\nserialNumber=\\ / VADA800927HSRSRL05")).toEqual([
      ["street", "Av. Hidalgo 77, Col. Guerrero"],
      ["serialNumber", " / VADA800927HSRSRL05"],
    ]);
  });

  it("parseX509Time reads node:crypto's dates in UTC", () => {
    expect(parseX509Time("May  9 21:37:37 2023 GMT").toISOString()).toBe("2023-05-09T21:37:37.000Z");
    expect(parseX509Time("Dec 26 22:23:47 2018 GMT").toISOString()).toBe("2018-12-26T22:23:47.000Z");
    expect(() => parseX509Time("2023-05-09")).toThrow(CertificateReadError);
  });
});
