import { describe, expect, it } from "vitest";
import { openSecretParts, sealSecretParts, SecretBoxError } from "../../../../server/platform/secret-box";

const KEY = "0123456789abcdef".repeat(4);
const OTHER_KEY = "fedcba9876543210".repeat(4);

describe("sealSecretParts / openSecretParts: AES-256-GCM into separate columns (A30-CSD-04)", () => {
  it("round-trips text and bytes, with a 12-byte IV and a 16-byte tag, without the plaintext in the ciphertext", () => {
    const sealed = sealSecretParts("12345678a", KEY, "aad-1");
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.tag).toHaveLength(16);
    expect(sealed.ciphertext).toHaveLength(9);
    expect(sealed.ciphertext.includes(Buffer.from("12345678a"))).toBe(false);
    expect(openSecretParts(sealed, KEY, "aad-1").toString("utf8")).toBe("12345678a");
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
    expect(openSecretParts(sealSecretParts(bytes, KEY), KEY).equals(bytes)).toBe(true);
  });

  it("draws a fresh IV every time", () => {
    const a = sealSecretParts("x", KEY);
    const b = sealSecretParts("x", KEY);
    expect(a.iv.equals(b.iv)).toBe(false);
  });

  it("a wrong key, a different AAD or a changed byte throws SecretBoxError «auth»", () => {
    const sealed = sealSecretParts("secreto", KEY, "fila-1");
    expect(() => openSecretParts(sealed, OTHER_KEY, "fila-1")).toThrow(SecretBoxError);
    expect(() => openSecretParts(sealed, KEY, "fila-2")).toThrow(/no se pudo descifrar/);
    const altered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    altered.ciphertext[0] = altered.ciphertext[0]! ^ 1;
    expect(() => openSecretParts(altered, KEY, "fila-1")).toThrow(SecretBoxError);
  });

  it("refuses an IV or tag of the wrong size and a malformed key", () => {
    const sealed = sealSecretParts("secreto", KEY);
    expect(() => openSecretParts({ ...sealed, tag: sealed.tag.subarray(0, 12) }, KEY)).toThrow(/etiqueta 16/);
    expect(() => openSecretParts({ ...sealed, iv: Buffer.alloc(16) }, KEY)).toThrow(/IV debe tener 12 bytes/);
    expect(() => sealSecretParts("x", "abc")).toThrow(/64 dígitos hexadecimales/);
  });

  it("opens Uint8Array parts (what PGlite returns for bytea)", () => {
    const sealed = sealSecretParts("secreto", KEY);
    const asArrays = { ciphertext: new Uint8Array(sealed.ciphertext), iv: new Uint8Array(sealed.iv), tag: new Uint8Array(sealed.tag) } as unknown as typeof sealed;
    expect(openSecretParts(asArrays, KEY).toString()).toBe("secreto");
  });
});
