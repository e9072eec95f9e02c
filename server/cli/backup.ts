import path from "node:path";
import { migrateDatabase, openDatabase } from "../../db/client";
import { loadConfig } from "../config";
import { BackupFailure, BackupInputError, createBackup, resolveBackupTarget } from "../services/backup/index";
import type { Command } from "./commands";
import { CliFailure, CliUsageError, EXIT_OK, printJson } from "./output";

/**
 * `aforo backup --out ARCHIVO [--force]` (A30-LOG-01 category 1 "respaldos de información",
 * A30-DIAG-01 backup age): PGlite → gzip tarball of the data directory; PostgreSQL → `pg_dump
 * --format=custom`. Records the backup in the bitácora and prints
 * `{"ok":true,"file","bytes","sha256","engine","eventLogId"}`. Exit 2 for a bad target (missing,
 * directory, existing file without --force), 1 when the dump fails (the database is untouched).
 */
export const backupCommand: Command = {
  name: "backup",
  summary: "Respalda toda la base de datos en un archivo y lo registra en la bitácora",
  usage: "aforo backup --out ARCHIVO [--force]   (PGlite: .tar.gz del directorio de datos; PostgreSQL: pg_dump --format=custom)",
  options: { out: { type: "string" }, force: { type: "boolean", default: false } },
  async run(values) {
    const force = values.force === true;
    try {
      // Checked before the database is opened: a bad target costs nothing.
      resolveBackupTarget(typeof values.out === "string" ? values.out : undefined, force);
      const config = loadConfig();
      const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.AFORO_DATA_DIR), applicationName: "aforo-cli" });
      try {
        await migrateDatabase(db, { rawRetentionDays: config.AFORO_RAW_RETENTION_DAYS });
        const result = await createBackup(db, { out: values.out as string, force, databaseUrl: config.DATABASE_URL, username: "sistema" });
        printJson(result);
      } finally {
        await db.close();
      }
      return EXIT_OK;
    } catch (error) {
      if (error instanceof BackupInputError) throw new CliUsageError(error.message);
      if (error instanceof BackupFailure) throw new CliFailure(error.message);
      throw error;
    }
  },
};
