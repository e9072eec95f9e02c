import path from "node:path";
import { loadConfig } from "../config";
import { SecretBoxError, encryptSecret } from "../platform/secret-box";
import { resolveSecrets } from "../platform/secrets";
import type { Command } from "./commands";
import { CliFailure, CliUsageError, EXIT_OK, printJson } from "./output";

/**
 * `aforo secrets encrypt` (A30-SEC-16, secrets at rest): reads a secret from stdin — never from
 * argv, so it stays out of the shell history and the process list — and prints
 * `{"encrypted":"aforo:v1:…"}` (AES-256-GCM, server/platform/secret-box.ts) for the collector
 * file's `"password": { "encrypted": … }`. The key is AFORO_ENCRYPTION_KEY or the one generated
 * into the data directory; the collector must use the same. One trailing newline (echo) is not
 * part of the secret. Exit 2 on empty input.
 */
export const secretsEncryptCommand: Command = {
  name: "secrets encrypt",
  summary: "Cifra un secreto leído de la entrada estándar (AES-256-GCM con AFORO_ENCRYPTION_KEY) para el archivo del colector",
  usage: "printf '%s' 'CONTRASEÑA' | aforo secrets encrypt   (o escríbala y termine con Ctrl-D; nunca como argumento)",
  options: {},
  async run() {
    if (process.stdin.isTTY) process.stderr.write("Escriba el secreto y termine con Ctrl-D:\n");
    const secret = stripOneNewline(await readStdin());
    if (secret.length === 0) throw new CliUsageError("no se recibió ningún secreto por la entrada estándar");
    const config = loadConfig();
    const keyHex = config.AFORO_ENCRYPTION_KEY ?? resolveSecrets(path.resolve(config.AFORO_DATA_DIR), { authSecret: config.AUTH_SECRET }).encryptionKeyHex;
    try {
      printJson({ encrypted: encryptSecret(secret, keyHex) });
    } catch (error) {
      if (error instanceof SecretBoxError) throw new CliFailure(error.message);
      throw error;
    } finally {
      secret.fill(0);
    }
    return EXIT_OK;
  },
};

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Buffer));
  const data = Buffer.concat(chunks);
  for (const chunk of chunks) chunk.fill(0);
  return data;
}

/** `echo secreto |` and a typed line end with "\n" (or "\r\n"): not part of the secret. */
function stripOneNewline(data: Buffer): Buffer {
  let end = data.length;
  if (end > 0 && data[end - 1] === 0x0a) end -= 1;
  if (end > 0 && data[end - 1] === 0x0d && end === data.length - 1) end -= 1;
  return data.subarray(0, end);
}
