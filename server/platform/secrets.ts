import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * AUTH_SECRET and AFORO_ENCRYPTION_KEY: taken from the environment when set, otherwise generated
 * once into the data directory (mode 0600) so sessions and encrypted data survive restarts.
 */
export interface Secrets {
  authSecret: string;
  encryptionKeyHex: string;
}

export function resolveSecrets(dataDir: string, env: { authSecret?: string; encryptionKeyHex?: string }): Secrets {
  mkdirSync(dataDir, { recursive: true });
  return {
    authSecret: env.authSecret ?? readOrCreate(path.join(dataDir, "auth-secret"), () => randomBytes(48).toString("base64url")),
    encryptionKeyHex: env.encryptionKeyHex ?? readOrCreate(path.join(dataDir, "encryption-key"), () => randomBytes(32).toString("hex")),
  };
}

function readOrCreate(file: string, create: () => string): string {
  if (existsSync(file)) {
    const value = readFileSync(file, "utf8").trim();
    if (value) return value;
  }
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}
