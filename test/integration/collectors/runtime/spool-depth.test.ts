import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../../db/client";
import { seedCatalogs } from "../../../../db/seed/catalogs";
import { seedDemo } from "../../../../db/seed/demo";
import { parseCollectorFile } from "../../../../collectors/config";
import { startCollectorRuntime, type CollectorRuntime } from "../../../../collectors/runtime";
import { demoModbusCollectorConfig, startModbusSiteServer, type ModbusSiteServer } from "../../../../collectors/simulators/modbus-site-server";
import type { SpoolDepthReport } from "../../../../collectors/status/spool-depth";
import { DEMO_SITE } from "../../../../server/contracts/demo-site";
import { createLogger } from "../../../../server/platform/logger";
import { openTestDatabase, testEngines, type TestDatabase } from "../../../helpers/test-db";

/**
 * A30-DIAG-01 class 2 "buffer depth": the collector reports what its spool holds that the database
 * has not confirmed (records, readings, bytes) and the age of the oldest of it, in
 * `component_status` row `RED:<collectorKey>`, `detail.spool`, where the diagnostics read it.
 * Ingest is made to fail (the batch transactions are refused) while plain queries still work, so
 * the depth can be seen growing from the server side; then ingest comes back and it drains.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`tiempo agotado (${timeoutMs} ms) esperando ${what}`);
    await sleep(100);
  }
}

describe.each(testEngines)("spool depth reported to the server on %s (A30-DIAG-01)", (engine) => {
  let t: TestDatabase;
  let modbus: ModbusSiteServer;
  let runtime: CollectorRuntime;
  let ingestDown = false;
  const dataDir = mkdtempSync(path.join(tmpdir(), "aforo-spool-depth-"));

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedCatalogs(t.db);
    await seedDemo(t.db, DEMO_SITE, { now: new Date(Date.now() - 86_400_000) });
    modbus = await startModbusSiteServer({ site: DEMO_SITE, port: 0 });
    const db: Database = {
      ...t.db,
      transaction: async (fn) => {
        if (ingestDown) throw new Error("la ingesta no responde (prueba)");
        return t.db.transaction(fn);
      },
    };
    const file = parseCollectorFile(
      { collectorKey: "DEPTH-TEST", links: [{ installationKey: "EDS-0001", ...demoModbusCollectorConfig(DEMO_SITE, modbus.port, { intervalMs: 200 }) }], pipeline: { enabled: false } },
      { dataDir },
    );
    runtime = await startCollectorRuntime({ db, file, dataDir, logger: createLogger("silent"), spoolReportMs: 250, maxRetryDelayMs: 300, networkWatchMs: 200 });
  });

  afterAll(async () => {
    await runtime?.stop();
    await modbus?.stop();
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stored = async (): Promise<{ state: string; installation: string | null; spool: SpoolDepthReport } | null> => {
    const [row] = await t.db.query<{ state: string; installation: string | null; detail: { spool: SpoolDepthReport } }>(
      "select s.state, i.key as installation, s.detail from component_status s left join installations i on i.id = s.installation_id where s.component = 'RED:DEPTH-TEST'",
    );
    return row ? { state: row.state, installation: row.installation, spool: row.detail.spool } : null;
  };

  it("while the database takes every batch, the row shows an empty buffer", async () => {
    await waitUntil(async () => (await t.db.query("select 1 from collector_batches where collector_key = 'DEPTH-TEST'")).length > 0, 15_000, "el primer lote");
    await waitUntil(async () => (await stored())?.spool.pendingRecords === 0, 10_000, "un informe con el búfer vacío");
    const row = (await stored())!;
    expect(row).toMatchObject({ state: "unknown", installation: "EDS-0001" });
    expect(row.spool).toMatchObject({ pendingRecords: 0, pendingReadings: 0, oldestPendingAgeS: null, oldestPendingSince: null });
    expect(row.spool.maxBytes).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(row.spool.reportedAt)).toBeLessThan(5_000);
  });

  it("while ingest fails the depth and the oldest pending age grow; once it is back the buffer drains to zero", async () => {
    ingestDown = true;
    const downAt = Date.now();
    await sleep(2500);
    await waitUntil(async () => ((await stored())?.spool.oldestPendingAgeS ?? 0) >= 2, 10_000, "una antigüedad ≥ 2 s");
    const during = (await stored())!.spool;
    expect(during.pendingRecords).toBeGreaterThan(0);
    expect(during.pendingReadings).toBeGreaterThan(during.pendingRecords);
    expect(during.lastSequence).toBeGreaterThan(during.committedSequence);
    // The oldest pending record was appended after ingest stopped (to within one report period).
    expect(Date.parse(during.oldestPendingSince!)).toBeGreaterThanOrEqual(downAt - 600);
    expect(during.oldestPendingAgeS).toBeLessThanOrEqual(Math.ceil((Date.now() - downAt) / 1000) + 1);
    // The diagnostics' own upsert keeps `detail.spool` (it merges detail with ||).
    await t.db.query("update component_status set state = 'ok', detail = detail || '{\"checks\": {}}'::jsonb where component = 'RED:DEPTH-TEST'");

    ingestDown = false;
    await waitUntil(async () => (await stored())?.spool.pendingRecords === 0, 20_000, "el búfer vacío");
    const after = (await stored())!;
    expect(after.state).toBe("ok");
    expect(after.spool).toMatchObject({ pendingReadings: 0, oldestPendingAgeS: null });
    expect(after.spool.committedSequence).toBeGreaterThanOrEqual(during.lastSequence);
  });
});
