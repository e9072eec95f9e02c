import { describe, expect, it } from "vitest";
import {
  ENCRYPTED_SECRET_PATTERN,
  SecretBoxError,
  decryptSecret,
  decryptSecretText,
  encryptSecret,
  isEncryptedSecret,
  parseEncryptionKey,
} from "../../../../server/platform/secret-box";

const KEY = "0123456789abcdef".repeat(4);
const OTHER_KEY = "fedcba9876543210".repeat(4);

/** Replaces one character of part `index` (0 iv, 1 tag, 2 ciphertext) by a different base64url character. */
function tamper(text: string, index: number, position = 0): string {
  const parts = text.split(":");
  const part = parts[2 + index]!;
  const at = position < 0 ? part.length + position : position;
  const replacement = part[at] === "A" ? "B" : "A";
  parts[2 + index] = `${part.slice(0, at)}${replacement}${part.slice(at + 1)}`;
  return parts.join(":");
}

function errorOf(fn: () => unknown): SecretBoxError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretBoxError);
    return error as SecretBoxError;
  }
  throw new Error("se esperaba un error");
}

describe("secret box: AES-256-GCM secrets at rest (A30-SEC-16)", () => {
  it("round-trips text and bytes in the versioned format", () => {
    const text = encryptSecret("contraseña-del-PLC ñ €", KEY);
    expect(text).toMatch(ENCRYPTED_SECRET_PATTERN);
    expect(text.startsWith("aforo:v1:")).toBe(true);
    expect(isEncryptedSecret(text)).toBe(true);
    expect(decryptSecretText(text, KEY)).toBe("contraseña-del-PLC ñ €");
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    expect(decryptSecret(encryptSecret(bytes, KEY), KEY).equals(bytes)).toBe(true);
    // Upper-case hex is the same key.
    expect(decryptSecretText(encryptSecret("x", KEY.toUpperCase()), KEY)).toBe("x");
    // An empty secret is still authenticated.
    expect(decryptSecretText(encryptSecret("", KEY), KEY)).toBe("");
  });

  it("two encryptions of the same text differ (fresh random IV)", () => {
    const a = encryptSecret("misma", KEY);
    const b = encryptSecret("misma", KEY);
    expect(a).not.toBe(b);
    expect(a.split(":")[2]).not.toBe(b.split(":")[2]);
    expect(decryptSecretText(a, KEY)).toBe(decryptSecretText(b, KEY));
  });

  it("refuses a key that is not exactly 64 hex digits", () => {
    for (const bad of ["", "abc", KEY.slice(0, 63), `${KEY}0`, `${KEY.slice(0, 63)}g`]) {
      const error = errorOf(() => encryptSecret("x", bad));
      expect(error.code).toBe("key");
      expect(error.message).toContain("64 dígitos hexadecimales");
    }
    expect(parseEncryptionKey(KEY)).toHaveLength(32);
  });

  it("refuses the wrong key", () => {
    const error = errorOf(() => decryptSecret(encryptSecret("secreto", KEY), OTHER_KEY));
    expect(error.code).toBe("auth");
    expect(error.message).toMatch(/no es la que lo cifró o el texto cifrado fue alterado/);
  });

  it("refuses a tampered IV, tag or ciphertext", () => {
    const text = encryptSecret("secreto de prueba", KEY);
    for (const index of [0, 1, 2]) {
      for (const position of [0, -1]) {
        const changed = tamper(text, index, position);
        expect(changed).not.toBe(text);
        expect(() => decryptSecret(changed, KEY)).toThrow(SecretBoxError);
      }
    }
    // A truncated tag or ciphertext is refused too.
    const parts = text.split(":");
    expect(() => decryptSecret([...parts.slice(0, 3), parts[3]!.slice(0, 20), parts[4]].join(":"), KEY)).toThrow(SecretBoxError);
    expect(() => decryptSecret([...parts.slice(0, 4), parts[4]!.slice(0, -2)].join(":"), KEY)).toThrow(SecretBoxError);
  });

  it("binds the additional authenticated data", () => {
    const text = encryptSecret("secreto", KEY, "CANAL:OPCUA-EDS-0001");
    expect(decryptSecretText(text, KEY, "CANAL:OPCUA-EDS-0001")).toBe("secreto");
    expect(errorOf(() => decryptSecret(text, KEY, "CANAL:OPCUA-EDS-0002")).code).toBe("auth");
    expect(errorOf(() => decryptSecret(text, KEY)).code).toBe("auth");
    expect(errorOf(() => decryptSecret(encryptSecret("secreto", KEY), KEY, "extra")).code).toBe("auth");
  });

  it("refuses unknown formats with a clear message", () => {
    const text = encryptSecret("secreto", KEY);
    for (const bad of ["secreto", "", text.replace("aforo:v1:", "aforo:v2:"), text.replace(/:/g, "."), `${text}:extra`]) {
      const error = errorOf(() => decryptSecret(bad, KEY));
      expect(error.code).toBe("format");
      expect(error.message).toContain("formato desconocido");
    }
  });
});
