/**
 * "Generar reporte" (issue #6 items 9–10, 12; A30-RPT-01…03): builds, validates and stores the
 * report as a new version (storeDailyReport / the monthly equivalent), stores its ZIP package
 * beside it, then seals it with the active CSD. Without a usable CSD the report stays stored
 * unsealed and the result carries the warning; it can be sealed later (sealReport).
 *
 * Note: storing the row (its own transaction inside the store function) and storing the package are
 * two steps; a failure in between leaves a row without package, which the list shows and which a
 * regeneration (a new version) replaces.
 */
import { z } from "zod";
import type { Database } from "../../../db/client";
import type { ReportPackage } from "../../domain/sat-report/package";
import { DailyReportError, storeDailyReport, type StoreDailyReportOptions } from "./daily";
import { MonthlyReportError, storeMonthlyReport } from "./monthly";
import { ReportSealError, sealReport, storeReportPackage, type ReportActor } from "./seal";

/** What a store function returns that generation needs (daily and monthly share the row shape). */
export interface StoredReportLike {
  id: number;
  version: number;
  package: ReportPackage;
}

export type ReportStore = (db: Database, installationKey: string, period: string, options: StoreDailyReportOptions) => Promise<StoredReportLike>;

/** The store function per kind (same generated_reports row shape, A30-RPT-01/02). */
const REPORT_STORES: Partial<Record<"daily" | "monthly", ReportStore>> = { daily: storeDailyReport, monthly: storeMonthlyReport };

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ISO_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const INSTALLATION_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;

export const generateReportSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("daily"),
      installationKey: z.string().regex(INSTALLATION_KEY, "Clave de instalación inválida"),
      date: z.string().regex(ISO_DATE, "La fecha del reporte diario debe ser AAAA-MM-DD"),
    })
    .strict(),
  z
    .object({
      kind: z.literal("monthly"),
      installationKey: z.string().regex(INSTALLATION_KEY, "Clave de instalación inválida"),
      month: z.string().regex(ISO_MONTH, "El mes del reporte mensual debe ser AAAA-MM"),
    })
    .strict(),
]);

export type GenerateReportInput = z.infer<typeof generateReportSchema>;

export class GenerateReportError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 422,
    message: string,
    readonly messages: string[] = [],
  ) {
    super(message);
    this.name = "GenerateReportError";
  }
}

export interface GeneratedReport {
  reportId: number;
  version: number;
  fileName: string;
  sha256Json: string;
  sha256Zip: string;
  sealed: boolean;
  noCertificado: string | null;
  isTest: boolean;
  /** Why the report stays unsealed (e.g. no active CSD). */
  warning: string | null;
}

export async function generateReport(db: Database, input: GenerateReportInput, actor: ReportActor, now: Date, keyHex: string): Promise<GeneratedReport> {
  const store = REPORT_STORES[input.kind];
  if (!store) throw new GenerateReportError(400, "El reporte mensual todavía no está disponible en este servidor");
  const period = input.kind === "daily" ? input.date : input.month;
  let stored: StoredReportLike;
  try {
    stored = await store(db, input.installationKey, period, { now, userId: actor.id, username: actor.username });
  } catch (error) {
    if (error instanceof DailyReportError || error instanceof MonthlyReportError) {
      const e = error;
      const status = e.code === "installation_not_found" ? 404 : e.code === "no_cut" ? 409 : e.code === "invalid_month" ? 400 : 422;
      throw new GenerateReportError(status, e.message, (e.errors ?? []).slice(0, 50).map((x) => (x.path ? `${x.path}: ${x.message}` : x.message)));
    }
    throw error;
  }
  await storeReportPackage(db, stored.id, stored.package, now, actor.id);
  const base = {
    reportId: stored.id,
    version: stored.version,
    fileName: stored.package.zipName,
    sha256Json: stored.package.sha256Json,
    sha256Zip: stored.package.sha256Zip,
  };
  try {
    const sealed = await sealReport(db, stored.id, now, keyHex, actor);
    return { ...base, sealed: true, noCertificado: sealed.noCertificado, isTest: sealed.isTest, warning: null };
  } catch (error) {
    if (error instanceof ReportSealError) return { ...base, sealed: false, noCertificado: null, isTest: false, warning: error.message };
    throw error;
  }
}
