import path from "node:path";
import type { AforoRuntime } from "../../http/runtime";
import { resolveSecrets } from "../../platform/secrets";

/**
 * Pieces of the /api/certificates route and the /certificados page. The server's encryption key
 * (AFORO_ENCRYPTION_KEY) is not on the runtime: it comes from the configuration or, like
 * `aforo secrets encrypt` does, from the key file the server generated in AFORO_DATA_DIR.
 */
export function csdEncryptionKey(runtime: Pick<AforoRuntime, "config" | "authSecret">): string {
  return (
    runtime.config.AFORO_ENCRYPTION_KEY ??
    resolveSecrets(path.resolve(runtime.config.AFORO_DATA_DIR), { authSecret: runtime.authSecret }).encryptionKeyHex
  );
}

/** A30-CSD-06: SAT test certificates are refused in production mode (AFORO_ENV, A30-SEC-12). */
export function refuseTestCertificates(runtime: Pick<AforoRuntime, "config">): boolean {
  return runtime.config.AFORO_ENV === "production";
}
