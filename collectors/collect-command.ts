import { readFileSync } from "node:fs";
import path from "node:path";
import { migrateDatabase, openDatabase } from "../db/client";
import { loadConfig } from "../server/config";
import { CliUsageError, EXIT_OK } from "../server/cli/output";
import { createLogger } from "../server/platform/logger";
import { resolveSecrets } from "../server/platform/secrets";

/**
 * `aforo collect --config FILE` (design.md §3), shared by the tsx CLI (`server/cli/commands.ts`)
 * and the bundled collector (`dist/collector.mjs`, built by `npm run build:collector` from
 * collectors/cli.ts): read and validate the collector file, open and migrate the database, start
 * the runtime, stop it cleanly on SIGINT/SIGTERM. Bad input throws CliUsageError (exit 2).
 */
export async function runCollectCommand(values: { config?: string | boolean | undefined }): Promise<number> {
  if (typeof values.config !== "string") throw new CliUsageError("falta --config ARCHIVO.json");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(values.config, "utf8"));
  } catch (error) {
    throw new CliUsageError(`no se pudo leer ${values.config}: ${(error as Error).message}`);
  }
  const config = loadConfig();
  const dataDir = path.resolve(config.AFORO_DATA_DIR);
  // Loaded on demand (a separate chunk in the bundle): the drivers' configs load node-opcua,
  // which prints a warning on stdout at import — not before the answer to a missing --config.
  const { parseCollectorFile, CollectorConfigError } = await import("./config");
  let file;
  try {
    // A30-SEC-16: encrypted OPC UA passwords are opened with AFORO_ENCRYPTION_KEY, or the key the
    // server generated into the data directory (asked for only when the file holds one).
    file = parseCollectorFile(raw, {
      dataDir,
      encryptionKey: () => config.AFORO_ENCRYPTION_KEY ?? resolveSecrets(dataDir, { authSecret: config.AUTH_SECRET, encryptionKeyHex: config.AFORO_ENCRYPTION_KEY }).encryptionKeyHex,
    });
  } catch (error) {
    if (error instanceof CollectorConfigError) throw new CliUsageError(`${values.config}: ${error.message}`);
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL, "aforo-collect");
  for (const link of file.plaintextPasswords ?? []) {
    logger.warn({ link, config: values.config }, `contraseña OPC UA del enlace ${link} en texto plano: cífrela con «aforo secrets encrypt» y escriba "password": { "encrypted": "aforo:v1:…" } (A30-SEC-16)`);
  }
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir, applicationName: "aforo-collector" });
  try {
    await migrateDatabase(db, { rawRetentionDays: config.AFORO_RAW_RETENTION_DAYS });
    const { startCollectorRuntime } = await import("./runtime");
    const collector = await startCollectorRuntime({ db, databaseUrl: config.DATABASE_URL, file, dataDir, logger });
    await waitForSignal();
    await collector.stop();
  } finally {
    await db.close();
  }
  return EXIT_OK;
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}
