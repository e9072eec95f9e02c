import path from "node:path";
import { migrateDatabase, openDatabase, type SqlExecutor } from "../../db/client";
import { loadConfig } from "../config";
import { isReportMonth } from "../domain/sat-report/monthly-builder";
import { MonthlyReportError, buildMonthlyReportFromDatabase, serializeMonthlyReport } from "../services/sat-reports/monthly";
import type { Command } from "./commands";
import { CliFailure, CliUsageError, EXIT_OK } from "./output";
import { reportFailureText, writeReportOutput, type ReportDatabaseOpener } from "./report";

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
 * `aforo report monthly --installation KEY --month YYYY-MM [--out FILE]` (A30-RPT-02): the SAT
 * monthly report (Mensual JSON, pretty-printed like the golden fixture) of the stored records,
 * validated before it is written (A30-RPT-04). Exit 0 with the JSON on stdout or in FILE (days of
 * the month without a cut are warned on stderr); 2 for bad input (missing/invalid options, unknown
 * installation); 1 when the report cannot be made (no cut in the month or of its last day, data it
 * cannot express, or an invalid report — every failing path is listed on stderr, nothing is
 * written). `now` gives FechaYHoraReporteMes (injected for tests).
 */
export function createReportMonthlyCommand(open: ReportDatabaseOpener = openConfiguredDatabase, now: () => Date = () => new Date()): Command {
  return {
    name: "report monthly",
    summary: "Genera el reporte mensual SAT (JSON, Mensual.schema.json) de una instalación y mes a partir de los registros almacenados",
    usage: "aforo report monthly --installation CLAVE --month AAAA-MM [--out ARCHIVO.json]",
    options: { installation: { type: "string" }, month: { type: "string" }, out: { type: "string" } },
    async run(values) {
      const installation = typeof values.installation === "string" ? values.installation.trim() : "";
      const month = typeof values.month === "string" ? values.month.trim() : "";
      const out = typeof values.out === "string" ? values.out : undefined;
      if (!installation) throw new CliUsageError("falta --installation CLAVE (p. ej. EDS-0001)");
      if (!INSTALLATION_KEY.test(installation)) throw new CliUsageError(`--installation ${installation}: clave de instalación inválida (p. ej. EDS-0001)`);
      if (!month) throw new CliUsageError("falta --month AAAA-MM");
      if (!isReportMonth(month)) throw new CliUsageError(`--month ${month}: se espera un mes AAAA-MM válido`);
      if (out === "") throw new CliUsageError("--out requiere un nombre de archivo");

      const { db, close } = await open();
      let text: string;
      try {
        const result = await buildMonthlyReportFromDatabase(db, installation, month, { now: now() });
        text = serializeMonthlyReport(result.report);
        if (result.missingCutDates.length > 0) {
          process.stderr.write(`aviso: ${result.missingCutDates.length} días de ${month} sin corte diario: ${result.missingCutDates.join(", ")}\n`);
        }
      } catch (error) {
        if (error instanceof MonthlyReportError) {
          if (error.code === "installation_not_found" || error.code === "invalid_month") throw new CliUsageError(error.message);
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

/** The command wired in server/cli/commands.ts (COMMANDS). */
export const reportMonthlyCommand: Command = createReportMonthlyCommand();
