/**
 * npm run bench:demo-history — what a fresh demo database's first start costs (issue #6 item 14):
 * the previous full calendar month and the current month to date of simulated plant history
 * (measurements, operation detection, daily cuts, counterparty capture, demo CFDI and dictámenes),
 * with a fixed clock (BENCH_NOW, default 2026-12-07 13:00 Z → 36 days), on the embedded engine
 * (PGlite, the demo default) and on PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL is set.
 * Prints one JSON object per engine.
 */
import { migrateDatabase, openDatabase, type Database } from "../../db/client";
import { seedCatalogs } from "../../db/seed/catalogs";
import { DEMO_SITE } from "../../server/contracts/demo-site";
import { demoHistoryDaysSincePreviousMonth, seedDemoWithHistory } from "../../server/services/demo/index";
import { seedDemoFiscalDocuments } from "../../server/services/demo/fiscal-documents";
import { createScratchPostgres } from "../helpers/test-db";

const NOW = new Date(process.env.BENCH_NOW ?? "2026-12-07T13:00:00Z");

async function measure(engine: string, db: Database): Promise<Record<string, unknown>> {
  await migrateDatabase(db);
  await seedCatalogs(db);
  const days = demoHistoryDaysSincePreviousMonth(DEMO_SITE, NOW);
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const history = await seedDemoWithHistory(db, DEMO_SITE, { now: NOW, days });
  if (!history) throw new Error("a fresh database must get a history");
  const historyMs = Date.now() - started;
  const documentsStarted = Date.now();
  const documents = await seedDemoFiscalDocuments(db, { until: NOW, now: NOW });
  const documentsMs = Date.now() - documentsStarted;
  return {
    engine,
    now: NOW.toISOString(),
    days,
    totalMs: Date.now() - started,
    historyMs,
    documentsMs,
    timing: history.timing,
    stats: history.stats,
    documents,
    rssGrowthMb: Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
  };
}

async function main(): Promise<void> {
  const pglite = await openDatabase();
  try {
    console.log(JSON.stringify(await measure("pglite", pglite)));
  } finally {
    await pglite.close();
  }
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) {
    const scratch = await createScratchPostgres(url, "aforo_bench_hist");
    const db = await openDatabase({ databaseUrl: scratch.url });
    try {
      console.log(JSON.stringify(await measure("postgres", db)));
    } finally {
      await db.close();
      await scratch.drop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
