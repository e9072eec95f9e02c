import { inspect } from "node:util";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import {
  describeOpcuaConnection,
  opcuaConnectionSchema,
  opcuaDriverOptionsFromConfig,
  parseOpcuaConnection,
  redactOpcuaConnection,
  securityWarning,
  type OpcuaConnectionInput,
} from "../../../../../collectors/drivers/opcua/config";
import { SECRET_MASK, SecretString } from "../../../../../collectors/drivers/opcua/secret";

const PASSWORD = "Tanque#Secreto-2026";

const base: OpcuaConnectionInput = {
  kind: "opcua",
  endpointUrl: "opc.tcp://10.0.0.5:4840",
  pkiDir: "/var/lib/aforo/opcua-pki/eds-0001",
  tags: [{ tag: "EDS-0001/TQS-EDS-0001/level_mm", nodeId: "nsu=urn:aforo:demo-site;s=EDS-0001/TQS-EDS-0001/level_mm" }],
};

const withUser: OpcuaConnectionInput = { ...base, auth: { kind: "username", username: "operador", password: PASSWORD } };

function errorsOf(input: unknown): string[] {
  const result = parseOpcuaConnection(input);
  if (result.ok) throw new Error("expected the configuration to be rejected");
  return result.errors;
}

describe("OPC UA link configuration (A30-MS-13, A30-MS-14)", () => {
  it("defaults to SignAndEncrypt with Basic256Sha256, anonymous, and Part 4 subscription defaults", () => {
    const config = opcuaConnectionSchema.parse(base);
    expect(config.securityMode).toBe("SignAndEncrypt");
    expect(config.securityPolicy).toBe("Basic256Sha256");
    expect(config.auth).toEqual({ kind: "anonymous" });
    expect(config.subscription).toEqual({ publishingIntervalMs: 1000, lifetimeCount: 60, maxKeepAliveCount: 10 });
    expect(securityWarning(config)).toBeNull();
  });

  it("accepts Aes128_Sha256_RsaOaep, Sign, per-tag sampling/queue/deadband", () => {
    const config = opcuaConnectionSchema.parse({
      ...withUser,
      securityMode: "Sign",
      securityPolicy: "Aes128_Sha256_RsaOaep",
      subscription: { publishingIntervalMs: 500 },
      tags: [
        { tag: "a", nodeId: "ns=2;s=Tanque1.Nivel", samplingIntervalMs: 250, queueSize: 5, deadband: { kind: "absolute", value: 0.5 } },
        { tag: "b", nodeId: "ns=2;i=1001", deadband: { kind: "percent", value: 2 } },
        { tag: "c", nodeId: "i=2258" },
      ],
    });
    expect(config.subscription).toEqual({ publishingIntervalMs: 500, lifetimeCount: 60, maxKeepAliveCount: 10 });
    expect(config.tags[0]).toEqual({ tag: "a", nodeId: "ns=2;s=Tanque1.Nivel", samplingIntervalMs: 250, queueSize: 5, deadband: { kind: "absolute", value: 0.5 } });
    expect(securityWarning(config)).toMatch(/firmado pero sin cifrar/);
  });

  it("requires a reason for securityMode None (recorded in the bitácora) and shows the warning", () => {
    expect(errorsOf({ ...base, securityMode: "None" })).toEqual([
      "securityNoneReason: un enlace OPC UA sin seguridad (None) requiere el motivo, que se registra en la bitácora (A30-MS-14)",
    ]);
    expect(errorsOf({ ...base, securityMode: "None", securityNoneReason: "   corto  " })[0]).toMatch(/^securityNoneReason: explique el motivo/);
    const config = opcuaConnectionSchema.parse({ ...base, securityMode: "None", securityNoneReason: "el PLC del sitio no soporta cifrado (S7-1200 v2)" });
    expect(securityWarning(config)).toBe(
      "enlace OPC UA sin firma ni cifrado (securityMode None); motivo registrado: el PLC del sitio no soporta cifrado (S7-1200 v2)",
    );
    expect(opcuaDriverOptionsFromConfig(config).securityPolicy).toBe("None");
    expect(errorsOf({ ...base, securityNoneReason: "no aplica aquí porque cifra" })).toEqual(["securityNoneReason: securityNoneReason solo aplica con securityMode None"]);
  });

  it("lists every bad key, in Spanish", () => {
    const errors = errorsOf({
      kind: "opcua",
      endpointUrl: "http://10.0.0.5",
      securityMode: "Encrypt",
      auth: { kind: "username", username: "", password: "" },
      pkiDir: "",
      subscription: { publishingIntervalMs: 1000, lifetimeCount: 20, maxKeepAliveCount: 10 },
      tags: [
        { tag: "a", nodeId: "Tanque1.Nivel" },
        { tag: "a", nodeId: "ns=2;s=x", deadband: { kind: "percent", value: 150 } },
      ],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        "endpointUrl: debe ser una URL opc.tcp://host:puerto",
        expect.stringMatching(/^securityMode: /),
        "auth.username: indique el usuario",
        "auth.password: la contraseña no puede estar vacía",
        "pkiDir: indique la carpeta PKI del colector",
        "subscription.lifetimeCount: lifetimeCount debe ser al menos 3 × maxKeepAliveCount (OPC UA Parte 4 §5.13.2)",
        expect.stringMatching(/^tags\.0\.nodeId: NodeId inválido/),
        "tags.1.deadband.value: una banda muerta porcentual va de 0 a 100",
      ]),
    );
    expect(errorsOf({ ...base, tags: [base.tags[0], base.tags[0]] })).toEqual(["tags.1.tag: etiqueta repetida: EDS-0001/TQS-EDS-0001/level_mm"]);
    expect(errorsOf({ ...base, tags: [] })).toEqual(["tags: indique al menos una etiqueta"]);
    expect(errorsOf({ ...base, extra: 1 })[0]).toMatch(/extra|reconoc|Unrecognized/i);
  });

  describe("secrets are never written out", () => {
    const config = opcuaConnectionSchema.parse(withUser);

    it("keeps the password as a SecretString that only reveal() opens", () => {
      expect(config.auth.kind).toBe("username");
      if (config.auth.kind !== "username") return;
      expect(config.auth.password).toBeInstanceOf(SecretString);
      expect(config.auth.password.reveal()).toBe(PASSWORD);
      expect(String(config.auth.password)).toBe(SECRET_MASK);
      expect(`${config.auth.password}`).toBe(SECRET_MASK);
      expect(config.auth.password.equals(PASSWORD)).toBe(true);
      expect(config.auth.password.equals("otra")).toBe(false);
      // Re-validating a parsed config keeps the same secret.
      const again = opcuaConnectionSchema.parse(config);
      expect(again.auth.kind === "username" && again.auth.password.reveal()).toBe(PASSWORD);
    });

    it("masks it in JSON, util.inspect, pino logs, the summary and the driver options", () => {
      expect(JSON.stringify(config)).not.toContain(PASSWORD);
      expect(JSON.stringify(config)).toContain(SECRET_MASK);
      expect(inspect(config, { depth: 10 })).not.toContain(PASSWORD);
      expect(describeOpcuaConnection(config)).toBe("opc.tcp://10.0.0.5:4840 · SignAndEncrypt/Basic256Sha256 · usuario operador · 1 etiqueta(s)");

      let logged = "";
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logged += chunk.toString();
          callback();
        },
      });
      const logger = pino({ level: "info" }, sink);
      logger.info({ config, options: opcuaDriverOptionsFromConfig(config, { name: "x" }) }, "enlace configurado");
      expect(logged).toContain("enlace configurado");
      expect(logged).not.toContain(PASSWORD);
      expect(logged).toContain(SECRET_MASK);
    });

    it("redacts the input and the parsed form for the bitácora (old/new values, A30-MS-13)", () => {
      for (const form of [withUser, config]) {
        const redacted = redactOpcuaConnection(form);
        expect(JSON.stringify(redacted)).not.toContain(PASSWORD);
        expect(redacted.auth).toEqual({ kind: "username", username: "operador", password: SECRET_MASK });
      }
      // The input object is not modified.
      expect((withUser.auth as { password: string }).password).toBe(PASSWORD);
      expect(redactOpcuaConnection(base).auth).toBeUndefined();
    });
  });

  it("maps onto the driver options", () => {
    const config = opcuaConnectionSchema.parse({
      ...withUser,
      securityPolicy: "Aes128_Sha256_RsaOaep",
      tags: [{ tag: "a", nodeId: "ns=2;s=x", samplingIntervalMs: 100, deadband: { kind: "absolute", value: 1 } }],
    });
    const options = opcuaDriverOptionsFromConfig(config, { trustOnFirstUse: true, maxBackoffMs: 5000 });
    expect(options).toMatchObject({
      endpointUrl: "opc.tcp://10.0.0.5:4840",
      securityMode: "SignAndEncrypt",
      securityPolicy: "Aes128_Sha256_RsaOaep",
      pkiDir: "/var/lib/aforo/opcua-pki/eds-0001",
      publishingIntervalMs: 1000,
      lifetimeCount: 60,
      maxKeepAliveCount: 10,
      trustOnFirstUse: true,
      maxBackoffMs: 5000,
      tags: [{ tag: "a", nodeId: "ns=2;s=x", samplingIntervalMs: 100, queueSize: undefined, deadband: { kind: "absolute", value: 1 } }],
    });
    expect(options.auth?.kind === "username" && options.auth.password).toBeInstanceOf(SecretString);
  });
});
