import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Secrets at rest (A30-SEC-16, A30 30.6.2 XIII): AES-256-GCM with the installation key
 * AFORO_ENCRYPTION_KEY (64 hex digits, server/platform/secrets.ts). The text form is versioned so
 * the algorithm can change without breaking stored values:
 *
 *   aforo:v1:<iv base64url, 12 bytes>:<tag base64url, 16 bytes>:<ciphertext base64url>
 *
 * Every encryption draws a fresh random IV (a repeated IV under GCM would leak the key stream).
 * Decryption authenticates before it returns anything: a wrong key, a changed byte, a different
 * AAD or an unknown format all throw SecretBoxError with a Spanish message, never garbage.
 */
export const SECRET_BOX_PREFIX = "aforo:v1:";

/** The whole text form; base64url without padding (12 bytes → 16 chars, 16 bytes → 22 chars). */
export const ENCRYPTED_SECRET_PATTERN = /^aforo:v1:([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/;

const KEY_PATTERN = /^[0-9a-fA-F]{64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type SecretBoxErrorCode = "key" | "format" | "auth";

export class SecretBoxError extends Error {
  constructor(
    readonly code: SecretBoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SecretBoxError";
  }
}

/** Checks and decodes AFORO_ENCRYPTION_KEY: exactly 64 hex digits (32 bytes, AES-256). */
export function parseEncryptionKey(keyHex: string): Buffer {
  if (typeof keyHex !== "string" || !KEY_PATTERN.test(keyHex.trim())) {
    throw new SecretBoxError("key", "clave de cifrado inválida: AFORO_ENCRYPTION_KEY debe tener exactamente 64 dígitos hexadecimales (32 bytes, AES-256)");
  }
  return Buffer.from(keyHex.trim(), "hex");
}

/** True when `text` has the shape of an encrypted secret (says nothing about the key). */
export function isEncryptedSecret(text: unknown): text is string {
  return typeof text === "string" && ENCRYPTED_SECRET_PATTERN.test(text);
}

export function encryptSecret(plain: string | Buffer, keyHex: string, aad?: string | Buffer): string {
  const key = parseEncryptionKey(keyHex);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(toBuffer(aad));
  const ciphertext = Buffer.concat([cipher.update(toBuffer(plain)), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${SECRET_BOX_PREFIX}${iv.toString("base64url")}:${tag.toString("base64url")}:${ciphertext.toString("base64url")}`;
}

export function decryptSecret(text: string, keyHex: string, aad?: string | Buffer): Buffer {
  const key = parseEncryptionKey(keyHex);
  const match = typeof text === "string" ? ENCRYPTED_SECRET_PATTERN.exec(text.trim()) : null;
  if (!match) {
    throw new SecretBoxError("format", "texto cifrado con formato desconocido: se espera aforo:v1:<iv>:<etiqueta>:<datos> (generado por «aforo secrets encrypt»)");
  }
  const iv = canonicalBase64url(match[1]!, IV_BYTES);
  const tag = canonicalBase64url(match[2]!, TAG_BYTES);
  const ciphertext = canonicalBase64url(match[3]!, null);
  try {
    // authTagLength pins the tag at 16 bytes: GCM would otherwise accept a truncated tag.
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (aad !== undefined) decipher.setAAD(toBuffer(aad));
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SecretBoxError("auth", "no se pudo descifrar el secreto: la clave AFORO_ENCRYPTION_KEY no es la que lo cifró o el texto cifrado fue alterado (AES-256-GCM)");
  }
}

/** decryptSecret as UTF-8 text (passwords). */
export function decryptSecretText(text: string, keyHex: string, aad?: string | Buffer): string {
  return decryptSecret(text, keyHex, aad).toString("utf8");
}

function toBuffer(value: string | Buffer): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : value;
}

/**
 * Node decodes base64url leniently (the unused low bits of the last character are ignored), so a
 * changed character could decode to the same bytes; only the canonical encoding is accepted.
 */
function canonicalBase64url(part: string, bytes: number | null): Buffer {
  const decoded = Buffer.from(part, "base64url");
  if ((bytes !== null && decoded.length !== bytes) || decoded.toString("base64url") !== part) {
    throw new SecretBoxError("format", "texto cifrado con formato desconocido: una de sus partes no es base64url válida (¿fue alterado?)");
  }
  return decoded;
}

/**
 * The same AES-256-GCM under AFORO_ENCRYPTION_KEY, for tables that keep the parts in separate
 * bytea columns (csd_certificates: encrypted_private_key / private_key_iv / private_key_tag, and
 * the password's three columns; A30-CSD-04). A fresh 12-byte IV per call; `aad` binds the value to
 * its row and column so a ciphertext copied elsewhere does not open.
 */
export interface SealedSecretParts {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

export function sealSecretParts(plain: string | Buffer, keyHex: string, aad?: string | Buffer): SealedSecretParts {
  const key = parseEncryptionKey(keyHex);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(toBuffer(aad));
  const ciphertext = Buffer.concat([cipher.update(toBuffer(plain)), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

export function openSecretParts(parts: SealedSecretParts, keyHex: string, aad?: string | Buffer): Buffer {
  const key = parseEncryptionKey(keyHex);
  const iv = Buffer.from(parts.iv);
  const tag = Buffer.from(parts.tag);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretBoxError("format", "secreto cifrado con formato desconocido: el IV debe tener 12 bytes y la etiqueta 16 (AES-256-GCM)");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (aad !== undefined) decipher.setAAD(toBuffer(aad));
    return Buffer.concat([decipher.update(Buffer.from(parts.ciphertext)), decipher.final()]);
  } catch {
    throw new SecretBoxError("auth", "no se pudo descifrar el secreto: la clave AFORO_ENCRYPTION_KEY no es la que lo cifró o el texto cifrado fue alterado (AES-256-GCM)");
  }
}
