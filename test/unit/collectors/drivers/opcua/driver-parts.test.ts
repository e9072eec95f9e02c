import { DataChangeTrigger, DeadbandType, MessageSecurityMode, SecurityPolicy, UserTokenType } from "node-opcua";
import { describe, expect, it } from "vitest";
import { describeAuth, resolveSecurity, userIdentity } from "../../../../../collectors/drivers/opcua/connection";
import { describeOpcuaError } from "../../../../../collectors/drivers/opcua/errors";
import { dataChangeFilter, groupMonitoredItems } from "../../../../../collectors/drivers/opcua/opcua-driver";
import { certificateDer, leafCertificate, normalizeThumbprint } from "../../../../../collectors/drivers/opcua/pki";
import { SecretString } from "../../../../../collectors/drivers/opcua/secret";

describe("monitored items (Part 4 §7.21, §7.22.2)", () => {
  it("groups tags that share sampling interval, queue size and deadband", () => {
    const items = [
      { tag: "a", samplingIntervalMs: 1000, queueSize: 10 },
      { tag: "b", samplingIntervalMs: 1000, queueSize: 10 },
      { tag: "c", samplingIntervalMs: 250, queueSize: 10 },
      { tag: "d", samplingIntervalMs: 1000, queueSize: 10, deadband: { kind: "absolute" as const, value: 1 } },
      { tag: "e", samplingIntervalMs: 1000, queueSize: 10, deadband: { kind: "absolute" as const, value: 1 } },
      { tag: "f", samplingIntervalMs: 1000, queueSize: 10, deadband: { kind: "percent" as const, value: 1 } },
      { tag: "g", samplingIntervalMs: 1000, queueSize: 1 },
    ];
    expect(groupMonitoredItems(items).map((group) => group.map((item) => item.tag))).toEqual([["a", "b"], ["c"], ["d", "e"], ["f"], ["g"]]);
  });

  it("builds a DataChangeFilter for absolute and percent deadbands, none without", () => {
    expect(dataChangeFilter(undefined)).toBeNull();
    const absolute = dataChangeFilter({ kind: "absolute", value: 0.5 });
    expect(absolute?.deadbandType).toBe(DeadbandType.Absolute);
    expect(absolute?.deadbandValue).toBe(0.5);
    expect(absolute?.trigger).toBe(DataChangeTrigger.StatusValue);
    expect(dataChangeFilter({ kind: "percent", value: 2 })?.deadbandType).toBe(DeadbandType.Percent);
  });
});

describe("security and identity (Part 2 §6, Part 4 §7.41)", () => {
  it("maps mode/policy names onto node-opcua's enums", () => {
    expect(resolveSecurity()).toMatchObject({ securityMode: MessageSecurityMode.None, securityPolicy: SecurityPolicy.None, label: "None" });
    expect(resolveSecurity("None", "Basic256Sha256").securityPolicy).toBe(SecurityPolicy.None);
    expect(resolveSecurity("SignAndEncrypt")).toMatchObject({ securityMode: MessageSecurityMode.SignAndEncrypt, securityPolicy: SecurityPolicy.Basic256Sha256 });
    expect(resolveSecurity("Sign", "Aes128_Sha256_RsaOaep")).toMatchObject({
      securityMode: MessageSecurityMode.Sign,
      securityPolicy: SecurityPolicy.Aes128_Sha256_RsaOaep,
      label: "Sign/Aes128_Sha256_RsaOaep",
    });
    expect(() => resolveSecurity("SignAndEncrypt", "None")).toThrow(/requiere una política/);
  });

  it("builds the user identity token, revealing the secret only there", () => {
    expect(userIdentity(undefined)).toEqual({ type: UserTokenType.Anonymous });
    expect(userIdentity({ kind: "anonymous" })).toEqual({ type: UserTokenType.Anonymous });
    expect(userIdentity({ kind: "username", username: "op", password: new SecretString("pw") })).toEqual({
      type: UserTokenType.UserName,
      userName: "op",
      password: "pw",
    });
    expect(describeAuth({ kind: "username", username: "op", password: "pw" })).toBe("usuario op");
  });
});

describe("failure classification (Spanish status text)", () => {
  it.each([
    ["server Certificate verification failed with err BadCertificateUntrusted (0x801a0000)", "certificate-untrusted", /no confiable/],
    ["BadCertificateTimeInvalid", "certificate-invalid", /vencido/],
    ["The connection has been rejected by server: BadSecurityChecksFailed (0x80130000)", "security-rejected", /canal seguro/],
    ["Error: BadUserAccessDenied (0x801f0000)", "access-denied", /usuario o la contraseña \(BadUserAccessDenied\)/],
    ["cannot find endpoint for securityMode=SignAndEncrypt policy = http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256", "endpoint-unavailable", /no ofrece/],
    ["The connection cannot be established with server opc.tcp://x:4840 . connect ECONNREFUSED 127.0.0.1:4840", "unreachable", /inalcanzable/],
    ["createSession: sin respuesta en 10000 ms", "timeout", /no respondió/],
    ["something odd\nsecond line", "other", /^error OPC UA: something odd$/],
  ])("%s → %s", (message, kind, text) => {
    const failure = describeOpcuaError(new Error(message));
    expect(failure.kind).toBe(kind);
    expect(failure.message).toMatch(text);
  });

  it("reads the statusCode of a rejection", () => {
    const error = Object.assign(new Error("rejected"), { statusCode: { toString: () => "BadUserAccessDenied (0x801f0000)" } });
    expect(describeOpcuaError(error).kind).toBe("access-denied");
    expect(describeOpcuaError("plain string").kind).toBe("other");
  });
});

describe("certificate helpers (Part 6 §6.2.3 thumbprints)", () => {
  it("takes the first certificate of a DER chain (short and long length forms)", () => {
    const short = Buffer.from([0x30, 0x03, 1, 2, 3]);
    const long = Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), Buffer.alloc(256, 7)]);
    expect(leafCertificate(Buffer.concat([short, long]))).toEqual(short);
    expect(leafCertificate(Buffer.concat([long, short]))).toEqual(long);
    expect(leafCertificate(Buffer.from([1, 2, 3]))).toEqual(Buffer.from([1, 2, 3]));
  });

  it("reads PEM text or DER bytes and normalises thumbprints", () => {
    const der = Buffer.from([0x30, 0x03, 1, 2, 3]);
    const pem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64")}\n-----END CERTIFICATE-----\n`;
    expect(certificateDer(pem)).toEqual(der);
    expect(certificateDer(Buffer.from(pem))).toEqual(der);
    expect(certificateDer(der)).toEqual(der);
    expect(() => certificateDer("-----BEGIN NOTHING-----")).toThrow(/no contiene un certificado/);
    expect(normalizeThumbprint("AB:CD ef")).toBe("abcdef");
  });
});
