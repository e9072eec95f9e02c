import path from "node:path";
import { migrateDatabase, openDatabase } from "../../db/client";
import { loadConfig } from "../config";
import { verificationContract } from "../domain/event-log/index";
import { verifyEventLog } from "../services/event-log/verify-integrity";
import type { Command } from "./commands";
import { EXIT_FAILURE, EXIT_OK, printJson } from "./output";

/**
 * `aforo bitacora verify` (design.md §3, A30-LOG-06): walks the bitácora's hash chain and its
 * numbering against the register's counter and prints `{"ok":bool,"entries":N,"firstBad":null|N}`;
 * exit 1 when an entry was altered, inserted or is missing. The reason goes to stderr (the JSON is
 * the contract). Uses DATABASE_URL (PostgreSQL) or the embedded database in AFORO_DATA_DIR. It
 * only reads: raising the alarm is the server's job (daily verification, POST /api/bitacora/verify).
 */
export const bitacoraVerifyCommand: Command = {
  name: "bitacora verify",
  summary: "Verifica la cadena de hashes y la numeración consecutiva de la bitácora",
  usage: "aforo bitacora verify   (usa DATABASE_URL o la base embebida en AFORO_DATA_DIR)",
  options: {},
  async run() {
    const config = loadConfig();
    const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.AFORO_DATA_DIR), applicationName: "aforo-cli" });
    try {
      await migrateDatabase(db, { rawRetentionDays: config.AFORO_RAW_RETENTION_DAYS });
      const result = await verifyEventLog(db);
      printJson(verificationContract(result));
      if (!result.ok) process.stderr.write(`bitácora: entrada ${result.firstBad}: ${result.reason}\n`);
      return result.ok ? EXIT_OK : EXIT_FAILURE;
    } finally {
      await db.close();
    }
  },
};
