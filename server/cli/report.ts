import { writeFileSync } from "node:fs";
import path from "node:path";
import { migrateDatabase, openDatabase, type SqlExecutor } from "../../db/client";
import { loadConfig } from "../config";
import { isCalendarDate } from "../domain/sat-report/file-name";
import { DailyReportError, buildDailyReportFromDatabase, serializeDailyReport } from "../services/sat-reports/daily";
import type { Command } from "./commands";
import { CliFailure, CliUsageError, EXIT_OK } from "./output";

/** Opens the database for one command run; `close` is called when the command ends. */
export type ReportDatabaseOpener = () => Promise<{ db: SqlExecutor; close(): Promise<void> }>;

async function openConfiguredDatabase(): Promise<{ db: SqlExecutor; close(): Promise<void> }> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: path.resolve(config.AFORO_DATA_DIR), applicationName: "aforo-cli" });
  try {
    await migrateDatabase(db, { rawRetentionDays: config.AFORO_RAW_RETENTION_DAYS });
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, close: () => db.close() };
}

const INSTALLATION_KEY = /^[A-Z]{3}(-[A-Z]{3})?-[A-Za-z0-9]{4}$/;

/**
 * `aforo report daily --installation KEY --date YYYY-MM-DD [--out FILE]` (design.md §3,
 * A30-RPT-01): the SAT daily report (Diario JSON, pretty-printed like the golden fixture) of the
 * stored records, validated before it is written (A30-RPT-04). Exit 0 with the JSON on stdout or in
 * FILE; 2 for bad input (missing/invalid options, unknown installation); 1 when the report cannot be
 * made (no daily cut for the date, data it cannot express, or an invalid report — every failing
 * path is listed on stderr, and nothing is written).
 */
export function createReportDailyCommand(open: ReportDatabaseOpener = openConfiguredDatabase): Command {
  return {
    name: "report daily",
    summary: "Genera el reporte diario SAT (JSON, Diario.schema.json) de una instalación y fecha a partir de los registros almacenados",
    usage: "aforo report daily --installation CLAVE --date AAAA-MM-DD [--out ARCHIVO.json]",
    options: { installation: { type: "string" }, date: { type: "string" }, out: { type: "string" } },
    async run(values) {
      const installation = typeof values.installation === "string" ? values.installation.trim() : "";
      const date = typeof values.date === "string" ? values.date.trim() : "";
      const out = typeof values.out === "string" ? values.out : undefined;
      if (!installation) throw new CliUsageError("falta --installation CLAVE (p. ej. EDS-0001)");
      if (!INSTALLATION_KEY.test(installation)) throw new CliUsageError(`--installation ${installation}: clave de instalación inválida (p. ej. EDS-0001)`);
      if (!date) throw new CliUsageError("falta --date AAAA-MM-DD");
      if (!isCalendarDate(date)) throw new CliUsageError(`--date ${date}: se espera una fecha AAAA-MM-DD válida`);
      if (out === "") throw new CliUsageError("--out requiere un nombre de archivo");

      const { db, close } = await open();
      let text: string;
      try {
        const result = await buildDailyReportFromDatabase(db, installation, date);
        text = serializeDailyReport(result.report);
      } catch (error) {
        if (error instanceof DailyReportError) {
          if (error.code === "installation_not_found") throw new CliUsageError(error.message);
          throw new CliFailure(reportFailureText(error));
        }
        throw error;
      } finally {
        await close();
      }
      writeReportOutput(text, out);
      return EXIT_OK;
    },
  };
}

/** A report failure as the CLI says it: every failing path on its own line. */
export function reportFailureText(error: { message: string; errors: readonly { path?: string; message: string; rule?: string }[] }): string {
  const details = error.errors.map((e) => `  ${e.path || "/"}: ${e.message}${e.rule ? ` [${e.rule}]` : ""}`).join("\n");
  return details ? `${error.message}\n${details}` : error.message;
}

/** Writes the report to `--out` (or stdout); an unwritable path is a failure (exit 1). */
export function writeReportOutput(text: string, out: string | undefined): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text, "utf8");
  } catch (error) {
    throw new CliFailure(`no se pudo escribir ${out}: ${(error as Error).message}`);
  }
}

/** The command wired in server/cli/commands.ts (COMMANDS). */
export const reportDailyCommand: Command = createReportDailyCommand();
