import { describe, expect, it } from "vitest";
import { opcuaConnectionSchema, parseOpcuaConnection, redactOpcuaConnection, type OpcuaConnectionInput } from "../../../../../collectors/drivers/opcua/config";
import { SECRET_MASK, SecretString } from "../../../../../collectors/drivers/opcua/secret";
import { encryptSecret } from "../../../../../server/platform/secret-box";

const KEY = "0123456789abcdef".repeat(4);
const WRONG_KEY = "f".repeat(64);
const PASSWORD = "Tanque#Secreto-2026";

const base: OpcuaConnectionInput = {
  kind: "opcua",
  endpointUrl: "opc.tcp://10.0.0.5:4840",
  pkiDir: "/var/lib/aforo/opcua-pki/eds-0001",
  tags: [{ tag: "EDS-0001/TQS-EDS-0001/level_mm", nodeId: "ns=2;s=TQ1.Nivel" }],
};
const encrypted = () => ({ ...base, auth: { kind: "username" as const, username: "operador", password: { encrypted: encryptSecret(PASSWORD, KEY) } } });

describe("OPC UA password encrypted at rest (A30-SEC-16)", () => {
  it("decrypts { encrypted } to the same SecretString as the plain password", () => {
    let calls = 0;
    const result = parseOpcuaConnection(encrypted(), { encryptionKey: () => (calls++, KEY), linkName: "CANAL:OPCUA-EDS-0001" });
    expect(result.ok).toBe(true);
    if (!result.ok || result.config.auth.kind !== "username") throw new Error("se esperaba auth username");
    expect(result.config.auth.password).toBeInstanceOf(SecretString);
    expect(result.config.auth.password.reveal()).toBe(PASSWORD);
    const plain = opcuaConnectionSchema.parse({ ...base, auth: { kind: "username", username: "operador", password: PASSWORD } });
    expect(plain.auth.kind === "username" && plain.auth.password.equals(result.config.auth.password)).toBe(true);
    expect(JSON.stringify(result.config)).not.toContain(PASSWORD);
    expect(calls).toBe(1);
  });

  it("a wrong key is an error naming the link, never a wrong password", () => {
    const result = parseOpcuaConnection(encrypted(), { encryptionKey: () => WRONG_KEY, linkName: "CANAL:OPCUA-EDS-0001" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(/^auth\.password: contraseña cifrada del enlace CANAL:OPCUA-EDS-0001: no se pudo descifrar/);
    expect(result.errors[0]).toContain("AFORO_ENCRYPTION_KEY");
  });

  it("an encrypted password without a key, or a malformed one, is refused", () => {
    const noKey = parseOpcuaConnection(encrypted());
    expect(!noKey.ok && noKey.errors).toEqual(["auth.password: contraseña cifrada: falta la clave AFORO_ENCRYPTION_KEY para descifrarla"]);
    expect(() => opcuaConnectionSchema.parse(encrypted())).toThrow(/falta la clave/);
    const malformed = parseOpcuaConnection({ ...base, auth: { kind: "username", username: "u", password: { encrypted: "aforo:v1:corto" } } }, { encryptionKey: () => KEY });
    expect(malformed.ok).toBe(false);
    const badKey = parseOpcuaConnection(encrypted(), { encryptionKey: () => "no-hex", linkName: "CANAL:X" });
    expect(!badKey.ok && badKey.errors[0]).toContain("64 dígitos hexadecimales");
  });

  it("plain text stays accepted without a key (backward compatible) and redaction masks both forms", () => {
    const plain = parseOpcuaConnection({ ...base, auth: { kind: "username", username: "u", password: PASSWORD } }, { encryptionKey: () => { throw new Error("no debe pedirse la clave"); } });
    expect(plain.ok).toBe(true);
    const redacted = redactOpcuaConnection(encrypted());
    expect(redacted.auth).toEqual({ kind: "username", username: "operador", password: SECRET_MASK });
  });
});
