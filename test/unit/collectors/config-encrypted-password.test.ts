import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CollectorConfigError, parseCollectorFile } from "../../../collectors/config";
import { encryptSecret } from "../../../server/platform/secret-box";

const KEY = "0123456789abcdef".repeat(4);
const example = () => JSON.parse(readFileSync(path.resolve(__dirname, "../../../collectors/collector.example.json"), "utf8"));

/** The example with its OPC UA link's password encrypted (as `aforo secrets encrypt` prints it). */
function encryptedExample() {
  const file = example();
  file.links[1].auth.password = { encrypted: encryptSecret("cambie-esta-clave", KEY) };
  return file;
}

describe("collector file: OPC UA password encrypted at rest (A30-SEC-16)", () => {
  it("decrypts with the key, once for the whole file, and reports no plain-text password", () => {
    let calls = 0;
    const file = parseCollectorFile(encryptedExample(), { dataDir: "/var/lib/aforo", encryptionKey: () => (calls++, KEY) });
    const link = file.links[1]!;
    expect(link.kind === "opcua" && link.config.auth.kind === "username" && link.config.auth.password.reveal()).toBe("cambie-esta-clave");
    expect(file.plaintextPasswords).toEqual([]);
    expect(calls).toBe(1);
    expect(JSON.stringify(file)).not.toContain("cambie-esta-clave");
  });

  it("a wrong key fails with the link named", () => {
    try {
      parseCollectorFile(encryptedExample(), { dataDir: "/tmp", encryptionKey: () => "e".repeat(64) });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CollectorConfigError);
      const issues = (error as CollectorConfigError).issues;
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^links\.1\.auth\.password: contraseña cifrada del enlace CANAL:OPCUA-EDS-0001: /);
      expect(issues[0]).toContain("AFORO_ENCRYPTION_KEY");
    }
  });

  it("plain text is still accepted, listed for the warning, and never asks for the key", () => {
    const file = parseCollectorFile(example(), { dataDir: "/tmp", encryptionKey: () => { throw new Error("no debe pedirse la clave"); } });
    expect(file.plaintextPasswords).toEqual(["CANAL:OPCUA-EDS-0001"]);
  });
});
